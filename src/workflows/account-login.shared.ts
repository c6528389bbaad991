/**
 * Names, messages and types of the account login and logout workflows, shared by the workflows,
 * their activities and the API's Temporal client. Importable from workflow code.
 */
import { defineUpdate } from '@temporalio/workflow';
import type { LoginMethod } from '../domain/login-methods';

export const ACCOUNT_LOGIN_WORKFLOW = 'accountLoginWorkflow';
export const ACCOUNT_LOGOUT_WORKFLOW = 'accountLogoutWorkflow';

export type { LoginMethod };

/** What a login workflow is started with. */
export interface AccountLoginInput {
  accountId: string;
  method: LoginMethod;
  /** The number to send a Telegram code to, or to pair a WhatsApp device with. */
  phone: string | null;
  /** The session task queue of the account's shard: its login lives in the worker serving it. */
  sessionTaskQueue: string;
}

/** Where a login stands after a step. QR codes and pairing codes are only in PostgreSQL. */
export interface LoginStep {
  status: 'code_sent' | 'pairing_code' | 'qr' | 'password_required' | 'connected' | 'failed';
  /** The 2FA password hint, when `password_required`. */
  hint?: string | null;
  /** Why the login failed, when `failed`. */
  error?: string | null;
}

/** How a login workflow ended. */
export interface AccountLoginResult {
  status: 'connected' | 'failed';
  error: string | null;
}

/** What a logout workflow is started with. */
export interface AccountLogoutInput {
  accountId: string;
  sessionTaskQueue: string;
}

/** How a logout went; a failed one still lets the account be deleted. */
export interface AccountLogoutResult {
  loggedOut: boolean;
  error: string | null;
}

/** Runs the login's first step (send the code, show the QR code, request the pairing code). */
export const beginLoginUpdate = defineUpdate<LoginStep>('beginLogin');
/** Signs in with the code Telegram sent. */
export const submitLoginCodeUpdate = defineUpdate<LoginStep, [code: string]>('submitLoginCode');
/** Completes a 2FA login; the password travels sealed with AUTOHUB_SECRET_KEY, never in clear in the history. */
export const submitLoginPasswordUpdate = defineUpdate<LoginStep, [sealedPassword: string]>('submitLoginPassword');

/**
 * Failure types of login steps. Both are non-retryable; their `details[0]` is a
 * {@link LoginFailureDetails}.
 */
export const LoginFailureTypes = {
  /** The step was refused but the login goes on (a wrong code or password): try again. */
  LoginRejected: 'LoginRejected',
  /** The login is over (expired code, lost login, refused number): start a new one. */
  LoginEnded: 'LoginEnded',
} as const;

/** What a failed login step says about itself. */
export interface LoginFailureDetails {
  /** The platform error kind (`invalid`, `rate_limited`, `transient`, …). */
  kind: string;
  retryAfterSeconds: number | null;
}

/** The workflow id of an account's login. */
export function loginWorkflowId(accountId: string): string {
  return `login-${accountId}`;
}

/** The workflow id of an account's logout. */
export function logoutWorkflowId(accountId: string): string {
  return `logout-${accountId}`;
}
