import { z } from 'zod';

/** `PUT /api/v1/accounts/:id/profile`: every field optional, at least one required. */
export const UpdateProfileBody = z
  .object({
    first_name: z.string().trim().min(1, 'must be 1-64 characters').max(64, 'must be 1-64 characters').optional(),
    last_name: z.string().trim().max(64, 'must be at most 64 characters').optional(),
    about: z.string().trim().max(70, 'must be at most 70 characters').optional(),
  })
  .refine((b) => b.first_name !== undefined || b.last_name !== undefined || b.about !== undefined, {
    message: 'give at least one of first_name, last_name, about',
  });

/** `PUT /api/v1/accounts/:id/username`: 5-32 of a-z, 0-9 and `_` in any case, without `@`; `""` removes it. */
export const UsernameBody = z.object({
  username: z
    .string()
    .trim()
    .refine((u) => !u.startsWith('@'), 'give the username without @')
    .refine((u) => u === '' || /^[A-Za-z0-9_]{5,32}$/.test(u), 'must be 5-32 characters of a-z, 0-9 and _, or "" to remove it'),
});

/** `POST /api/v1/accounts/:id/photo` as JSON (or a multipart text field beside no file). */
export const PhotoBody = z.object({
  photo_path: z.string().trim().min(1).max(4096).optional(),
});
