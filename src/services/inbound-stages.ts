/** The stages of the inbound pipeline, in the order every event goes through them. */
import { antispamStage } from './antispam-stage';
import { autoReplyStage } from './auto-reply-stage';
import type { PipelineRevisit, PipelineStage } from './inbound-pipeline';
import { dripReplyStage } from './drip-reply-stage';
import { optOutStage } from './opt-out-stage';
import { revisitWelcome, welcomeStage } from './welcome-stage';

/**
 * Anti-spam first (a spam message stops there and gets no auto-reply), then welcome/goodbye for
 * member events, then a private opt-out ("stop"), then a reply that ends drip enrollments, then
 * auto-reply for messages. The account's own
 * messages never get here: the drivers drop them.
 */
export function inboundStages(): PipelineStage[] {
  return [antispamStage, welcomeStage, optOutStage, dripReplyStage, autoReplyStage];
}

/** What an event's workflow redoes when it wakes: greeting the joins a burst held back. */
export function inboundRevisit(): PipelineRevisit {
  return revisitWelcome;
}
