import { listAccounts } from '../../db/repos/accounts.repo';
import { MAX_MESSAGE_LENGTH, MAX_TARGETS_PER_BROADCAST, SCHEDULE_TYPES } from '../../domain/limits';
import { PLATFORMS } from '../../platforms/types';
import type { ApiDeps } from '../context';
import { MAX_JSON_BODY_BYTES } from '../middleware/body-parsers';
import { present } from '../presenters';
import { ok, route, type RouteDefinition } from '../route';

/** System information and status; `endpoints` lists every mounted route. */
export function systemRoutes({ db, config, version }: ApiDeps, endpoints: () => RouteDefinition[]) {
  return [
    route({
      method: 'get',
      path: '/api/v1/system-info',
      summary: 'Version, platforms, limits, the caller and every endpoint',
      tag: 'System',
      handler: ({ caller }) =>
        ok({
          name: 'AutoHub',
          version,
          platforms: PLATFORMS,
          sandbox: config.sandbox,
          limits: {
            max_targets_per_broadcast: MAX_TARGETS_PER_BROADCAST,
            max_message_length: MAX_MESSAGE_LENGTH,
            max_body_bytes: MAX_JSON_BODY_BYTES,
            schedule_types: SCHEDULE_TYPES,
          },
          user: present.user(caller.user),
          docs_url: `${config.publicUrl}/docs`,
          openapi_url: `${config.publicUrl}/api/openapi.json`,
          temporal_ui_url: config.temporal.uiUrl,
          endpoints: endpoints().map((e) => ({ method: e.method.toUpperCase(), path: e.path, summary: e.summary })),
        }),
    }),
    route({
      method: 'get',
      path: '/api/status',
      summary: 'Connected accounts and active automations of the caller',
      tag: 'System',
      handler: async ({ caller }) => {
        const accounts = await listAccounts(db, caller.scope, { ownOnly: true });
        const running = await db('broadcast_runs as r')
          .join('broadcasts as b', 'b.id', 'r.broadcast_id')
          .where({ 'b.user_id': caller.user.id, 'r.status': 'running' })
          .count<{ count: number }[]>('* as count');
        const totals = await db('broadcasts')
          .where({ user_id: caller.user.id })
          .select(
            db.raw('count(*)::int as total'),
            db.raw("count(*) filter (where enabled and schedule_type <> 'now')::int as scheduled"),
          )
          .first<{ total: number; scheduled: number }>();
        return ok({
          user: present.user(caller.user),
          accounts: {
            total: accounts.length,
            connected: accounts.filter((a) => a.status === 'connected').length,
            by_platform: Object.fromEntries(PLATFORMS.map((p) => [p, accounts.filter((a) => a.platform === p).length])),
          },
          automations: {
            broadcasts: totals.total,
            active_schedules: totals.scheduled,
            running_broadcasts: Number(running[0]?.count ?? 0),
          },
        });
      },
    }),
  ];
}
