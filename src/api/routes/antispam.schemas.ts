import { z } from 'zod';
import { AntispamConfigPatchSchema } from '../../domain/antispam-config';
import { MAX_MESSAGE_LENGTH } from '../../domain/limits';
import { keptText, trimmedText } from '../schemas/text';

/**
 * A sender's platform id as a string (`"12345"`, a JID, or an @username); a JSON integer is read
 * as its digits, since Telegram ids are numbers in most clients.
 */
const PlatformUserId = z
  .union([trimmedText(100), z.number().int('must be a whole number').min(-Number.MAX_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER).transform(String)])
  .meta({ description: "The sender's platform id (a Telegram id, a WhatsApp JID) or @username" });

/** A change to the caller's config (see domain/antispam-config); a field it does not know is refused. */
export const UpdateAntispamConfigBody = AntispamConfigPatchSchema.strict();

/** A message to check against the caller's config and ban list. */
export const CheckAntispamBody = z.object({
  user_id: PlatformUserId,
  text: keptText(MAX_MESSAGE_LENGTH),
  chat_key: trimmedText(200).optional().meta({ description: "The chat it would be posted in: that chat's overrides apply" }),
});

/** A sender to ban. */
export const BanUserBody = z.object({
  user_id: PlatformUserId,
  reason: trimmedText(500).optional(),
  chat_key: trimmedText(200).optional().meta({ description: 'The chat the ban was applied in' }),
  account_id: trimmedText(100).optional().meta({ description: 'The account that applied it (its platform reads chat_key)' }),
});
