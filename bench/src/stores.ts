// Store scale: BENCH_STORE_ROWS (default 1,000,000) Locations in the embedded store (PGlite on a temp
// directory) and in PostgreSQL (OCPI_TEST_DATABASE_URL, as scripts/with-postgres.sh exports it): the
// first page, a page near the end, a date_from page and a page at a new random offset each run, through
// the store's list() and through handle(). Prints one JSON line with the results.
//
// Loading: the rows are inserted before the store opens (its read model is then built from them, and
// that is timed), with the store package's own SQL executor into the store's table: one INSERT ...
// SELECT per 100,000 rows, generated in the database from the JSON of one compact Location
// (benchLocation(1, CPO, false), about 1 KB) with the id, the EVSE ids and last_updated varied per row.
// Each row's `json` is still exactly JSON.stringify of its data. Then VACUUM (ANALYZE), what the
// embedded store's maintenance and PostgreSQL's autovacuum do after a bulk load.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { generateSecretKey, responseText } from '@ocpi-ts/core';
import { createEmbeddedStore, createPostgresStore, pgliteExecutor, postgresExecutor, type SqlExecutor, type SqlStore } from '@ocpi-ts/postgres';
import postgres from 'postgres';
import { config } from './config.js';
import { BASE_TIME, benchLocation, lastUpdatedOf, locationId } from './locations.js';
import { AUTHORIZATION, addBenchPartner, benchServer, CPO, EMSP, PAGE_LIMIT } from './scenario.js';
import { median } from './stats.js';

export interface PageTimes {
  first: number;
  last: number;
  dateFrom: number;
  /** A page at a new random offset each run: mostly objects whose bytes the read model does not hold. */
  random: number;
}

export interface StoreResult {
  store: 'PGlite (embedded, temp directory)' | 'PostgreSQL';
  rows: number;
  loadSeconds: number;
  vacuumSeconds: number;
  /** Opening the store on the loaded rows: migrations and building the read model's index. */
  openSeconds: number;
  /** The read model after the runs: objects, bytes of objects held (within its budget). */
  model: { objects: number; heldBytes: number; allocatedBytes: number } | undefined;
  /** Timed runs of each page (the median is reported). */
  runs: number;
  /** Median milliseconds per page, through ObjectStore.list and through handle(). */
  list: PageTimes;
  handle: PageTimes;
  /** Rows matching the date_from page's filter. */
  dateFromMatches: number;
}

export interface StoresResult {
  rows: number;
  runs: number;
  stores: StoreResult[];
  postgresUrlMissing: boolean;
}

const BATCH = 100_000;
const rows = config.storeRows;

/** The compact Location's JSON with markers where each row differs. */
function rowTemplate(): string {
  const json = JSON.stringify(benchLocation(1, CPO, false));
  return json.replaceAll(locationId(1), 'LOC@ID@').replaceAll('E00000011', 'E@ID@1').replaceAll('E00000012', 'E@ID@2').replaceAll(lastUpdatedOf(1), '@TS@');
}

async function load(db: SqlExecutor, table: string): Promise<number> {
  const template = rowTemplate();
  const started = performance.now();
  for (let from = 1; from <= rows; from += BATCH) {
    const to = Math.min(rows, from + BATCH - 1);
    await db.query(
      `INSERT INTO ${table} (module, owner_cc, owner_pid, id, json, last_updated, audience)
       SELECT 'locations', $1::text, $2::text, 'LOC' || lpad(g::text, 7, '0'),
         replace(replace($3::text, '@ID@', lpad(g::text, 7, '0')), '@TS@', to_char(to_timestamp($4::float8 + g) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')),
         to_timestamp($4::float8 + g), '{}'::text[]
       FROM generate_series($5::int, $6::int) AS g`,
      [CPO.country_code, CPO.party_id, template, BASE_TIME / 1000, from, to],
    );
  }
  return (performance.now() - started) / 1000;
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return (performance.now() - started) / 1000;
}

async function measure(
  name: StoreResult['store'],
  store: SqlStore,
  timing: { loadSeconds: number; vacuumSeconds: number; openSeconds: number },
): Promise<StoreResult> {
  await addBenchPartner(store);
  const server = benchServer(store);
  const lastOffset = rows - PAGE_LIMIT;
  // The last tenth of the rows by last_updated.
  const dateFrom = new Date(BASE_TIME + Math.floor(rows * 0.9) * 1000);
  const filter = { module: 'locations', owners: [CPO], visibleTo: [EMSP] };
  // Pseudo-random offsets, the same in every run of the bench.
  let seed = 12345;
  const randomOffset = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % (rows - PAGE_LIMIT);
  };
  const listPage = {
    first: () => store.objects.list({ ...filter, offset: 0, limit: PAGE_LIMIT }),
    last: () => store.objects.list({ ...filter, offset: lastOffset, limit: PAGE_LIMIT }),
    dateFrom: () => store.objects.list({ ...filter, dateFrom, offset: 0, limit: PAGE_LIMIT }),
    random: () => store.objects.list({ ...filter, offset: randomOffset(), limit: PAGE_LIMIT }),
  };
  const get = (query: string) => async () => {
    const response = await server.handle({ method: 'GET', url: `/ocpi/2.2.1/sender/locations?${query}`, headers: { authorization: AUTHORIZATION } });
    if (response.status !== 200) throw new Error(`${name}: GET ?${query} answered ${response.status}: ${responseText(response)}`);
    return response;
  };
  const handlePage = {
    first: get(`offset=0&limit=${PAGE_LIMIT}`),
    last: get(`offset=${lastOffset}&limit=${PAGE_LIMIT}`),
    dateFrom: get(`date_from=${encodeURIComponent(dateFrom.toISOString().replace('.000', ''))}&limit=${PAGE_LIMIT}`),
    random: () => get(`offset=${randomOffset()}&limit=${PAGE_LIMIT}`)(),
  };

  // The pages hold what they should.
  const last = await listPage.last();
  if (last.total !== rows || last.items.length !== PAGE_LIMIT || last.items.at(-1)?.key.id !== locationId(rows)) {
    throw new Error(`${name}: the last page is wrong (total ${last.total}, ${last.items.length} items, last ${last.items.at(-1)?.key.id})`);
  }
  const since = await listPage.dateFrom();
  const lastResponse = await handlePage.last();
  if (lastResponse.headers['x-total-count'] !== String(rows)) throw new Error(`${name}: X-Total-Count ${lastResponse.headers['x-total-count']}`);
  const sinceResponse = await handlePage.dateFrom();
  if (sinceResponse.headers['x-total-count'] !== String(since.total) || since.total !== rows - Math.floor(rows * 0.9) + 1) {
    throw new Error(`${name}: date_from X-Total-Count ${sinceResponse.headers['x-total-count']}, list total ${since.total}`);
  }

  // Interleaved, so load on the machine hits every page alike; one untimed run of each first.
  const kinds = ['first', 'last', 'dateFrom', 'random'] as const;
  const samples = {
    list: { first: [] as number[], last: [] as number[], dateFrom: [] as number[], random: [] as number[] },
    handle: { first: [] as number[], last: [] as number[], dateFrom: [] as number[], random: [] as number[] },
  };
  // At least 3 timed runs, then as many as the time budget allows, up to storeRuns.
  const deadline = performance.now() + config.storeSeconds * 1000;
  for (let run = -1; run < config.storeRuns && (run < 3 || performance.now() < deadline); run++) {
    for (const kind of kinds) {
      for (const [path, pages] of [
        ['list', listPage],
        ['handle', handlePage],
      ] as const) {
        const started = performance.now();
        await pages[kind]();
        if (run >= 0) samples[path][kind].push(performance.now() - started);
      }
    }
  }
  const times = (path: 'list' | 'handle'): PageTimes => ({
    first: median(samples[path].first),
    last: median(samples[path].last),
    dateFrom: median(samples[path].dateFrom),
    random: median(samples[path].random),
  });
  return {
    store: name,
    rows,
    ...timing,
    model: store.readModel?.stats(),
    runs: samples.list.first.length,
    list: times('list'),
    handle: times('handle'),
    dateFromMatches: since.total,
  };
}

/** The stores keep tokens sealed under a key; these runs store none, any key will do. */
const BENCH_SECRET_KEY = generateSecretKey();
const stores: StoreResult[] = [];

// The embedded default: PGlite on a temporary directory. The store opens once to migrate the schema,
// the rows are loaded, and it opens again (timed): its read model is built from what is there.
{
  const dir = mkdtempSync(join(tmpdir(), 'ocpi-bench-pglite-'));
  const db = await PGlite.create(join(dir, 'data'), { postgresqlconf: ['shared_buffers=32MB'] });
  try {
    await (await createEmbeddedStore({ pglite: db, secretKey: BENCH_SECRET_KEY })).close();
    const executor = pgliteExecutor(db, { owned: false });
    console.error(`stores: PGlite: loading ${rows} rows`);
    const loadSeconds = await load(executor, 'public.ocpi_objects');
    const vacuumSeconds = await timed(() => executor.query('VACUUM (ANALYZE) public.ocpi_objects'));
    let store: SqlStore | undefined;
    const openSeconds = await timed(async () => {
      store = await createEmbeddedStore({ pglite: db, secretKey: BENCH_SECRET_KEY });
    });
    console.error(
      `stores: PGlite: loaded in ${loadSeconds.toFixed(1)} s, VACUUM (ANALYZE) ${vacuumSeconds.toFixed(1)} s, opened in ${openSeconds.toFixed(1)} s`,
    );
    stores.push(await measure('PGlite (embedded, temp directory)', store as SqlStore, { loadSeconds, vacuumSeconds, openSeconds }));
    await store?.close();
  } finally {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

// PostgreSQL, in a schema of its own that is dropped afterwards.
const url = process.env.OCPI_TEST_DATABASE_URL;
if (url) {
  const schema = 'ocpi_bench';
  const sql = postgres(url, { onnotice: () => {}, max: 2 });
  await sql.unsafe(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  const executor = postgresExecutor(sql, { owned: false });
  await (await createPostgresStore({ url, schema, secretKey: BENCH_SECRET_KEY })).close();
  let store: SqlStore | undefined;
  try {
    console.error(`stores: PostgreSQL: loading ${rows} rows`);
    const loadSeconds = await load(executor, `${schema}.ocpi_objects`);
    const vacuumSeconds = await timed(() => sql.unsafe(`VACUUM (ANALYZE) ${schema}.ocpi_objects`));
    const openSeconds = await timed(async () => {
      store = await createPostgresStore({ url, schema, secretKey: BENCH_SECRET_KEY });
    });
    console.error(
      `stores: PostgreSQL: loaded in ${loadSeconds.toFixed(1)} s, VACUUM (ANALYZE) ${vacuumSeconds.toFixed(1)} s, opened in ${openSeconds.toFixed(1)} s`,
    );
    stores.push(await measure('PostgreSQL', store as SqlStore, { loadSeconds, vacuumSeconds, openSeconds }));
  } finally {
    await store?.close();
    await sql.unsafe(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await sql.end();
  }
}

const result: StoresResult = { rows, runs: config.storeRuns, stores, postgresUrlMissing: !url };
process.stdout.write(`${JSON.stringify(result)}\n`);
