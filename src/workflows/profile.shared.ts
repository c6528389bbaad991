/**
 * Name, input and result of the profile workflow, shared by the workflow, its activity and the
 * API. No I/O, no Node built-ins.
 */

export const PROFILE_WORKFLOW = 'profileWorkflow';

/** The workflow id of one profile operation on an account. */
export function profileWorkflowId(accountId: string, requestId: string): string {
  return `profile-${accountId}-${requestId}`;
}

/** Profile fields to change; absent ones stay as they are. */
export interface ProfileChanges {
  firstName?: string;
  lastName?: string;
  about?: string;
}

/** One thing to do with an account's profile. */
export type ProfileOperation =
  | { type: 'get' }
  | { type: 'update'; changes: ProfileChanges }
  /** `''` removes the username. */
  | { type: 'setUsername'; username: string }
  /** The photo is staged in `photo_uploads` under `uploadId`. */
  | { type: 'setPhoto'; uploadId: string }
  | { type: 'deletePhoto' };

export interface ProfileInput {
  accountId: string;
  sessionTaskQueue: string;
  operation: ProfileOperation;
}

/** The account's profile after the operation. */
export interface ProfileData {
  id: string;
  firstName: string;
  lastName: string;
  username: string | null;
  phone: string | null;
  about: string;
  photo: boolean;
}
