/** `{{variable}}` placeholders, as templates, auto-replies and welcome messages write them. */

const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

/** The variable names `content` uses, in order of appearance, repeats included. */
export function placeholdersIn(content: string): string[] {
  return [...content.matchAll(PLACEHOLDER)].map((m) => m[1]!);
}

/** The variables `content` uses that are not keys of `known`, each once, in order of appearance. */
export function unknownPlaceholders(content: string, known: object): string[] {
  return [...new Set(placeholdersIn(content).filter((name) => !Object.prototype.hasOwnProperty.call(known, name)))];
}

/** Replaces every `{{variable}}` of `content` that `values` has; the others stay as written. */
export function renderPlaceholders(content: string, values: Readonly<Record<string, string>>): string {
  return content.replace(PLACEHOLDER, (whole, name: string) => (Object.prototype.hasOwnProperty.call(values, name) ? values[name]! : whole));
}
