export const median = (values: readonly number[]): number => {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
};

/** The p-th percentile (0..100) of values, nearest rank. */
export const percentile = (values: readonly number[], p: number): number => {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
};

/** Thousands separated, no decimals: 12,345. */
export const count = (value: number): string => (Number.isFinite(value) ? Math.round(value).toLocaleString('en-US') : 'n/a');

export const ms = (value: number, digits = 2): string => (Number.isFinite(value) ? `${value.toFixed(digits)} ms` : 'n/a');

export const ratio = (value: number): string => (Number.isFinite(value) ? value.toFixed(2) : 'n/a');

/** Runs `operation` back to back for `seconds` (after as long of warm-up): operations per second. */
export async function opsPerSecond(operation: () => unknown, seconds: number): Promise<number> {
  const run = async (duration: number) => {
    let done = 0;
    const start = performance.now();
    const end = start + duration * 1000;
    while (performance.now() < end) {
      for (let i = 0; i < 16; i++) await operation();
      done += 16;
    }
    return done / ((performance.now() - start) / 1000);
  };
  await run(seconds);
  return run(seconds);
}

/** A markdown table. */
export function table(head: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}
