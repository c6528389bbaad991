/**
 * A compiled list of banned words: one regular expression for the words matched in any case and
 * one for the `=Word` entries matched in their exact case, each word whole (no letter, digit, mark
 * or underscore right before or after it). A phrase's spaces match any run of white space.
 */
interface BannedWordMatcher {
  anyCase: { re: RegExp; entries: string[] } | null;
  exactCase: { re: RegExp; entries: string[] } | null;
}

const WORD_CHAR = '[\\p{L}\\p{N}\\p{M}_]';

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The word an entry matches: without its `=` and surrounding spaces. */
function wordOf(entry: string): string {
  return entry.trim().replace(/^=/, '').trim();
}

/** One capture group per entry, so the group that matched names the entry. */
function compile(entries: string[], flags: string): { re: RegExp; entries: string[] } | null {
  if (entries.length === 0) return null;
  const alternatives = entries.map((e) => `(${wordOf(e).split(/\s+/).map(escapeRegExp).join('\\s+')})`).join('|');
  return { re: new RegExp(`(?<!${WORD_CHAR})(?:${alternatives})(?!${WORD_CHAR})`, flags), entries };
}

/** Compiled lists, by list: the same config is asked about for every message of a chat. */
const compiled = new Map<string, BannedWordMatcher>();
const COMPILED_KEPT = 64;

function matcherFor(list: readonly string[]): BannedWordMatcher {
  const key = list.join('\n');
  const known = compiled.get(key);
  if (known) return known;
  const entries = list.filter((e) => wordOf(e).length > 0);
  const exact = (e: string) => e.trim().startsWith('=');
  const matcher: BannedWordMatcher = {
    anyCase: compile(entries.filter((e) => !exact(e)), 'iu'),
    exactCase: compile(entries.filter(exact), 'u'),
  };
  if (compiled.size >= COMPILED_KEPT) compiled.delete(compiled.keys().next().value!);
  compiled.set(key, matcher);
  return matcher;
}

function firstMatch(part: BannedWordMatcher['anyCase'], text: string): { index: number; entry: string } | null {
  const m = part?.re.exec(text);
  if (!part || !m) return null;
  const group = m.findIndex((g, i) => i > 0 && g !== undefined);
  return { index: m.index, entry: part.entries[group - 1]! };
}

/**
 * The first entry of `list` that `text` contains as a whole word: entries in any case, `=Word`
 * entries in exactly that case. Returns the entry as listed (with its `=`), or null.
 */
export function findBannedWord(text: string, list: readonly string[]): string | null {
  if (list.length === 0) return null;
  const matcher = matcherFor(list);
  const anyCase = firstMatch(matcher.anyCase, text);
  const exact = firstMatch(matcher.exactCase, text);
  if (exact && (!anyCase || exact.index < anyCase.index)) return exact.entry;
  return anyCase?.entry ?? null;
}
