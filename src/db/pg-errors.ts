/** PostgreSQL error codes AutoHub answers for, read from the `code` pg puts on its errors. */

/** True when a delete was refused by a foreign key that restricts it: the row is still in use. */
export function isStillReferenced(err: unknown): boolean {
  // 23503 foreign_key_violation; 23001 restrict_violation (ON DELETE RESTRICT checked at once).
  return ['23001', '23503'].includes((err as { code?: string }).code ?? '');
}
