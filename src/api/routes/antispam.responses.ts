import { z } from 'zod';
import { ANTISPAM_ACTIONS } from '../../domain/antispam-config';
import { MODERATION_ACTIONS } from '../../domain/antispam';
import { SPAM_REASONS } from '../../domain/antispam-checks';
import { AntispamOverrideSchema } from '../../domain/antispam-config';
import { success } from '../responses';

const Timestamp = z.iso.datetime();
const Count = z.number().int();

/** The caller's anti-spam config, every setting filled in. */
export const AntispamConfigView = z
  .object({
    flood_limit: Count,
    flood_window_seconds: Count,
    block_links: z.boolean(),
    banned_words: z.array(z.string()),
    max_emojis: Count,
    new_member_checks: z.object({ messages: Count, within_hours: Count }).strict(),
    exempt_users: z.array(z.string()),
    action: z.enum(ANTISPAM_ACTIONS),
    mute_seconds: Count,
    warn_window_hours: Count,
    dry_run: z.boolean(),
    chats: z.record(z.string(), AntispamOverrideSchema.strict()).meta({ description: 'Per-chat overrides, by canonical chat key' }),
  })
  .strict()
  .meta({ id: 'AntispamConfig' });

/** A banned sender. */
export const AntispamBanView = z
  .object({
    user_id: z.string(),
    reason: z.string().nullable(),
    chat_key: z.string().nullable().meta({ description: 'Where the ban was applied, if in one chat' }),
    account_id: z.uuid().nullable().meta({ description: 'The account that applied it, if one did' }),
    created_at: Timestamp,
  })
  .strict()
  .meta({ id: 'AntispamBan' });

const SpamReasonView = z
  .object({ reason: z.enum(SPAM_REASONS), detail: z.string().meta({ description: 'What the check found' }) })
  .strict()
  .meta({ id: 'SpamReason' });

/** Response bodies of the anti-spam routes. */
export const AntispamResponses = {
  config: success({ config: AntispamConfigView }),
  check: success({
    spam: z.boolean(),
    reasons: z.array(SpamReasonView).meta({ description: 'Every check the message fails, in check order' }),
    action: z.enum(MODERATION_ACTIONS).meta({ description: 'What would be done: none when it is not spam; the ladder’s first step for a sender with no offences' }),
    delete_message: z.boolean(),
    mute_until: Timestamp.nullable(),
    banned: z.boolean().meta({ description: 'The sender is on the ban list' }),
    exempt: z.enum(['anonymous_admin', 'linked_channel', 'admin', 'exempt_user']).nullable(),
    dry_run: z.boolean(),
  }),
  bans: success({ banned: z.array(AntispamBanView), count: Count }),
  ban: success({ ban: AntispamBanView, created: z.boolean().meta({ description: 'False when the sender was banned already (the ban is unchanged)' }) }),
  unbanned: success({ deleted: z.string(), ban: AntispamBanView }),
};
