import { z } from 'zod';
import type { Platform } from '../../domain/platform-port';
import { loginMethodOf, loginProblem } from '../../domain/login-methods';
import type { LoginMethod } from '../../workflows/account-login.shared';

export const LOGIN_METHODS = ['phone', 'qr', 'pairing_code'] as const satisfies readonly LoginMethod[];

/** An international phone number, as accounts store it. */
export const PhoneNumber = z.string().regex(/^\+[1-9]\d{6,14}$/, 'must be an international number like +14155550123');

/**
 * Checks the login fields of `POST /api/v1/accounts` for a real account; sandbox accounts
 * connect at once and ignore them.
 */
export function refineAccountLogin(
  body: { platform: Platform; sandbox: boolean; login?: LoginMethod; phone?: string },
  ctx: z.RefinementCtx,
): void {
  if (body.sandbox) return;
  const problem = loginProblem(body.platform, loginMethodOf(body.platform, body.login), body.phone);
  if (problem) ctx.addIssue({ code: 'custom', path: [problem.field], message: problem.message });
}

/**
 * `POST /api/v1/accounts/:id/login`: exactly one of `code` (Telegram's login code), `password`
 * (the 2FA password) or `login` (start a new login, with `phone` where the method needs one).
 */
export const AccountLoginBody = z
  .object({
    code: z.string().trim().min(1).max(32).optional(),
    password: z.string().min(1).max(256).optional(),
    login: z.enum(LOGIN_METHODS).optional(),
    phone: PhoneNumber.optional(),
  })
  .superRefine((body, ctx) => {
    const given = (['code', 'password', 'login'] as const).filter((field) => body[field] !== undefined);
    if (given.length !== 1) {
      ctx.addIssue({ code: 'custom', path: [], message: 'give exactly one of code, password or login' });
    }
    if (body.phone !== undefined && body.login === undefined) {
      ctx.addIssue({ code: 'custom', path: ['phone'], message: 'phone goes with login (a new login); a code or password needs none' });
    }
  });

export type AccountLoginRequest = z.infer<typeof AccountLoginBody>;
