import type { Knex } from 'knex';
import { ownedBy, type Scope } from './scope';

export interface Template {
  id: string;
  userId: string;
  name: string;
  content: string;
  createdAt: Date;
  updatedAt: Date;
}

interface TemplateRow {
  id: string;
  user_id: string;
  name: string;
  content: string;
  created_at: Date;
  updated_at: Date;
}

const mapTemplate = (r: TemplateRow): Template => ({
  id: r.id,
  userId: r.user_id,
  name: r.name,
  content: r.content,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export async function insertTemplate(
  db: Knex,
  template: { userId: string; name: string; content: string },
): Promise<Template> {
  const [row] = await db<TemplateRow>('templates')
    .insert({ user_id: template.userId, name: template.name, content: template.content })
    .returning('*');
  return mapTemplate(row!);
}

/** The scope's user's own templates, oldest first (an admin's too: templates are never shared). */
export async function listTemplates(db: Knex, scope: Scope): Promise<Template[]> {
  const rows = await db<TemplateRow>('templates').where({ user_id: scope.userId }).orderBy('created_at').orderBy('id');
  return rows.map(mapTemplate);
}

export async function findTemplate(db: Knex, id: string, scope: Scope): Promise<Template | undefined> {
  const row = await ownedBy(db<TemplateRow>('templates').where({ id }).first(), scope);
  return row && mapTemplate(row);
}

/** Changes template `id` if `scope` owns it; undefined when it does not (nothing changed). */
export async function updateTemplate(
  db: Knex,
  scope: Scope,
  id: string,
  change: { name?: string; content?: string },
): Promise<Template | undefined> {
  const [row]: TemplateRow[] = await ownedBy(db('templates').where({ id }), scope)
    .update({ ...change, updated_at: db.fn.now() })
    .returning('*');
  return row && mapTemplate(row);
}

/**
 * Deletes template `id` if `scope` owns it; false when it does not. A template a broadcast uses
 * makes the database refuse (see isStillReferenced).
 */
export async function deleteTemplate(db: Knex, scope: Scope, id: string): Promise<boolean> {
  return (await ownedBy(db('templates').where({ id }), scope).delete()) > 0;
}
