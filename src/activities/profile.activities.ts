import { ApplicationFailure } from '@temporalio/activity';
import type { Knex } from 'knex';
import { deletePhotoUpload, findPhotoUpload } from '../db/repos/profile-photos.repo';
import type { SessionPool } from '../platforms/session-pool';
import type { PlatformSession, Profile } from '../domain/platform-port';
import type { ProfileData, ProfileOperation } from '../workflows/profile.shared';
import { FailureTypes } from '../workflows/shared';
import { rethrowPlatformFailure } from './send-failures';

export interface ProfileActivityDeps {
  db: Knex;
  pool: SessionPool;
}

/** Profile work on an account's live session (task queues `sessions-<shard>`). */
export function createProfileActivities({ db, pool }: ProfileActivityDeps) {
  return {
    /**
     * Performs one profile operation and returns the profile as it is afterwards. Someone waits
     * for the answer, so a rate limit fails at once (the caller hears 429 with the wait) rather
     * than being waited out.
     */
    async runProfileOperation(input: { accountId: string; operation: ProfileOperation }): Promise<ProfileData> {
      try {
        return toProfileData(await pool.use(input.accountId, (session) => perform(db, input.accountId, session, input.operation)));
      } catch (err) {
        return rethrowPlatformFailure(err, { db, accountId: input.accountId, retryRateLimits: false });
      }
    },
  };
}

async function perform(db: Knex, accountId: string, session: PlatformSession, op: ProfileOperation): Promise<Profile> {
  switch (op.type) {
    case 'get':
      return session.getProfile();
    case 'update':
      return session.updateProfile(op.changes);
    case 'setUsername':
      await session.setUsername(op.username);
      return session.getProfile();
    case 'setPhoto': {
      const photo = await findPhotoUpload(db, op.uploadId, accountId);
      if (!photo) throw ApplicationFailure.nonRetryable('the uploaded photo is no longer staged; upload it again', FailureTypes.UploadMissing);
      await session.setPhoto(photo);
      await deletePhotoUpload(db, op.uploadId, accountId);
      return session.getProfile();
    }
    case 'deletePhoto':
      await session.deletePhoto();
      return session.getProfile();
  }
}

function toProfileData(p: Profile): ProfileData {
  return { id: p.id, firstName: p.firstName, lastName: p.lastName, username: p.username, phone: p.phone, about: p.about, photo: p.photo };
}

export type ProfileActivities = ReturnType<typeof createProfileActivities>;
