/** The p-th percentile (0–100) of `values`, nearest rank; NaN for none. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/**
 * `name: value unit`, one figure per line, the form bench/run-all.ts collects. A target goes in
 * the name — "(target >= 600)", "(target <= 15 ms)", "(target 0.8–1.2)" — for the summary to
 * check. Values under 10 keep two decimals, so a ratio of 0.66 does not print as 0.7.
 */
export function figure(name: string, value: number, unit = ''): void {
  const scale = Math.abs(value) < 10 ? 100 : 10;
  console.log(`${name}: ${Number.isFinite(value) ? (Math.round(value * scale) / scale).toString() : 'n/a'}${unit ? ` ${unit}` : ''}`);
}
