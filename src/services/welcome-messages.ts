/**
 * Welcome and goodbye configs, their owner's alone: setting one for a chat key (canonicalised) or
 * `_default`, listing them, deleting one.
 */
import type { Knex } from 'knex';
import type { Scope } from '../db/repos/scope';
import { deleteWelcomeConfig, listWelcomeConfigs, upsertWelcomeConfig, type StoredWelcomeConfig } from '../db/repos/welcome.repo';
import { TARGET_KEY_FORMS } from '../domain/target-keys';
import { canonicalWelcomeGroup, DEFAULT_WELCOME_GROUP, type WelcomeConfig } from '../domain/welcome';
import { BadRequestError, NotFoundError } from '../errors';

// Configs are their owner's alone: an admin's scope sees no one else's either.
const own = (scope: Scope): Scope => ({ ...scope, admin: false });

/** The scope's user's own configs, `_default` first. */
export async function listOwnWelcomeConfigs(db: Knex, scope: Scope): Promise<StoredWelcomeConfig[]> {
  return listWelcomeConfigs(db, own(scope));
}

/**
 * Sets the scope's user's config of its `group_id` (canonicalised), replacing the one there was.
 * @throws BadRequestError when `group_id` names no chat.
 */
export async function setWelcomeConfig(db: Knex, scope: Scope, config: WelcomeConfig): Promise<{ config: StoredWelcomeConfig; created: boolean }> {
  const groupId = canonicalWelcomeGroup(config.group_id);
  if (groupId === null) {
    throw new BadRequestError(
      `group_id: not a chat key: ${config.group_id} (expected "${DEFAULT_WELCOME_GROUP}", a Telegram chat: ${TARGET_KEY_FORMS.telegram}; or a WhatsApp chat: ${TARGET_KEY_FORMS.whatsapp})`,
    );
  }
  return upsertWelcomeConfig(db, own(scope), { ...config, group_id: groupId });
}

/** Deletes the scope's user's config of `groupId` (any spelling of it) and answers its canonical key. @throws NotFoundError when they have none. */
export async function deleteOwnWelcomeConfig(db: Knex, scope: Scope, groupId: string): Promise<string> {
  const canonical = canonicalWelcomeGroup(groupId);
  if (canonical === null || !(await deleteWelcomeConfig(db, own(scope), canonical))) throw new NotFoundError('no welcome config for this group_id');
  return canonical;
}
