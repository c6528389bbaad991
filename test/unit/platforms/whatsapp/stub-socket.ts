/**
 * A stand-in for a Baileys socket: Baileys' own event emitter (`makeEventBuffer`), Baileys' own
 * Boom errors, and the same reactions to the calls the driver makes, without any network.
 */
import { Boom } from '@hapi/boom';
import type {
  AnyMessageContent,
  AuthenticationCreds,
  Contact,
  GroupMetadata,
  MiscMessageGenerationOptions,
  WAMessage,
} from '@whiskeysockets/baileys' with { 'resolution-mode': 'import' };
import type { BaileysModule } from '../../../../src/platforms/whatsapp/baileys';
import {
  silentLogger,
  type WhatsAppSocket,
  type WhatsAppSocketFactory,
  type WhatsAppSocketInput,
} from '../../../../src/platforms/whatsapp/socket';
import type { ConnectionTimers } from '../../../../src/platforms/whatsapp/backoff';

/** A call the driver made on the stub. */
export interface StubCall {
  method: string;
  args: unknown[];
}

/** The account the stub logs in as. */
export const ME: Contact = { id: '4915100000001:7@s.whatsapp.net', lid: '98765:7@lid', name: 'Ada' };

/** A socket double; tests drive it with the `emit*`/`pair`/`close` helpers. */
export class StubSocket implements WhatsAppSocket {
  readonly ev;
  user: Contact | undefined;
  readonly calls: StubCall[] = [];
  ended = false;

  groups: Record<string, GroupMetadata> = {};
  /** Digits of numbers that have WhatsApp. */
  registered = new Set<string>();
  about = 'Available';
  photoUrl: string | undefined = undefined;
  sendError: Error | undefined = undefined;
  /** Thrown by groupParticipantsUpdate, as Baileys throws a refused group query. */
  participantsError: Error | undefined = undefined;
  pairingCodeError: Error | undefined = undefined;
  pairingCode = 'ABCD1234';

  constructor(
    private readonly baileys: BaileysModule,
    readonly input: WhatsAppSocketInput,
  ) {
    this.ev = baileys.makeEventBuffer(silentLogger);
    // Baileys' socket merges every creds update into the auth state it was given.
    this.ev.on('creds.update', (update) => Object.assign(input.auth.creds, update));
    this.user = input.auth.creds.me ? { ...input.auth.creds.me } : undefined;
    // Like makeWASocket, announce "connecting" on the next tick, after the caller attached listeners.
    process.nextTick(() => this.ev.emit('connection.update', { connection: 'connecting', qr: undefined }));
  }

  get creds(): AuthenticationCreds {
    return this.input.auth.creds;
  }

  emitQr(qr: string): void {
    this.ev.emit('connection.update', { qr });
  }

  emitOpen(user: Contact = ME): void {
    this.user = user;
    this.ev.emit('creds.update', { me: user });
    this.ev.emit('connection.update', { connection: 'open' });
  }

  /** What Baileys does on pair-success: new creds, `isNewLogin`, then the server's 515. */
  async pair(user: Contact = ME): Promise<void> {
    this.ev.emit('creds.update', {
      me: user,
      account: { details: Buffer.from('device-identity'), accountSignatureKey: Buffer.alloc(32, 1) },
      platform: 'android',
    });
    this.ev.emit('connection.update', { isNewLogin: true, qr: undefined });
    await this.end(new Boom('Stream Errored (restart required)', { statusCode: this.baileys.DisconnectReason.restartRequired }));
  }

  /** The socket closed on its side with `error` (what Baileys' `end` emits). */
  async close(error: Error | undefined): Promise<void> {
    await this.end(error);
  }

  async end(error: Error | undefined): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    this.calls.push({ method: 'end', args: [error] });
    this.ev.emit('connection.update', { connection: 'close', lastDisconnect: { error, date: new Date() } });
  }

  async logout(): Promise<void> {
    this.calls.push({ method: 'logout', args: [] });
    await this.end(new Boom('Intentional Logout', { statusCode: this.baileys.DisconnectReason.loggedOut }));
  }

  async sendMessage(
    jid: string,
    content: AnyMessageContent,
    options?: MiscMessageGenerationOptions,
  ): Promise<WAMessage | undefined> {
    this.calls.push({ method: 'sendMessage', args: [jid, content, options] });
    if (this.sendError) throw this.sendError;
    const text = 'text' in content ? content.text : undefined;
    return {
      key: { remoteJid: jid, fromMe: true, id: options?.messageId ?? 'RANDOM' },
      message: { conversation: text ?? null },
      messageTimestamp: 1_700_000_000,
    };
  }

  async groupFetchAllParticipating(): Promise<Record<string, GroupMetadata>> {
    this.calls.push({ method: 'groupFetchAllParticipating', args: [] });
    return this.groups;
  }

  async groupMetadata(jid: string): Promise<GroupMetadata> {
    this.calls.push({ method: 'groupMetadata', args: [jid] });
    const group = this.groups[jid];
    if (!group) this.baileys.assertNodeErrorFree(iqError(404, 'item-not-found'));
    return group as GroupMetadata;
  }

  /** Removes (or adds) participants as WhatsApp answers: per participant `200`, or `404` for one not in the group. */
  async groupParticipantsUpdate(
    jid: string,
    participants: string[],
    action: 'add' | 'remove' | 'promote' | 'demote' | 'modify',
  ): Promise<{ status: string; jid: string | undefined; content: { tag: string; attrs: Record<string, string> } }[]> {
    this.calls.push({ method: 'groupParticipantsUpdate', args: [jid, participants, action] });
    if (this.participantsError) throw this.participantsError;
    const group = this.groups[jid];
    if (!group) this.baileys.assertNodeErrorFree(iqError(404, 'item-not-found'));
    return participants.map((participant) => {
      const index = group!.participants.findIndex((p) => p.id === participant || p.phoneNumber === participant);
      if (action === 'remove' && index >= 0) group!.participants.splice(index, 1);
      const status = action === 'remove' && index < 0 ? '404' : '200';
      return { status, jid: participant, content: { tag: 'participant', attrs: { jid: participant } } };
    });
  }

  async onWhatsApp(...jids: string[]): Promise<{ jid: string; exists: boolean }[]> {
    this.calls.push({ method: 'onWhatsApp', args: jids });
    // Baileys drops numbers without an account from the answer.
    return jids
      .map((jid) => jid.split('@')[0] ?? '')
      .filter((digits) => this.registered.has(digits))
      .map((digits) => ({ jid: `${digits}@s.whatsapp.net`, exists: true }));
  }

  async requestPairingCode(phoneNumber: string): Promise<string> {
    this.calls.push({ method: 'requestPairingCode', args: [phoneNumber] });
    if (this.pairingCodeError) throw this.pairingCodeError;
    // Baileys records the pending pairing in the creds before asking the server.
    this.ev.emit('creds.update', { pairingCode: this.pairingCode, me: { id: `${phoneNumber}@s.whatsapp.net`, name: '~' } });
    return this.pairingCode;
  }

  async updateProfileName(name: string): Promise<void> {
    this.calls.push({ method: 'updateProfileName', args: [name] });
    if (this.user) this.user = { ...this.user, name };
  }

  async updateProfileStatus(status: string): Promise<void> {
    this.calls.push({ method: 'updateProfileStatus', args: [status] });
    this.about = status;
  }

  async updateProfilePicture(jid: string, content: unknown): Promise<void> {
    this.calls.push({ method: 'updateProfilePicture', args: [jid, content] });
    this.photoUrl = 'https://pps.whatsapp.net/new';
  }

  async removeProfilePicture(jid: string): Promise<void> {
    this.calls.push({ method: 'removeProfilePicture', args: [jid] });
    this.photoUrl = undefined;
  }

  async fetchStatus(...jids: string[]): Promise<{ id: string; [protocol: string]: unknown }[]> {
    this.calls.push({ method: 'fetchStatus', args: jids });
    return jids.map((id) => ({ id, status: { status: this.about, setAt: new Date(0) } }));
  }

  async profilePictureUrl(jid: string): Promise<string | undefined> {
    this.calls.push({ method: 'profilePictureUrl', args: [jid] });
    if (!this.photoUrl) this.baileys.assertNodeErrorFree(iqError(404, 'item-not-found'));
    return this.photoUrl;
  }

  callsOf(method: string): unknown[][] {
    return this.calls.filter((call) => call.method === method).map((call) => call.args);
  }
}

/** An IQ answer carrying `<error code text>`, as WhatsApp sends it. */
export function iqError(code: number, text: string) {
  return {
    tag: 'iq',
    attrs: { type: 'error' },
    content: [{ tag: 'error', attrs: { code: String(code), text } }],
  };
}

/** A socket factory that records every stub socket it made. */
export function stubSocketFactory(baileys: BaileysModule): {
  factory: WhatsAppSocketFactory;
  sockets: StubSocket[];
  last(): StubSocket;
} {
  const sockets: StubSocket[] = [];
  return {
    sockets,
    factory: (input) => {
      const socket = new StubSocket(baileys, input);
      sockets.push(socket);
      return socket;
    },
    last() {
      const socket = sockets.at(-1);
      if (!socket) throw new Error('no socket was opened');
      return socket;
    },
  };
}

/** Timers that only run when the test says so, recording every requested delay. */
export class ManualTimers implements ConnectionTimers {
  readonly delays: number[] = [];
  private readonly pending = new Map<number, () => void>();
  private next = 1;

  setTimeout(callback: () => void, ms: number): unknown {
    const handle = this.next++;
    this.delays.push(ms);
    this.pending.set(handle, callback);
    return handle;
  }

  clearTimeout(handle: unknown): void {
    this.pending.delete(handle as number);
  }

  get size(): number {
    return this.pending.size;
  }

  /** Runs every pending callback. */
  runAll(): void {
    const callbacks = [...this.pending.values()];
    this.pending.clear();
    for (const callback of callbacks) callback();
  }
}

/** Creds JSON of a completed login, as the store would hold it. */
export function pairedCredsJson(baileys: BaileysModule, me: Contact = ME): string {
  const creds = {
    ...baileys.initAuthCreds(),
    me,
    account: { details: Buffer.from('device-identity'), accountSignatureKey: Buffer.alloc(32, 1) },
    registered: true,
  };
  return JSON.stringify(creds, baileys.BufferJSON.replacer);
}

/** Lets pending promise callbacks and next-tick work run. */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Waits, one event-loop turn at a time, until `condition` holds. */
export async function until(condition: () => boolean, turns = 100): Promise<void> {
  for (let turn = 0; turn < turns; turn++) {
    if (condition()) return;
    await settle();
  }
  throw new Error('condition did not hold');
}
