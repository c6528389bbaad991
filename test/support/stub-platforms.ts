/**
 * Telegram's and WhatsApp's side for workers under test: driver factories whose GramJS clients
 * and Baileys sockets are stubs answering like the platforms would, without any network. The
 * drivers, the session pool and the stores above them are the real thing.
 */
import { Api } from 'telegram';
import { isPaired } from '../../src/platforms/whatsapp/auth-state';
import type { BaileysModule } from '../../src/platforms/whatsapp/baileys';
import type { WhatsAppSocketFactory } from '../../src/platforms/whatsapp/socket';
import type { DriverFactories } from '../../src/worker/drivers';
import { user } from '../unit/platforms/telegram/fixtures';
import { stubFactory, type Responder, type StubClient } from '../unit/platforms/telegram/stub-client';
import { ME, StubSocket } from '../unit/platforms/whatsapp/stub-socket';

/** The Telegram user every stubbed Telegram session belongs to. */
export const TELEGRAM_ME = user(5001, { username: 'alice', firstName: 'Alice', phone: '15550001111', self: true });
/** The WhatsApp user every stubbed socket logs in as. */
export const WHATSAPP_ME = ME;

/** The stub platforms' state, for tests to script and inspect. */
export interface StubPlatforms {
  factories: DriverFactories;
  /** Telegram's side: answers every request of every stub client (the connect check aside). */
  telegram: { respond: Responder; clients: StubClient[] };
  /** WhatsApp's side: the groups each new socket reports, and every socket opened. */
  whatsapp: { groups: StubSocket['groups']; sockets: StubSocket[] };
}

/**
 * Stub platforms that behave like a phone that is around: a Telegram session answers its connect
 * check as {@link TELEGRAM_ME}; a WhatsApp socket with a saved login opens at once, one without
 * shows a QR code. Everything else Telegram is asked goes to `telegram.respond`, which refuses
 * until a test scripts it.
 */
export function stubPlatforms(baileys: BaileysModule): StubPlatforms {
  const telegram = {
    respond: ((request) => {
      throw new Error(`no Telegram answer scripted for ${request.className}`);
    }) as Responder,
    clients: [] as StubClient[],
  };
  const telegramClient = stubFactory((request) => {
    if (request instanceof Api.users.GetUsers && request.id[0] instanceof Api.InputUserSelf) return [TELEGRAM_ME];
    return telegram.respond(request);
  });
  telegram.clients = telegramClient.clients;

  const whatsapp = { groups: {} as StubSocket['groups'], sockets: [] as StubSocket[] };
  const whatsappSocket: WhatsAppSocketFactory = (input) => {
    const socket = new StubSocket(baileys, input);
    whatsapp.sockets.push(socket);
    socket.groups = whatsapp.groups;
    // After the stub's own "connecting" (next tick), like WhatsApp answering the new socket.
    setImmediate(() => {
      if (socket.ended) return;
      if (isPaired(input.auth.creds)) socket.emitOpen(WHATSAPP_ME);
      else socket.emitQr(`2@qr-${whatsapp.sockets.length}`);
    });
    return socket;
  };
  return { factories: { telegramClient, whatsappSocket }, telegram, whatsapp };
}
