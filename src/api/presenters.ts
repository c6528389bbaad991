import type { Account } from '../db/repos/accounts.repo';
import type { ApiKey, User } from '../db/repos/users.repo';
import type { Template } from '../db/repos/templates.repo';
import type { StoredImage } from '../db/repos/images.repo';
import type { KnownChat } from '../db/repos/chats.repo';
import type { AccountLogin } from '../db/repos/sessions.repo';

/** How the API shows its resources: snake_case, ISO dates. */
export const present = {
  user: (u: User) => ({ id: u.id, name: u.name, role: u.role, created_at: u.createdAt.toISOString() }),

  apiKey: (k: ApiKey) => ({
    id: k.id,
    prefix: k.prefix,
    created_at: k.createdAt.toISOString(),
    last_used_at: k.lastUsedAt?.toISOString() ?? null,
    revoked_at: k.revokedAt?.toISOString() ?? null,
    rate_limit_per_minute: k.rateLimitPerMinute,
  }),

  image: (i: StoredImage) => ({
    id: i.id,
    mime_type: i.mimeType,
    size_bytes: i.sizeBytes,
    sha256: i.sha256,
    source_url: i.sourceUrl,
    created_at: i.createdAt.toISOString(),
  }),

  account: (a: Account) => ({
    id: a.id,
    name: a.name,
    phone: a.phone,
    platform: a.platform,
    connected: a.status === 'connected',
    status: a.status,
    sandbox: a.sandbox,
    created_at: a.createdAt.toISOString(),
  }),

  /**
   * An account with its login in progress (or the reason its last one failed): the QR code to
   * scan (`qr`, `qr_png`, and `qr_url` on Telegram), the pairing code, or the 2FA password hint.
   */
  accountWithLogin: (a: Account, l: AccountLogin | undefined) => {
    const fields = {
      login: l?.method,
      qr: l?.qr,
      qr_url: a.platform === 'telegram' ? l?.qr : null,
      qr_png: l?.qrPng,
      pairing_code: l?.pairingCode,
      hint: l?.hint,
      login_error: l?.error,
    };
    const shown = Object.entries(fields).filter(([, value]) => value !== null && value !== undefined);
    return { ...present.account(a), ...Object.fromEntries(shown) };
  },

  /** The legacy "raw" account object of `GET /api/accounts`. */
  rawAccount: (a: Account) => ({
    id: a.id,
    user_id: a.userId,
    name: a.name,
    phone: a.phone,
    platform: a.platform,
    sandbox: a.sandbox,
    status: a.status,
    connected: a.status === 'connected',
    created_at: a.createdAt.toISOString(),
    updated_at: a.updatedAt.toISOString(),
  }),

  template: (t: Template) => ({
    id: t.id,
    name: t.name,
    content: t.content,
    created_at: t.createdAt.toISOString(),
    updated_at: t.updatedAt.toISOString(),
  }),

  chat: (c: KnownChat) => ({
    key: c.key,
    id: c.id,
    title: c.title,
    type: c.type,
    members: c.members,
    username: c.username,
    platform: c.platform,
    account_id: c.accountId,
    last_activity_at: c.lastActivityAt?.toISOString() ?? null,
    scanned_at: c.scannedAt.toISOString(),
  }),
};
