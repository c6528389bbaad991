import { z } from 'zod';
import { SESSION_COOKIE } from '../../domain/browser-sessions';
import { signIn, signOut } from '../../services/browser-sessions';
import type { ApiDeps } from '../context';
import { present } from '../presenters';
import { ok, publicRoute, route } from '../route';
import type { ParameterizedContext } from 'koa';
import { SessionResponses } from './session.responses';

const SignInBody = z
  .object({ api_key: z.string().min(1).max(512).meta({ description: 'The API key to sign in with; the session belongs to this key' }) })
  .strict();

/**
 * The dashboard's browser sessions: an API key exchanged for an HttpOnly, SameSite=Strict cookie,
 * which every route then accepts as it accepts the key. Unsafe requests made with the cookie must
 * repeat the session's CSRF token in `X-CSRF-Token`.
 */
export function sessionRoutes({ db }: ApiDeps) {
  return [
    publicRoute({
      method: 'post',
      path: '/api/session',
      summary: 'Sign in: exchange an API key for a browser session cookie',
      tag: 'Session',
      operationId: 'createSession',
      body: SignInBody,
      responses: { 201: SessionResponses.created },
      errors: [401],
      handler: async ({ ctx, body }) => {
        const { session, token, user } = await signIn(db, body.api_key);
        setSessionCookie(ctx, token, session.expiresAt);
        return ok({ user: present.user(user), csrf_token: session.csrfToken, expires_at: session.expiresAt.toISOString() }, 201);
      },
    }),
    route({
      method: 'get',
      path: '/api/session',
      summary: "The caller, and its browser session's CSRF token when it came with the session cookie",
      tag: 'Session',
      operationId: 'getSession',
      responses: { 200: SessionResponses.current },
      handler: ({ caller }) => {
        const { session } = caller;
        return ok({
          user: present.user(caller.user),
          session: session ? { csrf_token: session.csrfToken, expires_at: session.expiresAt.toISOString() } : null,
        });
      },
    }),
    route({
      method: 'delete',
      path: '/api/session',
      summary: 'Sign out: end the browser session and clear its cookie',
      tag: 'Session',
      operationId: 'deleteSession',
      responses: { 200: SessionResponses.ended },
      handler: async ({ ctx, caller }) => {
        if (caller.session) await signOut(db, caller.session.id);
        setSessionCookie(ctx, null);
        return ok({ signed_out: caller.session !== undefined });
      },
    }),
  ];
}

/** Sets (or, with null, clears) the session cookie: script cannot read it, and no other site's request carries it. */
function setSessionCookie(ctx: ParameterizedContext, token: string | null, expires?: Date): void {
  ctx.cookies.set(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'strict', path: '/', secure: ctx.secure, expires, overwrite: true });
}
