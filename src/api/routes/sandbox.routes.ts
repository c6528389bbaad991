import { z } from 'zod';
import { Channels, notify } from '../../db/notifications';

import * as sandbox from '../../db/repos/sandbox.repo';
import type { Account } from '../../db/repos/accounts.repo';
import type { StoredInbound } from '../../domain/sandbox-store';
import { canonicalTargetKeyOrNull, TARGET_KEY_FORMS } from '../../domain/target-keys';
import { BadRequestError, NotFoundError } from '../../errors';
import { visibleAccount } from '../account-access';
import type { ApiDeps, Caller } from '../context';
import { ok, route } from '../route';
import { SandboxResponses } from './accounts.responses';
import { keptText } from '../schemas/text';

const Person = z.object({
  id: z.string().trim().min(1).max(64),
  username: z.string().trim().max(64).optional(),
  name: z.string().trim().max(128).optional(),
});

const InboundBody = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('message'),
    chat_key: z.string().trim().min(1),
    from: Person,
    text: keptText(4096),
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
  const sandboxAccount = async (params: Record<string, string>, caller: Caller) => {
    const account = await visibleAccount(db, params, caller);
    if (!account.sandbox) throw new NotFoundError();
    return account;
  };

  /** The key the outbox records a chat under, for any spelling of it: the world chat's key, else the canonical key. */
  const outboxChatKey = async (account: Account, given: string) => {
    const key = chatKeyOf(account, given);
    return (await sandbox.findWorldChat(db, account.id, key))?.key ?? key;
  };

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
        const account = await sandboxAccount(params, caller);
        const chatKey = query.chat_key === undefined ? undefined : await outboxChatKey(account, query.chat_key);
        const items = await sandbox.listOutbox(db, account.id, { chatKey, type: query.type, limit: query.limit });
        return ok({
          items: items.map((i) => ({
            id: String(i.id),
            type: i.type,
            chat_key: i.chatKey,
            ...(i.text !== null && { text: i.text }),
            ...(i.userId !== null && { user_id: i.userId }),
            ...(i.replyTo !== null && { reply_to: i.replyTo }),
            ...(i.media !== null && { media: { mime_type: i.media.mimeType, size_bytes: i.media.sizeBytes, sha256: i.media.sha256 } }),
            at: i.at.toISOString(),
          })),
          count: items.length,
        });
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
        const account = await sandboxAccount(params, caller);
        const chat = await sandbox.findWorldChat(db, account.id, chatKeyOf(account, body.chat_key));
        if (!chat) throw new BadRequestError(`chat_key: ${body.chat_key} is not a chat of this account`);
        const date = new Date();
        const eventId = await db.transaction(async (trx) => {
          let event: StoredInbound;
          if (body.type === 'message') {
            const messageId = await sandbox.insertWorldMessage(trx, account.id, {
              chatKey: chat.key,
              fromId: body.from.id,
              fromUsername: body.from.username ?? null,
              fromName: body.from.name ?? null,
              text: body.text,
              date,
            });
            event = { type: 'message', chat_key: chat.key, message_id: messageId, from: body.from, text: body.text, date: date.toISOString() };
          } else {
            event = { type: body.type, chat_key: chat.key, user: body.user, date: date.toISOString() };
          }
          const id = await sandbox.insertInboundEvent(trx, account.id, event);
          await notify(trx, Channels.sandboxInbound, account.id);
          return id;
        });
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
        const account = await sandboxAccount(params, caller);
        // A FloodWait length alone means "on the next send".
        const floodWaitSends = body.flood_wait_sends ?? (body.flood_wait_seconds ? 1 : undefined);
        const faults = await sandbox.updateFaults(db, account.id, {
          floodWaitSeconds: body.flood_wait_seconds,
          floodWaitSends,
          forbiddenKeys: body.forbidden_keys?.map((key) => chatKeyOf(account, key, 'forbidden_keys')),
          disconnect: body.disconnect,
          peerFlood: body.peer_flood,
        });
        return ok({
          faults: {
            flood_wait_seconds: faults.floodWaitSeconds,
            flood_wait_sends: faults.floodWaitSends,
            forbidden_keys: faults.forbiddenKeys,
            disconnect: faults.disconnect,
            peer_flood: faults.peerFlood,
          },
        });
      },
    }),
  ];
}

/** The canonical key of a chat key the caller gave in `field`, in the grammar of the account's platform. */
function chatKeyOf(account: Account, given: string, field = 'chat_key'): string {
  const key = canonicalTargetKeyOrNull(account.platform, given);
  if (key === null) throw new BadRequestError(`${field}: not a ${account.platform} chat key: ${given} (expected ${TARGET_KEY_FORMS[account.platform]})`);
  return key;
}
