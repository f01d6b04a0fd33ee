import { PGlite } from '@electric-sql/pglite';
import type { Partner } from '@ocpi-ts/core';
import { describeOrderedWrites, describeUnstorableInput, TEST_SECRET_KEY } from '@ocpi-ts/core/test-support';
import { describeStoreContract } from '@ocpi-ts/core/testing/store-contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmbeddedStore } from './embedded.js';
import { pgliteExecutor } from './executor.js';
import { changesChannel } from './migrations.js';
import { openSqlStore } from './sql-store.js';

// One in-memory PGlite for the file, a fresh schema per test: starting PGlite takes about a second.
let db: PGlite;
let n = 0;

beforeAll(async () => {
  db = await PGlite.create('memory://');
});

afterAll(async () => {
  await db.close();
});

describeStoreContract('PGlite (memory://)', () => createEmbeddedStore({ pglite: db, secretKey: TEST_SECRET_KEY, schema: `contract_${++n}` }));
describeOrderedWrites('PGlite (memory://)', () => createEmbeddedStore({ pglite: db, secretKey: TEST_SECRET_KEY, schema: `ordered_${++n}` }));
describeUnstorableInput('PGlite (memory://)', () => createEmbeddedStore({ pglite: db, secretKey: TEST_SECRET_KEY, schema: `unstorable_${++n}` }));
describeStoreContract('PGlite (memory://), without a read model (every read and write in SQL)', () =>
  createEmbeddedStore({ pglite: db, secretKey: TEST_SECRET_KEY, schema: `sqlonly_${++n}`, readModel: false }),
);

// A store on a PGlite instance of its own (as every `dataDir` store is) announces nothing: the
// instance's single session is told so (`soleWriter`), so it gets an instance of its own here too.
let sole: PGlite;
beforeAll(async () => {
  sole = await PGlite.create('memory://');
});
afterAll(async () => {
  await sole.close();
});
const soleStore = (schema: string) => openSqlStore(pgliteExecutor(sole, { owned: false }), { secretKey: TEST_SECRET_KEY, schema, soleWriter: true });
describeStoreContract('PGlite, a store of its own (sole writer: nothing announced)', () => soleStore(`sole_${++n}`));
describeOrderedWrites('PGlite, a store of its own (sole writer: nothing announced)', () => soleStore(`sole_ordered_${++n}`));

describe('announcements on PGlite', () => {
  const listenTo = async (instance: PGlite, schema: string) => {
    const heard: string[] = [];
    const unlisten = await instance.listen(changesChannel(schema), (payload) => heard.push(payload));
    return { heard, unlisten };
  };
  const owner = { country_code: 'NL', party_id: 'CPO' };

  it('a sole writer announces no write; a store on a shared instance announces each', async () => {
    const quiet = await soleStore('sole_quiet');
    const channel = await listenTo(sole, 'sole_quiet');
    await quiet.objects.put({ module: 'locations', owner, id: 'L1' }, { data: { id: 'L1' } });
    await quiet.objects.delete({ module: 'locations', owner, id: 'L1' });
    await quiet.partners.save({ id: 'p1', status: 'REGISTERED', roles: [], endpoints: [] } as unknown as Partner);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(channel.heard).toEqual([]);
    await channel.unlisten();
    await quiet.close();

    const shared = await createEmbeddedStore({ pglite: db, secretKey: TEST_SECRET_KEY, schema: 'shared_loud' });
    const loud = await listenTo(db, 'shared_loud');
    await shared.objects.put({ module: 'locations', owner, id: 'L1' }, { data: { id: 'L1' } });
    await shared.objects.delete({ module: 'locations', owner, id: 'L1' });
    await expect.poll(() => loud.heard.length).toBe(2);
    await loud.unlisten();
    await shared.close();
  });

  it('a page read from the database gives the row as it is now, even one changed unannounced since the index took it', async () => {
    // No bytes held (budget 0): every page is read from the database by seq.
    const store = await createEmbeddedStore({ pglite: db, secretKey: TEST_SECRET_KEY, schema: 'fetch_changed', readModel: { cacheBytes: 0 } });
    try {
      const put = (id: string, v: number) => store.objects.put({ module: 'locations', owner, id }, { data: { id, v, last_updated: '2024-01-01T00:00:00Z' } });
      await put('L1', 1);
      await put('L2', 1);
      const query = { module: 'locations', offset: 0, limit: 10 };
      expect((await store.objects.listJson(query)).items.map((item) => item.text)).toEqual([
        '{"id":"L1","v":1,"last_updated":"2024-01-01T00:00:00Z"}',
        '{"id":"L2","v":1,"last_updated":"2024-01-01T00:00:00Z"}',
      ]);
      // Written by hand without an announcement: the index still has the old version and last_updated.
      await db.exec(`SET ocpi_ts.announce = 'off'`);
      await db.query(`UPDATE fetch_changed.ocpi_objects SET json = $1, last_updated = '2024-02-01T00:00:00Z' WHERE id = 'L2'`, [
        '{"id":"L2","v":2,"last_updated":"2024-02-01T00:00:00Z"}',
      ]);
      await db.exec(`RESET ocpi_ts.announce`);
      const page = await store.objects.list(query);
      expect(page.items.map((item) => item.json)).toEqual([
        '{"id":"L1","v":1,"last_updated":"2024-01-01T00:00:00Z"}',
        '{"id":"L2","v":2,"last_updated":"2024-02-01T00:00:00Z"}',
      ]);
      expect(page.items[1]?.lastUpdated).toBe('2024-02-01T00:00:00.000Z');
    } finally {
      await store.close();
    }
  });

  it('soleWriter is refused on PostgreSQL (a pool has many sessions, and other nodes listen)', async () => {
    const fake = { ...pgliteExecutor(sole, { owned: false }), kind: 'postgres' as const };
    await expect(openSqlStore(fake, { secretKey: TEST_SECRET_KEY, schema: 'sole_refused', soleWriter: true })).rejects.toThrow(/soleWriter/);
  });
});

describe('createEmbeddedStore({ dataDir: "memory://" })', () => {
  it('opens, migrates and works without touching the disk', async () => {
    const store = await createEmbeddedStore({ dataDir: 'memory://' });
    try {
      const put = await store.objects.put({ module: 'locations', owner: { country_code: 'nl', party_id: 'cpo' }, id: 'l1' }, { data: { id: 'l1' } });
      expect(put.created).toBe(true);
      expect((await store.objects.list({ module: 'locations', offset: 0, limit: 10 })).total).toBe(1);
    } finally {
      await store.close();
    }
  });

  it('a store over a shared PGlite instance leaves the instance open on close', async () => {
    const store = await createEmbeddedStore({ pglite: db, secretKey: TEST_SECRET_KEY, schema: 'shared_close' });
    await store.close();
    await store.close();
    expect(db.closed).toBe(false);
    expect((await db.query<{ one: number }>('SELECT 1 AS one')).rows[0]?.one).toBe(1);
  });

  it('hands the same page to the same query until a write to its module, then the page with the write', async () => {
    const store = await createEmbeddedStore({ pglite: db, secretKey: TEST_SECRET_KEY, schema: 'kept_pages' });
    try {
      const owner = { country_code: 'NL', party_id: 'CPO' };
      const key = (id: string) => ({ module: 'locations', owner, id });
      const query = { module: 'locations', owners: [owner], visibleTo: [{ country_code: 'DE', party_id: 'MSP' }], offset: 0, limit: 10 };
      await store.objects.put(key('L1'), { data: { id: 'L1', last_updated: '2024-01-01T00:00:00Z', v: 1 } });
      const first = await store.objects.listJson(query);
      // The server encodes a page once per array: the same array, until the module changes.
      expect(await store.objects.listJson({ ...query })).toBe(first);
      await store.objects.put({ module: 'tariffs', owner, id: 'T1' }, { data: { id: 'T1', last_updated: '2024-01-01T00:00:00Z' } });
      expect(await store.objects.listJson(query)).toBe(first);
      await store.objects.put(key('L1'), { data: { id: 'L1', last_updated: '2024-01-02T00:00:00Z', v: 2 } });
      const second = await store.objects.listJson(query);
      expect(second.items.map((item) => item.text)).toEqual([JSON.stringify({ id: 'L1', last_updated: '2024-01-02T00:00:00Z', v: 2 })]);
      // A write by hand, announced on the channel like another node's, drops the page too.
      await db.query(`UPDATE kept_pages.ocpi_objects SET json = $1 WHERE id = 'L1'`, [
        JSON.stringify({ id: 'L1', last_updated: '2024-01-02T00:00:00Z', v: 3 }),
      ]);
      await expect.poll(async () => (await store.objects.listJson(query)).items[0]?.text, { timeout: 2000 }).toContain('"v":3');
    } finally {
      await store.close();
    }
  });

  it('two stores on one instance and schema serialize updates of a key between them', async () => {
    const a = await createEmbeddedStore({ pglite: db, secretKey: TEST_SECRET_KEY, schema: 'shared_lock' });
    const b = await createEmbeddedStore({ pglite: db, secretKey: TEST_SECRET_KEY, schema: 'shared_lock' });
    const key = { module: 'counters', owner: { country_code: 'NL', party_id: 'CPO' }, id: 'C' };
    await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        (i % 2 ? a : b).objects.update<{ count: number }>(key, async (current) => {
          await new Promise((resolve) => setTimeout(resolve, 0));
          return { data: { count: (current?.data.count ?? 0) + 1 } };
        }),
      ),
    );
    expect((await a.objects.get<{ count: number }>(key))?.data.count).toBe(30);
    await a.close();
    await b.close();
  });

  it("two stores on one instance learn of each other's writes, and tell onChange listeners once, with the right origin", async () => {
    const a = await createEmbeddedStore({ pglite: db, secretKey: TEST_SECRET_KEY, schema: 'shared_model' });
    const b = await createEmbeddedStore({ pglite: db, secretKey: TEST_SECRET_KEY, schema: 'shared_model' });
    const seen: string[] = [];
    a.readModel?.onChange((change) => seen.push(`${change.origin} ${change.kind} ${change.key.id}`));
    const key = (id: string) => ({ module: 'tokens', owner: { country_code: 'NL', party_id: 'CPO' }, id });
    await a.objects.put(key('A1'), { data: { n: 1 } });
    await b.objects.put(key('B1'), { data: { n: 2 } });
    await b.objects.delete(key('A1'));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(seen).toEqual(['local upsert A1', 'remote upsert B1', 'remote delete A1']);
    expect((await a.objects.get(key('B1')))?.json).toBe('{"n":2}');
    expect(await a.objects.get(key('A1'))).toBeUndefined();
    await a.close();
    await b.close();
  });

  it('vacuums on open and after enough writes, as autovacuum would (PGlite has none)', async () => {
    const vacuums = async () =>
      Number(
        (await db.query<{ n: number }>(`SELECT vacuum_count::int AS n FROM pg_stat_user_tables WHERE schemaname = 'vacuumed' AND relname = 'ocpi_objects'`))
          .rows[0]?.n,
      );
    const store = await createEmbeddedStore({ pglite: db, secretKey: TEST_SECRET_KEY, schema: 'vacuumed' });
    expect(await vacuums()).toBe(1);
    const owner = { country_code: 'NL', party_id: 'CPO' };
    for (let i = 0; i < 999; i++) await store.objects.put({ module: 'locations', owner, id: `L${i}` }, { data: { id: `L${i}` } });
    await store.objects.update({ module: 'locations', owner, id: 'L1' }, () => undefined); // unchanged: not a write
    expect(await vacuums()).toBe(1);
    await store.objects.delete({ module: 'locations', owner, id: 'L0' });
    await store.close(); // waits for the VACUUM the 1000th write started
    expect(await vacuums()).toBe(2);
    const visible = await db.query<{ all_visible: number }>(`SELECT relallvisible AS all_visible FROM pg_class WHERE oid = 'vacuumed.ocpi_objects'::regclass`);
    expect(visible.rows[0]?.all_visible).toBeGreaterThan(0);
  });

  it('refuses a schema name that is not a plain identifier', async () => {
    await expect(createEmbeddedStore({ pglite: db, secretKey: TEST_SECRET_KEY, schema: 'x"; DROP TABLE y; --' })).rejects.toThrow(/invalid schema name/);
  });
});
