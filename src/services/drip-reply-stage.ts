/**
 * The drip stage of the inbound pipeline: a private message from a target of the account's drip
 * campaigns that stop on a reply ends its enrollments (their workflows find them stopped). It
 * decides nothing else, so the message goes on to auto-reply.
 */
import type { Knex } from 'knex';
import { stopEnrollmentsOnReply } from '../db/repos/drips.repo';
import type { PipelineStage } from './inbound-pipeline';

export const dripReplyStage: PipelineStage = async (trx: Knex, stored, context) => {
  const { event } = stored;
  if (event.type !== 'message') return { sends: [] };
  if (context.chatType === 'private') await stopEnrollmentsOnReply(trx, stored.accountId, event.chatKey);
  return { sends: [] };
};
