import { z } from 'zod';
import { success } from '../responses';

const Timestamp = z.iso.datetime();

/** A welcome and goodbye config as the API shows it. */
export const WelcomeConfigView = z
  .object({
    group_id: z.string().meta({ description: 'The canonical chat key, or "_default"' }),
    welcome_text: z.string().nullable(),
    goodbye_text: z.string().nullable(),
    welcome_enabled: z.boolean(),
    goodbye_enabled: z.boolean(),
    delete_previous: z.boolean(),
    burst_joins: z.number().int(),
    burst_window_seconds: z.number().int(),
    created_at: Timestamp,
    updated_at: Timestamp,
  })
  .strict()
  .meta({ id: 'WelcomeConfig' });

/** Response bodies of the welcome-message routes. */
export const WelcomeResponses = {
  list: success({ configs: z.array(WelcomeConfigView), count: z.number().int() }),
  set: success({ config: WelcomeConfigView, created: z.boolean().meta({ description: 'True when the group had no config before (201)' }) }),
  deleted: success({ deleted: z.string().meta({ description: 'The canonical group_id whose config was deleted' }) }),
};
