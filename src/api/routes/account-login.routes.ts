/**
 * Logging real Telegram and WhatsApp accounts in: the next step of a login, or a new one (see
 * services/account-login).
 */
import { stepLogin } from '../../services/account-login';
import type { ApiDeps } from '../context';
import { present } from '../presenters';
import { idParam, ok, route } from '../route';
import { AccountLoginBody } from './account-login.schemas';
import { AccountResponses } from './accounts.responses';

/** `POST /api/v1/accounts/:id/login`: the next step of a login, or a new login. */
export function accountLoginRoutes(deps: ApiDeps) {
  return [
    route({
      method: 'post',
      path: '/api/v1/accounts/:id/login',
      summary: 'Log a real account in: {code}, then {password} with 2FA; or {login, phone?} to start again',
      tag: 'Accounts',
      operationId: 'stepAccountLogin',
      responses: { 200: AccountResponses.loginStep },
      errors: [429],
      body: AccountLoginBody,
      handler: async ({ params, body, caller }) => {
        const { step, account, login } = await stepLogin(deps, caller.scope, idParam(params), body);
        return ok({ ...step, account: present.accountWithLogin(account, login) });
      },
    }),
  ];
}
