import type { StoredWelcomeConfig } from '../../db/repos/welcome.repo';
import { MEMBER_TEXT_VARIABLES } from '../../domain/member-text';
import { deleteOwnWelcomeConfig, listOwnWelcomeConfigs, setWelcomeConfig } from '../../services/welcome-messages';
import type { ApiDeps } from '../context';
import { ok, route } from '../route';
import { WelcomeResponses } from './welcome-messages.responses';
import { SetWelcomeConfigBody } from './welcome-messages.schemas';

const variables = Object.keys(MEMBER_TEXT_VARIABLES)
  .map((v) => `{{${v}}}`)
  .join(', ');

/** Welcome and goodbye configs per chat key or `_default`, greeted with by the inbound pipeline. */
export function welcomeMessageRoutes({ db }: ApiDeps) {
  return [
    route({
      method: 'get',
      path: '/api/welcome-messages',
      summary: "The caller's welcome and goodbye configs, one per group (_default included when set)",
      tag: 'Welcome messages',
      operationId: 'listWelcomeMessages',
      responses: { 200: WelcomeResponses.list },
      handler: async ({ caller }) => {
        const configs = await listOwnWelcomeConfigs(db, caller.scope);
        return ok({ configs: configs.map(presentConfig), count: configs.length });
      },
    }),
    route({
      method: 'post',
      path: '/api/welcome-messages',
      summary: `Set the welcome and goodbye config of a group (a chat key, or _default), replacing the one there was: 201 when created, 200 when replaced; the texts may use ${variables}`,
      tag: 'Welcome messages',
      operationId: 'setWelcomeMessage',
      responses: { 200: WelcomeResponses.set, 201: WelcomeResponses.set },
      body: SetWelcomeConfigBody,
      handler: async ({ body, caller }) => {
        const { config, created } = await setWelcomeConfig(db, caller.scope, body);
        return ok({ config: presentConfig(config), created }, created ? 201 : 200);
      },
    }),
    route({
      method: 'delete',
      path: '/api/welcome-messages/:group_id',
      summary: 'Delete the welcome and goodbye config of a group (any spelling of its chat key, or _default)',
      tag: 'Welcome messages',
      operationId: 'deleteWelcomeMessage',
      responses: { 200: WelcomeResponses.deleted },
      handler: async ({ params, caller }) => ok({ deleted: await deleteOwnWelcomeConfig(db, caller.scope, params.group_id ?? '') }),
    }),
  ];
}

function presentConfig(c: StoredWelcomeConfig) {
  return {
    group_id: c.group_id,
    welcome_text: c.welcome_text,
    goodbye_text: c.goodbye_text,
    welcome_enabled: c.welcome_enabled,
    goodbye_enabled: c.goodbye_enabled,
    delete_previous: c.delete_previous,
    burst_joins: c.burst_joins,
    burst_window_seconds: c.burst_window_seconds,
    created_at: c.createdAt.toISOString(),
    updated_at: c.updatedAt.toISOString(),
  };
}
