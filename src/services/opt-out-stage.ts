/**
 * The opt-out stage of the inbound pipeline: a private message that is one of the owner's opt-out
 * words ("stop", "unsubscribe" until they set others) opts its sender's contact out — found by
 * Telegram id or username, WhatsApp JID or phone, or created opted out — so no broadcast, drip or
 * A/B test messages them again. Logged, and recorded as `contact.opted_out`; it stops the pipeline
 * (an opt-out gets no auto-reply).
 */
import type { Knex } from 'knex';
import { findContactsByKeys, insertContact, lockContacts, optOutContact } from '../db/repos/contacts.repo';
import { emitEvent } from '../db/repos/events.repo';
import { insertAutomationLog } from '../db/repos/inbound-events.repo';
import type { Scope } from '../db/repos/scope';
import type { ContactKeys } from '../domain/contacts';
import { isOptOutMessage } from '../domain/opt-out';
import type { InboundPerson, Platform } from '../domain/platform-port';
import { optOutWords } from './contacts';
import type { PipelineStage } from './inbound-pipeline';

/** The contact keys a sender is known by on `platform`. */
function senderKeys(platform: Platform, from: InboundPerson): ContactKeys {
  if (platform === 'telegram') {
    return { phoneE164: null, username: from.username?.toLowerCase() ?? null, telegramId: /^\d+$/.test(from.id) ? from.id : null, whatsappJid: null };
  }
  const phone = /^(\d+)@s\.whatsapp\.net$/.exec(from.id)?.[1];
  return { phoneE164: phone ? `+${phone}` : null, username: null, telegramId: null, whatsappJid: from.id };
}

export const optOutStage: PipelineStage = async (trx: Knex, stored, context) => {
  const { event } = stored;
  if (event.type !== 'message') return { sends: [] };
  const owner: Scope = { userId: context.userId, admin: false };
  if (context.chatType !== 'private') return { sends: [] };
  if (!isOptOutMessage(event.text, await optOutWords(trx, owner))) return { sends: [] };
  await lockContacts(trx, owner);
  const keys = senderKeys(context.platform, event.from);
  const [known] = await findContactsByKeys(trx, owner, keys);
  const contactId = known
    ? known.id
    : (await insertContact(trx, owner, { name: event.from.name, ...keys, ...(keys.phoneE164 && { phone: keys.phoneE164 }), optedOut: true }, 'opt_out')).id;
  const changed = known ? await optOutContact(trx, owner, known.id) : true;
  await insertAutomationLog(trx, {
    accountId: stored.accountId,
    inboundEventId: stored.id,
    feature: 'opt_out',
    ruleId: contactId,
    chatKey: event.chatKey,
    platformUserId: event.from.id,
    action: 'opt_out',
    reason: `message "${event.text.trim().slice(0, 100)}"`,
    result: 'done',
    sendRunId: null,
  });
  if (changed) {
    await emitEvent(trx, {
      accountId: stored.accountId,
      type: 'contact.opted_out',
      data: { contact_id: contactId, created: !known, user_id: event.from.id, chat_key: event.chatKey, inbound_event_id: stored.id },
    });
  }
  return { sends: [], stop: true };
};
