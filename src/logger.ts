import pino, { type Logger } from 'pino';
import pretty from 'pino-pretty';

export type { Logger };

/** How the root logger writes. */
export interface LoggerOptions {
  /** One readable line per event instead of JSON. @default whether stdout is a terminal */
  pretty?: boolean;
  /** Colours in pretty lines. @default whether stdout is a terminal */
  colorize?: boolean;
  /** Where lines go. @default stdout */
  destination?: NodeJS.WritableStream;
}

/**
 * Fields no line may show, wherever a logged object carries them (top level or one level down):
 * keys, secrets, passwords and the request headers that hold keys or sessions. (A login code's
 * field is `code`, which errors use too; no line logs a request body, and the request log shows
 * only a path, method, status and ids.)
 */
export const REDACTED = [
  'api_key',
  '*.api_key',
  'apiKey',
  '*.apiKey',
  'password',
  '*.password',
  'secret',
  '*.secret',
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'req.headers.cookie',
];

/**
 * The one root logger; areas take `logger.child({ module })`. On a terminal it writes one
 * readable line per event; anywhere else (Docker, CI, a pipe, the tests) JSON lines for machines.
 */
export function createLogger(level: string, options: LoggerOptions = {}): Logger {
  const terminal = process.stdout.isTTY === true;
  const settings = { level, base: { service: 'autohub' }, redact: { paths: REDACTED, censor: '[redacted]' } };
  if (!(options.pretty ?? terminal)) {
    return options.destination ? pino(settings, options.destination) : pino(settings);
  }
  // Synchronous, in this thread: a worker-thread transport loses the last lines before an exit.
  const stream = pretty({
    sync: true,
    colorize: options.colorize ?? terminal,
    destination: options.destination ?? 1,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname',
    hideObject: true,
    messageFormat: (log, messageKey, _level, { colors }) => {
      const module = typeof log.module === 'string' ? `${colors.magenta(log.module)} ` : '';
      const fields = prettyFields(log, messageKey);
      return `${module}${oneLine(String(log[messageKey] ?? ''))}${fields ? ` ${colors.gray(fields)}` : ''}`;
    },
  });
  return pino(settings, stream);
}

/** Keys every line shows in its own place, or that only matter to machines. */
const SHOWN_ELSEWHERE = new Set(['time', 'level', 'pid', 'hostname', 'service', 'module']);

/** The event's other fields as `key=value` pairs; errors as their type and message. */
export function prettyFields(log: Record<string, unknown>, messageKey = 'msg'): string {
  return Object.entries(log)
    .filter(([key, value]) => key !== messageKey && !SHOWN_ELSEWHERE.has(key) && value !== undefined)
    .map(([key, value]) => `${key}=${prettyValue(value)}`)
    .join(' ');
}

function prettyValue(value: unknown): string {
  if (typeof value === 'string') return /^[^\s"=]+$/.test(value) ? value : JSON.stringify(value);
  if (isErrorLike(value)) return JSON.stringify(`${value.type ?? 'Error'}: ${value.message}`);
  return JSON.stringify(value) ?? String(value);
}

function isErrorLike(value: unknown): value is { type?: string; message: string } {
  return typeof value === 'object' && value !== null && typeof (value as { message?: unknown }).message === 'string' && 'stack' in value;
}

function oneLine(text: string): string {
  return text.replace(/\r?\n/g, '\\n');
}
