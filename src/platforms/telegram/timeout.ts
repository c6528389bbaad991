/**
 * A time bound for GramJS calls, which never give up by themselves while waiting for a
 * connection.
 */
import { PlatformError } from '../../domain/platform-port';

/** Rejects with a `transient` PlatformError if `operation` has not settled within `ms`. */
export function withTimeout<T>(operation: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new PlatformError('transient', `TIMEOUT: ${what} got no answer within ${ms} ms`)), ms);
  });
  return Promise.race([operation, timeout]).finally(() => clearTimeout(timer));
}
