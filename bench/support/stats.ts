/** The p-th percentile (0–100) of `values`, nearest rank; NaN for none. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** `name: value unit`, one figure per line. */
export function figure(name: string, value: number, unit = ''): void {
  console.log(`${name}: ${Number.isFinite(value) ? (Math.round(value * 10) / 10).toString() : 'n/a'}${unit ? ` ${unit}` : ''}`);
}
