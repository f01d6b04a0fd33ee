// One page of Locations served by `pnpm serve` (CPO, embedded store, fastify) in each OCPI version it
// serves, over HTTP: 2.3.0 (the canonical version: stored bytes as they are), 2.2.1 (the reference) and
// 2.1.1 (converted once per object, then from the encoding cache). The versions are loaded in
// alternation, a different one first each round; the ratio to 2.2.1 is the median of the per-round
// ratios. Target: each within 10% of 2.2.1. Prints one JSON line with the results.
import { config } from './config.js';
import { load, type MeasuredRun, summarize } from './load.js';
import { freePort, register, startServe, treeCpu } from './processes.js';
import { GET_HEADERS, PAGE_VERSIONS, type PageVersion } from './scenario.js';
import { median } from './stats.js';

export interface VersionPageResult {
  requestsPerSecond: number;
  cpuPerRequest: number;
  p50: number;
  p99: number;
  errors: number;
  bodyBytes: number;
  /** Median over the rounds of this version's requests per second / 2.2.1's in the same round. */
  ratioTo221: number;
}

export interface VersionsResult {
  seedLocations: number;
  connections: number;
  rounds: number;
  seconds: number;
  paths: Record<PageVersion, string>;
  versions: Record<PageVersion, VersionPageResult>;
}

const QUERY = '?offset=0&limit=50';
// 2.1.1 mounts a CPO's Locations at cpo/locations (its own URL layout), 2.2 on at sender/locations.
const PATHS: Record<PageVersion, string> = {
  '2.3.0': `/ocpi/2.3.0/sender/locations${QUERY}`,
  '2.2.1': `/ocpi/2.2.1/sender/locations${QUERY}`,
  '2.1.1': `/ocpi/2.1.1/cpo/locations${QUERY}`,
};
const TOKEN_A = 'bench-token-a-versions-0123456789';
const EMSP = { role: 'EMSP' as const, country_code: 'DE', party_id: 'BEV', business_details: { name: 'Bench eMSP' } };

const port = await freePort();
const node = await startServe({ role: 'CPO', adapter: 'fastify', port, tokenA: TOKEN_A, seedLocations: config.seedLocations });
try {
  const partner = await register(node, TOKEN_A, EMSP);
  await partner.close();
  const headers = { ...GET_HEADERS, authorization: partner.authorization };
  const url = (version: PageVersion) => `http://127.0.0.1:${port}${PATHS[version]}`;
  const bodyBytes: Partial<Record<PageVersion, number>> = {};
  for (const version of PAGE_VERSIONS) {
    const answer = await fetch(url(version), { headers });
    const body = await answer.text();
    const envelope = JSON.parse(body) as { status_code?: number; data?: unknown[] };
    if (answer.status !== 200 || envelope.status_code !== 1000 || envelope.data?.length !== 50) {
      throw new Error(`versions: the ${version} page answered HTTP ${answer.status}, ${envelope.status_code}, ${envelope.data?.length} objects`);
    }
    bodyBytes[version] = new TextEncoder().encode(body).byteLength;
  }
  const loadOf = async (version: PageVersion, seconds: number): Promise<MeasuredRun> => {
    const before = treeCpu(node.pid);
    const run = await load({ url: url(version), connections: config.serveConnections, seconds, headers, tolerateErrors: true });
    return { ...run, cpuPerRequest: (treeCpu(node.pid) - before) / (run.requestsPerSecond * seconds) };
  };
  for (const version of PAGE_VERSIONS) await loadOf(version, config.warmupSeconds);
  const runs: Record<PageVersion, MeasuredRun[]> = { '2.3.0': [], '2.2.1': [], '2.1.1': [] };
  const ratios: Record<PageVersion, number[]> = { '2.3.0': [], '2.2.1': [], '2.1.1': [] };
  for (let round = 0; round < config.rounds; round++) {
    const order = PAGE_VERSIONS.map((_, i) => PAGE_VERSIONS[(i + round) % PAGE_VERSIONS.length] as PageVersion);
    const thisRound: Partial<Record<PageVersion, MeasuredRun>> = {};
    for (const version of order) thisRound[version] = await loadOf(version, config.seconds);
    const reference = thisRound['2.2.1']?.requestsPerSecond ?? Number.NaN;
    for (const version of PAGE_VERSIONS) {
      runs[version].push(thisRound[version] as MeasuredRun);
      ratios[version].push((thisRound[version]?.requestsPerSecond ?? Number.NaN) / reference);
    }
    console.error(`versions: round ${round + 1}: ${order.map((v) => `${v} ${Math.round(thisRound[v]?.requestsPerSecond ?? 0)}/s`).join(', ')}`);
  }
  const result = (version: PageVersion): VersionPageResult => {
    const { requestsPerSecond, cpuPerRequest, p50, p99, errors } = summarize(runs[version]);
    return { requestsPerSecond, cpuPerRequest, p50, p99, errors, bodyBytes: bodyBytes[version] ?? 0, ratioTo221: median(ratios[version]) };
  };
  const measured: VersionsResult = {
    seedLocations: config.seedLocations,
    connections: config.serveConnections,
    rounds: config.rounds,
    seconds: config.seconds,
    paths: PATHS,
    versions: { '2.3.0': result('2.3.0'), '2.2.1': result('2.2.1'), '2.1.1': result('2.1.1') },
  };
  process.stdout.write(`${JSON.stringify(measured)}\n`);
} finally {
  await node.stop();
}
