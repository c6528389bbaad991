import { placeholdersIn, renderPlaceholders, unknownPlaceholders } from './placeholders';

/** Variables a template may use, with what each becomes for a target. */
export const TEMPLATE_VARIABLES = {
  name: "the chat's title, or the contact's name",
  username: "the chat's or contact's @username (empty when it has none)",
  date: 'the send date, YYYY-MM-DD (UTC)',
  time: 'the send time, HH:MM (UTC)',
  account: "the sending account's name",
} as const;

export type TemplateVariable = keyof typeof TEMPLATE_VARIABLES;
export type TemplateValues = Record<TemplateVariable, string>;

/** The variables `content` uses that AutoHub does not know, each once, in order of appearance. */
export function unknownVariables(content: string): string[] {
  return unknownPlaceholders(content, TEMPLATE_VARIABLES);
}

/** True when `content` uses a variable that depends on the target (its name or username). */
export function usesTargetVariables(content: string): boolean {
  return placeholdersIn(content).some((name) => name === 'name' || name === 'username');
}

/** Replaces every known `{{variable}}` in `content`; unknown ones stay as written. */
export function renderTemplate(content: string, values: TemplateValues): string {
  return renderPlaceholders(content, values);
}

/** The date and time values of a send at `at`. */
export function timeValues(at: Date): Pick<TemplateValues, 'date' | 'time'> {
  const iso = at.toISOString();
  return { date: iso.slice(0, 10), time: iso.slice(11, 16) };
}
