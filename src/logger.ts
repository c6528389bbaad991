import pino, { type Logger } from 'pino';

export type { Logger };

/** The one root logger; areas take `logger.child({ module })`. */
export function createLogger(level: string): Logger {
  return pino({ level, base: { service: 'autohub' } });
}
