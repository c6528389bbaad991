/**
 * Turning form fields (always strings) into the values the API takes, with a message naming the
 * field when one is not valid, so the form shows it before anything is sent.
 */

/** The whole number in `value`. @throws Error naming `label` when it is blank or not a whole number. */
export function wholeNumber(label: string, value: string): number {
  const trimmed = value.trim();
  if (!/^-?\d+$/.test(trimmed)) throw new Error(`${label}: enter a whole number`);
  return Number(trimmed);
}

/** The non-blank lines of `text`, trimmed: how word and user lists are typed, one per line. */
export function lines(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
}

/** `value` trimmed, or undefined when blank: an optional field left empty is left out of the body. */
export function optional(value: string): string | undefined {
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}
