/** PostgreSQL error codes AutoHub answers for, read from the `code` pg puts on its errors. */

/** True when a delete was refused by a foreign key that restricts it: the row is still in use. */
export function isStillReferenced(err: unknown): boolean {
  // 23503 foreign_key_violation; 23001 restrict_violation (ON DELETE RESTRICT checked at once).
  return ['23001', '23503'].includes((err as { code?: string }).code ?? '');
}

/**
 * True when PostgreSQL gave the transaction up for another's sake: the victim of a deadlock
 * (40P01) or a serialization failure (40001). The other went ahead; this one may simply run again.
 */
export function isConflictVictim(err: unknown): boolean {
  return ['40P01', '40001'].includes((err as { code?: string }).code ?? '');
}
