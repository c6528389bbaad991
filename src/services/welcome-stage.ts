/**
 * The welcome/goodbye stage of the inbound pipeline, for member events: a join is greeted by its
 * chat's welcome (the chat's own config, else `_default`), a burst of joins by one message naming
 * them once its window has passed (`planWelcome`, pure), a leave by the goodbye. Every greeting
 * records the joins it covers (`welcome_greetings`, unique per join) in the pipeline's transaction,
 * so nobody is greeted twice for one join, whichever event's workflow greets them. With
 * `delete_previous`, the chat's last welcome that was sent is deleted as the next one goes out.
 */
import type { Knex } from 'knex';
import type { StoredInboundEvent } from '../db/repos/inbound-events.repo';
import { findLatestSentWelcome, insertGreetings, listRecentJoins, listWelcomeConfigs, type StoredWelcomeConfig } from '../db/repos/welcome.repo';
import { canonicalWelcomeGroup, goodbyeText, planWelcome, welcomeConfigFor, welcomeText, type Join } from '../domain/welcome';
import type { Member } from '../domain/member-text';
import type { EventContext, PipelineAction, PipelineSend, PipelineStage, StageOutcome } from './inbound-pipeline';

/** How long after a join it may still be greeted by a later burst's planning, beyond the burst window. */
const JOIN_LOOKBACK_MS = 10 * 60_000;

/** Greets a join (or schedules a burst's greeting), says goodbye on a leave. */
export const welcomeStage: PipelineStage = async (trx, stored, context) => {
  const { event } = stored;
  if (event.type === 'message') return { sends: [] };
  const config = await configForChat(trx, stored, context);
  if (!config) return { sends: [] };
  if (event.type === 'join') return greetPendingJoins(trx, stored, context, config);
  const text = goodbyeText(config, event.user, chatTitle(context, event.chatKey));
  if (text === null) return { sends: [] };
  return { sends: [{ feature: 'welcome', key: 'goodbye', action: 'goodbye', targetKey: event.chatKey, text, ruleId: config.group_id, reason: 'leave' }] };
};

/** Greets the chat's joins still waiting, when a join event's workflow wakes for a burst (idempotent). */
export const revisitWelcome = async (trx: Knex, stored: StoredInboundEvent, context: EventContext): Promise<StageOutcome> => {
  if (stored.event.type !== 'join') return { sends: [] };
  const config = await configForChat(trx, stored, context);
  return config ? greetPendingJoins(trx, stored, context, config) : { sends: [] };
};

/**
 * The owner's config for the event's chat: its own (by the chat's key, or by its @username or id
 * when the config names it so), else `_default`.
 */
async function configForChat(
  trx: Knex,
  stored: StoredInboundEvent,
  context: EventContext,
): Promise<StoredWelcomeConfig | null> {
  const configs = await listWelcomeConfigs(trx, { userId: context.userId, admin: false });
  if (configs.length === 0) return null;
  const { chat } = context;
  const names = [stored.event.chatKey, chat?.platformId, chat?.username ? `@${chat.username}` : undefined]
    .filter((n): n is string => n !== undefined)
    .map((n) => canonicalWelcomeGroup(n))
    .filter((n): n is string => n !== null);
  return welcomeConfigFor(configs, names);
}

/** The event chat's title, for `{{group}}`: as the account knows it, else its key. */
function chatTitle(context: EventContext, chatKey: string): string {
  return context.chat?.title ?? chatKey;
}

/**
 * Greets every join of the chat that is due — alone, or a burst's in one message — and answers
 * when to come back for a burst still in its window. One chat's joins are planned one event at a
 * time, so two events never greet the same join.
 */
async function greetPendingJoins(
  trx: Knex,
  stored: StoredInboundEvent,
  context: EventContext,
  config: StoredWelcomeConfig,
): Promise<StageOutcome> {
  if (!config.welcome_enabled) return { sends: [] };
  const { chatKey } = stored.event;
  await trx.raw('select pg_advisory_xact_lock(hashtext(?))', [`welcome:${stored.accountId}:${chatKey}`]);
  const since = new Date(stored.receivedAt.getTime() - config.burst_window_seconds * 1000 - JOIN_LOOKBACK_MS);
  const recent = await listRecentJoins(trx, { accountId: stored.accountId, chatKey, since });
  const joins: Join[] = recent.map((j) => ({ id: String(j.eventId), member: j.member, at: j.at, greeted: j.greeted }));
  const sends: PipelineSend[] = [];
  const actions: PipelineAction[] = [];
  const previous = config.delete_previous && context.platform === 'telegram' ? await findLatestSentWelcome(trx, { accountId: stored.accountId, chatKey }) : undefined;
  if (previous !== undefined) {
    actions.push({ feature: 'welcome', action: 'delete', chatKey, platformUserId: null, details: { messageId: previous }, ruleId: config.group_id, reason: 'delete_previous' });
  }
  const now = new Date();
  for (;;) {
    const plan = planWelcome(joins, now, config);
    if (plan.kind === 'none') break;
    if (plan.kind === 'wait') return { sends, actions: sends.length > 0 ? actions : [], wakeAt: plan.until };
    const members: Member[] = plan.kind === 'single' ? [plan.member] : plan.members;
    const covered = joins.filter((j) => plan.joinIds.includes(j.id));
    for (const join of covered) join.greeted = true;
    const text = welcomeText(config, members, chatTitle(context, chatKey));
    if (text === null) break;
    sends.push({
      feature: 'welcome',
      key: `greet:${plan.joinIds[0]}`,
      action: 'welcome',
      targetKey: chatKey,
      text,
      ruleId: config.group_id,
      reason: plan.kind === 'single' ? 'join' : `burst of ${covered.length} joins`,
      platformUserId: members.length === 1 ? members[0]!.id : null,
      onEnqueued: (db, runId) =>
        insertGreetings(db, {
          userId: context.userId,
          accountId: stored.accountId,
          chatKey,
          sendRunId: runId,
          joins: covered.map((j) => ({ eventId: Number(j.id), memberId: j.member.id })),
        }),
    });
  }
  // The previous welcome is deleted only when a new one replaces it.
  return { sends, actions: sends.length > 0 ? actions : [] };
}
