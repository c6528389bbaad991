import type { AutoReplyRuleFields, StoredAutoReplyRule } from '../../db/repos/auto-replies.repo';
import { effectiveChatTypes, REPLY_VARIABLES, type AutoReplyMatch } from '../../domain/auto-replies';
import { isCatchAll } from '../../domain/auto-reply-matching';
import {
  changeAutoReplyRule,
  createAutoReplyRule,
  deleteOwnAutoReplyRule,
  listOwnAutoReplyRules,
  tryAutoReplies,
} from '../../services/auto-replies';
import type { ApiDeps } from '../context';
import { idParam, ok, route } from '../route';
import { AutoReplyResponses } from './auto-replies.responses';
import { CreateAutoReplyBody, TestAutoReplyBody, UpdateAutoReplyBody, type UpdateAutoReplyInput } from './auto-replies.schemas';

const variables = Object.keys(REPLY_VARIABLES)
  .map((v) => `{{${v}}}`)
  .join(', ');

/** Keyword auto-reply rules, answered by the inbound pipeline; `/test` tries a message against them. */
export function autoReplyRoutes({ db }: ApiDeps) {
  return [
    route({
      method: 'get',
      path: '/api/auto-replies',
      summary: "The caller's auto-reply rules",
      tag: 'Auto-replies',
      operationId: 'listAutoReplies',
      responses: { 200: AutoReplyResponses.list },
      handler: async ({ caller }) => {
        const rules = await listOwnAutoReplyRules(db, caller.scope);
        return ok({ rules: rules.map(presentRule), count: rules.length });
      },
    }),
    route({
      method: 'post',
      path: '/api/auto-replies',
      summary: `Create an auto-reply rule; the response may use ${variables}`,
      tag: 'Auto-replies',
      operationId: 'createAutoReply',
      responses: { 201: AutoReplyResponses.created },
      errors: [404],
      body: CreateAutoReplyBody,
      idempotent: true,
      handler: async ({ body, caller }) => {
        // The create schema gives every field (defaults for those left out).
        const rule = await createAutoReplyRule(db, caller.scope, ruleFields(body) as AutoReplyRuleFields);
        return ok({ id: rule.id, rule: presentRule(rule) }, 201);
      },
    }),
    route({
      method: 'post',
      path: '/api/auto-replies/test',
      summary: 'Try a message against every rule: the rules that match in priority order, their replies, and the cooldowns that hold them back',
      tag: 'Auto-replies',
      operationId: 'testAutoReplies',
      responses: { 200: AutoReplyResponses.test },
      errors: [404],
      body: TestAutoReplyBody,
      handler: async ({ body, caller }) => {
        const { text, chat_type, account_id, chat_key, chat_title, from } = body;
        const trial = { text, chatType: chat_type, accountId: account_id, chatKey: chat_key, chatTitle: chat_title, from };
        const { matches, send } = await tryAutoReplies(db, caller.scope, trial);
        return ok({
          text,
          matched: matches.length > 0,
          matches: matches.map((m) => presentMatch(m, m === send)),
          count: matches.length,
          reply: send?.reply ?? null,
          rule_id: send?.rule.id ?? null,
        });
      },
    }),
    route({
      method: 'put',
      path: '/api/auto-replies/:rule_id',
      summary: 'Change an auto-reply rule (keyword, response, enabled, match_mode, or any other field)',
      tag: 'Auto-replies',
      operationId: 'updateAutoReply',
      responses: { 200: AutoReplyResponses.one },
      body: UpdateAutoReplyBody,
      handler: async ({ params, body, caller }) => {
        const rule = await changeAutoReplyRule(db, caller.scope, idParam(params, 'rule_id'), ruleFields(body));
        return ok({ rule: presentRule(rule) });
      },
    }),
    route({
      method: 'delete',
      path: '/api/auto-replies/:rule_id',
      summary: 'Delete an auto-reply rule',
      tag: 'Auto-replies',
      operationId: 'deleteAutoReply',
      responses: { 200: AutoReplyResponses.deleted },
      handler: async ({ params, caller }) => ok({ deleted: await deleteOwnAutoReplyRule(db, caller.scope, idParam(params, 'rule_id')) }),
    }),
  ];
}

/** The rule fields a request body gives, by their engine names; those it leaves out stay undefined. */
function ruleFields(body: UpdateAutoReplyInput): Partial<AutoReplyRuleFields> {
  return {
    keyword: body.keyword,
    response: body.response,
    matchMode: body.match_mode,
    caseSensitive: body.case_sensitive,
    accentSensitive: body.accent_sensitive,
    priority: body.priority,
    enabled: body.enabled,
    accountId: body.account_id,
    platform: body.platform,
    chatTypes: body.chat_types,
    allowChats: body.allow_chats,
    denyChats: body.deny_chats,
    replyIn: body.reply_in,
    cooldownSeconds: body.cooldown_seconds,
    chatCooldownSeconds: body.chat_cooldown_seconds,
    accountCooldownSeconds: body.account_cooldown_seconds,
  };
}

function presentRule(r: StoredAutoReplyRule) {
  return {
    id: r.id,
    keyword: r.keyword,
    response: r.response,
    match_mode: r.matchMode,
    case_sensitive: r.caseSensitive,
    accent_sensitive: r.accentSensitive,
    priority: r.priority,
    enabled: r.enabled,
    account_id: r.accountId,
    platform: r.platform,
    chat_types: r.chatTypes,
    answers_in: [...effectiveChatTypes(r)],
    catch_all: isCatchAll(r),
    allow_chats: r.allowChats,
    deny_chats: r.denyChats,
    reply_in: r.replyIn,
    cooldown_seconds: r.cooldownSeconds,
    chat_cooldown_seconds: r.chatCooldownSeconds,
    account_cooldown_seconds: r.accountCooldownSeconds,
    created_at: r.createdAt.toISOString(),
    updated_at: r.updatedAt.toISOString(),
  };
}

function presentMatch(m: AutoReplyMatch, wouldSend: boolean) {
  return {
    rule_id: m.rule.id,
    keyword: m.rule.keyword,
    match_mode: m.rule.matchMode,
    priority: m.rule.priority,
    reply: m.reply,
    reply_in: m.rule.replyIn,
    held_back: m.heldBy !== null,
    cooldown: m.heldBy && { scope: m.heldBy.scope, until: m.heldBy.until.toISOString() },
    would_send: wouldSend,
  };
}
