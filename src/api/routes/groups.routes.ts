import { z } from 'zod';
import { listKnownChats } from '../../db/repos/chats.repo';
import { PLATFORMS } from '../../domain/platform-port';
import type { ApiDeps } from '../context';
import { present } from '../presenters';
import { isId } from '../../domain/ids';
import { ok, route } from '../route';
import { SystemResponses } from './resources.responses';

const GroupsQuery = z.object({
  platform: z.enum(PLATFORMS).optional(),
  account_id: z.string().optional(),
  type: z.enum(['group', 'channel', 'contact']).optional(),
});

/** Chats known to the caller's accounts; every `key` is usable as a broadcast target. */
export function groupRoutes({ db }: ApiDeps) {
  return [
    route({
      method: 'get',
      path: '/api/v1/groups',
      summary: 'Groups, channels and contacts of the caller’s accounts',
      tag: 'Groups',
      operationId: 'listGroups',
      responses: { 200: SystemResponses.groups },
      query: GroupsQuery,
      handler: async ({ query, caller }) => {
        // An account id that is not an id matches nothing, like one that is not the caller's.
        if (query.account_id && !isId(query.account_id)) return ok({ groups: [], count: 0 });
        const chats = await listKnownChats(db, caller.scope, {
          platform: query.platform,
          accountId: query.account_id,
          type: query.type,
        });
        return ok({ groups: chats.map(present.chat), count: chats.length });
      },
    }),
  ];
}
