/** Orders OCPI version numbers numerically: 2.1.1 < 2.2 < 2.2.1 < 2.3.0. */
export function compareVersions(a: string, b: string): number {
  const x = a.split('.').map(Number);
  const y = b.split('.').map(Number);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const diff = (x[i] ?? 0) - (y[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return 0;
}

/** The highest version both sides support, or undefined (credentials.asciidoc: 3002 then). */
export function highestMutualVersion(ours: readonly string[], theirs: readonly string[]): string | undefined {
  return ours
    .filter((v) => theirs.includes(v))
    .sort(compareVersions)
    .at(-1);
}
