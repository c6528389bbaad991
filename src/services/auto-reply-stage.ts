/**
 * The auto-reply stage of the inbound pipeline: a received message is tried against its account's
 * rules (`evaluateAutoReplies`, pure), with the cooldowns read from Postgres; the reply to send is
 * handed back to the pipeline, which enqueues it on the one send path, and the cooldowns are
 * recorded in the same transaction — so a restart neither forgets a cooldown nor replies twice.
 */
import type { Knex } from 'knex';
import { listRulesForAccount, readCooldowns, recordAutoReplyFired, type CooldownPlace } from '../db/repos/auto-replies.repo';
import { evaluateAutoReplies, type MessageFacts } from '../domain/auto-replies';
import { privateChatKey } from '../domain/search-reply';
import type { PipelineStage } from './inbound-pipeline';

/** Answers a received message with the first rule that matches it, unless a cooldown holds that rule back. */
export const autoReplyStage: PipelineStage = async (trx: Knex, stored, context) => {
  const { event } = stored;
  if (event.type !== 'message') return { sends: [] };
  const rules = await listRulesForAccount(trx, { id: stored.accountId, userId: context.userId });
  if (rules.length === 0) return { sends: [] };
  // One account's messages are answered one at a time, so two of them never both pass a cooldown.
  await trx.raw('select pg_advisory_xact_lock(hashtext(?))', [`auto-reply:${stored.accountId}`]);
  const facts: MessageFacts = {
    text: event.text,
    account: { id: stored.accountId, platform: context.platform },
    chatType: context.chatType,
    chatKey: event.chatKey,
    chatTitle: context.chat?.title ?? null,
    sender: { id: event.from.id, name: event.from.name, username: event.from.username },
  };
  const place: CooldownPlace = { accountId: stored.accountId, chatKey: event.chatKey, senderId: event.from.id };
  const now = new Date();
  const evaluation = evaluateAutoReplies(rules, facts, await readCooldowns(trx, rules.map((r) => r.id), place), now);
  const match = evaluation.send;
  if (!match) return { sends: [] };
  await recordAutoReplyFired(trx, match.rule.id, place, now);
  const inPrivate = match.rule.replyIn === 'private' && facts.chatType !== 'private';
  return {
    sends: [
      {
        feature: 'auto_reply',
        key: match.rule.id,
        targetKey: inPrivate ? privateChatKey(context.platform, event.from) : event.chatKey,
        text: match.reply,
        ...(!inPrivate && { replyTo: event.messageId }),
        ruleId: match.rule.id,
        reason: `${match.rule.matchMode} "${match.rule.keyword}"`,
      },
    ],
  };
};
