import { z } from 'zod';
import { listApiKeys, listUsers } from '../../db/repos/users.repo';
import { createUser, issueApiKey, revokeKey, setKeyRateLimit } from '../../services/users';
import type { ApiDeps } from '../context';
import { present } from '../presenters';
import { idParam, ok, route } from '../route';
import { AdminResponses } from './resources.responses';

const ChangeKeyBody = z
  .object({
    rate_limit_per_minute: z
      .number()
      .int()
      .min(0)
      .max(10_000_000)
      .nullable()
      .meta({ description: "Requests per minute this key may make; null: back to the server's AUTOHUB_RATE_LIMIT_PER_MINUTE; 0: unlimited" }),
  })
  .strict();

const CreateUserBody = z.object({
  name: z.string().trim().min(1).max(100),
  role: z.enum(['admin', 'user']).default('user'),
});

/** Users and API keys; admins only. */
export function adminRoutes({ db, auth }: ApiDeps) {
  return [
    route({
      method: 'post',
      path: '/api/admin/users',
      summary: 'Create a user and its first API key (shown once)',
      tag: 'Admin',
      operationId: 'createUser',
      responses: { 201: AdminResponses.userCreated },
      access: 'admin',
      body: CreateUserBody,
      handler: async ({ body }) => {
        const { user, token } = await createUser(db, body);
        return ok({ user: present.user(user), api_key: token }, 201);
      },
    }),
    route({
      method: 'get',
      path: '/api/admin/users',
      summary: 'List users with their keys (prefixes only)',
      tag: 'Admin',
      operationId: 'listUsers',
      responses: { 200: AdminResponses.users },
      access: 'admin',
      handler: async () => {
        const users = await listUsers(db);
        const withKeys = await Promise.all(
          users.map(async (u) => ({ ...present.user(u), keys: (await listApiKeys(db, u.id)).map(present.apiKey) })),
        );
        return ok({ users: withKeys, count: withKeys.length });
      },
    }),
    route({
      method: 'post',
      path: '/api/admin/users/:id/keys',
      summary: 'Issue another API key for a user (shown once)',
      tag: 'Admin',
      operationId: 'issueApiKey',
      responses: { 201: AdminResponses.keyIssued },
      access: 'admin',
      handler: async ({ params }) => {
        const { keyId, token } = await issueApiKey(db, idParam(params));
        return ok({ key_id: keyId, api_key: token }, 201);
      },
    }),
    route({
      method: 'patch',
      path: '/api/admin/keys/:id',
      summary: "Set an API key's own rate limit, in force in every API process from its next request on",
      tag: 'Admin',
      operationId: 'changeApiKey',
      responses: { 200: AdminResponses.keyChanged },
      access: 'admin',
      body: ChangeKeyBody,
      handler: async ({ params, body }) => {
        const key = await setKeyRateLimit(db, idParam(params), body.rate_limit_per_minute);
        auth.forget();
        return ok({ key: present.apiKey(key) });
      },
    }),
    route({
      method: 'delete',
      path: '/api/admin/keys/:id',
      summary: 'Revoke an API key; it fails from the next request on',
      tag: 'Admin',
      operationId: 'revokeApiKey',
      responses: { 200: AdminResponses.keyRevoked },
      access: 'admin',
      handler: async ({ params }) => {
        const keyId = idParam(params);
        await revokeKey(db, keyId);
        auth.forget();
        return ok({ key_id: keyId, revoked: true });
      },
    }),
  ];
}
