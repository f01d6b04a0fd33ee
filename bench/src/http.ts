// Over HTTP on 127.0.0.1: each adapter against two hand-written baselines in the same framework serving
// the same bytes for the same request, and both baselines on plain node:http. Servers run in child
// processes pinned to one core, autocannon runs here pinned to the other (main.ts starts this file with
// taskset). Per framework, the three servers are measured in alternation over several rounds, after a
// warm-up; medians are reported. Prints one JSON line with the results.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { config } from './config.js';
import { load, type RunResult } from './load.js';
import { benchLocations } from './locations.js';
import { type ChildServer, pinned, startChildServer } from './processes.js';
import { CPO, GET_HEADERS, LOCATIONS, normalizeTimestamp, PAGE_LIMIT, PAGE_OFFSET, PAGE_PATH, pageHeaders, stringifyEnvelope } from './scenario.js';
import { median } from './stats.js';

export const FRAMEWORKS = ['fastify', 'hono', 'express', 'node'] as const;
export const VARIANTS = ['ours', 'stringify', 'buffers'] as const;
export type Framework = (typeof FRAMEWORKS)[number];
export type Variant = (typeof VARIANTS)[number];
export type { RunResult };

export interface VariantResult {
  rounds: RunResult[];
  requestsPerSecond: number;
  p50: number;
  p99: number;
  clientCpu: number;
}

export interface FrameworkResult {
  framework: Framework;
  variants: Partial<Record<Variant, VariantResult>>;
  /** Median over the rounds of ours / baseline in the same round. */
  ratioToStringify?: number;
  ratioToBuffers?: number;
  /** Bytes of one answer, and whether every server answered the same bytes (timestamp aside) and headers. */
  bodyBytes: number;
  identical: boolean;
}

export interface HttpResult {
  pinned: boolean;
  connections: number;
  rounds: number;
  seconds: number;
  frameworks: FrameworkResult[];
}

const here = dirname(fileURLToPath(import.meta.url));

/** Starts one server child, pinned to core 1 when taskset is there. */
const startServer = (framework: Framework, variant: Variant): Promise<ChildServer> => startChildServer(join(here, 'http-server.mjs'), [framework, variant]);

const run = (port: number, seconds: number): Promise<RunResult> =>
  load({ url: `http://127.0.0.1:${port}${PAGE_PATH}`, connections: config.connections, seconds, headers: GET_HEADERS });

const COMPARED_HEADERS = Object.keys(pageHeaders(LOCATIONS));

/** The answer of a server to the measured request: status, the compared headers, the body with the timestamp normalized. */
async function answer(port: number): Promise<{ status: number; headers: Record<string, string | null>; body: string; bytes: number }> {
  const response = await fetch(`http://127.0.0.1:${port}${PAGE_PATH}`, { headers: GET_HEADERS });
  const bytes = new Uint8Array(await response.arrayBuffer());
  const headers = Object.fromEntries(COMPARED_HEADERS.map((name) => [name, response.headers.get(name)]));
  return { status: response.status, headers, body: normalizeTimestamp(new TextDecoder().decode(bytes)), bytes: bytes.byteLength };
}

async function measureFramework(framework: Framework, expected: string): Promise<FrameworkResult> {
  const variants: Variant[] = framework === 'node' ? ['ours', 'stringify', 'buffers'] : [...VARIANTS];
  const servers = new Map<Variant, ChildServer>();
  try {
    for (const variant of variants) servers.set(variant, await startServer(framework, variant));
    // Same status, headers and bytes from every server, and the bytes are JSON.stringify of the envelope.
    let identical = true;
    const reference = await answer((servers.get('ours') as { port: number }).port);
    if (reference.status !== 200 || reference.body !== expected) identical = false;
    for (const variant of variants) {
      const got = await answer((servers.get(variant) as { port: number }).port);
      const same = got.status === reference.status && got.body === reference.body && JSON.stringify(got.headers) === JSON.stringify(reference.headers);
      if (!same) {
        identical = false;
        console.error(`http: ${framework}/${variant} answers differently from ${framework}/ours`);
      }
    }
    for (const variant of variants) await run((servers.get(variant) as { port: number }).port, config.warmupSeconds);
    const runs = new Map<Variant, RunResult[]>(variants.map((variant) => [variant, []]));
    const ratios = { stringify: [] as number[], buffers: [] as number[] };
    for (let round = 0; round < config.rounds; round++) {
      // Alternately, starting with a different server each round, so drift and noise hit all alike.
      const order = variants.map((_, i) => variants[(i + round) % variants.length] as Variant);
      const thisRound = new Map<Variant, RunResult>();
      for (const variant of order) thisRound.set(variant, await run((servers.get(variant) as { port: number }).port, config.seconds));
      for (const [variant, run] of thisRound) runs.get(variant)?.push(run);
      const ours = thisRound.get('ours')?.requestsPerSecond ?? Number.NaN;
      ratios.stringify.push(ours / (thisRound.get('stringify')?.requestsPerSecond ?? Number.NaN));
      ratios.buffers.push(ours / (thisRound.get('buffers')?.requestsPerSecond ?? Number.NaN));
      console.error(
        `http: ${framework} round ${round + 1}/${config.rounds}: ${order.map((v) => `${v} ${Math.round(thisRound.get(v)?.requestsPerSecond ?? 0)}/s`).join(', ')}`,
      );
    }
    const summary = (list: RunResult[]): VariantResult => ({
      rounds: list,
      requestsPerSecond: median(list.map((r) => r.requestsPerSecond)),
      p50: median(list.map((r) => r.p50)),
      p99: median(list.map((r) => r.p99)),
      clientCpu: Math.max(...list.map((r) => r.clientCpu)),
    });
    return {
      framework,
      variants: Object.fromEntries([...runs].map(([variant, list]) => [variant, summary(list)])),
      ratioToStringify: median(ratios.stringify),
      ratioToBuffers: median(ratios.buffers),
      bodyBytes: reference.bytes,
      identical,
    };
  } finally {
    for (const server of servers.values()) await server.stop();
  }
}

// The page as the plain path gives it, from Locations generated here (not asked of any server).
const expected = normalizeTimestamp(stringifyEnvelope(benchLocations(LOCATIONS, CPO).slice(PAGE_OFFSET, PAGE_OFFSET + PAGE_LIMIT)));
const frameworks: FrameworkResult[] = [];
for (const framework of FRAMEWORKS) frameworks.push(await measureFramework(framework, expected));
const result: HttpResult = { pinned, connections: config.connections, rounds: config.rounds, seconds: config.seconds, frameworks };
process.stdout.write(`${JSON.stringify(result)}\n`);
