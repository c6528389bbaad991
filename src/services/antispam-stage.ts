/**
 * The anti-spam stage of the inbound pipeline, first for every message: the sender's record (the
 * ban list, their recent messages in the chat, their last join, their offences) is read from
 * Postgres, the pure `decideAntispam` judges the message, and the stage hands back what to do —
 * the message deleted, the sender muted or banned (moderation actions the event's workflow carries
 * out on the platform), a warning sent through the one send path. The offence and a ban are
 * recorded in the pipeline's transaction, so the ladder and the ban list survive any restart.
 * A spam message stops the pipeline: it gets no auto-reply. A dry run logs all of it and does
 * nothing.
 */
import type { Knex } from 'knex';
import { findAntispamBan, findAntispamConfig, insertAntispamBan, insertOffence, listOffences, type OffencePlace } from '../db/repos/antispam.repo';
import { findSenderActivity } from '../db/repos/inbound-events.repo';
import { decideAntispam, warningText, type AntispamDecision } from '../domain/antispam';
import { AntispamConfigSchema, settingsForChat } from '../domain/antispam-config';
import type { Scope } from '../db/repos/scope';
import type { InboundEvent } from '../domain/platform-port';
import { banKey } from './antispam';
import type { PipelineAction, PipelineSend, PipelineStage, StageOutcome } from './inbound-pipeline';

type MessageEvent = Extract<InboundEvent, { type: 'message' }>;

/** Judges a received message and decides what anti-spam does about it. */
export const antispamStage: PipelineStage = async (trx: Knex, stored, context) => {
  const { event } = stored;
  if (event.type !== 'message') return { sends: [] };
  const owner: Scope = { userId: context.userId, admin: false };
  const storedConfig = await findAntispamConfig(trx, owner);
  const banned = await isBanned(trx, owner, event);
  // Without a config every check is off, and only a banned sender's messages are spam.
  if (storedConfig === undefined && !banned) return { sends: [] };
  const config = AntispamConfigSchema.parse(storedConfig ?? {});
  const settings = settingsForChat(config, event.chatKey);
  const at = stored.receivedAt;
  const place: OffencePlace = { accountId: stored.accountId, chatKey: event.chatKey, platformUserId: event.from.id };
  // One sender's messages in a chat are judged one at a time, so two of them never climb the same rung of the ladder.
  await trx.raw('select pg_advisory_xact_lock(hashtext(?))', [`antispam:${place.accountId}:${place.chatKey}:${place.platformUserId}`]);
  const activity = await findSenderActivity(trx, {
    accountId: stored.accountId,
    chatKey: event.chatKey,
    senderId: event.from.id,
    beforeEventId: stored.id,
    since: new Date(at.getTime() - settings.flood_window_seconds * 1000),
  });
  const offences = await listOffences(trx, place, new Date(at.getTime() - settings.warn_window_hours * 3_600_000));
  const decision = decideAntispam(
    {
      chatKey: event.chatKey,
      message: { text: event.text, hiddenUrls: event.hiddenUrls, isForward: event.forwarded === true, at },
      sender: {
        id: event.from.id,
        username: event.from.username,
        kind: event.fromKind ?? 'user',
        isAdmin: event.fromAdmin === true,
        isLinkedChannel: event.fromLinkedChannel,
        joinedAt: activity.joinedAt,
        messagesSinceJoin: activity.messagesSinceJoin,
      },
    },
    config,
    { banned, recentMessages: activity.recentMessages, offences },
  );
  if (!decision.spam) return { sends: [] };
  const reason = decision.reasons.map((r) => `${r.reason}: ${r.detail}`).join('; ');
  if (!decision.dryRun) {
    await insertOffence(trx, place, decision.reasons.map((r) => r.reason).join(','), at);
    if (decision.action === 'ban') {
      await insertAntispamBan(trx, owner, { platformUserId: banKey(event.from.id), reason, chatKey: event.chatKey, accountId: stored.accountId });
    }
  }
  return { ...carryOut(decision, event, reason), stop: true };
};

/** True when the sender is on the owner's ban list, by id or by @username. */
async function isBanned(trx: Knex, owner: Scope, event: MessageEvent): Promise<boolean> {
  const keys = [banKey(event.from.id), ...(event.from.username ? [banKey(`@${event.from.username}`)] : [])];
  for (const key of keys) if (await findAntispamBan(trx, owner, key)) return true;
  return false;
}

/** The actions and sends that carry `decision` out on `event`'s message and sender. */
function carryOut(decision: AntispamDecision, event: MessageEvent, reason: string): StageOutcome {
  const common = { feature: 'antispam' as const, chatKey: event.chatKey, platformUserId: event.from.id, ruleId: null, reason, dryRun: decision.dryRun };
  const actions: PipelineAction[] = [];
  if (decision.deleteMessage) actions.push({ ...common, action: 'delete', details: { messageId: event.messageId } });
  if (decision.action === 'mute') actions.push({ ...common, action: 'mute', details: { until: decision.muteUntil?.toISOString() } });
  if (decision.action === 'ban') actions.push({ ...common, action: 'ban', details: {} });
  const sends: PipelineSend[] = [];
  if (decision.action === 'warn') {
    sends.push({
      feature: 'antispam',
      key: 'warn',
      action: 'warn',
      targetKey: event.chatKey,
      text: warningText(event.from, decision.reasons),
      // A warning quotes the message it is about, unless that message is deleted.
      ...(!decision.deleteMessage && { replyTo: event.messageId }),
      ruleId: null,
      reason,
      dryRun: decision.dryRun,
    });
  }
  return { sends, actions };
}
