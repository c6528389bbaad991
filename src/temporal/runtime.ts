import { DefaultLogger, Runtime, type LogEntry, type LogLevel } from '@temporalio/worker';
import type { Logger } from 'pino';

const LEVELS: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

/**
 * SDK warnings that describe AutoHub working as designed, logged at debug instead. The session
 * queue workers run activities only, by design, and the SDK warns about each of them at start.
 */
const EXPECTED = new Set(['No workflows registered, not polling for workflow tasks']);

/** The level an SDK log entry gets in our logs. */
export function temporalLogLevel(entry: Pick<LogEntry, 'level' | 'message'>): (typeof LEVELS)[LogLevel] {
  return EXPECTED.has(entry.message) ? 'debug' : LEVELS[entry.level];
}

let installed = false;

/** Routes the Temporal SDK's own logs into our logger. Once per process, before any connection. */
export function installTemporalRuntime(logger: Logger): void {
  if (installed) return;
  installed = true;
  const log = logger.child({ module: 'temporal' });
  Runtime.install({
    logger: new DefaultLogger('WARN', (entry) => log[temporalLogLevel(entry)]({ ...entry.meta }, entry.message)),
  });
}
