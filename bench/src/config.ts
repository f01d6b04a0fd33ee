// Settings of a benchmark run, from the environment. `BENCH_QUICK=1` is a smoke run of every part in a
// minute or two; the defaults are the full run behind docs/benchmarks.md.

const quick = process.env.BENCH_QUICK === '1';

const number = (name: string, full: number, quickValue: number): number => {
  const raw = process.env[name];
  if (raw !== undefined && raw !== '') {
    const value = Number(raw);
    if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a non-negative number, got '${raw}'`);
    return value;
  }
  return quick ? quickValue : full;
};

export const config = {
  quick,
  /** In process: seconds each operation is measured (after as long again of warm-up). */
  inProcessSeconds: number('BENCH_INPROCESS_SECONDS', 2, 1),
  /** Over HTTP: alternating rounds per framework, seconds per run, warm-up seconds per server, connections. */
  rounds: number('BENCH_ROUNDS', 5, 2),
  seconds: number('BENCH_SECONDS', 3, 1),
  warmupSeconds: number('BENCH_WARMUP_SECONDS', 2, 1),
  connections: number('BENCH_CONNECTIONS', 10, 10),
  /** `pnpm serve` and the write benchmarks: partner connections, and Locations the node seeds. */
  serveConnections: number('BENCH_SERVE_CONNECTIONS', 50, 50),
  seedLocations: number('BENCH_SEED_LOCATIONS', 10_000, 10_000),
  /** Rows in each persistent store for the store-scale part. */
  storeRows: number('BENCH_STORE_ROWS', 1_000_000, 100_000),
  /** Timed repetitions of each store page (median reported): at least 3, at most storeRuns, within storeSeconds per store. */
  storeRuns: number('BENCH_STORE_RUNS', 15, 5),
  storeSeconds: number('BENCH_STORE_SECONDS', 40, 10),
  /** Locations held in memory for the resident-memory measurement. */
  memoryLocations: number('BENCH_MEMORY_LOCATIONS', 100_000, 20_000),
  /** Comma-separated parts to run: inprocess, serve, versions, writes, stores, memory, tariffs (the default) and http (the in-memory core through each adapter). */
  parts: (process.env.BENCH_PARTS ?? 'inprocess,serve,versions,writes,stores,memory,tariffs').split(',').map((part) => part.trim()),
};

export type BenchConfig = typeof config;
