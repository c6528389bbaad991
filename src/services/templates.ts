/** Message templates, their owner's alone: changing and deleting one. */
import type { Knex } from 'knex';
import { isStillReferenced } from '../db/pg-errors';
import { deleteTemplate, updateTemplate, type Template } from '../db/repos/templates.repo';
import type { Scope } from '../db/repos/scope';
import { ConflictError, NotFoundError } from '../errors';

// Templates are their owner's alone: an admin's scope sees no one else's either.
const own = (scope: Scope): Scope => ({ ...scope, admin: false });

/** Changes the name or content of the scope's user's own template `id`. @throws NotFoundError for any other. */
export async function changeTemplate(db: Knex, scope: Scope, id: string, change: { name?: string; content?: string }): Promise<Template> {
  const template = await updateTemplate(db, own(scope), id, change);
  if (!template) throw new NotFoundError();
  return template;
}

/**
 * Deletes the scope's user's own template `id` and answers its id.
 * @throws NotFoundError for any other; ConflictError for one a broadcast uses.
 */
export async function deleteOwnTemplate(db: Knex, scope: Scope, id: string): Promise<string> {
  try {
    if (!(await deleteTemplate(db, own(scope), id))) throw new NotFoundError();
  } catch (err) {
    // The broadcasts' foreign key (ON DELETE RESTRICT) refuses to lose its template.
    if (isStillReferenced(err)) {
      throw new ConflictError('template is used by a broadcast; change or delete the broadcast first');
    }
    throw err;
  }
  return id;
}
