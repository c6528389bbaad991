/**
 * Real accounts' sessions: the sealed Telegram StringSession in `accounts.session_secret`, and
 * the state of a login in progress (`account_logins`), which the API shows on the account.
 *
 * A login row belongs to one attempt (the login workflow's run id). Every write after the first
 * names its attempt and is dropped when a newer attempt has taken the row over, so a superseded
 * login winding down cannot overwrite the state of the one that replaced it.
 */
import type { Knex } from 'knex';
import type { SecretBox } from '../secret-box';
import { updateAccountStatus, type AccountStatus } from './accounts.repo';

/** How an account logs in. */
export type LoginMethod = 'phone' | 'qr' | 'pairing_code';

/** Where a login stands while it waits for someone; a finished login leaves no row. */
export type LoginStatus = 'code_sent' | 'pairing_code' | 'qr' | 'password_required' | 'failed';

/** A login in progress, or the last one that failed. */
export interface AccountLogin {
  accountId: string;
  attempt: string;
  method: LoginMethod;
  status: LoginStatus;
  /** The text to show as a QR code (a `tg://login?token=…` url on Telegram). */
  qr: string | null;
  /** The QR code as a `data:image/png;base64,…` URL. */
  qrPng: string | null;
  pairingCode: string | null;
  /** The 2FA password hint Telegram gave. */
  hint: string | null;
  error: string | null;
  startedAt: Date;
  updatedAt: Date;
}

/** The fields of a login a step may change. */
export type LoginPatch = Partial<Pick<AccountLogin, 'status' | 'qr' | 'qrPng' | 'pairingCode' | 'hint' | 'error'>>;

interface AccountLoginRow {
  account_id: string;
  attempt: string;
  method: LoginMethod;
  status: LoginStatus;
  qr: string | null;
  qr_png: string | null;
  pairing_code: string | null;
  hint: string | null;
  error: string | null;
  started_at: Date;
  updated_at: Date;
}

const mapLogin = (r: AccountLoginRow): AccountLogin => ({
  accountId: r.account_id,
  attempt: r.attempt,
  method: r.method,
  status: r.status,
  qr: r.qr,
  qrPng: r.qr_png,
  pairingCode: r.pairing_code,
  hint: r.hint,
  error: r.error,
  startedAt: r.started_at,
  updatedAt: r.updated_at,
});

/** The account status that goes with a login status: what `GET /api/v1/accounts` shows meanwhile. */
export function accountStatusOf(status: LoginStatus): AccountStatus {
  switch (status) {
    case 'pairing_code':
      return 'code_sent';
    case 'failed':
      return 'disconnected';
    default:
      return status;
  }
}

function toRow(patch: LoginPatch): Partial<AccountLoginRow> {
  const row: Partial<AccountLoginRow> = {};
  if (patch.status !== undefined) row.status = patch.status;
  if (patch.qr !== undefined) row.qr = patch.qr;
  if (patch.qrPng !== undefined) row.qr_png = patch.qrPng;
  if (patch.pairingCode !== undefined) row.pairing_code = patch.pairingCode;
  if (patch.hint !== undefined) row.hint = patch.hint;
  if (patch.error !== undefined) row.error = patch.error;
  return row;
}

/** The account's current (or last failed) login, if any. */
export async function findAccountLogin(db: Knex, accountId: string): Promise<AccountLogin | undefined> {
  const row: AccountLoginRow | undefined = await db('account_logins').where({ account_id: accountId }).first();
  return row && mapLogin(row);
}

/**
 * Records the first state of a new login attempt, replacing whatever an earlier attempt left,
 * and moves the account to the matching status.
 */
export async function startLoginAttempt(
  db: Knex,
  input: { accountId: string; attempt: string; method: LoginMethod; state: LoginPatch & { status: LoginStatus } },
): Promise<void> {
  await db.transaction(async (trx) => {
    const empty = { qr: null, qr_png: null, pairing_code: null, hint: null, error: null };
    await trx('account_logins')
      .insert({ account_id: input.accountId, attempt: input.attempt, method: input.method, ...empty, ...toRow(input.state) })
      .onConflict('account_id')
      .merge({ ...empty, ...toRow(input.state), attempt: input.attempt, method: input.method, started_at: trx.fn.now(), updated_at: trx.fn.now() });
    await updateAccountStatus(trx, input.accountId, accountStatusOf(input.state.status));
  });
}

/**
 * Changes the attempt's login state (and the account status with it, when the login status
 * changes). Returns false, writing nothing, when the attempt is no longer the account's login.
 */
export async function updateLoginAttempt(db: Knex, accountId: string, attempt: string, patch: LoginPatch): Promise<boolean> {
  return db.transaction(async (trx) => {
    const updated = await trx('account_logins')
      .where({ account_id: accountId, attempt })
      .update({ ...toRow(patch), updated_at: trx.fn.now() });
    if (updated === 0) return false;
    if (patch.status !== undefined) await updateAccountStatus(trx, accountId, accountStatusOf(patch.status));
    return true;
  });
}

/** Ends the attempt as failed with `error`; the account becomes `disconnected`. False when superseded. */
export function failLoginAttempt(db: Knex, accountId: string, attempt: string, error: string): Promise<boolean> {
  return updateLoginAttempt(db, accountId, attempt, { status: 'failed', error, qr: null, qrPng: null, pairingCode: null });
}

/**
 * Ends the attempt as logged in: drops its row (QR codes and pairing codes must not outlive
 * it), stores the session secret if the platform has one (sealed with `secrets`), and marks the
 * account connected. False, writing nothing, when the attempt was superseded.
 *
 * `immediate`: the attempt succeeded in its first step (an account that was still logged in), so
 * it has no row of its own yet and replaces whatever an earlier attempt left.
 */
export async function completeLoginAttempt(
  db: Knex,
  input: { accountId: string; attempt: string; sessionSecret?: string; secrets: SecretBox; immediate?: boolean },
): Promise<boolean> {
  return db.transaction(async (trx) => {
    const rows = trx('account_logins').where({ account_id: input.accountId });
    const deleted = await (input.immediate ? rows : rows.where({ attempt: input.attempt })).delete();
    if (deleted === 0 && !input.immediate) return false;
    if (input.sessionSecret !== undefined) {
      await trx('accounts')
        .where({ id: input.accountId })
        .update({ session_secret: input.secrets.seal(input.sessionSecret) });
    }
    await updateAccountStatus(trx, input.accountId, 'connected');
    return true;
  });
}

/**
 * Sets the account's status through {@link updateAccountStatus}, which does nothing when it
 * already has it: sessions reconnecting must not wake every listener each time. Returns whether
 * it changed.
 */
export async function setAccountStatus(db: Knex, accountId: string, status: AccountStatus): Promise<boolean> {
  return updateAccountStatus(db, accountId, status);
}

/**
 * Records what a live session reported about its account (connected, logged out, replaced,
 * restricted): the status, and an `account.status_changed` event with the reason when it changed.
 * A session that connected ends whatever login the account had, so its QR or pairing code goes
 * in the same transaction. Returns whether the status changed.
 */
export async function recordSessionStatus(
  db: Knex,
  accountId: string,
  status: 'connected' | 'disconnected' | 'replaced' | 'restricted',
  reason: string | null,
): Promise<boolean> {
  return db.transaction(async (trx) => {
    if (status === 'connected') await trx('account_logins').where({ account_id: accountId }).delete();
    return updateAccountStatus(trx, accountId, status, reason);
  });
}

/**
 * The account's session secret, opened.
 *
 * @throws Error when a secret is stored but cannot be opened (AUTOHUB_SECRET_KEY changed or the
 *   value was tampered with): the account must log in again.
 */
export async function readSessionSecret(db: Knex, secrets: SecretBox, accountId: string): Promise<string | null> {
  const row: { session_secret: string | null } | undefined = await db('accounts').where({ id: accountId }).first('session_secret');
  if (!row?.session_secret) return null;
  try {
    return secrets.open(row.session_secret);
  } catch (err) {
    throw new Error(`the stored session of account ${accountId} cannot be decrypted (was AUTOHUB_SECRET_KEY changed?); log in again`, {
      cause: err,
    });
  }
}

/** Forgets the account's session secret (after a logout). */
export async function clearSessionSecret(db: Knex, accountId: string): Promise<void> {
  await db('accounts').where({ id: accountId }).update({ session_secret: null });
}
