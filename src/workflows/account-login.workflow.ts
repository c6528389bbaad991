import {
  ActivityFailure,
  ApplicationFailure,
  allHandlersFinished,
  condition,
  proxyActivities,
  setHandler,
} from '@temporalio/workflow';
import type { LoginActivities, LoginRecordActivities } from '../activities/login.activities';
import {
  LoginFailureTypes,
  beginLoginUpdate,
  submitLoginCodeUpdate,
  submitLoginPasswordUpdate,
  type AccountLoginInput,
  type AccountLoginResult,
  type AccountLogoutInput,
  type AccountLogoutResult,
  type LoginFailureDetails,
  type LoginStep,
} from './account-login.shared';
import { BUG_ERROR_TYPES } from './shared';

/** How long a new login waits for its first step; the API sends it right after starting the workflow. */
const BEGIN_WAIT = '1 minute';
/** How long a login waits for the caller's code or password before it expires. */
const STEP_WAIT = '10 minutes';

const records = proxyActivities<LoginRecordActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts: 10, nonRetryableErrorTypes: [...BUG_ERROR_TYPES] },
});

/**
 * One login of a real account (workflow id `login-<accountId>`), on the main task queue.
 *
 * The login itself lives in the worker serving the account's session shard, so every step is an
 * activity on that shard's queue. The caller drives it with updates, whose results it needs:
 * {@link beginLoginUpdate} (send the code, show the QR code, request the pairing code), then for a
 * Telegram phone login {@link submitLoginCodeUpdate} and, with 2FA, {@link submitLoginPasswordUpdate}.
 * QR and pairing-code logins complete on the phone: a heartbeating activity follows them until the
 * account connects (or, for a Telegram account with 2FA, asks for the password). A login that
 * waits too long for its next step expires.
 *
 * Steps are not retried: a repeated step would send a second code or spend one code twice. A
 * wrong code or password fails its update and the login goes on; any other failure ends it.
 */
export async function accountLoginWorkflow(input: AccountLoginInput): Promise<AccountLoginResult> {
  const { accountId } = input;
  const steps = proxyActivities<LoginActivities>({
    taskQueue: input.sessionTaskQueue,
    // The caller waits on HTTP: a shard nobody serves must fail the step soon, not queue it.
    scheduleToStartTimeout: '30 seconds',
    startToCloseTimeout: '2 minutes',
    retry: { maximumAttempts: 1, nonRetryableErrorTypes: [...BUG_ERROR_TYPES] },
  });
  const watcher = proxyActivities<LoginActivities>({
    taskQueue: input.sessionTaskQueue,
    scheduleToStartTimeout: '30 seconds',
    startToCloseTimeout: '15 minutes',
    heartbeatTimeout: '30 seconds',
    retry: { maximumAttempts: 1, nonRetryableErrorTypes: [...BUG_ERROR_TYPES] },
  });

  let current: LoginStep | undefined;
  let completedSteps = 0;
  let busy = false;

  /** Runs one step at a time; a failure that ends the login ends the workflow's wait too. */
  const run = async (step: () => Promise<LoginStep>, endsOnAnyFailure: boolean): Promise<LoginStep> => {
    await condition(() => !busy);
    busy = true;
    try {
      current = await step();
      return current;
    } catch (err) {
      const failure = stepFailure(err, endsOnAnyFailure);
      if (failure.type === LoginFailureTypes.LoginEnded) current = { status: 'failed', error: failure.message };
      throw failure;
    } finally {
      busy = false;
      completedSteps += 1;
    }
  };
  const expect = (status: LoginStep['status'], what: string): void => {
    if (current?.status !== status || busy) {
      throw ApplicationFailure.create({
        type: LoginFailureTypes.LoginRejected,
        message: `no ${what} is awaited: the login is ${busy ? 'busy with another step' : (current?.status ?? 'not begun')}`,
        nonRetryable: true,
        details: [{ kind: 'invalid', retryAfterSeconds: null } satisfies LoginFailureDetails],
      });
    }
  };

  setHandler(
    beginLoginUpdate,
    () => run(() => steps.beginAccountLogin({ accountId, method: input.method, phone: input.phone }), true),
    {
      validator: () => {
        if (current !== undefined || busy) throw ApplicationFailure.nonRetryable('this login has already begun', LoginFailureTypes.LoginRejected);
      },
    },
  );
  setHandler(submitLoginCodeUpdate, (code) => run(() => steps.submitLoginCode({ accountId, code }), false), {
    validator: (_code: string) => expect('code_sent', 'login code'),
  });
  setHandler(
    submitLoginPasswordUpdate,
    (sealedPassword) => run(() => steps.submitLoginPassword({ accountId, sealedPassword }), false),
    { validator: (_sealedPassword: string) => expect('password_required', '2FA password') },
  );

  const finish = async (result: AccountLoginResult): Promise<AccountLoginResult> => {
    await condition(allHandlersFinished);
    return result;
  };

  if (!(await condition(() => current !== undefined && !busy, BEGIN_WAIT))) {
    return finish({ status: 'failed', error: 'the login was never begun' });
  }
  for (;;) {
    const state: LoginStep = current ?? { status: 'failed', error: 'the login was lost' };
    if (state.status === 'connected') return finish({ status: 'connected', error: null });
    if (state.status === 'failed') return finish({ status: 'failed', error: state.error ?? 'the login failed' });

    if (state.status === 'qr' || state.status === 'pairing_code') {
      try {
        current = await watcher.watchAccountLogin({ accountId });
      } catch (err) {
        const error = `the worker holding the login stopped following it: ${messageOf(err)}`;
        await records.failAccountLogin({ accountId, error });
        current = { status: 'failed', error };
      }
      continue;
    }

    const seen = completedSteps;
    if (!(await condition(() => completedSteps !== seen && !busy, STEP_WAIT))) {
      const error = `the login expired: no ${state.status === 'code_sent' ? 'code' : 'password'} came within ${STEP_WAIT}`;
      try {
        await steps.cancelAccountLogin({ accountId, reason: error });
      } catch {
        await records.failAccountLogin({ accountId, error });
      }
      current = { status: 'failed', error };
    }
  }
}

/**
 * Logs an account's real session out (workflow id `logout-<accountId>`) before the account is
 * deleted. The API waits for it a short while only: deletion does not depend on the platform.
 */
export async function accountLogoutWorkflow(input: AccountLogoutInput): Promise<AccountLogoutResult> {
  const steps = proxyActivities<LoginActivities>({
    taskQueue: input.sessionTaskQueue,
    scheduleToStartTimeout: '30 seconds',
    startToCloseTimeout: '1 minute',
    retry: { initialInterval: '1 second', maximumAttempts: 3, nonRetryableErrorTypes: [...BUG_ERROR_TYPES] },
  });
  return steps.logOutAccount({ accountId: input.accountId });
}

/**
 * The failure an update reports for a failed step: the activity's own ApplicationFailure when it
 * raised one, otherwise (a timeout, a worker that never took the step) a failure that ends the
 * login only for steps that cannot be tried again.
 */
function stepFailure(err: unknown, endsOnAnyFailure: boolean): ApplicationFailure {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  if (cause instanceof ApplicationFailure && cause.type && Object.values<string>(LoginFailureTypes).includes(cause.type)) {
    return ApplicationFailure.create({ type: cause.type, message: cause.message, nonRetryable: true, details: cause.details as unknown[] });
  }
  const details: LoginFailureDetails = { kind: 'transient', retryAfterSeconds: null };
  return ApplicationFailure.create({
    type: endsOnAnyFailure ? LoginFailureTypes.LoginEnded : LoginFailureTypes.LoginRejected,
    message: `the worker serving this account did not complete the step: ${messageOf(err)}`,
    nonRetryable: true,
    details: [details],
  });
}

function messageOf(err: unknown): string {
  if (err instanceof ActivityFailure && err.cause) return err.cause.message;
  return err instanceof Error ? err.message : String(err);
}
