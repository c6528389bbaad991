import { MAX_MESSAGE_LENGTH, MAX_TARGETS_PER_BROADCAST, SCHEDULE_TYPES } from '../../domain/limits';
import { PLATFORMS } from '../../domain/platform-port';
import { userStatus } from '../../services/system';
import type { ApiDeps } from '../context';
import { MAX_JSON_BODY_BYTES } from '../middleware/body-parsers';
import { present } from '../presenters';
import { ok, route, type RouteDefinition } from '../route';
import { SystemResponses } from './resources.responses';

/** System information and status; `endpoints` lists every mounted route. */
export function systemRoutes({ db, config, version }: ApiDeps, endpoints: () => RouteDefinition[]) {
  return [
    route({
      method: 'get',
      path: '/api/v1/system-info',
      summary: 'Version, platforms, limits, the caller and every endpoint',
      tag: 'System',
      operationId: 'getSystemInfo',
      responses: { 200: SystemResponses.systemInfo },
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
      operationId: 'getStatus',
      responses: { 200: SystemResponses.status },
      handler: async ({ caller }) => {
        const { accounts, automations } = await userStatus(db, caller.scope);
        return ok({
          user: present.user(caller.user),
          accounts: { total: accounts.total, connected: accounts.connected, by_platform: accounts.byPlatform },
          automations: {
            broadcasts: automations.broadcasts,
            active_schedules: automations.activeSchedules,
            running_broadcasts: automations.runningBroadcasts,
          },
        });
      },
    }),
  ];
}
