/**
 * The WhatsApp driver on Baileys. Wire {@link WhatsAppDriver} with an {@link AuthStateStore} per
 * account; everything else here is exported for tests and for that store.
 */
export {
  WhatsAppDriver,
  type WhatsAppDriverOptions,
  type WhatsAppLoginMethod,
  type WhatsAppStatusChange,
} from './whatsapp-driver';
export { MemoryInboundMessageStore, type InboundMessageStore } from './message-store';
export { WhatsAppSession } from './whatsapp-session';
export { DEFAULT_BACKOFF, backoffDelay, type BackoffOptions, type ConnectionTimers } from './backoff';
export {
  WhatsAppConnection,
  type StartOptions,
  type WhatsAppConnectionState,
  type WhatsAppConnectionStatus,
} from './whatsapp-connection';
export {
  SIGNAL_KEY_TYPES,
  isPaired,
  makeAuthState,
  type AuthKeyWrite,
  type AuthStateStore,
  type SignalKeyType,
  type WhatsAppAuthState,
} from './auth-state';
export { MemoryAuthStateStore } from './memory-auth-state-store';
export { loadBaileys, type BaileysModule } from './baileys';
export { type WhatsAppLogger, type WhatsAppSocket, type WhatsAppSocketFactory } from './socket';
export { toPlatformError, classifyDisconnect, RATE_LIMIT_RETRY_SECONDS } from './errors';
export { resolveTarget } from './jids';
export { messageIdFor } from './messages';
