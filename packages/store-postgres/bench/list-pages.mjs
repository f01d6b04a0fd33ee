// Measures list() pages on a large table: the first page against a page near the end.
//   pnpm --filter @ocpi-ts/postgres build
//   node packages/store-postgres/bench/list-pages.mjs [rows]            # PGlite (temp directory)
//   scripts/with-postgres.sh node packages/store-postgres/bench/list-pages.mjs [rows]   # + PostgreSQL
// Not a test: prints median timings. 10% of the objects are restricted to DE*ABC.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import postgres from 'postgres';
import { createEmbeddedStore, openSqlStore, postgresExecutor } from '../dist/index.js';

const ROWS = Number(process.argv[2] ?? 200_000);
const LIMIT = 50;
const RUNS = 25;

const fill = (table) => `
  INSERT INTO ${table} (module, owner_cc, owner_pid, id, json, last_updated, audience)
  SELECT 'locations', CASE WHEN g % 4 = 0 THEN 'DE' ELSE 'NL' END, 'CPO', 'LOC' || g,
    json_build_object('id', 'LOC' || g, 'name', 'Location ' || g, 'address', repeat('Straat ', 60),
      'evses', json_build_array(json_build_object('uid', 'E' || g, 'status', 'AVAILABLE', 'connectors', repeat('x', 400))),
      'last_updated', to_char(timestamptz '2024-01-01' + g * interval '1 second', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'))::text,
    timestamptz '2024-01-01' + g * interval '1 second',
    CASE WHEN g % 10 = 0 THEN ARRAY['DE*ABC'] ELSE '{}'::text[] END
  FROM generate_series(1, ${ROWS}) AS g;
  INSERT INTO ${table.replace('ocpi_objects', 'ocpi_object_audience')} (module, seq, party)
  SELECT module, seq, unnest(audience) FROM ${table} WHERE restricted`;

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function time(fn) {
  await fn();
  const samples = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    await fn();
    samples.push(performance.now() - t);
  }
  return median(samples);
}

async function measure(label, store, raw) {
  const near = ROWS - LIMIT;
  const cases = [
    ['unfiltered', {}],
    ['visibleTo [DE*ABC]', { visibleTo: [{ country_code: 'DE', party_id: 'ABC' }] }],
    ['owners [NL*CPO]', { owners: [{ country_code: 'NL', party_id: 'CPO' }] }],
    [
      'owners [NL*CPO, FR*X]',
      {
        owners: [
          { country_code: 'NL', party_id: 'CPO' },
          { country_code: 'FR', party_id: 'X' },
        ],
      },
    ],
    ['dateFrom (last 10%)', { dateFrom: new Date(Date.parse('2024-01-01T00:00:00Z') + ROWS * 900) }],
  ];
  console.log(`\n${label}: ${ROWS} rows, limit ${LIMIT}, median of ${RUNS}`);
  for (const [name, filter] of cases) {
    const total = (await store.objects.list({ module: 'locations', ...filter, offset: 0, limit: 1 })).total;
    const lastOffset = Math.max(0, Math.min(near, total - LIMIT));
    const middleOffset = Math.floor(total / 2);
    // Interleaved, so that load on the machine hits the three alike.
    const samples = { first: [], middle: [], last: [] };
    const offsets = { first: 0, middle: middleOffset, last: lastOffset };
    for (let run = -1; run < RUNS; run++) {
      for (const which of ['first', 'middle', 'last']) {
        const t = performance.now();
        await store.objects.list({ module: 'locations', ...filter, offset: offsets[which], limit: LIMIT });
        if (run >= 0) samples[which].push(performance.now() - t);
      }
    }
    const [first, middle, last] = [median(samples.first), median(samples.middle), median(samples.last)];
    const check = await store.objects.list({ module: 'locations', ...filter, offset: lastOffset, limit: LIMIT });
    if (check.items.length !== Math.min(LIMIT, total - lastOffset)) throw new Error(`last page has ${check.items.length} items`);
    console.log(
      `  ${name.padEnd(22)} total ${String(total).padStart(6)} | first page ${first.toFixed(1).padStart(6)} ms | middle (${String(middleOffset).padStart(6)}) ${middle.toFixed(1).padStart(6)} ms | near end (${String(lastOffset).padStart(6)}) ${last.toFixed(1).padStart(6)} ms`,
    );
  }
  // For comparison: the plain OFFSET query on full rows, and the COUNT alone.
  const naive = await time(() => raw(`SELECT json FROM ocpi_objects WHERE module = 'locations' ORDER BY seq OFFSET ${near} LIMIT ${LIMIT}`));
  const count = await time(() => raw(`SELECT count(*) FROM ocpi_objects WHERE module = 'locations'`));
  console.log(`  (plain OFFSET ${near} on full rows, no count: ${naive.toFixed(1)} ms; COUNT(*) alone: ${count.toFixed(1)} ms)`);
}

// PGlite on a temp directory.
{
  const dir = mkdtempSync(join(tmpdir(), 'ocpi-bench-'));
  const db = await PGlite.create(join(dir, 'data'));
  const store = await createEmbeddedStore({ pglite: db });
  let t = performance.now();
  await db.exec(fill('ocpi_objects'));
  console.log(`PGlite: inserted ${ROWS} rows in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  const raw = (sql) => db.query(sql);
  await measure('PGlite, before VACUUM (no autovacuum in PGlite)', store, raw);
  t = performance.now();
  await db.query('VACUUM (ANALYZE) ocpi_objects');
  console.log(`PGlite: VACUUM (ANALYZE) took ${((performance.now() - t) / 1000).toFixed(1)} s`);
  await measure('PGlite, after VACUUM (ANALYZE)', store, raw);
  const plan = await db.query(
    `EXPLAIN (ANALYZE, COSTS OFF) SELECT seq FROM ocpi_objects WHERE module = 'locations' ORDER BY seq OFFSET ${ROWS - LIMIT} LIMIT ${LIMIT}`,
  );
  console.log(plan.rows.map((r) => `    ${r['QUERY PLAN']}`).join('\n'));
  await store.close();
  await db.close();
  rmSync(dir, { recursive: true, force: true });
}

const url = process.env.OCPI_TEST_DATABASE_URL ?? process.env.OCPI_DATABASE_URL;
if (url) {
  // The same connection settings as createPostgresStore.
  const sql = postgres(url, { onnotice: () => {}, max: 4, connection: { search_path: 'ocpi_bench', plan_cache_mode: 'force_custom_plan' } });
  await sql.unsafe('DROP SCHEMA IF EXISTS ocpi_bench CASCADE');
  const store = await openSqlStore(postgresExecutor(sql, { owned: false }), { schema: 'ocpi_bench' });
  const t = performance.now();
  await sql.unsafe(fill('ocpi_bench.ocpi_objects')).simple();
  console.log(`\nPostgreSQL: inserted ${ROWS} rows in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  const raw = (text) => sql.unsafe(text);
  await measure('PostgreSQL, before VACUUM', store, raw);
  await sql.unsafe('VACUUM (ANALYZE) ocpi_bench.ocpi_objects');
  await measure('PostgreSQL, after VACUUM (ANALYZE) (what autovacuum leaves)', store, raw);
  const plan = await sql.unsafe(
    `EXPLAIN (ANALYZE, COSTS OFF) SELECT seq FROM ocpi_objects WHERE module = 'locations' ORDER BY seq OFFSET ${ROWS - LIMIT} LIMIT ${LIMIT}`,
  );
  console.log(plan.map((r) => `    ${r['QUERY PLAN']}`).join('\n'));
  await sql.unsafe('DROP SCHEMA ocpi_bench CASCADE');
  await store.close();
  await sql.end();
} else {
  console.log('\n(no OCPI_TEST_DATABASE_URL: PostgreSQL not measured; run through scripts/with-postgres.sh)');
}
