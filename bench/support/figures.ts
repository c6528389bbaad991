/**
 * Reading back what benches print: the figure lines of `figure()` (bench/support/stats.ts) and the
 * targets their names state, for the summary of bench/run-all.ts. Pure, so it is unit-tested.
 */

/** One figure a bench printed as `name: value unit`; `value` is NaN for `n/a`. */
export interface Figure {
  name: string;
  value: number;
  unit: string;
}

/** A target stated in a figure's name, in the figure's own unit where the two convert. */
export interface Target {
  /** `range` is `low`–`high` inclusive; the others compare against `low`. */
  op: '>=' | '<=' | '>' | '<' | '=' | 'range';
  low: number;
  high: number;
  /** The target as the name states it, normalised: `<= 15 ms`, `0.8–1.2`, `= 0`. */
  text: string;
}

/**
 * `name: value unit`: the name is everything up to the last `: ` before the number, the unit a few
 * words without digits or colons. A descriptive line such as `at 50 msg/s: 200 injected, 0 refused`
 * is not a figure (its tail holds digits), so benches may print those freely.
 */
const FIGURE_LINE = /^(.+): (-?\d+(?:\.\d+)?(?:e[-+]?\d+)?|n\/a)(?: ([^\d:]+))?$/;

const NUMBER = String.raw`-?\d[\d,]*(?:\.\d+)?`;
/** `target >= 600`, `target ≤ 1 MB`, `target 0.8–1.2`, `target 9000-12250 ms`, `target 0`. */
const TARGET = new RegExp(String.raw`\btarget:?\s*(>=|<=|≥|≤|>|<|=)?\s*(${NUMBER})(?:\s*(?:–|—|-|to)\s*(${NUMBER}))?(?:\s*([A-Za-zµ%/]+))?`, 'i');

/** Factors to a base unit, per family, so "target ≤ 1 MB" checks a figure printed in KB. */
const UNITS: Record<string, { family: string; factor: number }> = {
  us: { family: 'time', factor: 0.001 },
  µs: { family: 'time', factor: 0.001 },
  ms: { family: 'time', factor: 1 },
  s: { family: 'time', factor: 1000 },
  min: { family: 'time', factor: 60_000 },
  b: { family: 'bytes', factor: 1 },
  kb: { family: 'bytes', factor: 1024 },
  kib: { family: 'bytes', factor: 1024 },
  mb: { family: 'bytes', factor: 1024 ** 2 },
  mib: { family: 'bytes', factor: 1024 ** 2 },
  gb: { family: 'bytes', factor: 1024 ** 3 },
  gib: { family: 'bytes', factor: 1024 ** 3 },
};

/** The figure a line of bench output holds, or undefined for any other line. */
export function parseFigure(line: string): Figure | undefined {
  const match = FIGURE_LINE.exec(line.trim());
  if (!match) return undefined;
  return { name: match[1]!.trim(), value: match[2] === 'n/a' ? NaN : Number(match[2]), unit: (match[3] ?? '').trim() };
}

/** The first target a figure's name states, converted to the figure's unit; undefined if none. */
export function parseTarget(figure: Figure): Target | undefined {
  const match = TARGET.exec(figure.name);
  if (!match) return undefined;
  const [, opText, lowText, highText, unitText] = match;
  // A word after the number is a unit only if it converts or is the figure's own ("target >= 300 and ..." has none).
  const unit = unitText && (UNITS[unitText.toLowerCase()] || unitText === figure.unit) ? unitText : '';
  const scale = conversion(unit, figure.unit);
  const low = toNumber(lowText!) * scale;
  const suffix = unit ? ` ${unit}` : '';
  if (highText !== undefined) {
    return { op: 'range', low, high: toNumber(highText) * scale, text: `${lowText}–${highText}${suffix}` };
  }
  const op = ({ '≥': '>=', '≤': '<=' } as Record<string, Target['op']>)[opText ?? ''] ?? ((opText as Target['op'] | undefined) || '=');
  return { op, low, high: low, text: `${op} ${lowText}${suffix}` };
}

/** Whether `value` meets `target`; a missing value (NaN) never does. */
export function meets(value: number, target: Target): boolean {
  if (Number.isNaN(value)) return false;
  switch (target.op) {
    case '>=':
      return value >= target.low;
    case '<=':
      return value <= target.low;
    case '>':
      return value > target.low;
    case '<':
      return value < target.low;
    case '=':
      return value === target.low;
    case 'range':
      return value >= target.low && value <= target.high;
  }
}

function toNumber(text: string): number {
  return Number(text.replace(/,/g, ''));
}

/** What a number in `from` is multiplied by to be in `to`; 1 when either is unknown or they do not convert. */
function conversion(from: string, to: string): number {
  const a = UNITS[from.toLowerCase()];
  const b = UNITS[to.toLowerCase()];
  return a && b && a.family === b.family ? a.factor / b.factor : 1;
}
