/**
 * An account's profile (name, about, username, photo) read and changed through its session: each
 * operation a Temporal workflow on the account's session task queue, its failure the matching HTTP error.
 */
import { ApplicationFailure, TimeoutFailure, WorkflowFailedError, type Client } from '@temporalio/client';
import type { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import type { Config } from '../config';
import type { Account } from '../db/repos/accounts.repo';
import { deletePhotoUpload, insertPhotoUpload, type PhotoUpload } from '../db/repos/profile-photos.repo';
import { accountTaskQueue } from '../domain/sharding';
import { ServiceUnavailableError } from '../errors';
import { searchAttributesFor } from '../temporal/search-attributes';
import { PROFILE_WORKFLOW, profileWorkflowId, type ProfileData, type ProfileInput, type ProfileOperation } from '../workflows/profile.shared';
import { MAIN_TASK_QUEUE } from '../workflows/shared';
import { httpErrorFor } from './failures';

/** What profile operations need. */
export interface ProfileDeps {
  db: Knex;
  temporal: Client;
  config: Pick<Config, 'sessionShards'>;
}

/** Longest a profile operation may take, retries included, before the caller hears 503. */
const PROFILE_TIMEOUT = '90 seconds';

/**
 * Runs `operation` on the caller's own connected `account` as workflow `profile-<account>-<uuid>`
 * and waits for the profile it leaves.
 * @throws the HTTP error of the workflow's failure (see httpErrorFor); ServiceUnavailableError
 *   when the session did not answer in time.
 */
export async function runProfileOperation(deps: Omit<ProfileDeps, 'db'>, account: Account, operation: ProfileOperation): Promise<ProfileData> {
  const input: ProfileInput = { accountId: account.id, sessionTaskQueue: accountTaskQueue(account.id, deps.config.sessionShards), operation };
  try {
    return (await deps.temporal.workflow.execute(PROFILE_WORKFLOW, {
      taskQueue: MAIN_TASK_QUEUE,
      workflowId: profileWorkflowId(account.id, randomUUID()),
      args: [input],
      memo: { userId: account.userId, accountId: account.id, operation: operation.type },
      typedSearchAttributes: searchAttributesFor('profile', { userId: account.userId, accountId: account.id }),
      workflowExecutionTimeout: PROFILE_TIMEOUT,
    })) as ProfileData;
  } catch (err) {
    if (!(err instanceof WorkflowFailedError)) throw err;
    if (err.cause instanceof ApplicationFailure) throw httpErrorFor(err.cause.type ?? null, err.cause.message);
    if (err.cause instanceof TimeoutFailure) throw new ServiceUnavailableError("the account's session did not answer in time; try again");
    throw err;
  }
}

/** Sets the profile photo of the caller's own connected `account` to `photo`, a checked JPEG or PNG (see runProfileOperation). */
export async function setProfilePhoto(deps: ProfileDeps, account: Account, photo: PhotoUpload): Promise<ProfileData> {
  // Too large for a workflow payload, the photo is staged in the database for the session activity.
  const uploadId = await insertPhotoUpload(deps.db, account.id, photo);
  try {
    return await runProfileOperation(deps, account, { type: 'setPhoto', uploadId });
  } finally {
    await deletePhotoUpload(deps.db, uploadId, account.id);
  }
}
