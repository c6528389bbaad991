import type { Knex } from 'knex';

/** Whose data a query may see: admins see everyone's, users their own. */
export interface Scope {
  userId: string;
  admin: boolean;
}

/** Restricts `query` to rows of `column` owned by the scope's user, unless the scope is an admin's. */
export function ownedBy<T extends Knex.QueryBuilder>(query: T, scope: Scope, column = 'user_id'): T {
  return scope.admin ? query : (query.where(column, scope.userId) as T);
}
