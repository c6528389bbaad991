/** The stages of the inbound pipeline, in the order every event goes through them. */
import { autoReplyStage } from './auto-reply-stage';
import type { PipelineStage } from './inbound-pipeline';

/**
 * Auto-reply. Anti-spam goes first (a spam message stops there) and welcome/goodbye before
 * auto-reply once they are wired in; their rules are in `src/domain` already.
 */
export function inboundStages(): PipelineStage[] {
  return [autoReplyStage];
}
