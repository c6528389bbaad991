/** Text no store can keep: what PostgreSQL, `jsonb` and UTF-8 encoders refuse. */

/** The NUL character: PostgreSQL `text` cannot hold one. */
const NUL = '\u0000';
/** A UTF-16 surrogate without its partner: not a character, and refused by `jsonb` and UTF-8 encoders. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** What makes `text` unstorable ("NUL (\u0000) characters", "lone UTF-16 surrogates"), or null when it is fine. */
export function unstorableTextProblem(text: string): string | null {
  if (text.includes(NUL)) return 'NUL (\\u0000) characters';
  return LONE_SURROGATE.test(text) ? 'lone UTF-16 surrogates' : null;
}

/** What makes some string inside `value` (a key or a value, at any depth) unstorable, or null. */
export function unstorableValueProblem(value: unknown): string | null {
  const pending: unknown[] = [value];
  for (let item = pending.pop(); item !== undefined || pending.length > 0; item = pending.pop()) {
    if (typeof item === 'string') {
      const problem = unstorableTextProblem(item);
      if (problem) return problem;
    } else if (item !== null && typeof item === 'object') {
      for (const [key, child] of Object.entries(item)) pending.push(key, child);
    }
  }
  return null;
}
