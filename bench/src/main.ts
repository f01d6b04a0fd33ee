// `pnpm bench`: runs every part in its own process, prints the tables, checks the targets and writes
// docs/benchmarks.md (full runs only; BENCH_QUICK=1 prints). See config.ts for the settings.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { config } from './config.js';
import type { HttpResult, Variant } from './http.js';
import type { InProcessResult } from './in-process.js';
import { LOCATIONS, PAGE_LIMIT, PAGE_OFFSET, PAGE_VERSIONS } from './scenario.js';
import type { ServeResult } from './serve.js';
import { count, ms, ratio, table } from './stats.js';
import type { StoresResult } from './stores.js';
import type { TariffsResult } from './tariffs.js';
import type { VersionsResult } from './versions.js';
import type { WriteMeasure, WritesResult } from './writes.js';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..', '..');
const started = Date.now();
/** The 1-minute load average at the start of the run and of each part: other work on the machine shows here. */
const loads: number[] = [loadavg()[0] ?? 0];

const taskset = cpus().length >= 2 && spawnSync('taskset', ['-c', '0', 'true']).status === 0;
const pin = (core: number, args: string[]) =>
  (taskset ? ['taskset', ['-c', String(core), process.execPath, ...args]] : [process.execPath, args]) as [string, string[]];

/** Runs one part as a child process; its last stdout line is its JSON result. */
function part<T>(name: string, command: [string, string[]], env: Record<string, string> = {}): Promise<T> {
  return new Promise((resolve, reject) => {
    const begun = Date.now();
    loads.push(loadavg()[0] ?? 0);
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
  store: 'memory' | 'postgres';
  jsonBytes: number;
  rssBefore: number;
  rssAfter: number;
  heapUsedDelta: number;
  externalDelta: number;
}

const wants = (name: string) => config.parts.includes(name);
const pinnedEnv = { BENCH_PINNED: taskset ? '1' : '0' };
const inProcess = wants('inprocess') ? await part<InProcessResult>('in process', pin(1, [join(here, 'in-process.mjs')])) : undefined;
const serve = wants('serve') ? await part<ServeResult>('pnpm serve over HTTP', pin(0, [join(here, 'serve.mjs')]), pinnedEnv) : undefined;
const versions = wants('versions')
  ? await part<VersionsResult>('a page in each OCPI version over HTTP', pin(0, [join(here, 'versions.mjs')]), pinnedEnv)
  : undefined;
const writes = wants('writes') ? await part<WritesResult>('writes', pin(0, [join(here, 'writes.mjs')]), pinnedEnv) : undefined;
const http = wants('http') ? await part<HttpResult>('the core over HTTP, in memory', pin(0, [join(here, 'http.mjs')]), pinnedEnv) : undefined;
const memory: MemoryResult[] = [];
if (wants('memory')) {
  const cases: [string, string][] = [
    ['full', 'memory'],
    ['compact', 'memory'],
    ...(process.env.OCPI_TEST_DATABASE_URL ? ([['full', 'postgres']] as [string, string][]) : []),
  ];
  for (const [kind, store] of cases) {
    memory.push(
      await part<MemoryResult>(`memory (${store}, ${kind})`, [
        process.execPath,
        ['--expose-gc', join(here, 'memory-child.mjs'), String(config.memoryLocations), kind, store],
      ]),
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
const storeNames = { embedded: 'embedded', postgres: 'PostgreSQL' } as const;
for (const r of serve?.runs ?? []) {
  const ours = r.variants.ours;
  const name = `pnpm serve, ${storeNames[r.store]}, ${r.adapter}`;
  targets.push({ what: `${name}: ≥ 0.7 × baseline (b)`, holds: r.ratioToBuffers >= 0.7, measured: ratio(r.ratioToBuffers) });
  targets.push({ what: `${name}: ≥ 4 × baseline (a)`, holds: r.ratioToStringify >= 4, measured: ratio(r.ratioToStringify) });
  targets.push({ what: `${name}: p99 ≤ 25 ms at ${serve?.connections} connections`, holds: ours.p99 <= 25, measured: ms(ours.p99) });
  targets.push({
    what: `${name}: 0 errors, the same bytes as both baselines`,
    holds: ours.errors === 0 && r.identical,
    measured: `${ours.errors} errors, ${r.identical ? 'identical' : 'DIFFERENT'}`,
  });
}
for (const version of ['2.3.0', '2.1.1'] as const) {
  const measured = versions?.versions[version];
  if (!measured) continue;
  targets.push({
    what: `pnpm serve, embedded, fastify: GET of a Locations page in OCPI ${version} within 10% of 2.2.1's`,
    holds: measured.ratioTo221 >= 0.9 && measured.errors === 0,
    measured: `${ratio(measured.ratioTo221)}, ${measured.errors} errors`,
  });
}
for (const s of stores?.stores ?? []) {
  const limit = s.store === 'PostgreSQL' ? 5 : 10;
  const pages = [s.list.first, s.list.last, s.list.dateFrom, s.list.random, s.handle.first, s.handle.last, s.handle.dateFrom, s.handle.random];
  targets.push({
    what: `${s.store}, ${count(s.rows)} Locations: any page ≤ ${limit} ms, exact X-Total-Count (checked)`,
    holds: Math.max(...pages) <= limit,
    measured: `slowest ${ms(Math.max(...pages))}`,
  });
}
for (const w of writes?.runs ?? []) {
  targets.push({ what: `writes, ${storeNames[w.store]}, ${w.operation}: ≥ 0.5 × bare INSERT baseline`, holds: w.ratio >= 0.5, measured: ratio(w.ratio) });
}
const perHundredThousand = (m: MemoryResult) => ((m.rssAfter - m.rssBefore) / m.count) * 100_000;
for (const m of memory) {
  const kb = (m.jsonBytes / m.count / 1000).toFixed(1);
  targets.push({
    what: `${m.store === 'memory' ? 'memory store' : 'PostgreSQL read model'}: ≤ 300 MB per 100,000 Locations held (${m.kind}, ${kb} KB of JSON each)`,
    holds: perHundredThousand(m) <= 300e6,
    measured: `${(perHundredThousand(m) / 1e6).toFixed(0)} MB`,
  });
}
const ADAPTERS = ['fastify', 'hono', 'express'];
for (const f of http?.frameworks ?? []) {
  if (!ADAPTERS.includes(f.framework)) continue;
  targets.push({
    what: `in memory, ${f.framework}: ≥ 0.7 × baseline (b) in ${f.framework}`,
    holds: (f.ratioToBuffers ?? 0) >= 0.7,
    measured: ratio(f.ratioToBuffers ?? Number.NaN),
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
${taskset ? 'Over HTTP, the server runs pinned to core 1 and autocannon to core 0 (taskset).' : 'taskset or a second core is missing: nothing is pinned.'}
Load average (1 minute) at the start of the run and of its parts: ${loads.map((load) => load.toFixed(1)).join(', ')}; at the end ${(loadavg()[0] ?? 0).toFixed(1)} (above ${cpus().length}, other work shares the cores: compare ratios measured in the same run).${config.quick ? ' **Quick run (BENCH_QUICK=1): short and small, for smoke only.**' : ''}`);

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

if (serve) {
  const rows: string[][] = [];
  const name = { ours: 'ocpi-ts (pnpm serve)', stringify: 'baseline (a) JSON.stringify', buffers: 'baseline (b) pre-encoded bytes' } as const;
  for (const r of serve.runs) {
    for (const variant of ['ours', 'stringify', 'buffers'] as const) {
      const v = r.variants[variant];
      rows.push([
        variant === 'ours' ? `${storeNames[r.store]}, ${r.adapter}` : '',
        name[variant],
        count(v.requestsPerSecond),
        `${count(v.cpuPerRequest)} µs`,
        ms(v.p50, 2),
        ms(v.p99, 2),
        String(v.errors),
        variant === 'ours' ? `${ratio(r.ratioToStringify)} / ${ratio(r.ratioToBuffers)}` : '',
        mb(v.rss),
        mb(v.peakRss),
        `${(v.clientCpu * 100).toFixed(0)}%`,
      ]);
    }
  }
  const first = serve.runs[0];
  sections.push(`## What users run: \`pnpm serve\` over HTTP

\`pnpm serve\` as CPO (started as a user starts it: validators generated, TypeScript run by tsx, the access log on and written to /dev/null), ${count(serve.seedLocations)} demo Locations seeded, a partner registered through the credentials handshake, \`GET ${serve.path}\` (${count(first?.bodyBytes ?? 0)} bytes) with its token, autocannon with ${serve.connections} connections, ${serve.rounds} rounds of ${serve.seconds} s per server after a warm-up, the node and the two baselines in alternation (a different one first each round). Node and baselines on core 1, autocannon on core 0, PostgreSQL unpinned (a database has CPU of its own). The baselines are hand-written node:http servers serving the node's own seed to the same token: (a) looks the token up in a Map and \`JSON.stringify\`s the envelope, (b) looks it up and joins each Location's pre-encoded bytes. Each answers the same status, OCPI headers and bytes as the node (timestamp aside), checked before measuring: ${serve.runs.every((r) => r.identical) ? 'all identical' : '**NOT all identical**'}. Medians over the rounds; the ratio is the median of the per-round ratios. "server CPU per request" is the CPU time the server's processes used per answered request (from /proc, median of the rounds): unlike requests per second it hardly moves when other work shares the machine. RSS is the server process's after the runs, and its peak. "client CPU" is the load generator's busiest run (100%: saturated, the server may be faster than measured). Start: from spawning \`pnpm serve\` to its first answer to token A: ${serve.runs.map((r) => `${storeNames[r.store]}/${r.adapter} ${r.startSeconds.toFixed(0)} s`).join(', ')}.

${table(['store, adapter', 'server', 'requests/s', 'server CPU per request', 'p50', 'p99', 'errors', 'ratio to (a) / (b)', 'RSS', 'peak RSS', 'client CPU'], rows)}`);
}

if (versions) {
  const rows = PAGE_VERSIONS.map((version) => {
    const v = versions.versions[version];
    return [
      `${version}${version === '2.2.1' ? ' (reference)' : ''}`,
      `\`${versions.paths[version]}\``,
      count(v.bodyBytes),
      count(v.requestsPerSecond),
      `${count(v.cpuPerRequest)} µs`,
      ms(v.p50, 2),
      ms(v.p99, 2),
      String(v.errors),
      version === '2.2.1' ? '' : `**${ratio(v.ratioTo221)}**`,
    ];
  });
  sections.push(`## One page in each OCPI version over HTTP

\`pnpm serve\` as CPO (embedded store, fastify), ${count(versions.seedLocations)} demo Locations seeded, every version served (\`OCPI_VERSIONS\` default), a partner registered, the same page of 50 Locations asked in each version with its token: 2.3.0 is the canonical version (stored bytes as they are), 2.1.1 converts each object once (its own shape and URL layout) and then serves it from the encoding cache. autocannon with ${versions.connections} connections, ${versions.rounds} rounds of ${versions.seconds} s per version after a warm-up, the versions in alternation (a different one first each round). Node on core 1, autocannon on core 0. The ratio is the median of the per-round ratios to 2.2.1. **Target: 2.1.1 and 2.3.0 within 10% of 2.2.1** (ratio ≥ 0.9).

${table(['version', 'path', 'bytes', 'requests/s', 'server CPU per request', 'p50', 'p99', 'errors', 'ratio to 2.2.1'], rows)}`);
}

if (writes) {
  const cells = (store: string, measure: WriteMeasure) => [
    count(measure.requestsPerSecond),
    `${count(measure.cpuPerRequest)} µs`,
    store === 'postgres' ? `${count(measure.databaseCpuPerRequest)} µs` : 'in the server',
    ms(measure.p50, 1),
    ms(measure.p99, 1),
    String(measure.errors),
  ];
  const rows = writes.runs.flatMap((w) => [
    [storeNames[w.store], w.operation, 'ocpi-ts (pnpm serve)', ...cells(w.store, w.ours), ratio(w.ratio), `${(w.ours.clientCpu * 100).toFixed(0)}%`],
    ['', '', 'bare INSERT ... ON CONFLICT', ...cells(w.store, w.baseline), '', `${(w.baseline.clientCpu * 100).toFixed(0)}%`],
  ]);
  sections.push(`## Writes

\`pnpm serve\` as eMSP (fastify) on each store, a CPO registered with it, ${writes.connections} connections: PUTs of full Locations (about 2.7 KB, cycling over ${count(writes.locations)} ids), PATCHes of an EVSE status (over 1,000 Locations put before), POSTs of new CDRs (the official example with a new id). Every request carries a later \`last_updated\` than the one before, so every write is a new version and is applied. Against a hand-written node:http server that checks the token in a Map and stores the request body with one bare \`INSERT ... ON CONFLICT DO UPDATE\` through the same driver (postgres.js with a pool of 10; PGlite on a data directory of its own with the embedded store's settings): no validation, no merge (for a PATCH it stores the 60-byte PATCH, the node the whole 2.7 KB Location), no ordering, no announcement to other nodes. CPU per request: of the server's processes (PGlite runs inside the embedded store's), and of all of PostgreSQL's processes. ${writes.rounds} alternating rounds of ${writes.seconds} s after a warm-up; medians. Node and baseline on core 1, autocannon on core 0, PostgreSQL unpinned. Resident memory of the node afterwards: ${Object.entries(
    writes.rss,
  )
    .map(([store, rss]) => `${store} ${mb(rss)}`)
    .join(', ')}.

${table(['store', 'operation', 'server', 'requests/s', 'server CPU per request', 'PostgreSQL CPU per request', 'p50', 'p99', 'errors', 'ratio', 'client CPU'], rows)}`);
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
  sections.push(`## The core over HTTP, in memory (BENCH_PARTS=http)

GET of the same page (${count(LOCATIONS)} Locations in memory, offset ${count(PAGE_OFFSET)}, limit ${PAGE_LIMIT}, ${count(http.frameworks[0]?.bodyBytes ?? 0)} bytes) with autocannon, ${http.connections} connections, ${http.rounds} rounds of ${http.seconds} s per server after a warm-up, the three servers of a framework in alternation (a different one first each round). Medians over the rounds; the ratio is the median of the per-round ratios. Baselines are hand-written handlers in the same framework: (a) looks the token up in a Map, slices the page and calls \`JSON.stringify\` on the envelope; (b) looks the token up in a Map and concatenates the page's pre-encoded per-Location Buffers. Every server answers the same status, headers and bytes (timestamp aside), checked once per server before measuring: ${http.frameworks.every((f) => f.identical) ? 'all identical' : '**NOT all identical**'}. "client CPU" is the load generator's busiest run (100% = its core is saturated, and the server may be faster than measured).

${table(['framework', 'server', 'requests/s', 'p50', 'p99', 'ratio to (a) / (b)', 'client CPU'], rows)}`);
}

if (stores) {
  const rows = stores.stores.map((s) => [
    s.store,
    `${s.loadSeconds.toFixed(0)} s + ${s.vacuumSeconds.toFixed(0)} s`,
    `${s.openSeconds.toFixed(1)} s`,
    ms(s.list.first),
    ms(s.list.last),
    ms(s.list.dateFrom),
    ms(s.list.random),
    ms(s.handle.first),
    ms(s.handle.last),
    ms(s.handle.dateFrom),
    ms(s.handle.random),
  ]);
  const model = stores.stores[0]?.model;
  sections.push(`## Store scale

${count(stores.rows)} compact Locations (about 1 KB of JSON each) in one module, all owned by the node's CPO; pages of ${PAGE_LIMIT} as the Sender asks for them (owner and visibility filters), median of interleaved runs (${stores.stores.map((s) => `${s.runs} on ${s.store.split(' ')[0]}`).join(', ')}): the first page, the page near the end (offset ${count(stores.rows - PAGE_LIMIT)}), the first page of a \`date_from\` that matches the last tenth (${count(stores.stores[0]?.dateFromMatches ?? 0)} rows), and a page at a new random offset each run (its objects mostly not held by the read model: read from the database by seq). \`X-Total-Count\` is checked exact, with and without \`date_from\`. Through \`ObjectStore.list\` and through \`handle()\` (auth, routing, envelope, headers included). PGlite ${pglite.version} on a temporary directory; PostgreSQL from scripts/with-postgres.sh (a throwaway local cluster, fsync off). The read model has its default budget (256 MiB of encoded objects)${model ? `; after the runs it indexed ${count(model.objects)} objects and held the bytes of ${mb(model.heldBytes)}` : ''}.${stores.postgresUrlMissing ? ' **PostgreSQL was not measured: OCPI_TEST_DATABASE_URL was not set (run through scripts/with-postgres.sh).**' : ''}

Loading uses no store API: one \`INSERT ... SELECT\` per 100,000 rows through the store package's SQL executor into the store's own table before the store opens (a statement of more than 1,000 rows is announced to running nodes as one "resync"), then \`VACUUM (ANALYZE)\`. "open" is opening the store on the loaded rows: migrations and building the read model's index from them.

${table(['store', 'load + vacuum', 'open', 'list: first', 'list: near end', 'list: date_from', 'list: random', 'handle: first', 'handle: near end', 'handle: date_from', 'handle: random'], rows)}`);
}

if (memory.length > 0) {
  const rows = memory.map((m) => [
    m.store === 'memory' ? 'memory store' : 'PostgreSQL store, read model',
    `${count(m.count)} ${m.kind} (${(m.jsonBytes / m.count / 1000).toFixed(1)} KB JSON each)`,
    mb(m.jsonBytes),
    mb(m.rssAfter - m.rssBefore),
    mb(m.heapUsedDelta),
    mb(m.externalDelta),
    mb(perHundredThousand(m)),
  ]);
  sections.push(`## Memory

Resident memory of a process holding Locations, after full garbage collections: RSS after minus RSS before. Memory store: put through \`putOwnObject\`, generated a thousand at a time (the young generation grown to its working size before the first reading). PostgreSQL read model: the rows inserted before the store opens, then every page crawled through \`listJson\` with a budget above the data, so the index and every object's bytes are held; the database's memory is its own process's.

${table(['store', 'Locations held', 'their JSON', 'RSS delta', 'V8 heap delta', 'external (ArrayBuffers) delta', 'per 100,000'], rows)}`);
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

if (!config.quick && ['inprocess', 'serve', 'versions', 'writes', 'stores', 'memory', 'tariffs'].every(wants)) {
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
