// Writes as partners make them: `pnpm serve` as eMSP on the embedded store and on PostgreSQL, 50
// connections of a registered CPO sending PUTs of full Locations, PATCHes of an EVSE status and POSTs
// of CDRs, each a new version (last_updated moves forward), against the bare-INSERT baseline
// (write-baseline.ts) on the same driver, in alternation. Node and baseline on core 1, autocannon here
// on core 0, PostgreSQL unpinned. Prints one JSON line with the results.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { config } from './config.js';
import { load, type MeasuredRun, summarize } from './load.js';
import { benchLocation, lastUpdatedOf } from './locations.js';
import {
  type ChildServer,
  freePort,
  freshDatabase,
  type NodeProcess,
  postgresCpu,
  register,
  repo,
  serverMemory,
  startChildServer,
  startServe,
  treeCpu,
} from './processes.js';
import { median } from './stats.js';

export const WRITE_OPERATIONS = ['PUT Location', 'PATCH EVSE status', 'POST CDR'] as const;
export type WriteOperation = (typeof WRITE_OPERATIONS)[number];

export interface WriteMeasure {
  requestsPerSecond: number;
  /** CPU time per answered request, in microseconds, of the server's processes and of PostgreSQL's. */
  cpuPerRequest: number;
  databaseCpuPerRequest: number;
  p50: number;
  p99: number;
  errors: number;
  clientCpu: number;
}

export interface WriteRun {
  store: 'embedded' | 'postgres';
  operation: WriteOperation;
  ours: WriteMeasure;
  baseline: WriteMeasure;
  /** Median over the rounds of ours / baseline in the same round. */
  ratio: number;
}

export interface WritesResult {
  connections: number;
  rounds: number;
  seconds: number;
  locations: number;
  runs: WriteRun[];
  /** Resident memory of each node after its writes. */
  rss: Record<string, number>;
}

type Measured = MeasuredRun & { databaseCpuPerRequest: number };

const here = dirname(fileURLToPath(import.meta.url));
const TOKEN_A = 'bench-token-a-0123456789';
const CPO = { role: 'CPO' as const, country_code: 'NL', party_id: 'BEN', business_details: { name: 'Bench CPO' } };
const PARTY = { country_code: 'NL', party_id: 'BEN', name: 'Bench CPO' };
/** Locations the PUTs cycle over; PATCHes go to the first thousand, which are put before. */
const LOCATIONS = 10_000;
const PATCHED = 1_000;
const BASE = Date.parse('2026-06-01T00:00:00Z');
/** Every request a later last_updated than the one before: each write is a new version, none outdated. */
const stamp = (n: number) => `${new Date(BASE + n * 1000).toISOString().slice(0, 19)}Z`;

// Each Location's JSON split at its last_updated (the same instant throughout a generated Location).
const templates = Array.from({ length: LOCATIONS }, (_, i) => JSON.stringify(benchLocation(i + 1, PARTY)).split(lastUpdatedOf(i + 1)));
const locationId = (n: number) => `LOC${String((n % LOCATIONS) + 1).padStart(7, '0')}`;
const cdr = JSON.parse(readFileSync(join(repo, 'vendor/ocpi/examples/2.2.1/cdr_example.json'), 'utf8')) as Record<string, unknown>;

const requests: Record<WriteOperation, (n: number) => { path: string; body: string }> = {
  'PUT Location': (n) => ({
    path: `/ocpi/2.2.1/receiver/locations/NL/BEN/${locationId(n)}`,
    body: (templates[n % LOCATIONS] as string[]).join(stamp(n)),
  }),
  'PATCH EVSE status': (n) => {
    const id = `LOC${String((n % PATCHED) + 1).padStart(7, '0')}`;
    return {
      path: `/ocpi/2.2.1/receiver/locations/NL/BEN/${id}/${id}-E1`,
      body: `{"status":"${n % 2 ? 'CHARGING' : 'AVAILABLE'}","last_updated":"${stamp(n)}"}`,
    };
  },
  'POST CDR': (n) => ({
    path: '/ocpi/2.2.1/receiver/cdrs',
    body: JSON.stringify({ ...cdr, country_code: 'NL', party_id: 'BEN', id: `CDR${n}`, last_updated: stamp(n) }),
  }),
};
const methods: Record<WriteOperation, 'PUT' | 'PATCH' | 'POST'> = { 'PUT Location': 'PUT', 'PATCH EVSE status': 'PATCH', 'POST CDR': 'POST' };

/** Puts the Locations the PATCHes go to, 20 at a time. */
async function putPatched(port: number, authorization: string): Promise<void> {
  for (let from = 0; from < PATCHED; from += 20) {
    await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        const { path, body } = requests['PUT Location'](from + i);
        const answer = await fetch(`http://127.0.0.1:${port}${path}`, { method: 'PUT', body, headers: { authorization, 'content-type': 'application/json' } });
        if (!answer.ok) throw new Error(`PUT ${path}: ${answer.status} ${await answer.text()}`);
      }),
    );
  }
}

async function measure(store: WriteRun['store'], port: number): Promise<{ runs: WriteRun[]; rss: number }> {
  const database = store === 'postgres' ? await freshDatabase('bench_writes') : undefined;
  const baselineDir = store === 'embedded' ? mkdtempSync(join(tmpdir(), 'ocpi-bench-bare-')) : undefined;
  let node: NodeProcess | undefined;
  let baseline: ChildServer | undefined;
  try {
    node = await startServe({ role: 'EMSP', adapter: 'fastify', port, tokenA: TOKEN_A, ...(database ? { databaseUrl: database.url } : {}) });
    const partner = await register(node, TOKEN_A, CPO);
    await partner.close();
    baseline = await startChildServer(join(here, 'write-baseline.mjs'), [database ? database.url : join(baselineDir as string, 'data'), partner.authorization]);
    const ports = { ours: port, baseline: baseline.port };
    await putPatched(port, partner.authorization);
    await putPatched(baseline.port, partner.authorization);
    const runs: WriteRun[] = [];
    for (const operation of WRITE_OPERATIONS) {
      const pids = { ours: node.pid, baseline: baseline.child.pid as number };
      const run = async (target: 'ours' | 'baseline', seconds: number): Promise<Measured> => {
        const server = treeCpu(pids[target]);
        const database = postgresCpu();
        const result = await load({
          url: `http://127.0.0.1:${ports[target]}/`,
          connections: config.serveConnections,
          seconds,
          method: methods[operation],
          headers: { authorization: partner.authorization, 'content-type': 'application/json' },
          request: requests[operation],
          tolerateErrors: true,
        });
        const answered = result.requestsPerSecond * seconds;
        return { ...result, cpuPerRequest: (treeCpu(pids[target]) - server) / answered, databaseCpuPerRequest: (postgresCpu() - database) / answered };
      };
      await run('ours', config.warmupSeconds);
      await run('baseline', config.warmupSeconds);
      const rounds: { ours: Measured; baseline: Measured }[] = [];
      for (let round = 0; round < config.rounds; round++) {
        const first = round % 2 === 0 ? 'ours' : 'baseline';
        const a = await run(first, config.seconds);
        const b = await run(first === 'ours' ? 'baseline' : 'ours', config.seconds);
        const pair = first === 'ours' ? { ours: a, baseline: b } : { ours: b, baseline: a };
        rounds.push(pair);
        console.error(
          `writes: ${store} ${operation} round ${round + 1}: ours ${Math.round(pair.ours.requestsPerSecond)}/s, baseline ${Math.round(pair.baseline.requestsPerSecond)}/s`,
        );
      }
      const summary = (list: Measured[]): WriteMeasure => ({ ...summarize(list), databaseCpuPerRequest: median(list.map((r) => r.databaseCpuPerRequest)) });
      runs.push({
        store,
        operation,
        ours: summary(rounds.map((r) => r.ours)),
        baseline: summary(rounds.map((r) => r.baseline)),
        ratio: median(rounds.map((r) => r.ours.requestsPerSecond / r.baseline.requestsPerSecond)),
      });
    }
    return { runs, rss: serverMemory(node.pid).rss };
  } finally {
    await baseline?.stop();
    await node?.stop();
    await database?.drop();
    if (baselineDir) rmSync(baselineDir, { recursive: true, force: true });
  }
}

const port = await freePort();
const runs: WriteRun[] = [];
const rss: Record<string, number> = {};
for (const store of ['embedded', 'postgres'] as const) {
  if (store === 'postgres' && !process.env.OCPI_TEST_DATABASE_URL) continue;
  const measured = await measure(store, port);
  runs.push(...measured.runs);
  rss[store] = measured.rss;
}
const result: WritesResult = { connections: config.serveConnections, rounds: config.rounds, seconds: config.seconds, locations: LOCATIONS, runs, rss };
process.stdout.write(`${JSON.stringify(result)}\n`);
