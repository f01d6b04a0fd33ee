// Resident memory of a node holding N Locations, run as its own process:
//   node --expose-gc memory-child.mjs <count> <full|compact> [memory|postgres]
// memory: the memory store (the core's object index, every object's bytes held), put through
// putOwnObject. postgres: the PostgreSQL store's read model (index and bytes, budget above the data)
// after a crawl of every page; the rows are inserted in SQL before the store opens, and the server's
// memory is its own. Prints one JSON line: RSS before and after (after full GCs), heap and external.
import { createMemoryStore, generateSecretKey, putOwnObject, STORE_MODULES } from '@ocpi-ts/core';
import { createPostgresStore, type SqlStore } from '@ocpi-ts/postgres';
import postgres from 'postgres';
import { benchLocations } from './locations.js';
import { CPO } from './scenario.js';

const [countArg, kind, storeArg = 'memory'] = process.argv.slice(2);
const count = Number(countArg);
/** The store seals partner tokens under a key; this run stores none, any key will do. */
const BENCH_SECRET_KEY = generateSecretKey();
const full = kind !== 'compact';
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc || !Number.isInteger(count)) throw new Error('usage: node --expose-gc memory-child.mjs <count> <full|compact> [memory|postgres]');

const settle = async () => {
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return process.memoryUsage();
};

// The young generation grows to its working size while Locations are generated (40 MB here), a cost
// of the process, not of what it holds: it is grown before the first reading.
for (let round = 0; round < 20; round++) benchLocations(1000, CPO, full, 1);

let bytes = 0;
let before: NodeJS.MemoryUsage;
let after: NodeJS.MemoryUsage;
let held: number;
if (storeArg === 'postgres') {
  const url = process.env.OCPI_TEST_DATABASE_URL;
  if (!url) throw new Error('OCPI_TEST_DATABASE_URL is not set');
  const schema = `memory_${process.pid}`;
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  await (await createPostgresStore({ url, schema, secretKey: BENCH_SECRET_KEY })).close();
  for (let from = 1; from <= count; from += 2000) {
    // Each row's JSON as a JSON string field, so its text is stored exactly as generated.
    const rows = benchLocations(Math.min(2000, count - from + 1), CPO, full, from).map((location) => {
      const json = JSON.stringify(location);
      bytes += json.length;
      return { id: location.id, json, ts: location.last_updated };
    });
    await sql.unsafe(
      `INSERT INTO ${schema}.ocpi_objects (module, owner_cc, owner_pid, id, json, last_updated)
       SELECT 'locations', $1, $2, x.id, x.json, x.ts FROM json_to_recordset($3::text::json) AS x(id text, json text, ts timestamptz)`,
      [CPO.country_code, CPO.party_id, JSON.stringify(rows)],
    );
  }
  before = await settle();
  const store: SqlStore = await createPostgresStore({ url, schema, secretKey: BENCH_SECRET_KEY, max: 2, readModel: { cacheBytes: 2 ** 40 } });
  for (let offset = 0; offset < count; offset += 100) await store.objects.listJson({ module: STORE_MODULES.locations, offset, limit: 100 });
  after = await settle();
  held = store.readModel?.stats().objects ?? 0;
  if (process.env.BENCH_MEMORY_DEBUG) console.error(store.readModel?.stats(), process.memoryUsage());
  if ((store.readModel?.stats().heldBytes ?? 0) < bytes) throw new Error('the read model does not hold every object');
  await store.close();
  await sql.unsafe(`DROP SCHEMA ${schema} CASCADE`);
  await sql.end();
} else {
  const store = createMemoryStore();
  // Everything but the objects themselves is allocated before the first reading.
  await putOwnObject(store, STORE_MODULES.locations, CPO, benchLocations(1, CPO, full, count + 1)[0]);
  before = await settle();
  for (let from = 1; from <= count; from += 1000) {
    // Generated a thousand at a time and dropped once stored: what stays is what the store holds.
    for (const location of benchLocations(Math.min(1000, count - from + 1), CPO, full, from)) {
      bytes += JSON.stringify(location).length;
      await putOwnObject(store, STORE_MODULES.locations, CPO, location);
    }
  }
  after = await settle();
  held = (await store.objects.list({ module: STORE_MODULES.locations, offset: 0, limit: 1 })).total - 1;
}
if (held !== count) throw new Error(`the store holds ${held} Locations, not ${count}`);
process.stdout.write(
  `${JSON.stringify({
    count,
    kind: full ? 'full' : 'compact',
    store: storeArg,
    jsonBytes: bytes,
    rssBefore: before.rss,
    rssAfter: after.rss,
    heapUsedDelta: after.heapUsed - before.heapUsed,
    externalDelta: after.external - before.external,
    heapTotalDelta: after.heapTotal - before.heapTotal,
    arrayBuffersDelta: after.arrayBuffers - before.arrayBuffers,
  })}\n`,
);
