/**
 * The slice of GramJS's `TelegramClient` the driver and the login use, and the factory that
 * builds real clients. Tests hand the driver and the login a factory of stubbed clients instead.
 */
import type { Logger as PinoLogger } from 'pino';
import { Api, Logger, TelegramClient } from 'telegram';
import type { ApiCredentials } from 'telegram/client/auth';
import type { CustomFile } from 'telegram/client/uploads';
import type { EntityLike } from 'telegram/define';
import type { EventBuilder } from 'telegram/events/common';
import { LogLevel } from 'telegram/extensions/Logger';
import type { StringSession } from 'telegram/sessions';
import type { Dialog } from 'telegram/tl/custom/dialog';
import { PlatformError } from '../../domain/platform-port';

/** The logger the Telegram code writes to (pino's, or anything shaped like it). */
export type TelegramLogger = Pick<PinoLogger, 'debug' | 'info' | 'warn' | 'error'>;

/** The `TelegramClient` methods AutoHub relies on; a real client satisfies it. */
export interface GramClient {
  readonly connected: boolean | undefined;
  /** Resolves false, rather than throwing, when every connection attempt failed. */
  connect(): Promise<boolean>;
  /** Closes the client for good; `disconnect()` would leave GramJS's update loop running. */
  destroy(): Promise<void>;
  invoke<R extends Api.AnyRequest>(request: R): Promise<R['__response']>;
  getDialogs(params: { limit?: number }): Promise<Dialog[]>;
  getInputEntity(entity: EntityLike): Promise<Api.TypeInputPeer>;
  uploadFile(params: { file: CustomFile; workers: number }): Promise<Api.InputFile | Api.InputFileBig>;
  addEventHandler(callback: (update: unknown) => void, event: EventBuilder): void;
  removeEventHandler(callback: CallableFunction, event: EventBuilder): void;
  sendCode(credentials: ApiCredentials, phoneNumber: string, forceSMS?: boolean): Promise<{
    phoneCodeHash: string;
    isCodeViaApp: boolean;
  }>;
  /** Moves the client to another data centre (QR login on an account that lives elsewhere). */
  _switchDC(dcId: number): Promise<boolean>;
}

/** What a factory needs to build a client. */
export interface GramClientParams {
  session: StringSession;
  apiId: number;
  apiHash: string;
  /** Flood waits up to this many seconds are slept through inside GramJS; longer ones are thrown. */
  floodSleepThreshold: number;
  logger?: TelegramLogger;
}

/** Builds GramJS clients; the driver and the login take one so tests can inject stubs. */
export type GramClientFactory = (params: GramClientParams) => GramClient;

/** Telegram API credentials as configuration gives them (possibly unset). */
export interface TelegramCredentials {
  apiId: number | undefined;
  apiHash: string | undefined;
}

/**
 * The credentials, checked.
 *
 * @throws PlatformError `invalid` naming what is missing, since nothing can work without them.
 */
export function requireCredentials(credentials: TelegramCredentials): ApiCredentials {
  const { apiId, apiHash } = credentials;
  const missing = [
    ...(apiId === undefined || !Number.isInteger(apiId) || apiId <= 0 ? ['apiId'] : []),
    ...(apiHash === undefined || apiHash.trim() === '' ? ['apiHash'] : []),
  ];
  if (missing.length > 0 || apiId === undefined || apiHash === undefined) {
    throw new PlatformError(
      'invalid',
      `Telegram is not configured: ${missing.join(' and ')} missing (create them at https://my.telegram.org/apps)`,
    );
  }
  return { apiId, apiHash };
}

/** The default {@link GramClientFactory}: a real `TelegramClient`, its logs sent to `logger`. */
export const createGramClient: GramClientFactory = (params) => {
  const client = new TelegramClient(params.session, params.apiId, params.apiHash, {
    floodSleepThreshold: params.floodSleepThreshold,
    connectionRetries: 3,
    baseLogger: new BridgedLogger(params.logger),
  });
  client.onError = async (err: Error) => {
    params.logger?.warn({ err }, 'GramJS background error');
  };
  return client;
};

/** Routes GramJS's own log lines into our logger instead of stdout. */
class BridgedLogger extends Logger {
  constructor(private readonly target: TelegramLogger | undefined) {
    super(LogLevel.INFO);
  }

  /**
   * GramJS prints caught errors with console.error whenever error-level logging is on; they reach
   * us through `onError` instead, so error level reports "off".
   */
  override canSend(level: LogLevel): boolean {
    return level !== LogLevel.ERROR && super.canSend(level);
  }

  override error(message: string): void {
    this.target?.warn({ module: 'gramjs' }, message);
  }

  override log(level: LogLevel, message: string): void {
    if (level === LogLevel.WARN) this.target?.warn({ module: 'gramjs' }, message);
    else this.target?.debug({ module: 'gramjs' }, message);
  }
}
