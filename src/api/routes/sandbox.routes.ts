import { z } from 'zod';
import type { SandboxFaults } from '../../db/repos/sandbox.repo';
import type { OutboxItem } from '../../domain/sandbox-store';
import { injectSandboxInbound, listSandboxOutbox, sandboxAccount, setSandboxFaults } from '../../services/sandbox';
import type { ApiDeps, Caller } from '../context';
import { idParam, ok, route } from '../route';
import { SandboxResponses } from './accounts.responses';
import { keptText } from '../schemas/text';

const Person = z.object({
  id: z.string().trim().min(1).max(64),
  username: z.string().trim().max(64).optional(),
  name: z.string().trim().max(128).optional(),
});

/** A message's sender may say more of themselves, as a platform would show it (anti-spam exempts admins and anonymous admins). */
const Sender = Person.extend({
  kind: z.enum(['user', 'chat', 'channel']).optional().meta({ description: 'chat: the group itself (an anonymous admin); channel: a channel posting in the group. Default user' }),
  admin: z.boolean().optional().meta({ description: 'True when the sender administers the chat' }),
  linked_channel: z.boolean().optional().meta({ description: "With kind channel: the chat's linked channel" }),
});

const InboundBody = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('message'),
    chat_key: z.string().trim().min(1),
    from: Sender,
    text: keptText(4096),
    forwarded: z.boolean().optional().meta({ description: 'True for a message forwarded from elsewhere' }),
  }),
  z.object({ type: z.enum(['join', 'leave']), chat_key: z.string().trim().min(1), user: Person }),
]);

const OutboxQuery = z.object({
  chat_key: z.string().optional(),
  type: z.enum(['message', 'delete', 'ban', 'mute', 'warn']).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

const FaultsBody = z
  .object({
    flood_wait_seconds: z.number().int().min(0).max(86_400).optional(),
    flood_wait_sends: z.number().int().min(0).max(10_000).optional(),
    forbidden_keys: z.array(z.string().trim().min(1)).max(1000).optional(),
    disconnect: z.boolean().optional(),
    peer_flood: z.boolean().optional(),
  })
  .refine(
    (b) => Object.keys(b).length > 0,
    'give at least one of flood_wait_seconds, flood_wait_sends, forbidden_keys, disconnect, peer_flood',
  );

/** The simulated platform's controls; 404 for accounts that are not sandbox accounts. */
export function sandboxRoutes({ db }: ApiDeps) {
  const account = (params: Record<string, string>, caller: Caller) => sandboxAccount(db, caller.scope, idParam(params));

  return [
    route({
      method: 'get',
      path: '/api/v1/accounts/:id/sandbox/outbox',
      summary: 'Every operation the simulated platform performed for the account',
      tag: 'Sandbox',
      operationId: 'listSandboxOutbox',
      responses: { 200: SandboxResponses.outbox },
      query: OutboxQuery,
      handler: async ({ params, caller, query }) => {
        const filter = { chatKey: query.chat_key, type: query.type, limit: query.limit };
        const items = await listSandboxOutbox(db, await account(params, caller), filter);
        return ok({ items: items.map(presentOutboxItem), count: items.length });
      },
    }),
    route({
      method: 'post',
      path: '/api/v1/accounts/:id/sandbox/inbound',
      summary: 'Inject an inbound message, or a member join or leave',
      tag: 'Sandbox',
      operationId: 'injectSandboxInbound',
      responses: { 201: SandboxResponses.inbound },
      body: InboundBody,
      handler: async ({ params, caller, body }) => {
        const eventId = await injectSandboxInbound(db, await account(params, caller), body);
        return ok({ event_id: String(eventId) }, 201);
      },
    }),
    route({
      method: 'put',
      path: '/api/v1/accounts/:id/sandbox/faults',
      summary: 'Inject faults: FloodWait on the next sends, forbidden targets, a disconnect, PEER_FLOOD',
      tag: 'Sandbox',
      operationId: 'setSandboxFaults',
      responses: { 200: SandboxResponses.faults },
      body: FaultsBody,
      handler: async ({ params, caller, body }) => {
        const faults = await setSandboxFaults(db, await account(params, caller), {
          floodWaitSeconds: body.flood_wait_seconds,
          floodWaitSends: body.flood_wait_sends,
          forbiddenKeys: body.forbidden_keys,
          disconnect: body.disconnect,
          peerFlood: body.peer_flood,
        });
        return ok({ faults: presentFaults(faults) });
      },
    }),
  ];
}

/** An operation of the sandbox outbox as the API shows it. */
function presentOutboxItem(i: OutboxItem) {
  return {
    id: String(i.id),
    type: i.type,
    chat_key: i.chatKey,
    ...(i.text !== null && { text: i.text }),
    ...(i.userId !== null && { user_id: i.userId }),
    ...(i.replyTo !== null && { reply_to: i.replyTo }),
    ...(i.media !== null && { media: { mime_type: i.media.mimeType, size_bytes: i.media.sizeBytes, sha256: i.media.sha256 } }),
    at: i.at.toISOString(),
  };
}

/** Sandbox fault settings as the API shows them. */
function presentFaults(faults: SandboxFaults) {
  return {
    flood_wait_seconds: faults.floodWaitSeconds,
    flood_wait_sends: faults.floodWaitSends,
    forbidden_keys: faults.forbiddenKeys,
    disconnect: faults.disconnect,
    peer_flood: faults.peerFlood,
  };
}
