import { z } from 'zod';
import { MAX_MESSAGE_LENGTH, MAX_TARGETS_PER_BROADCAST, SCHEDULE_TYPES } from '../../domain/limits';
import { PLATFORMS } from '../../domain/platform-port';
import { keptText, trimmedText } from '../schemas/text';

/**
 * Target keys as given. Their grammar depends on the account's platform, so their form, their
 * canonical keys and the refusal of two keys naming one chat (`@channel1` and `t.me/channel1`) are
 * checked once the account is known, by the domain's `canonicalTargetKeys`.
 */
const TargetKeys = z
  .array(z.string().trim().min(1, 'a target key must not be empty'))
  .min(1, 'give at least 1 target')
  .max(MAX_TARGETS_PER_BROADCAST, `at most ${MAX_TARGETS_PER_BROADCAST} targets per broadcast`);

const Message = keptText(MAX_MESSAGE_LENGTH);

/** Longest interval of a recurring broadcast: one year. */
export const MAX_INTERVAL_MINUTES = 525_600;

const ResourceId = trimmedText(100);
const Name = trimmedText(200);
const ImageId = ResourceId;
const ImageUrl = trimmedText(8192);
const ImagePath = trimmedText(4096);
const IntervalMinutes = z
  .number()
  .positive('must be a number of minutes > 0')
  .max(MAX_INTERVAL_MINUTES, `at most ${MAX_INTERVAL_MINUTES} minutes (one year)`);
const DailyTime = z.string().max(16, 'must be HH:MM');
const TimeZone = trimmedText(100);

const IMAGE_FIELDS = ['image_id', 'image_url', 'image_path'] as const;

/** Adds an issue when more than one of the image fields is given. */
function atMostOneImage(b: Partial<Record<(typeof IMAGE_FIELDS)[number], unknown>>, ctx: z.RefinementCtx): number {
  const given = IMAGE_FIELDS.filter((f) => b[f] !== undefined && b[f] !== null).length;
  if (given > 1) ctx.addIssue({ code: 'custom', message: 'give at most one of image_id, image_url or image_path' });
  return given;
}

/** The fields of a new broadcast, before the rules that relate them. */
const CreateBroadcastFields = z.object({
  account_id: ResourceId,
  target_keys: TargetKeys,
  message: Message.optional(),
  template_id: ResourceId.optional(),
  schedule_type: z.enum(SCHEDULE_TYPES).default('now'),
  interval_minutes: IntervalMinutes.optional(),
  daily_time: DailyTime.optional(),
  timezone: TimeZone.optional(),
  platform: z.enum(['auto', ...PLATFORMS]).default('auto'),
  name: Name.optional(),
  /** An image of the caller's library (`POST /api/v1/images`), sent with the message as its caption. */
  image_id: ImageId.optional(),
  /** An http(s) URL of a JPEG or PNG, fetched once and added to the caller's library. */
  image_url: ImageUrl.optional(),
  /** A JPEG or PNG inside AUTOHUB_UPLOAD_DIR, added to the caller's library. */
  image_path: ImagePath.optional(),
  enabled: z.boolean().default(true),
  /** Answers what the broadcast would do, sending and storing nothing. */
  dry_run: z.boolean().default(false),
});

/** The rules between a new broadcast's fields: one text (or an image), at most one image. */
function broadcastRules(
  b: { message?: string; template_id?: string } & Partial<Record<(typeof IMAGE_FIELDS)[number], unknown>>,
  ctx: z.RefinementCtx,
): void {
  const images = atMostOneImage(b, ctx);
  const texts = [b.message, b.template_id].filter((t) => t !== undefined).length;
  // With an image the text is its caption, and may be left out.
  if (images === 0 && texts !== 1) ctx.addIssue({ code: 'custom', message: 'give exactly one of message or template_id, or an image' });
  if (images > 0 && texts > 1) ctx.addIssue({ code: 'custom', message: 'give at most one of message or template_id' });
}

/** `POST /api/v1/broadcast`: every rule of the reference's field table and limits. */
export const CreateBroadcastBody = CreateBroadcastFields.superRefine(broadcastRules);

export type CreateBroadcast = z.infer<typeof CreateBroadcastBody>;

/** `POST /api/schedules`: the v1 fields, with the legacy `groups` for `target_keys` (either one). */
export const LegacyScheduleBody = CreateBroadcastFields.extend({
  groups: TargetKeys.optional().meta({ description: 'The legacy name of target_keys' }),
  target_keys: TargetKeys.optional(),
})
  .superRefine((b, ctx) => {
    if (b.groups === undefined && b.target_keys === undefined) ctx.addIssue({ code: 'custom', message: 'groups is required' });
    if (b.groups !== undefined && b.target_keys !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['groups'], message: 'give groups or target_keys, not both' });
    }
    broadcastRules(b, ctx);
  })
  .transform(({ groups, target_keys, ...rest }): CreateBroadcast => ({ ...rest, target_keys: (groups ?? target_keys)! }));

/** `PATCH /api/v1/broadcast/:id`: any of these, with the rules of creation. */
export const PatchBroadcastBody = z
  .object({
    enabled: z.boolean().optional(),
    name: Name.optional(),
    message: Message.optional(),
    template_id: ResourceId.optional(),
    target_keys: TargetKeys.optional(),
    interval_minutes: IntervalMinutes.optional(),
    daily_time: DailyTime.optional(),
    timezone: TimeZone.optional(),
    /** null removes the image. */
    image_id: ImageId.nullable().optional(),
    image_url: ImageUrl.optional(),
    image_path: ImagePath.optional(),
  })
  .refine((b) => Object.values(b).some((v) => v !== undefined), 'give at least one field to change')
  .refine((b) => b.message === undefined || b.template_id === undefined, 'give at most one of message or template_id')
  .superRefine((b, ctx) => void atMostOneImage(b, ctx));

export type PatchBroadcast = z.infer<typeof PatchBroadcastBody>;

export const ListBroadcastsQuery = z.object({
  platform: z.enum(PLATFORMS).optional(),
  enabled: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
});
