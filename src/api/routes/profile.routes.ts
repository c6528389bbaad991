import { platformIdValue } from '../../domain/scan-filters';
import { BadRequestError } from '../../errors';
import { runProfileOperation, setProfilePhoto } from '../../services/profile';
import type { ProfileData } from '../../workflows/profile.shared';
import { ownConnectedAccount } from '../account-access';
import type { ApiDeps, Caller } from '../context';
import { idParam, ok, route } from '../route';
import { MAX_IMAGE_BYTES } from '../../domain/limits';
import { imageFromUpload, imageFromUploadDir } from '../image-intake';
import { PhotoBody, UpdateProfileBody, UsernameBody } from './profile.schemas';
import { ProfileResponses } from './accounts.responses';

/** Profile management of an account: name, about, username, photo — through its session, on Temporal. */
export function profileRoutes(deps: ApiDeps) {
  const { db, config } = deps;
  const account = (params: Record<string, string>, caller: Caller) => ownConnectedAccount(db, idParam(params), caller, 'not found');
  const answer = (profile: ProfileData, extra: Record<string, unknown> = {}) => ok({ ok: true, ...extra, profile: presentProfile(profile) });

  return [
    route({
      method: 'get',
      path: '/api/v1/accounts/:id/profile',
      summary: "The account's profile: name, username, phone, about, whether it has a photo",
      tag: 'Profile',
      operationId: 'getProfile',
      responses: { 200: ProfileResponses.profile },
      errors: [409, 429, 503],
      handler: async ({ params, caller }) => answer(await runProfileOperation(deps, await account(params, caller), { type: 'get' })),
    }),
    route({
      method: 'put',
      path: '/api/v1/accounts/:id/profile',
      summary: 'Update first_name (1-64), last_name (0-64), about (0-70); at least one',
      tag: 'Profile',
      operationId: 'updateProfile',
      responses: { 200: ProfileResponses.profile },
      errors: [409, 429, 503],
      body: UpdateProfileBody,
      handler: async ({ params, caller, body }) => {
        const changes = { firstName: body.first_name, lastName: body.last_name, about: body.about };
        return answer(await runProfileOperation(deps, await account(params, caller), { type: 'update', changes }));
      },
    }),
    route({
      method: 'put',
      path: '/api/v1/accounts/:id/username',
      summary: 'Set the @username (5-32 of a-z, 0-9, _; "" removes it); 409 when taken',
      tag: 'Profile',
      operationId: 'setUsername',
      responses: { 200: ProfileResponses.username },
      errors: [409, 429, 503],
      body: UsernameBody,
      handler: async ({ params, caller, body }) => {
        const profile = await runProfileOperation(deps, await account(params, caller), { type: 'setUsername', username: body.username });
        return answer(profile, { username: profile.username });
      },
    }),
    route({
      method: 'post',
      path: '/api/v1/accounts/:id/photo',
      summary: 'Set the profile photo: multipart field photo, or JSON photo_path inside AUTOHUB_UPLOAD_DIR; JPEG or PNG, at most 10 MiB',
      tag: 'Profile',
      operationId: 'setProfilePhoto',
      responses: { 200: ProfileResponses.profile },
      errors: [409, 429, 503],
      body: PhotoBody,
      multipart: { files: ['photo'], maxFileBytes: MAX_IMAGE_BYTES },
      handler: async ({ params, caller, body, files }) => {
        const target = await account(params, caller);
        const upload = files.photo;
        if (!upload && !body.photo_path) throw new BadRequestError('give a multipart file field "photo" or a JSON "photo_path"');
        const labels = { noun: 'photo', field: 'photo_path' };
        const photo = upload ? await imageFromUpload(upload, labels) : await imageFromUploadDir(config.uploadDir, body.photo_path!, labels);
        return answer(await setProfilePhoto(deps, target, photo));
      },
    }),
    route({
      method: 'delete',
      path: '/api/v1/accounts/:id/photo',
      summary: 'Delete every profile photo of the account',
      tag: 'Profile',
      operationId: 'deleteProfilePhoto',
      responses: { 200: ProfileResponses.profile },
      errors: [409, 429, 503],
      handler: async ({ params, caller }) => answer(await runProfileOperation(deps, await account(params, caller), { type: 'deletePhoto' })),
    }),
  ];
}

/** A profile as the reference shows it; Telegram ids as numbers. */
function presentProfile(p: ProfileData) {
  return {
    id: platformIdValue(p.id),
    first_name: p.firstName,
    last_name: p.lastName,
    username: p.username,
    phone: p.phone,
    about: p.about,
    photo: p.photo,
  };
}
