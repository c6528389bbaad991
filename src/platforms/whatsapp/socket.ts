/**
 * The slice of a Baileys socket the WhatsApp driver uses, and the factory that makes one.
 *
 * Everything above this file talks to a {@link WhatsAppSocket}, never to `makeWASocket` itself, so
 * tests hand in a stub socket that emits Baileys' own events and errors.
 */
import type {
  AuthenticationState,
  BaileysEventEmitter,
  WAMessageKey,
  WAMessageContent,
  WASocket,
  SocketConfig,
} from '@whiskeysockets/baileys' with { 'resolution-mode': 'import' };
import type { BaileysModule } from './baileys';

/** A logger Baileys accepts; a pino logger is one. */
export type WhatsAppLogger = SocketConfig['logger'];

/** The methods and fields of a Baileys socket the driver calls. */
export interface WhatsAppSocket {
  readonly ev: Pick<BaileysEventEmitter, 'on' | 'off'>;
  readonly user: WASocket['user'];
  sendMessage: WASocket['sendMessage'];
  groupFetchAllParticipating: WASocket['groupFetchAllParticipating'];
  groupMetadata: WASocket['groupMetadata'];
  groupParticipantsUpdate: WASocket['groupParticipantsUpdate'];
  onWhatsApp: WASocket['onWhatsApp'];
  requestPairingCode: WASocket['requestPairingCode'];
  updateProfileName: WASocket['updateProfileName'];
  updateProfileStatus: WASocket['updateProfileStatus'];
  updateProfilePicture: WASocket['updateProfilePicture'];
  removeProfilePicture: WASocket['removeProfilePicture'];
  fetchStatus: WASocket['fetchStatus'];
  profilePictureUrl: WASocket['profilePictureUrl'];
  logout: WASocket['logout'];
  end: WASocket['end'];
}

/** What a socket factory gets for one socket. */
export interface WhatsAppSocketInput {
  accountId: string;
  /** The account's auth state; every socket of one login shares it. */
  auth: AuthenticationState;
  logger: WhatsAppLogger;
  baileys: BaileysModule;
  /** Content of a message this account sent, for Baileys to re-encrypt when a recipient asks for a retry. */
  getMessage: (key: WAMessageKey) => Promise<WAMessageContent | undefined>;
}

/** Opens one socket; called again for every reconnect. */
export type WhatsAppSocketFactory = (input: WhatsAppSocketInput) => WhatsAppSocket;

/** The real factory: `makeWASocket` with settings for an unattended linked device. */
export const baileysSocketFactory: WhatsAppSocketFactory = ({ auth, logger, baileys, getMessage }) =>
  baileys.makeWASocket({
    auth,
    logger,
    getMessage,
    // Staying "offline" keeps notifications on the owner's phone, which is the account's real user.
    markOnlineOnConnect: false,
    syncFullHistory: false,
  });

/** A logger that drops everything; Baileys logs at `info` to stdout when given none. */
export const silentLogger: WhatsAppLogger = {
  level: 'silent',
  child: () => silentLogger,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};
