import { z } from 'zod';

const isNotBlank = (text: string) => text.trim().length > 0;

/**
 * A text kept exactly as written (a message, a template's content): at most `max` characters,
 * refused when empty or only whitespace. NUL characters and lone surrogates are refused for
 * every field before any schema runs (see `assertSafeInput`).
 */
export function keptText(max: number) {
  return z.string().max(max, `at most ${max} characters`).refine(isNotBlank, 'must not be blank');
}

/** A trimmed text (a name, an id, a path): 1 to `max` characters once trimmed; whitespace alone is blank. */
export function trimmedText(max: number) {
  return z.string().trim().min(1, 'must not be blank').max(max, `at most ${max} characters`);
}
