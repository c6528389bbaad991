import { z } from 'zod';
import { MAX_MESSAGE_LENGTH } from '../../domain/limits';
import { SendWindowSchema } from '../../domain/send-window';
import { keptText, trimmedText } from '../schemas/text';

const Step = z
  .object({
    message: keptText(MAX_MESSAGE_LENGTH).optional(),
    template_id: z.string().trim().optional().meta({ description: 'A template of yours instead of message' }),
    delay_minutes: z.number().min(0).max(525_600).meta({ description: 'After the previous step (or the enrollment, for the first); fractions allowed' }),
  })
  .refine((s) => (s.message === undefined) !== (s.template_id === undefined), 'give exactly one of message and template_id');

const Target = z.union([
  trimmedText(200).meta({ description: 'A target key, or a contact id' }),
  z.strictObject({ tag: trimmedText(50) }),
  z.strictObject({ segment: trimmedText(100) }),
]);

const fields = {
  name: trimmedText(200),
  steps: z.array(Step).min(1, 'give at least one step').max(50, 'at most 50 steps'),
  send_window: SendWindowSchema.nullable().optional(),
  stop_on_reply: z.boolean().optional(),
  targets: z.array(Target).max(10_000, 'at most 10000 targets').optional(),
};

/** `POST /api/drip-campaigns`. */
export const CreateDripBody = z.object({ ...fields, account_id: z.string().trim().optional().meta({ description: 'Default: your only account' }) });

/** `PUT /api/drip-campaigns/:id`: any of the fields. */
export const UpdateDripBody = z
  .object({
    name: fields.name.optional(),
    steps: fields.steps.optional(),
    send_window: fields.send_window,
    stop_on_reply: fields.stop_on_reply,
    targets: fields.targets,
  })
  .refine((b) => Object.values(b).some((v) => v !== undefined), 'give at least one of name, steps, send_window, stop_on_reply, targets');
