import { DefaultLogger, Runtime, type LogEntry, type LogLevel } from '@temporalio/worker';
import { createServer, type AddressInfo } from 'node:net';
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

let installed: Promise<void> | undefined;
let metricsUrl: string | undefined;

/**
 * Installs the Temporal SDK's runtime once per process, before any connection: its logs go to our
 * logger, and its own metrics (workflow and activity task latencies, pollers, slots, sticky cache)
 * to a Prometheus exporter on a free loopback port, which `/metrics` appends to AutoHub's (see
 * {@link temporalMetricsText}): operators scrape one endpoint per process.
 */
export function installTemporalRuntime(logger: Logger): Promise<void> {
  installed ??= freeLoopbackPort().then((port) => {
    const log = logger.child({ module: 'temporal' });
    Runtime.install({
      logger: new DefaultLogger('WARN', (entry) => log[temporalLogLevel(entry)]({ ...entry.meta }, entry.message)),
      telemetryOptions: {
        metrics: {
          prometheus: { bindAddress: `127.0.0.1:${port}`, countersTotalSuffix: true, useSecondsForDurations: true, unitSuffix: true },
        },
      },
    });
    metricsUrl = `http://127.0.0.1:${port}/metrics`;
  });
  return installed;
}

/**
 * The SDK's metrics in Prometheus text, empty when the runtime is not installed; a comment line
 * when its exporter does not answer within `timeoutMs`, so a scrape never fails for it.
 */
export async function temporalMetricsText(timeoutMs = 2_000): Promise<string> {
  if (!metricsUrl) return '';
  try {
    const response = await fetch(metricsUrl, { signal: AbortSignal.timeout(timeoutMs) });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    return await response.text();
  } catch (err) {
    return `# the Temporal SDK's metrics did not answer: ${(err as Error).message.replace(/\s+/g, ' ')}\n`;
  }
}

/**
 * A loopback port free now. The SDK binds its exporter itself and cannot report a port it chose,
 * so one is picked here; another process taking it in between would fail the install loudly.
 */
function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject).listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
