/**
 * The Telegram platform on GramJS: driver, login and the peer cache port the database fills.
 */
export { TelegramDriver, type TelegramDriverOptions } from './telegram-driver';
export { TelegramLogin, normalizePhone, type LoginState, type LoginUser, type TelegramLoginOptions } from './telegram-login';
export { TelegramLogins, type TelegramLoginsOptions } from './telegram-logins';
export { InMemoryPeerCache, cachedPeersFor, toInputPeer, type CachedPeer, type PeerCache } from './peer-cache';
export { USERNAME_TAKEN, isUsernameTaken, toPlatformError } from './errors';
export { randomIdFor } from './random-id';
export { createGramClient, type GramClient, type GramClientFactory, type TelegramLogger } from './client';
