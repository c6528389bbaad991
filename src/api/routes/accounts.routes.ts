import { z } from 'zod';
import { listAccounts } from '../../db/repos/accounts.repo';
import { PLATFORMS } from '../../domain/platform-port';
import { accountStatus, createAccount, deleteAccount } from '../../services/accounts';
import type { ApiDeps } from '../context';
import { present } from '../presenters';
import { idParam, ok, route } from '../route';
import { LOGIN_METHODS, PhoneNumber, refineAccountLogin } from './account-login.schemas';
import { presentBudget } from './limits.routes';
import { AccountResponses } from './accounts.responses';

const CreateAccountBody = z
  .object({
    platform: z.enum(PLATFORMS),
    name: z.string().trim().min(1).max(100).optional(),
    phone: PhoneNumber.optional(),
    sandbox: z.boolean().default(false),
    /** Real accounts: telegram `phone` (default) or `qr`; whatsapp `qr` (default) or `pairing_code`. */
    login: z.enum(LOGIN_METHODS).optional(),
  })
  .superRefine(refineAccountLogin);

/** Telegram and WhatsApp accounts. */
export function accountRoutes(deps: ApiDeps) {
  const { db, accountsCache } = deps;
  return [
    route({
      method: 'post',
      path: '/api/v1/accounts',
      summary: 'Connect an account: real ones begin their login, sandbox accounts connect at once',
      tag: 'Accounts',
      operationId: 'createAccount',
      responses: { 201: AccountResponses.created },
      errors: [429],
      body: CreateAccountBody,
      handler: async ({ body, caller }) => {
        const { account, login } = await createAccount(deps, caller.scope, body);
        return ok({ account: present.accountWithLogin(account, login) }, 201);
      },
    }),
    route({
      method: 'get',
      path: '/api/v1/accounts',
      summary: "The caller's Telegram and WhatsApp accounts",
      tag: 'Accounts',
      operationId: 'listAccounts',
      responses: { 200: AccountResponses.list },
      handler: async ({ caller }) => {
        const accounts = (await accountsCache.get(caller.user.id, () => listAccounts(db, caller.scope, { ownOnly: true })))!;
        return ok({ accounts: accounts.map(present.account), count: accounts.length });
      },
    }),
    route({
      method: 'get',
      path: '/api/v1/accounts/:id',
      summary: 'One account',
      tag: 'Accounts',
      operationId: 'getAccount',
      responses: { 200: AccountResponses.one },
      handler: async ({ params, caller }) => {
        const { account, login, pacing } = await accountStatus(db, caller.scope, idParam(params));
        return ok({ account: { ...present.accountWithLogin(account, login), budget: pacing ? presentBudget(pacing) : null } });
      },
    }),
    route({
      method: 'delete',
      path: '/api/v1/accounts/:id',
      summary: 'Remove an account with its broadcasts and known chats',
      tag: 'Accounts',
      operationId: 'deleteAccount',
      responses: { 200: AccountResponses.deleted },
      handler: async ({ params, caller }) => ok({ deleted: await deleteAccount(deps, caller.scope, idParam(params)) }),
    }),
    route({
      method: 'get',
      path: '/api/accounts',
      summary: 'Raw account objects (legacy); admins see every user’s accounts',
      tag: 'Legacy',
      operationId: 'listAccountsLegacy',
      responses: { 200: AccountResponses.legacyList },
      handler: async ({ caller }) => {
        const accounts = await listAccounts(db, caller.scope);
        return ok({ accounts: accounts.map(present.rawAccount), count: accounts.length });
      },
    }),
  ];
}
