/**
 * A stand-in for GramJS's TelegramClient: requests go to a scripted `respond` function that
 * answers with real `Api.*` objects or throws real GramJS errors; nothing touches the network.
 * `sendCode` runs GramJS's own implementation on top of the stub's `invoke`.
 */
import { Api, errors, type TelegramClient } from 'telegram';
import { sendCode, type ApiCredentials } from 'telegram/client/auth';
import type { CustomFile } from 'telegram/client/uploads';
import { AuthKey } from 'telegram/crypto/AuthKey';
import type { EntityLike } from 'telegram/define';
import type { EventBuilder } from 'telegram/events/common';
import { returnBigInt } from 'telegram/Helpers';
import { UpdateConnectionState } from 'telegram/network';
import type { StringSession } from 'telegram/sessions';
import type { Dialog } from 'telegram/tl/custom/dialog';
import type { GramClient, GramClientParams } from '../../../../src/platforms/telegram/client';

/** Answers one request: a value, a promise, or a thrown error. */
export type Responder = (request: Api.AnyRequest) => unknown;

/** A recorded request, for assertions. */
export type Recorded = Api.AnyRequest;

export class StubClient implements GramClient {
  connected: boolean | undefined = false;
  readonly requests: Recorded[] = [];
  readonly handlers: Array<[(update: unknown) => void, EventBuilder]> = [];
  /** Results of successive connect() calls; true once exhausted. */
  connectResults: boolean[] = [];
  connectCalls = 0;
  destroyed = false;
  readonly switchedTo: number[] = [];
  readonly uploads: CustomFile[] = [];
  dialogs: Dialog[] = [];
  /** What getInputEntity knows, by marked id (GramJS's in-memory entity cache). */
  readonly knownPeers = new Map<string, Api.TypeInputPeer>();

  constructor(
    public respond: Responder,
    readonly params?: GramClientParams,
  ) {}

  async connect(): Promise<boolean> {
    this.connectCalls += 1;
    const ok = this.connectResults.shift() ?? true;
    this.connected = ok;
    if (ok && this.params) await giveAuthKey(this.params.session);
    if (ok) await this.emit(new UpdateConnectionState(UpdateConnectionState.connected));
    return ok;
  }

  async destroy(): Promise<void> {
    this.destroyed = true;
    this.connected = false;
  }

  async invoke<R extends Api.AnyRequest>(request: R): Promise<R['__response']> {
    this.requests.push(request);
    return (await this.respond(request)) as R['__response'];
  }

  async getDialogs(): Promise<Dialog[]> {
    return this.dialogs;
  }

  async getInputEntity(entity: EntityLike): Promise<Api.TypeInputPeer> {
    const known = this.knownPeers.get(String(entity));
    if (!known) throw new Error(`Could not find the input entity for ${JSON.stringify(String(entity))}`);
    return known;
  }

  async uploadFile(params: { file: CustomFile; workers: number }): Promise<Api.InputFile> {
    this.uploads.push(params.file);
    return new Api.InputFile({ id: returnBigInt(99), parts: 1, name: params.file.name, md5Checksum: '' });
  }

  addEventHandler(callback: (update: unknown) => void, event: EventBuilder): void {
    this.handlers.push([callback, event]);
  }

  removeEventHandler(callback: CallableFunction, event: EventBuilder): void {
    const index = this.handlers.findIndex(([c, e]) => c === callback && e === event);
    if (index >= 0) this.handlers.splice(index, 1);
  }

  sendCode(credentials: ApiCredentials, phoneNumber: string, forceSMS?: boolean) {
    return sendCode(this as unknown as TelegramClient, credentials, phoneNumber, forceSMS);
  }

  async _switchDC(dcId: number): Promise<boolean> {
    this.switchedTo.push(dcId);
    this.params?.session.setDC(dcId, '149.154.167.91', 443);
    await giveAuthKey(this.params?.session);
    return true;
  }

  /**
   * Delivers an update the way GramJS does: through each handler's event builder filter, with
   * the update's users and chats attached as `_entities` keyed by marked id.
   */
  async emit(update: object, entities: Map<string, unknown> = new Map()): Promise<void> {
    Object.assign(update, { _entities: entities });
    for (const [callback, builder] of [...this.handlers]) {
      await builder.resolve(this as unknown as TelegramClient);
      const event = builder.build(update as Api.TypeUpdate);
      if (await builder.filter(event)) callback(event);
    }
  }

  /** Requests of one class, in order. */
  sent<T extends Api.AnyRequest>(type: new (...args: never[]) => T): T[] {
    return this.requests.filter((r): r is T => r instanceof type);
  }
}

/** A factory that builds one StubClient per call, remembering them. */
export function stubFactory(respond: Responder): ((params: GramClientParams) => StubClient) & { clients: StubClient[] } {
  const clients: StubClient[] = [];
  const factory = (params: GramClientParams) => {
    const client = new StubClient(respond, params);
    clients.push(client);
    return client;
  };
  return Object.assign(factory, { clients });
}

/** A Telegram RPC error as GramJS raises it for a request. */
export function rpcError(message: string, request: Api.AnyRequest, code = 400): errors.RPCError {
  return errors.RPCMessageToError(new Api.RpcError({ errorCode: code, errorMessage: message }), request) as errors.RPCError;
}

/** Lets pending promise callbacks and zero-delay timers run. */
export function settle(ms = 0): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function giveAuthKey(session: StringSession | undefined): Promise<void> {
  if (!session || session.authKey?.getKey()) return;
  if (!session.serverAddress) session.setDC(2, '149.154.167.50', 443);
  const key = new AuthKey();
  await key.setKey(Buffer.alloc(256, 7));
  session.setAuthKey(key);
}
