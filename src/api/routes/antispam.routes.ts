import type { AntispamBan } from '../../db/repos/antispam.repo';
import {
  banSender,
  changeAntispamConfig,
  checkAntispamMessage,
  getAntispamConfig,
  listOwnAntispamBans,
  unbanSender,
} from '../../services/antispam';
import { NotFoundError } from '../../errors';
import type { ApiDeps } from '../context';
import { ok, route } from '../route';
import { AntispamResponses } from './antispam.responses';
import { BanUserBody, CheckAntispamBody, UpdateAntispamConfigBody } from './antispam.schemas';

/** Anti-spam: the caller's config, a dry check of a message, and the ban list. The inbound pipeline acts on them. */
export function antispamRoutes({ db, outbox, config }: ApiDeps) {
  return [
    route({
      method: 'get',
      path: '/api/antispam/config',
      summary: "The caller's anti-spam config (every default when none was saved)",
      tag: 'Anti-spam',
      operationId: 'getAntispamConfig',
      responses: { 200: AntispamResponses.config },
      handler: async ({ caller }) => ok({ config: await getAntispamConfig(db, caller.scope) }),
    }),
    route({
      method: 'put',
      path: '/api/antispam/config',
      summary: 'Change anti-spam settings (flood_limit, block_links, banned_words, action, …); the fields left out keep their values',
      tag: 'Anti-spam',
      operationId: 'updateAntispamConfig',
      responses: { 200: AntispamResponses.config },
      body: UpdateAntispamConfigBody,
      handler: async ({ body, caller }) => ok({ config: await changeAntispamConfig(db, caller.scope, body) }),
    }),
    route({
      method: 'post',
      path: '/api/antispam/check',
      summary: 'Check a message for spam against the config and the ban list, acting on nothing',
      tag: 'Anti-spam',
      operationId: 'checkAntispam',
      responses: { 200: AntispamResponses.check },
      body: CheckAntispamBody,
      handler: async ({ body, caller }) => {
        const { decision, banned } = await checkAntispamMessage(db, caller.scope, { userId: body.user_id, text: body.text, chatKey: body.chat_key });
        return ok({
          spam: decision.spam,
          reasons: decision.reasons,
          action: decision.action,
          delete_message: decision.deleteMessage,
          mute_until: decision.muteUntil?.toISOString() ?? null,
          banned,
          exempt: decision.exemption,
          dry_run: decision.dryRun,
        });
      },
    }),
    route({
      method: 'get',
      path: '/api/antispam/banned',
      summary: "The caller's banned users",
      tag: 'Anti-spam',
      operationId: 'listAntispamBans',
      responses: { 200: AntispamResponses.bans },
      handler: async ({ caller }) => {
        const bans = await listOwnAntispamBans(db, caller.scope);
        return ok({ banned: bans.map(presentBan), count: bans.length });
      },
    }),
    route({
      method: 'post',
      path: '/api/antispam/banned',
      summary: 'Ban a user: their messages get the configured action; banning a banned user again changes nothing (200)',
      tag: 'Anti-spam',
      operationId: 'banAntispamUser',
      responses: { 201: AntispamResponses.ban, 200: AntispamResponses.ban },
      errors: [404],
      body: BanUserBody,
      handler: async ({ body, caller }) => {
        const { ban, created } = await banSender(db, caller.scope, {
          userId: body.user_id,
          reason: body.reason,
          chatKey: body.chat_key,
          accountId: body.account_id,
        });
        return ok({ ban: presentBan(ban), created }, created ? 201 : 200);
      },
    }),
    route({
      method: 'delete',
      path: '/api/antispam/banned/:user_id',
      summary: 'Unban a user',
      tag: 'Anti-spam',
      operationId: 'unbanAntispamUser',
      responses: { 200: AntispamResponses.unbanned },
      handler: async ({ params, caller }) => {
        const userId = params.user_id?.trim() ?? '';
        if (userId === '' || userId.length > 100) throw new NotFoundError('user is not banned');
        const ban = await unbanSender(db, caller.scope, userId, { namespace: outbox.namespace, sessionShards: config.sessionShards });
        return ok({ deleted: ban.platformUserId, ban: presentBan(ban) });
      },
    }),
  ];
}

function presentBan(b: AntispamBan) {
  return {
    user_id: b.platformUserId,
    reason: b.reason,
    chat_key: b.chatKey,
    account_id: b.accountId,
    created_at: b.createdAt.toISOString(),
  };
}
