import assert from 'node:assert/strict';

/**
 * `list`, after asserting it has at least one element: an `every` (or a negated `some`) over an
 * empty list holds whatever it checks, so it must never be asked of one.
 */
export function nonEmpty<T>(list: T[], what = 'the list'): T[] {
  assert.ok(Array.isArray(list), `${what} is not a list`);
  assert.ok(list.length > 0, `${what} is empty`);
  return list;
}
