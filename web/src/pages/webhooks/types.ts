import type { components } from '../../api/schema';

export type Webhook = components['schemas']['Webhook'];
export type Delivery = components['schemas']['WebhookDelivery'];
export type DeliveryStatus = Delivery['status'];
export type InboundHook = components['schemas']['InboundWebhook'];
export type InboundAction = components['schemas']['InboundWebhookAction'];
export type Receipt = components['schemas']['InboundWebhookReceipt'];

export const DELIVERY_TONE: Record<DeliveryStatus, 'warn' | 'good' | 'bad'> = { pending: 'warn', delivered: 'good', failed: 'bad' };
