/** Every workflow the worker registers. */
export { broadcastRunWorkflow } from './broadcast-run.workflow';
export { broadcastDryRunWorkflow } from './broadcast-dry-run.workflow';
export { accountLoginWorkflow, accountLogoutWorkflow } from './account-login.workflow';
export { scanChatsWorkflow, scanMessagesWorkflow } from './scan.workflow';
export { searchReplyWorkflow } from './scan-search-reply.workflow';
export { discoverGroupsWorkflow } from './scan-discover.workflow';
export { profileWorkflow } from './profile.workflow';
export { inboundEventWorkflow } from './inbound-event.workflow';
export { moderationWorkflow } from './moderation.workflow';
export { abTestWorkflow } from './ab-test.workflow';
export { dripEnrollmentWorkflow } from './drip-enrollment.workflow';
export { webhookDeliveryWorkflow } from './webhook-delivery.workflow';
export { inboundWebhookWorkflow } from './inbound-webhook.workflow';
