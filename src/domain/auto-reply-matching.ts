/**
 * Whether a message's text matches an auto-reply rule's keyword, in each of the six match modes,
 * ignoring case and accents unless the rule says otherwise.
 */
import { patternMatches } from './re2-patterns';

/** How a rule's keyword is compared with a message's text. */
export const MATCH_MODES = ['exact', 'contains', 'starts_with', 'ends_with', 'word', 'regex'] as const;
export type MatchMode = (typeof MATCH_MODES)[number];

/** What a rule matches: its keyword (a regular expression in mode `regex`) and how it compares. */
export interface KeywordMatcher {
  keyword: string;
  matchMode: MatchMode;
  /** Upper and lower case differ. @default false */
  caseSensitive: boolean;
  /** `é` and `e` differ. @default false */
  accentSensitive: boolean;
}

const COMBINING_MARKS = /\p{M}/gu;
const WHITESPACE_RUN = /\s+/gu;
const WORD_CHARACTER = /[\p{L}\p{N}\p{M}_]/u;

/**
 * `text` as a rule compares it: in Unicode canonical form, without accents (combining marks
 * after canonical decomposition) unless accents count, and lower-cased unless case counts.
 */
export function normaliseForMatching(text: string, options: Pick<KeywordMatcher, 'caseSensitive' | 'accentSensitive'>): string {
  let normal = text.normalize('NFD');
  if (!options.accentSensitive) normal = normal.replace(COMBINING_MARKS, '');
  if (!options.caseSensitive) normal = normal.toLowerCase();
  return normal.normalize('NFC');
}

/** `text` without surrounding whitespace and with each run of whitespace inside made one space. */
function squashed(text: string): string {
  return text.trim().replace(WHITESPACE_RUN, ' ');
}

/** True when `text` matches `rule`'s keyword in the rule's mode. */
export function keywordMatches(rule: KeywordMatcher, text: string): boolean {
  if (rule.matchMode === 'regex') {
    // Case is left to RE2's own flag: lower-casing a pattern would change `\D` or `\P{Lu}`.
    const accents = { caseSensitive: true, accentSensitive: rule.accentSensitive };
    return patternMatches(normaliseForMatching(rule.keyword, accents), normaliseForMatching(text, accents), !rule.caseSensitive);
  }
  const keyword = squashed(normaliseForMatching(rule.keyword, rule));
  const message = squashed(normaliseForMatching(text, rule));
  switch (rule.matchMode) {
    case 'exact':
      return message === keyword;
    case 'contains':
      return message.includes(keyword);
    case 'starts_with':
      return message.startsWith(keyword);
    case 'ends_with':
      return message.endsWith(keyword);
    case 'word':
      return containsWord(message, keyword);
  }
}

/**
 * True when `keyword` occurs in `text` as whole words: an end of the keyword that is a letter,
 * digit or `_` (in any script) must not touch another one in the text.
 */
function containsWord(text: string, keyword: string): boolean {
  const first = [...keyword][0];
  const last = [...keyword].at(-1);
  const boundedStart = first !== undefined && WORD_CHARACTER.test(first);
  const boundedEnd = last !== undefined && WORD_CHARACTER.test(last);
  for (let at = text.indexOf(keyword); at !== -1; at = text.indexOf(keyword, at + 1)) {
    const before = charBefore(text, at);
    const after = charAt(text, at + keyword.length);
    const startOk = !boundedStart || before === undefined || !WORD_CHARACTER.test(before);
    const endOk = !boundedEnd || after === undefined || !WORD_CHARACTER.test(after);
    if (startOk && endOk) return true;
    if (keyword === '') return false;
  }
  return false;
}

/** The code point ending just before UTF-16 index `at`, if any. */
function charBefore(text: string, at: number): string | undefined {
  if (at <= 0) return undefined;
  const low = text.charCodeAt(at - 1);
  const isLowSurrogate = low >= 0xdc00 && low <= 0xdfff;
  return isLowSurrogate && at >= 2 ? text.slice(at - 2, at) : text.slice(at - 1, at);
}

/** The code point starting at UTF-16 index `at`, if any. */
function charAt(text: string, at: number): string | undefined {
  const code = text.codePointAt(at);
  return code === undefined ? undefined : String.fromCodePoint(code);
}

/**
 * One-character texts with nothing in common (a digit, a Latin and a Cyrillic letter, punctuation,
 * an emoji): a pattern that matches all of them matches whatever is said.
 */
const UNRELATED_TEXTS = ['0', 'Z', 'ж', '?', '\u{1F600}'];

/**
 * True when `rule` is a catch-all, a rule that would answer almost anything said: its keyword
 * matches the empty text (`contains` a keyword that is empty once accents are ignored, a pattern
 * such as `.*`, `^`, `a|` — and, erring on the side of quiet, `^$`), or every one of
 * {@link UNRELATED_TEXTS} (`.`, `\S`, `[^a]`). Such a rule stays out of groups unless they are
 * named (see evaluateAutoReplies).
 */
export function isCatchAll(rule: KeywordMatcher): boolean {
  return keywordMatches(rule, '') || UNRELATED_TEXTS.every((text) => keywordMatches(rule, text));
}
