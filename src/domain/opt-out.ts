/** The one opt-out every campaign honours: the words that opt a contact out, and how a message is read as one. */
import { z } from 'zod';

/** The words that opt a contact out until its owner sets others. */
export const DEFAULT_OPT_OUT_WORDS = ['stop', 'unsubscribe'] as const;

/** A word as messages are compared with it: trimmed, lower case, accents and closing punctuation dropped. */
export function optOutForm(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .trim()
    .replace(/[\s.!?。！？]+$/u, '')
    .toLowerCase();
}

/** True when `text` is one of `words`, whatever its case, accents or closing punctuation ("STOP!", "Unsubscribe."). */
export function isOptOutMessage(text: string, words: readonly string[]): boolean {
  const form = optOutForm(text);
  return form.length > 0 && words.some((w) => optOutForm(w) === form);
}

/** `PUT /api/contacts/opt-out-words`: 1 to 50 words or short phrases. */
export const OptOutWordsSchema = z.object({
  words: z
    .array(
      z
        .string()
        .trim()
        .min(1, 'a word must not be blank')
        .max(50, 'a word has at most 50 characters')
        .refine((w) => optOutForm(w).length > 0, 'a word must hold a letter or digit'),
    )
    .min(1, 'give at least one word')
    .max(50, 'at most 50 words'),
});
