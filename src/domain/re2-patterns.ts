/**
 * Regular expressions of auto-reply rules, run on RE2 (through `re2-wasm`) so that no pattern can
 * backtrack: a match takes time linear in the text. RE2's program still grows with the pattern
 * (a counted repetition copies what it repeats, a Unicode class compiles to many byte ranges) and
 * `re2-wasm` runs in a fixed 16 MiB heap that it never gives back on its own, so a pattern must
 * also fit {@link MAX_PATTERN_COST} when it is saved, compiled patterns are kept in a small cache
 * that frees what it evicts, and a heap exhausted anyway is emptied and the compile tried once more.
 */
import { RE2 } from 're2-wasm';

/** Longest pattern a rule may hold, in characters. */
export const MAX_PATTERN_LENGTH = 200;

/**
 * Largest cost of a pattern (see {@link patternCost}): 200 plain characters, `\w` repeated 20
 * times or four Unicode property classes — what RE2 compiles within a few hundred milliseconds and
 * a few hundred KiB, so that the cache's patterns fit the module's heap together.
 */
export const MAX_PATTERN_COST = 400;

/** How many compiled patterns stay in memory; the least recently used one beyond is freed. */
const CACHE_SIZE = 64;

/** What a character class (`[a-z]`, `\d`, `\w`, `.`) costs. */
const CLASS_COST = 20;

/** What a Unicode property class (`\p{L}`, or a `[...]` holding one) costs: RE2 compiles each to hundreds of byte ranges. */
const UNICODE_CLASS_COST = 100;

/** The wrapper object of the RE2 WebAssembly module, freed explicitly (the module has no finaliser). */
interface Wasm {
  wrapper?: { delete(): void };
}

const cache = new Map<string, RE2>();

/** The compiled pattern, from the cache or compiled now; throws RE2's SyntaxError for an invalid pattern. */
function compiled(source: string, ignoreCase: boolean): RE2 {
  const key = `${ignoreCase ? 'i' : '-'}${source}`;
  const hit = cache.get(key);
  if (hit) {
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  const regex = compileFreeingOnExhaustion(source, ignoreCase ? 'iu' : 'u');
  cache.set(key, regex);
  while (cache.size > CACHE_SIZE) {
    const [oldest, evicted] = cache.entries().next().value as [string, RE2];
    cache.delete(oldest);
    free(evicted);
  }
  return regex;
}

function compileFreeingOnExhaustion(source: string, flags: string): RE2 {
  try {
    return new RE2(source, flags);
  } catch (err) {
    if (!(isHeapExhausted(err))) throw err;
    // The heap is full: free every cached pattern and try once more.
    for (const regex of cache.values()) free(regex);
    cache.clear();
    return new RE2(source, flags);
  }
}

/** True for the WebAssembly `RuntimeError` RE2's module aborts with when its heap is full. */
function isHeapExhausted(err: unknown): boolean {
  return err instanceof Error && err.name === 'RuntimeError';
}

function free(regex: RE2): void {
  (regex as unknown as Wasm).wrapper?.delete();
}

/**
 * A rough measure of the size of the program RE2 compiles `source` to: each literal character
 * costs 1, each class (`[...]`, `\d`, `.`) {@link CLASS_COST}, each Unicode property class
 * (`\p{L}`) {@link UNICODE_CLASS_COST}, a group the sum of its
 * parts, and a counted repetition `{n}`, `{n,}` or `{n,m}` multiplies what it repeats by its
 * largest bound (`{n,}` by n + 1). `*`, `+` and `?` add nothing: RE2 loops over them.
 */
export function patternCost(source: string): number {
  const groups: number[] = [0];
  let last = 0;
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    if (c === '\\') {
      const next = source[i + 1] ?? '';
      if ((next === 'p' || next === 'P') && source[i + 2] === '{') i = Math.max(source.indexOf('}', i), i + 1);
      else i += 1;
      last = next === 'p' || next === 'P' ? UNICODE_CLASS_COST : /[dDwWsS]/.test(next) ? CLASS_COST : 1;
    } else if (c === '[') {
      const end = classEnd(source, i);
      last = /\\[pP]/.test(source.slice(i, end)) ? UNICODE_CLASS_COST : CLASS_COST;
      i = end;
    } else if (c === '(') {
      groups.push(0);
      last = 0;
      continue;
    } else if (c === ')') {
      last = groups.length > 1 ? groups.pop()! : 0;
    } else if (c === '{') {
      const bound = /^\{(\d+)(,(\d*))?\}/.exec(source.slice(i));
      if (bound) {
        const max = bound[3] ? Number(bound[3]) : bound[2] !== undefined ? Number(bound[1]) + 1 : Number(bound[1]);
        // The repeated atom is already counted once.
        groups[groups.length - 1]! += last * Math.max(max - 1, 0);
        i += bound[0].length - 1;
        last = 0;
        continue;
      }
      last = 1;
    } else if (c === '.') {
      last = CLASS_COST;
    } else if ('*+?|^$'.includes(c)) {
      continue;
    } else {
      last = 1;
    }
    groups[groups.length - 1]! += last;
  }
  return groups.reduce((sum, cost) => sum + cost, 0);
}

/** The index of the `]` closing the class opened at `start` (or the end of `source`). */
function classEnd(source: string, start: number): number {
  let i = start + 1;
  if (source[i] === '^') i++;
  if (source[i] === ']') i++;
  for (; i < source.length; i++) {
    if (source[i] === '\\') i++;
    else if (source[i] === ']') return i;
  }
  return source.length;
}

/**
 * Why `source` may not be a rule's pattern, or null when it may: too long, too costly for RE2
 * (see {@link patternCost}), or not RE2 syntax (RE2 has no look-around and no back-references).
 */
export function patternProblem(source: string): string | null {
  if (source.length > MAX_PATTERN_LENGTH) return `the pattern has more than ${MAX_PATTERN_LENGTH} characters`;
  const cost = patternCost(source);
  if (cost > MAX_PATTERN_COST) {
    return `the pattern is too large for the regular-expression engine (cost ${cost}, at most ${MAX_PATTERN_COST}); use fewer or smaller counted repetitions such as {n}`;
  }
  try {
    compiled(source, false);
    return null;
  } catch (err) {
    if (err instanceof SyntaxError) return `invalid RE2 regular expression: ${err.message.replace(/^Invalid regular expression: /, '')}`;
    if (isHeapExhausted(err)) return 'the pattern is too large for the regular-expression engine';
    throw err;
  }
}

/**
 * True when `source` matches somewhere in `text`, ignoring case when asked. A pattern that is no
 * longer valid (saved by another version) matches nothing.
 */
export function patternMatches(source: string, text: string, ignoreCase: boolean): boolean {
  let regex: RE2;
  try {
    regex = compiled(source, ignoreCase);
  } catch (err) {
    if (err instanceof SyntaxError || isHeapExhausted(err)) return false;
    throw err;
  }
  regex.lastIndex = 0;
  return regex.test(text);
}
