/**
 * The drip stage of the inbound pipeline: a private message from a target of the account's drip
 * campaigns that stop on a reply ends its enrollments (their workflows find them stopped). It
 * decides nothing else, so the message goes on to auto-reply.
 */
import type { Knex } from 'knex';
import { findAnyKnownChat } from '../db/repos/chats.repo';
import { stopEnrollmentsOnReply } from '../db/repos/drips.repo';
import { chatTypeOf } from '../domain/auto-replies';
import type { PipelineStage } from './inbound-pipeline';

export const dripReplyStage: PipelineStage = async (trx: Knex, stored, account) => {
  const { event } = stored;
  if (event.type !== 'message') return { sends: [] };
  const chat = await findAnyKnownChat(trx, stored.accountId, event.chatKey);
  if (chatTypeOf(account.platform, event.chatKey, chat?.type) === 'private') await stopEnrollmentsOnReply(trx, stored.accountId, event.chatKey);
  return { sends: [] };
};
