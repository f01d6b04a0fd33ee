// `pnpm bench`: runs every part in its own process, prints the tables, checks the targets and writes
// docs/benchmarks.md (full runs only; BENCH_QUICK=1 prints). See config.ts for the settings.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { config } from './config.js';
import type { HttpResult, Variant } from './http.js';
import type { InProcessResult } from './in-process.js';
import { LOCATIONS, PAGE_LIMIT, PAGE_OFFSET } from './scenario.js';
import { count, ms, ratio, table } from './stats.js';
import type { StoresResult } from './stores.js';
import type { TariffsResult } from './tariffs.js';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..', '..');
const started = Date.now();

const taskset = cpus().length >= 2 && spawnSync('taskset', ['-c', '0', 'true']).status === 0;
const pin = (core: number, args: string[]) =>
  (taskset ? ['taskset', ['-c', String(core), process.execPath, ...args]] : [process.execPath, args]) as [string, string[]];

/** Runs one part as a child process; its last stdout line is its JSON result. */
function part<T>(name: string, command: [string, string[]], env: Record<string, string> = {}): Promise<T> {
  return new Promise((resolve, reject) => {
    const begun = Date.now();
    console.error(`bench: ${name}...`);
    const child = spawn(command[0], command[1], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...env } });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.once('exit', (code) => {
      const line = out.trim().split('\n').at(-1);
      if (code !== 0 || !line) {
        reject(new Error(`${name} failed (exit code ${code})`));
        return;
      }
      console.error(`bench: ${name} done in ${((Date.now() - begun) / 1000).toFixed(0)} s`);
      resolve(JSON.parse(line) as T);
    });
  });
}

interface MemoryResult {
  count: number;
  kind: 'full' | 'compact';
  jsonBytes: number;
  rssBefore: number;
  rssAfter: number;
  heapUsedDelta: number;
  externalDelta: number;
}

const wants = (name: string) => config.parts.includes(name);
const inProcess = wants('inprocess') ? await part<InProcessResult>('in process', pin(1, [join(here, 'in-process.mjs')])) : undefined;
const http = wants('http') ? await part<HttpResult>('over HTTP', pin(0, [join(here, 'http.mjs')]), { BENCH_PINNED: taskset ? '1' : '0' }) : undefined;
const memory: MemoryResult[] = [];
if (wants('memory')) {
  for (const kind of ['full', 'compact']) {
    memory.push(
      await part<MemoryResult>(`memory (${kind})`, [process.execPath, ['--expose-gc', join(here, 'memory-child.mjs'), String(config.memoryLocations), kind]]),
    );
  }
}
const stores = wants('stores') ? await part<StoresResult>('store scale', [process.execPath, [join(here, 'stores.mjs')]]) : undefined;
const tariffs = wants('tariffs') ? await part<TariffsResult>('tariff engine', pin(1, [join(here, 'tariffs.mjs')])) : undefined;

// ---- targets ----

interface Target {
  what: string;
  holds: boolean;
  measured: string;
}
const targets: Target[] = [];
const ADAPTERS = ['fastify', 'hono', 'express'];
for (const f of http?.frameworks ?? []) {
  if (!ADAPTERS.includes(f.framework)) continue;
  targets.push({
    what: `${f.framework}: ≥ 0.95 × baseline (a), JSON.stringify`,
    holds: (f.ratioToStringify ?? 0) >= 0.95,
    measured: ratio(f.ratioToStringify ?? Number.NaN),
  });
  targets.push({
    what: `${f.framework}: ≥ 0.7 × baseline (b), pre-encoded Buffers`,
    holds: (f.ratioToBuffers ?? 0) >= 0.7,
    measured: ratio(f.ratioToBuffers ?? Number.NaN),
  });
  targets.push({ what: `${f.framework}: the same bytes as both baselines`, holds: f.identical, measured: f.identical ? 'identical' : 'DIFFERENT' });
}
for (const s of stores?.stores ?? []) {
  targets.push({
    what: `${s.store}: last page ≤ 2 × first page (handle)`,
    holds: s.handle.last <= 2 * s.handle.first,
    measured: `${ms(s.handle.last)} vs ${ms(s.handle.first)}`,
  });
  targets.push({
    what: `${s.store}: last page ≤ 2 × first page (list)`,
    holds: s.list.last <= 2 * s.list.first,
    measured: `${ms(s.list.last)} vs ${ms(s.list.first)}`,
  });
}
const perHundredThousand = (m: MemoryResult) => ((m.rssAfter - m.rssBefore) / m.count) * 100_000;
for (const m of memory) {
  const kb = (m.jsonBytes / m.count / 1000).toFixed(1);
  targets.push({
    what: `memory ≤ 300 MB per 100,000 Locations held (${m.kind}, ${kb} KB of JSON each)`,
    holds: perHundredThousand(m) <= 300e6,
    measured: `${(perHundredThousand(m) / 1e6).toFixed(0)} MB`,
  });
}

if (tariffs) {
  targets.push({
    what: 'tariff engine: ≥ 50,000 sessions priced per second on one core',
    holds: tariffs.perCpuSecond >= 50_000,
    measured: count(tariffs.perCpuSecond),
  });
}

// ---- report ----

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(0)} MB`;
const pglite = JSON.parse(readFileSync(join(repo, 'bench', 'node_modules', '@electric-sql', 'pglite', 'package.json'), 'utf8')) as { version: string };
const machine = `${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB memory`;
const sections: string[] = [];

sections.push(`Run ${new Date(started).toISOString().slice(0, 16).replace('T', ' ')} UTC, Node ${process.version}, ${process.platform} ${process.arch}, ${machine}.
${taskset ? 'Over HTTP, the server runs pinned to core 1 and autocannon to core 0 (taskset).' : 'taskset or a second core is missing: nothing is pinned.'}${config.quick ? ' **Quick run (BENCH_QUICK=1): short and small, for smoke only.**' : ''}`);

if (inProcess) {
  sections.push(`## In process (no HTTP)

\`handle()\` of the core on a node with ${count(inProcess.locations)} full Locations in the memory store; the page is offset ${count(PAGE_OFFSET)}, limit ${PAGE_LIMIT}, ${count(inProcess.pageBytes)} bytes. Operations per second, one at a time (median of alternating rounds for the GET and its baseline).

${table(
  ['operation', 'per second'],
  [
    ['GET of the page (authenticated, memory store)', count(inProcess.getPage)],
    ['JSON.stringify of the same envelope (page sliced from the Location objects)', count(inProcess.stringify)],
    ['**ratio GET / JSON.stringify**', `**${ratio(inProcess.getPage / inProcess.stringify)}**`],
    ['GET of the page in OCPI 2.3.0 (the canonical version: stored bytes as they are)', count(inProcess.getPage230)],
    ['**ratio GET 2.3.0 / GET 2.2.1**', `**${ratio(inProcess.getPage230 / inProcess.getPage)}**`],
    ['GET of the page in OCPI 2.1.1 (converted once per object, then from the encoding cache)', count(inProcess.getPage211)],
    ['**ratio GET 2.1.1 / GET 2.2.1**', `**${ratio(inProcess.getPage211 / inProcess.getPage)}**`],
    ['PUT of a full Location through the Locations Receiver (parse, validate, store)', count(inProcess.putLocation)],
    ['GET with an unknown token (the same header every time)', count(inProcess.badToken)],
    ['GET with an unknown token (a new header every time)', count(inProcess.badTokenFresh)],
  ],
)}`);
}

const variantName: Record<Variant, string> = { ours: 'ocpi-ts', stringify: 'baseline (a) JSON.stringify', buffers: 'baseline (b) pre-encoded Buffers' };
if (http) {
  const rows: string[][] = [];
  for (const f of http.frameworks) {
    for (const variant of ['ours', 'stringify', 'buffers'] as const) {
      const v = f.variants[variant];
      if (!v) continue;
      const label = f.framework === 'node' && variant === 'ours' ? 'ocpi-ts (node:http, no adapter)' : variantName[variant];
      rows.push([
        f.framework === 'node' ? 'node:http' : f.framework,
        label,
        count(v.requestsPerSecond),
        ms(v.p50, 2),
        ms(v.p99, 2),
        variant === 'ours' ? `${ratio(f.ratioToStringify ?? Number.NaN)} / ${ratio(f.ratioToBuffers ?? Number.NaN)}` : '',
        `${(v.clientCpu * 100).toFixed(0)}%`,
      ]);
    }
  }
  sections.push(`## Over HTTP on 127.0.0.1

GET of the same page (${count(LOCATIONS)} Locations in memory, offset ${count(PAGE_OFFSET)}, limit ${PAGE_LIMIT}, ${count(http.frameworks[0]?.bodyBytes ?? 0)} bytes) with autocannon, ${http.connections} connections, ${http.rounds} rounds of ${http.seconds} s per server after a warm-up, the three servers of a framework in alternation (a different one first each round). Medians over the rounds; the ratio is the median of the per-round ratios. Baselines are hand-written handlers in the same framework: (a) looks the token up in a Map, slices the page and calls \`JSON.stringify\` on the envelope; (b) looks the token up in a Map and concatenates the page's pre-encoded per-Location Buffers. Every server answers the same status, headers and bytes (timestamp aside), checked once per server before measuring: ${http.frameworks.every((f) => f.identical) ? 'all identical' : '**NOT all identical**'}. "client CPU" is the load generator's busiest run (100% = its core is saturated, and the server may be faster than measured).

${table(['framework', 'server', 'requests/s', 'p50', 'p99', 'ratio to (a) / (b)', 'client CPU'], rows)}`);
}

if (stores) {
  const rows = stores.stores.map((s) => [
    s.store,
    `${s.loadSeconds.toFixed(0)} s + ${s.vacuumSeconds.toFixed(0)} s`,
    ms(s.list.first),
    ms(s.list.last),
    ms(s.list.dateFrom),
    ms(s.handle.first),
    ms(s.handle.last),
    ms(s.handle.dateFrom),
  ]);
  sections.push(`## Store scale

${count(stores.rows)} compact Locations (about 1 KB of JSON each) in one module, all owned by the node's CPO; pages of ${PAGE_LIMIT} as the Sender asks for them (owner and visibility filters), median of interleaved runs (${stores.stores.map((s) => `${s.runs} on ${s.store.split(' ')[0]}`).join(', ')}): the first page, the page near the end (offset ${count(stores.rows - PAGE_LIMIT)}) and the first page of a \`date_from\` that matches the last tenth (${count(stores.stores[0]?.dateFromMatches ?? 0)} rows). Through \`ObjectStore.list\` and through \`handle()\` (auth, routing, envelope, headers included). PGlite ${pglite.version} on a temporary directory; PostgreSQL from scripts/with-postgres.sh (a throwaway local cluster, fsync off).${stores.postgresUrlMissing ? ' **PostgreSQL was not measured: OCPI_TEST_DATABASE_URL was not set (run through scripts/with-postgres.sh).**' : ''}

Loading uses no store API (the store has no bulk path; every write is one transaction): one \`INSERT ... SELECT\` per 100,000 rows through the store package's SQL executor into the store's own table, the rows generated in the database from one Location's JSON with ids, EVSE ids and \`last_updated\` varied; then \`VACUUM (ANALYZE)\`, what autovacuum and the embedded store's maintenance do after a bulk load.

${table(['store', 'load + vacuum', 'list: first', 'list: near end', 'list: date_from', 'handle: first', 'handle: near end', 'handle: date_from'], rows)}`);
}

if (memory.length > 0) {
  const rows = memory.map((m) => [
    `${count(m.count)} ${m.kind} (${(m.jsonBytes / m.count / 1000).toFixed(1)} KB JSON each)`,
    mb(m.jsonBytes),
    mb(m.rssAfter - m.rssBefore),
    mb(m.heapUsedDelta),
    mb(m.externalDelta),
    mb(perHundredThousand(m)),
  ]);
  sections.push(`## Memory

Resident memory of a process holding Locations in the memory store (put through \`putOwnObject\`, generated a thousand at a time), after full garbage collections: RSS after minus RSS before.

${table(['Locations held', 'their JSON', 'RSS delta', 'V8 heap delta', 'external (ArrayBuffers) delta', 'per 100,000'], rows)}`);
}

if (tariffs) sections.push(tariffs.section);

sections.push(`## Targets

${table(
  ['target', 'measured', 'holds'],
  targets.map((t) => [t.what, t.measured, t.holds ? 'yes' : '**no**']),
)}`);

const seconds = (Date.now() - started) / 1000;
sections.push(`The whole run took ${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s.`);

const report = sections.join('\n\n');
console.log(report);

if (!config.quick && config.parts.length === 5) {
  const docPath = join(repo, 'docs', 'benchmarks.md');
  const notesPath = join(repo, 'bench', 'NOTES.md');
  const notes = readFileSync(notesPath, 'utf8').trim();
  writeFileSync(
    docPath,
    `# Benchmarks\n\nWritten by \`pnpm bench\` (bench/, not part of \`pnpm test\`); the notes at the end come from bench/NOTES.md.\n\n${report}\n\n${notes}\n`,
  );
  // Formatted as the repository's formatter (Biome) formats markdown, so `pnpm lint` stays clean.
  spawnSync(join(repo, 'node_modules', '.bin', 'biome'), ['format', '--write', docPath], { stdio: 'ignore' });
  console.error(`bench: wrote ${docPath}`);
} else {
  console.error('bench: quick or partial run: docs/benchmarks.md left as it is');
}
if (targets.some((t) => !t.holds)) console.error(`bench: ${targets.filter((t) => !t.holds).length} target(s) do not hold`);
