import { z } from 'zod';
import { findImage, findImageContent, listImages } from '../../db/repos/images.repo';
import { MAX_IMAGE_BYTES } from '../../domain/limits';
import { BadRequestError, NotFoundError } from '../../errors';
import { deleteLibraryImage } from '../../services/images';
import type { ApiDeps, Caller } from '../context';
import { libraryImage } from '../image-library';
import { present } from '../presenters';
import { idParam, ok, route } from '../route';
import { ImageResponses } from './resources.responses';
import { BinaryContent } from '../openapi';
import { trimmedText } from '../schemas/text';

const AddImageBody = z
  .object({
    /** An http(s) URL of a JPEG or PNG, fetched now. */
    url: trimmedText(8192).optional(),
    /** A JPEG or PNG inside AUTOHUB_UPLOAD_DIR. */
    path: trimmedText(4096).optional(),
  })
  .refine((b) => b.url === undefined || b.path === undefined, 'give at most one of url or path');

/** The caller's image library: what broadcasts send, with their message as caption. */
export function imageRoutes(deps: ApiDeps) {
  const { db } = deps;
  const ownImage = async (params: Record<string, string>, caller: Caller) => {
    const image = await findImage(db, idParam(params), caller.scope);
    if (!image) throw new NotFoundError();
    return image;
  };

  return [
    route({
      method: 'post',
      path: '/api/v1/images',
      summary: `Add an image: multipart field image, or JSON url (http/https) or path inside AUTOHUB_UPLOAD_DIR; JPEG or PNG, at most ${MAX_IMAGE_BYTES / 1024 / 1024} MiB. The same bytes again answer the stored image.`,
      tag: 'Images',
      operationId: 'addImage',
      responses: { 201: ImageResponses.one },
      body: AddImageBody,
      multipart: { files: ['image'], maxFileBytes: MAX_IMAGE_BYTES },
      handler: async ({ body, files, caller }) => {
        const upload = files.image;
        const fields = { id: 'image_id', url: 'url', path: 'path' };
        if ([upload, body.url, body.path].filter((s) => s !== undefined).length !== 1) {
          throw new BadRequestError('give exactly one of a multipart file field "image", a JSON "url" or a JSON "path"');
        }
        const source = upload ? { upload } : body.url !== undefined ? { url: body.url } : { path: body.path! };
        const image = await libraryImage(deps, caller, source, fields);
        return ok({ image: present.image(image) }, 201);
      },
    }),
    route({
      method: 'get',
      path: '/api/v1/images',
      summary: "The caller's images, newest first (without their bytes)",
      tag: 'Images',
      operationId: 'listImages',
      responses: { 200: ImageResponses.list },
      handler: async ({ caller }) => {
        const images = await listImages(db, caller.scope);
        return ok({ images: images.map(present.image), count: images.length });
      },
    }),
    route({
      method: 'get',
      path: '/api/v1/images/:id',
      summary: 'An image: type, size, SHA-256, where it was fetched from',
      tag: 'Images',
      operationId: 'getImage',
      responses: { 200: ImageResponses.one },
      handler: async ({ params, caller }) => ok({ image: present.image(await ownImage(params, caller)) }),
    }),
    route({
      method: 'get',
      path: '/api/v1/images/:id/content',
      summary: "The image's bytes, with its content type",
      tag: 'Images',
      operationId: 'getImageContent',
      responses: { 200: BinaryContent },
      handler: async ({ ctx, params, caller }) => {
        const image = await ownImage(params, caller);
        const content = await findImageContent(db, image.id, caller.scope);
        if (!content) throw new NotFoundError();
        ctx.type = content.mimeType;
        return { body: content.data };
      },
    }),
    route({
      method: 'delete',
      path: '/api/v1/images/:id',
      summary: 'Delete an image no broadcast (or run of one) uses',
      tag: 'Images',
      operationId: 'deleteImage',
      responses: { 200: ImageResponses.deleted },
      errors: [409],
      handler: async ({ params, caller }) => ok({ deleted: await deleteLibraryImage(db, caller.scope, idParam(params)) }),
    }),
  ];
}
