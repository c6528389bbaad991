/**
 * Webhook secrets, outbound and inbound alike, in the two forms Standard Webhooks receivers meet:
 * `whsec_<base64>` (the specification's form: the key is the base64 after the prefix) and any
 * other text, whose UTF-8 bytes are the key.
 */
import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { z } from 'zod';

const PREFIX = 'whsec_';

/** A fresh secret in the Standard Webhooks form: `whsec_` and 32 random bytes in base64. */
export function generateWebhookSecret(): string {
  return `${PREFIX}${randomBytes(32).toString('base64')}`;
}

/** True for text that is not `whsec_…`, or is `whsec_` and base64 of 24 to 64 bytes. */
export function isUsableWebhookSecret(secret: string): boolean {
  if (!secret.startsWith(PREFIX)) return true;
  const key = secret.slice(PREFIX.length);
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(key) || key.length % 4 !== 0) return false;
  const bytes = Buffer.from(key, 'base64').length;
  return bytes >= 24 && bytes <= 64;
}

/** A secret as a request gives it. */
export const WebhookSecretSchema = z
  .string()
  .min(1, 'must not be empty')
  .max(500, 'at most 500 characters')
  .refine(isUsableWebhookSecret, 'a whsec_ secret must be base64 of 24 to 64 bytes after its prefix')
  .meta({ description: 'whsec_<base64> (the Standard Webhooks form), or any other text, used as its UTF-8 bytes' });

/** The Standard Webhooks signer and verifier of `secret` (one {@link isUsableWebhookSecret} accepts). */
export function standardWebhookOf(secret: string): Webhook {
  return secret.startsWith(PREFIX) ? new Webhook(secret) : new Webhook(Buffer.from(secret, 'utf8'), { format: 'raw' });
}
