import { z } from 'zod';
import { success, UserView } from '../responses';

/** Response bodies of the browser session routes. */
export const SessionResponses = {
  created: success({
    user: UserView,
    csrf_token: z.string().meta({ description: 'Send it as X-CSRF-Token with every POST, PUT, PATCH and DELETE made with the session cookie' }),
    expires_at: z.iso.datetime(),
  }),
  current: success({
    user: UserView,
    session: z
      .object({ csrf_token: z.string(), expires_at: z.iso.datetime() })
      .strict()
      .nullable()
      .meta({ description: 'null when the request came with an API key rather than the session cookie' }),
  }),
  ended: success({ signed_out: z.boolean().meta({ description: 'false when the request carried no session (it came with a key)' }) }),
};
