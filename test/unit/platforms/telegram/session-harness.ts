/**
 * Connects a real TelegramDriver to a stubbed client, answering `users.getUsers([self])` for
 * the connect check and handing everything else to the test's responder.
 */
import { Api } from 'telegram';
import { AuthKey } from 'telegram/crypto/AuthKey';
import { StringSession } from 'telegram/sessions';
import { InMemoryPeerCache, type PeerCache } from '../../../../src/platforms/telegram/peer-cache';
import { TelegramDriver, type TelegramDriverOptions } from '../../../../src/platforms/telegram/telegram-driver';
import type { PlatformSession, SessionAccount } from '../../../../src/domain/platform-port';
import { user } from './fixtures';
import { stubFactory, type Responder, type StubClient } from './stub-client';

export const credentials = { apiId: 12345, apiHash: '0123456789abcdef0123456789abcdef' };
export const me = user(5001, { username: 'alice_bot_owner', firstName: 'Alice', phone: '15550001111', self: true });

/** A real StringSession string, as a finished login stores it. */
export async function storedSession(): Promise<string> {
  const session = new StringSession('');
  session.setDC(2, '149.154.167.50', 443);
  const key = new AuthKey();
  await key.setKey(Buffer.alloc(256, 3));
  session.setAuthKey(key);
  return session.save();
}

export interface Harness {
  session: PlatformSession;
  client: StubClient;
  cache: PeerCache;
  driver: TelegramDriver;
  factory: ReturnType<typeof stubFactory>;
}

/** A connected session whose client answers with `respond`. */
export async function connectSession(
  respond: Responder,
  options: Partial<Omit<TelegramDriverOptions, 'clientFactory'>> = {},
): Promise<Harness> {
  const factory = stubFactory((request) => {
    if (request instanceof Api.users.GetUsers && request.id.length === 1 && request.id[0] instanceof Api.InputUserSelf) {
      return [me];
    }
    return respond(request);
  });
  const cache = options.peerCache ?? new InMemoryPeerCache();
  const driver = new TelegramDriver({ ...credentials, requestTimeoutMs: 500, ...options, peerCache: cache, clientFactory: factory });
  const account: SessionAccount = { id: 'acc-1', platform: 'telegram', phone: '+15550001111', sessionSecret: await storedSession() };
  const session = await driver.connect(account);
  const client = factory.clients.at(-1);
  if (!client) throw new Error('the driver built no client');
  return { session, client, cache, driver, factory };
}

/** Fails a test that reaches a request it did not script. */
export function unexpected(request: Api.AnyRequest): never {
  throw new Error(`unexpected request ${request.className}`);
}
