import { unstorableTextProblem } from '../../domain/text-safety';
import { BadRequestError } from '../../errors';

/** Deepest nesting of arrays and objects a request may carry; AutoHub's own bodies need three levels. */
export const MAX_INPUT_DEPTH = 32;

/** Where a value came from, for the error message: `chat_key` of the query is `query parameter chat_key`. */
export type InputSource = 'body' | 'query' | 'path';

const PREFIX: Record<InputSource, string> = { body: '', query: 'query parameter ', path: 'path parameter ' };

/**
 * Refuses input no route can store or use, before any schema sees it: a string (value or key)
 * with a NUL character or a lone UTF-16 surrogate, or nesting deeper than {@link MAX_INPUT_DEPTH}.
 * Every route passes its body, query and path parameters through here, so a new route cannot
 * forget it. The walk is iterative, so hostile nesting cannot exhaust the stack.
 *
 * @throws BadRequestError naming the offending field, e.g. `target_keys.0: must not contain NUL (\u0000) characters`.
 */
export function assertSafeInput(source: InputSource, value: unknown): void {
  const pending: Array<{ value: unknown; path: string[] }> = [{ value, path: [] }];
  for (let item = pending.pop(); item; item = pending.pop()) {
    const { value: current, path } = item;
    if (typeof current === 'string') {
      refuseUnsafeText(source, path, current, 'value');
    } else if (current !== null && typeof current === 'object') {
      if (path.length >= MAX_INPUT_DEPTH) throw new BadRequestError(`${fieldName(source, path)}: nested deeper than ${MAX_INPUT_DEPTH} levels`);
      for (const [key, child] of Object.entries(current)) {
        refuseUnsafeText(source, path, key, 'key');
        pending.push({ value: child, path: [...path, key] });
      }
    }
  }
}

function refuseUnsafeText(source: InputSource, path: string[], text: string, what: 'value' | 'key'): void {
  const problem = unstorableTextProblem(text);
  if (!problem) return;
  throw new BadRequestError(`${fieldName(source, path)}: ${what === 'key' ? 'field names must' : 'must'} not contain ${problem}`);
}

/** The dotted path of a field; keys on it were checked before their values, so it is printable. */
function fieldName(source: InputSource, path: string[]): string {
  if (path.length === 0) return source === 'body' ? 'body' : PREFIX[source].trim();
  return `${PREFIX[source]}${path.join('.')}`;
}
