import { z } from 'zod';
import { Channels, notify } from '../../db/notifications';
import { deleteAccount, listAccounts } from '../../db/repos/accounts.repo';
import { createSandboxAccount } from '../../db/sandbox-accounts';
import { BadRequestError } from '../../errors';
import { PLATFORMS } from '../../platforms/types';
import { visibleAccount } from '../account-access';
import type { ApiDeps } from '../context';
import { present } from '../presenters';
import { ok, route } from '../route';
import { findAccountLogin } from '../../db/repos/sessions.repo';
import { createRealAccount, logOutAccount } from './account-login.routes';
import { listBroadcasts } from '../../db/repos/broadcasts.repo';
import { requestBroadcastRemoval } from '../../services/broadcast-schedules';
import { LOGIN_METHODS, PhoneNumber, refineAccountLogin } from './account-login.schemas';
import { getPacing } from '../../db/repos/pacing.repo';
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
  const { db, config, accountsCache } = deps;
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
        if (!body.sandbox) return createRealAccount(deps, body, caller);
        if (!config.sandbox) throw new BadRequestError('the sandbox platform is disabled on this server (AUTOHUB_SANDBOX=false)');
        const account = await createSandboxAccount(db, {
          userId: caller.user.id,
          platform: body.platform,
          name: body.name ?? `Sandbox ${body.platform} account`,
          phone: body.phone ?? null,
        });
        accountsCache.clear();
        return ok({ account: present.account(account) }, 201);
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
        const account = await visibleAccount(db, params, caller);
        const pacing = await getPacing(db, account.id);
        const login = await findAccountLogin(db, account.id);
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
      handler: async ({ params, caller }) => {
        const account = await visibleAccount(db, params, caller);
        await logOutAccount(deps, account);
        // The account's broadcasts go with it: their schedules and runs must not outlive them.
        const syncs = await db.transaction(async (trx) => {
          const removals = [];
          for (const broadcast of await listBroadcasts(trx, account.userId, { accountId: account.id })) {
            removals.push(await requestBroadcastRemoval(trx, deps.outbox.namespace, broadcast.id));
          }
          await deleteAccount(trx, account.id);
          await notify(trx, Channels.accounts, account.id);
          return removals;
        });
        await Promise.all(syncs.map((sync) => deps.outbox.carryOut(sync)));
        accountsCache.clear();
        return ok({ deleted: account.id });
      },
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
