// What users run: `pnpm serve` as CPO with 10,000 seeded Locations, on the embedded store and on
// PostgreSQL, through each adapter, against two hand-written node:http servers answering the same
// bytes: (a) token in a Map + JSON.stringify of the envelope, (b) token in a Map + pre-encoded
// Location bytes joined. The node and the baselines run on core 1, autocannon here on core 0,
// PostgreSQL where the scheduler puts it. Per node, the three servers are loaded in alternation over several rounds.
// Prints one JSON line with the results.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { config } from './config.js';
import { load, type MeasuredRun, summarize } from './load.js';
import { type ChildServer, freePort, freshDatabase, type NodeProcess, register, serverMemory, startChildServer, startServe, treeCpu } from './processes.js';
import { GET_HEADERS, normalizeTimestamp } from './scenario.js';
import { median } from './stats.js';

export const SERVE_ADAPTERS = ['fastify', 'hono', 'express'] as const;
export const SERVE_STORES = ['embedded', 'postgres'] as const;
export type ServeVariant = 'ours' | 'stringify' | 'buffers';

export interface ServeVariantResult {
  requestsPerSecond: number;
  /** CPU time of the server's processes per answered request, in microseconds (median of the rounds). */
  cpuPerRequest: number;
  p50: number;
  p99: number;
  errors: number;
  clientCpu: number;
  /** Resident memory of the server process after the runs, and its peak. */
  rss: number;
  peakRss: number;
}

export interface ServeRun {
  store: (typeof SERVE_STORES)[number];
  adapter: (typeof SERVE_ADAPTERS)[number];
  /** From spawning `pnpm serve` to its first answer to token A (10,000 Locations seeded in between). */
  startSeconds: number;
  variants: Record<ServeVariant, ServeVariantResult>;
  /** Median over the rounds of ours / baseline in the same round. */
  ratioToStringify: number;
  ratioToBuffers: number;
  /** Same status, compared headers and bytes (timestamp aside) from the node and both baselines. */
  identical: boolean;
  bodyBytes: number;
}

export interface ServeResult {
  seedLocations: number;
  path: string;
  connections: number;
  rounds: number;
  seconds: number;
  runs: ServeRun[];
}

const here = dirname(fileURLToPath(import.meta.url));
const PATH = '/ocpi/2.2.1/sender/locations?offset=0&limit=50';
const TOKEN_A = 'bench-token-a-0123456789';
const EMSP = { role: 'EMSP' as const, country_code: 'DE', party_id: 'BEN', business_details: { name: 'Bench eMSP' } };
const COMPARED = [
  'content-type',
  'x-total-count',
  'x-limit',
  'link',
  'ocpi-from-country-code',
  'ocpi-from-party-id',
  'ocpi-to-country-code',
  'ocpi-to-party-id',
];

/** A baseline server (http-server.mjs, node:http) serving the node's seed to the registered partner. */
const startBaseline = (variant: 'stringify' | 'buffers', settings: object): Promise<ChildServer> =>
  startChildServer(join(here, 'http-server.mjs'), ['node', variant], { ...process.env, BENCH_SERVE: JSON.stringify(settings) });

async function answer(port: number, authorization: string) {
  const response = await fetch(`http://127.0.0.1:${port}${PATH}`, { headers: { ...GET_HEADERS, authorization } });
  const bytes = new Uint8Array(await response.arrayBuffer());
  const headers = Object.fromEntries(COMPARED.map((name) => [name, response.headers.get(name)]));
  return { status: response.status, headers: JSON.stringify(headers), body: normalizeTimestamp(new TextDecoder().decode(bytes)), bytes: bytes.byteLength };
}

async function measure(store: ServeRun['store'], adapter: ServeRun['adapter'], port: number, run: number): Promise<ServeRun> {
  const database = store === 'postgres' ? await freshDatabase(`bench_serve_${run}`) : undefined;
  const started = performance.now();
  let node: NodeProcess | undefined;
  const baselines: ChildServer[] = [];
  try {
    node = await startServe({
      role: 'CPO',
      adapter,
      port,
      tokenA: TOKEN_A,
      seedLocations: config.seedLocations,
      ...(database ? { databaseUrl: database.url } : {}),
    });
    const startSeconds = (performance.now() - started) / 1000;
    const partner = await register(node, TOKEN_A, EMSP);
    await partner.close();
    const settings = { seedLocations: config.seedLocations, baseUrl: node.baseUrl, authorization: partner.authorization, emsp: EMSP };
    baselines.push(await startBaseline('stringify', settings), await startBaseline('buffers', settings));
    const servers: Record<ServeVariant, { port: number; pid: number }> = {
      ours: { port, pid: node.pid },
      stringify: { port: (baselines[0] as ChildServer).port, pid: (baselines[0] as ChildServer).child.pid as number },
      buffers: { port: (baselines[1] as ChildServer).port, pid: (baselines[1] as ChildServer).child.pid as number },
    };
    const variants: ServeVariant[] = ['ours', 'stringify', 'buffers'];
    const reference = await answer(port, partner.authorization);
    let identical = reference.status === 200;
    for (const variant of variants) {
      const got = await answer(servers[variant].port, partner.authorization);
      if (got.status !== reference.status || got.body !== reference.body || got.headers !== reference.headers) {
        identical = false;
        console.error(`serve: ${store}/${adapter}: ${variant} answers differently from the node: ${got.headers} vs ${reference.headers}`);
      }
    }
    const loadOf = async (variant: ServeVariant, seconds: number): Promise<MeasuredRun> => {
      const before = treeCpu(servers[variant].pid);
      const run = await load({
        url: `http://127.0.0.1:${servers[variant].port}${PATH}`,
        connections: config.serveConnections,
        seconds,
        headers: { ...GET_HEADERS, authorization: partner.authorization },
        tolerateErrors: true,
      });
      return { ...run, cpuPerRequest: (treeCpu(servers[variant].pid) - before) / (run.requestsPerSecond * seconds) };
    };
    for (const variant of variants) await loadOf(variant, config.warmupSeconds);
    const runs: Record<ServeVariant, MeasuredRun[]> = { ours: [], stringify: [], buffers: [] };
    const ratios = { stringify: [] as number[], buffers: [] as number[] };
    for (let round = 0; round < config.rounds; round++) {
      const order = variants.map((_, i) => variants[(i + round) % variants.length] as ServeVariant);
      const thisRound: Partial<Record<ServeVariant, MeasuredRun>> = {};
      for (const variant of order) thisRound[variant] = await loadOf(variant, config.seconds);
      for (const variant of variants) runs[variant].push(thisRound[variant] as MeasuredRun);
      const ours = thisRound.ours?.requestsPerSecond ?? Number.NaN;
      ratios.stringify.push(ours / (thisRound.stringify?.requestsPerSecond ?? Number.NaN));
      ratios.buffers.push(ours / (thisRound.buffers?.requestsPerSecond ?? Number.NaN));
      console.error(
        `serve: ${store}/${adapter} round ${round + 1}: ${order.map((v) => `${v} ${Math.round(thisRound[v]?.requestsPerSecond ?? 0)}/s`).join(', ')}`,
      );
    }
    const summary = (variant: ServeVariant): ServeVariantResult => {
      const list = runs[variant];
      const memory = serverMemory(servers[variant].pid);
      return { ...summarize(list), rss: memory.rss, peakRss: memory.peak };
    };
    return {
      store,
      adapter,
      startSeconds,
      variants: { ours: summary('ours'), stringify: summary('stringify'), buffers: summary('buffers') },
      ratioToStringify: median(ratios.stringify),
      ratioToBuffers: median(ratios.buffers),
      identical,
      bodyBytes: reference.bytes,
    };
  } finally {
    for (const baseline of baselines) await baseline.stop();
    await node?.stop();
    await database?.drop();
  }
}

const port = await freePort();
const runs: ServeRun[] = [];
let n = 0;
// BENCH_SERVE_CASES=embedded/fastify,postgres/hono measures only those (a partial run).
const cases = process.env.BENCH_SERVE_CASES?.split(',').map((c) => c.trim());
for (const store of SERVE_STORES) {
  if (store === 'postgres' && !process.env.OCPI_TEST_DATABASE_URL) continue;
  for (const adapter of SERVE_ADAPTERS) {
    if (cases && !cases.includes(`${store}/${adapter}`)) continue;
    runs.push(await measure(store, adapter, port, ++n));
  }
}
const result: ServeResult = {
  seedLocations: config.seedLocations,
  path: PATH,
  connections: config.serveConnections,
  rounds: config.rounds,
  seconds: config.seconds,
  runs,
};
process.stdout.write(`${JSON.stringify(result)}\n`);
