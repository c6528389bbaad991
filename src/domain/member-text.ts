import { renderPlaceholders, unknownPlaceholders } from './placeholders';

/** Variables a text about chat members may use: a welcome, a goodbye, an auto-reply (said of its sender). */
export const MEMBER_TEXT_VARIABLES = {
  name: 'the member\'s name (for several members: their names, "Alice, Bob and Carol")',
  username: "the member's @username, empty when they have none (for several members: their @usernames)",
  group: "the chat's title",
} as const;

export type MemberTextVariable = keyof typeof MEMBER_TEXT_VARIABLES;
export type MemberTextValues = Record<MemberTextVariable, string>;

/** A chat member as the platform names them. */
export interface Member {
  id: string;
  username: string | null;
  name: string | null;
}

/** Most members a text names one by one; the rest are counted ("and 12 others"). */
export const MAX_NAMED_MEMBERS = 10;

/** The variables `content` uses that a member text does not know, each once, in order of appearance. */
export function unknownMemberVariables(content: string): string[] {
  return unknownPlaceholders(content, MEMBER_TEXT_VARIABLES);
}

/** Replaces every known `{{variable}}` in `content`; unknown ones stay as written. */
export function renderMemberText(content: string, values: MemberTextValues): string {
  return renderPlaceholders(content, values);
}

/** What a member is called: their name, else their @username, else their id. */
export function displayName(member: Member): string {
  const name = member.name?.trim();
  if (name) return name;
  return member.username ? `@${member.username}` : member.id;
}

/** "A", "A and B", "A, B and C"; past {@link MAX_NAMED_MEMBERS}, "A, …, J and 5 others". */
function listNames(names: string[]): string {
  const named = names.slice(0, MAX_NAMED_MEMBERS);
  const others = names.length - named.length;
  if (others > 0) return `${named.join(', ')} and ${others} ${others === 1 ? 'other' : 'others'}`;
  if (named.length <= 1) return named[0] ?? '';
  return `${named.slice(0, -1).join(', ')} and ${named[named.length - 1]}`;
}

/** The values of a text about `members` (one or several) of the chat titled `group`. */
export function memberTextValues(members: readonly Member[], group: string): MemberTextValues {
  const usernames = members.filter((m) => m.username).map((m) => `@${m.username}`);
  return {
    name: listNames(members.map(displayName)),
    username: usernames.slice(0, MAX_NAMED_MEMBERS).join(', '),
    group,
  };
}
