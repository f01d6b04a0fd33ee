import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommandMemory, createSecretsAtRest, hashToken, locationsReceiver, type OcpiStore, type Partner, PartyTakenError, partnerToken } from '@ocpi-ts/core';
import { describeHubSweep, describeOrderedWrites, describeUnstorableInput, moduleHarness, TEST_SECRET_KEY } from '@ocpi-ts/core/test-support';
import { describeStoreContract } from '@ocpi-ts/core/testing/store-contract';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStoreFromEnv } from './env.js';
import { postgresExecutor } from './executor.js';
import { migrate, migrations } from './migrations.js';
import { createPostgresStore, listenerName, type PostgresStoreOptions } from './postgres.js';
import type { SqlStore } from './sql-store.js';

const url = process.env.OCPI_TEST_DATABASE_URL;

/** Polls until `check` holds, failing after `ms` milliseconds; returns how long it took. */
async function within(ms: number, check: () => Promise<boolean>): Promise<number> {
  const started = performance.now();
  for (;;) {
    if (await check()) return performance.now() - started;
    if (performance.now() - started > ms) throw new Error(`not within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

/** The strings reachable from `root` through own properties, Maps, Sets and arrays (bytes skipped; no getter called). */
function reachable(root: unknown): { strings: Set<string>; mapKeys: Set<unknown> } {
  const strings = new Set<string>();
  const mapKeys = new Set<unknown>();
  const seen = new Set<object>();
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const value = stack.pop();
    if (typeof value === 'string') strings.add(value);
    if ((typeof value !== 'object' && typeof value !== 'function') || value === null || seen.has(value)) continue;
    seen.add(value);
    if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer || value instanceof WebAssembly.Memory) continue;
    if (value instanceof Map) {
      for (const [k, v] of value) stack.push(k, v);
      for (const k of value.keys()) mapKeys.add(k);
    }
    if (value instanceof Set) for (const item of value) stack.push(item);
    for (const name of Reflect.ownKeys(value)) {
      const descriptor = Reflect.getOwnPropertyDescriptor(value, name);
      if (descriptor && 'value' in descriptor) stack.push(descriptor.value);
    }
  }
  return { strings, mapKeys };
}

if (!url) {
  // Never skip silently: without a server these tests fail, in CI and locally alike.
  describe('PostgreSQL server store', () => {
    it('needs a PostgreSQL server: run through scripts/with-postgres.sh, or set OCPI_TEST_DATABASE_URL', () => {
      throw new Error(
        `OCPI_TEST_DATABASE_URL is not set${process.env.CI ? ' (CI)' : ''}: run the tests as \`scripts/with-postgres.sh pnpm exec vitest run\`, which starts a throwaway PostgreSQL`,
      );
    });
  });
} else {
  const databaseUrl = url;
  let admin: postgres.Sql;
  let n = 0;
  const uniqueSchema = (prefix: string) => `${prefix}_${process.pid}_${++n}_${Date.now().toString(36)}`;
  const dropSchema = (schema: string) => admin.unsafe(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  const created: string[] = [];

  beforeAll(() => {
    admin = postgres(databaseUrl, { max: 2, onnotice: () => {} });
  });
  afterAll(async () => {
    for (const schema of created) await dropSchema(schema);
    await admin.end();
  });

  // A store on a schema of its own per test, dropped after it.
  const schemaOf = new WeakMap<OcpiStore, string>();
  const freshStore =
    (prefix: string, options: Partial<PostgresStoreOptions> = {}) =>
    async () => {
      const schema = uniqueSchema(prefix);
      const store = await createPostgresStore({ url: databaseUrl, secretKey: TEST_SECRET_KEY, schema, ...options });
      schemaOf.set(store, schema);
      return store;
    };
  const dropStoreSchema = async (store: OcpiStore) => {
    const schema = schemaOf.get(store);
    if (schema) await dropSchema(schema);
  };
  describeStoreContract('PostgreSQL server, without a read model (every read and write in SQL)', freshStore('sqlonly', { readModel: false }), dropStoreSchema);
  describeStoreContract('PostgreSQL server', freshStore('contract'), dropStoreSchema);
  describeOrderedWrites('PostgreSQL server', freshStore('ordered'), dropStoreSchema);
  describeUnstorableInput('PostgreSQL server', freshStore('unstorable'), dropStoreSchema);
  describeHubSweep('PostgreSQL server', freshStore('hubsweep'), dropStoreSchema);

  /** Two nodes on one new schema: separate pools (separate connections), as two processes would have. */
  const twoNodes = async (prefix: string, max: number) => {
    const schema = uniqueSchema(prefix);
    created.push(schema);
    const open = () => createPostgresStore({ url: databaseUrl, secretKey: TEST_SECRET_KEY, schema, max });
    const [a, b] = await Promise.all([open(), open()]);
    return { schema, a, b };
  };

  describe('PostgreSQL server: two nodes on one database', () => {
    let schema: string;
    let a: OcpiStore;
    let b: OcpiStore;
    const key = (id: string) => ({ module: 'sessions', owner: { country_code: 'NL', party_id: 'CPO' }, id });

    beforeAll(async () => {
      ({ schema, a, b } = await twoNodes('nodes', 5));
    });
    afterAll(() => Promise.all([a.close(), b.close()]));

    it('concurrent increments from both nodes, starting from an absent row, lose nothing', async () => {
      const outcomes = await Promise.all(
        Array.from({ length: 60 }, (_, i) =>
          (i % 2 ? a : b).objects.update<{ count: number }>(key('COUNTER'), async (current) => {
            await new Promise((resolve) => setTimeout(resolve, 1));
            return { data: { count: (current?.data.count ?? 0) + 1 } };
          }),
        ),
      );
      expect(outcomes.filter((o) => o.kind === 'created')).toHaveLength(1);
      // Each node's read model has the other node's last write within its bound.
      for (const node of [a, b]) await within(100, async () => (await node.objects.get<{ count: number }>(key('COUNTER')))?.data.count === 60);
    });

    it('a delete on one node during an update on the other: the update is done again on what the delete left', async () => {
      await a.objects.put(key('HELD'), { data: { count: 1 } });
      let entered!: () => void;
      const inMutation = new Promise<void>((resolve) => {
        entered = resolve;
      });
      let release!: () => void;
      const gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      const seen: (number | undefined)[] = [];
      const update = a.objects.update<{ count: number }>(key('HELD'), async (current) => {
        seen.push(current?.data.count);
        entered();
        await gate;
        return current ? { data: { count: current.data.count + 1 } } : undefined;
      });
      await inMutation;
      // A compare-and-set holds no lock while its mutation runs: the delete goes through at once.
      expect(await b.objects.delete(key('HELD'))).toBe(true);
      release();
      // A's write finds another version, and its mutation runs again on the object as it now is: absent.
      expect((await update).kind).toBe('absent');
      expect(seen).toEqual([1, undefined]);
      expect(await b.objects.get(key('HELD'))).toBeUndefined();
      // A learns of B's delete through the channel, within the read model's bound.
      await within(100, async () => (await a.objects.get(key('HELD'))) === undefined);
    });

    it('100 out-of-order PATCHes of one EVSE, half through each node: it ends in the latest state', async () => {
      const us = { role: 'EMSP' as const, country_code: 'NL', party_id: 'OUR', business_details: { name: 'us' } };
      const cpo = { role: 'CPO' as const, country_code: 'NL', party_id: 'CPO', business_details: { name: 'cpo' } };
      const [onA, onB] = [a, b].map((store) => moduleHarness({ parties: [us], modules: [locationsReceiver()], store }));
      if (!onA || !onB) throw new Error('unreachable');
      await onA.partner('two-node-cpo', [cpo]);
      const stamp = (n: number) => new Date(Date.UTC(2025, 0, 1, 0, 0, n)).toISOString();
      const connector = {
        id: '1',
        standard: 'IEC_62196_T2',
        format: 'SOCKET',
        power_type: 'AC_3_PHASE',
        max_voltage: 230,
        max_amperage: 32,
        last_updated: stamp(0),
      };
      const put = await onA.call('PUT', 'receiver/locations/NL/CPO/TWO', {
        token: 'two-node-cpo',
        body: {
          country_code: 'NL',
          party_id: 'CPO',
          id: 'TWO',
          publish: true,
          address: 'Plein 1',
          city: 'Utrecht',
          country: 'NLD',
          coordinates: { latitude: '52.089444', longitude: '5.110278' },
          time_zone: 'Europe/Amsterdam',
          evses: [{ uid: 'E1', status: 'AVAILABLE', connectors: [connector], last_updated: stamp(0) }],
          last_updated: stamp(0),
        },
      });
      expect(put.json.status_code).toBe(1000);
      const order = Array.from({ length: 100 }, (_, i) => ((i * 37) % 100) + 1);
      const answers = await Promise.all(
        order.map((n) =>
          (n % 2 ? onA : onB).call('PATCH', 'receiver/locations/NL/CPO/TWO/E1', {
            token: 'two-node-cpo',
            body: { physical_reference: `P${n}`, last_updated: stamp(n) },
          }),
        ),
      );
      // Every one acknowledged (the outdated ones too); a failure names what was answered instead.
      expect(answers.filter((answer) => answer.json.status_code !== 1000).map((answer) => [answer.status, answer.json])).toEqual([]);
      for (const node of [onA, onB]) {
        await within(100, async () => {
          const final = (await node.call('GET', 'receiver/locations/NL/CPO/TWO', { token: 'two-node-cpo' })).json.data;
          return final.evses[0].physical_reference === 'P100' && final.last_updated === stamp(100);
        });
      }
    });

    it('a partner saved through one node is found by token hash and party on the other', async () => {
      await a.partners.save({
        id: 'p-nodes',
        status: 'REGISTERED',
        roles: [{ role: 'EMSP', country_code: 'de', party_id: 'msp', business_details: { name: 'eMSP' } }],
        endpoints: [],
        inboundTokenHash: 'nodes-hash',
        tokenEncoding: 'base64',
        createdAt: '2024-01-01T00:00:00.000Z',
        updatedAt: '2024-01-01T00:00:00.000Z',
      });
      expect((await b.partners.findByTokenHash('nodes-hash'))?.id).toBe('p-nodes');
      expect((await b.partners.findByParty({ country_code: 'DE', party_id: 'MSP' }))?.id).toBe('p-nodes');
      await expect(
        b.partners.save({
          id: 'p-other',
          status: 'REGISTERED',
          roles: [],
          endpoints: [],
          inboundTokenHash: 'nodes-hash',
          tokenEncoding: 'base64',
          createdAt: '2024-01-01T00:00:00.000Z',
          updatedAt: '2024-01-01T00:00:00.000Z',
        }),
      ).rejects.toThrow(/token hash/);
    });

    it('one party, two nodes registering it at once with different partners: exactly one is saved (issue 19, finding 9)', async () => {
      const claim = (node: OcpiStore, id: string) =>
        node.partners.save({
          id,
          status: 'REGISTERED',
          roles: [{ role: 'CPO', country_code: 'NL', party_id: 'TWO', business_details: { name: id } }],
          endpoints: [],
          tokenEncoding: 'base64',
          createdAt: '2024-01-01T00:00:00.000Z',
          updatedAt: '2024-01-01T00:00:00.000Z',
        });
      const results = await Promise.allSettled(Array.from({ length: 6 }, (_, i) => claim(i % 2 ? a : b, `claim-${i}`)));
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      expect(results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason)).toEqual(
        Array.from({ length: 5 }, () => expect.any(PartyTakenError)),
      );
    });

    it('keeps no token and no plain token hash in its tables, and gives them back to the other node (issue 19, finding 3)', async () => {
      const tokenHash = await hashToken('token-c-of-a-partner');
      await a.partners.save({
        id: 'p-sealed',
        status: 'REGISTERED',
        roles: [{ role: 'EMSP', country_code: 'NL', party_id: 'SEA', business_details: { name: 'eMSP' } }],
        endpoints: [],
        inboundTokenHash: tokenHash,
        outboundToken: partnerToken('token-b-of-a-partner'),
        tokenEncoding: 'base64',
        createdAt: '2024-01-01T00:00:00.000Z',
        updatedAt: '2024-01-01T00:00:00.000Z',
      });
      await a.registrationTokens.create({ id: 'sealed', hash: await hashToken('token-a-of-a-partner'), createdAt: '2024-01-01T00:00:00.000Z' });
      const tables = JSON.stringify([
        ...(await admin.unsafe(`SELECT * FROM "${schema}".ocpi_partners`)),
        ...(await admin.unsafe(`SELECT * FROM "${schema}".ocpi_registration_tokens`)),
      ]);
      for (const secret of ['token-b-of-a-partner', 'token-a-of-a-partner', tokenHash, await hashToken('token-a-of-a-partner')])
        expect(tables).not.toContain(secret);
      expect((await b.partners.findByTokenHash(tokenHash))?.outboundToken).toBe('token-b-of-a-partner');
    });

    it('a command retried on both nodes at once is answered once, the same on both', async () => {
      const [onA, onB] = [new CommandMemory(), new CommandMemory()];
      let runs = 0;
      const answer = async () => {
        runs++;
        await new Promise((resolve) => setTimeout(resolve, 30));
        return { result: 'ACCEPTED' as const, timeout: 30 + runs };
      };
      const copies = await Promise.all(
        Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? onA : onB).answerOnce(i % 2 === 0 ? a : b, 'partner-x', 'START_SESSION {...}', answer)),
      );
      expect(runs).toBe(1);
      expect(copies.every((c) => c.timeout === 31)).toBe(true);
    });

    it('a registration token is used once across nodes', async () => {
      await a.registrationTokens.create({ id: 'race', hash: 'race-hash', createdAt: '2024-01-01T00:00:00.000Z' });
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).registrationTokens.markUsed('race', `p${i}`, '2024-01-01T00:00:00.000Z')),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
      expect((await b.registrationTokens.findByHash('race-hash'))?.usedByPartnerId).toBe(`p${results.indexOf(true)}`);
    });

    it('lists what the other node wrote, in creation order', async () => {
      await a.objects.put(key('L1'), { data: { id: 'L1' } });
      await b.objects.put(key('L2'), { data: { id: 'L2' } });
      await a.objects.put(key('L1'), { data: { id: 'L1', v: 2 } });
      await within(100, async () => {
        const listed = await b.objects.list({ module: 'sessions', owners: [{ country_code: 'NL', party_id: 'CPO' }], offset: 0, limit: 100 });
        const ls = listed.items.filter((item) => item.key.id.startsWith('L'));
        return ls.map((item) => item.json).join() === '{"id":"L1","v":2},{"id":"L2"}';
      });
    });
  });

  describe('PostgreSQL server: the read models of two nodes', () => {
    let schema: string;
    let a: SqlStore;
    let b: SqlStore;
    const owner = { country_code: 'NL', party_id: 'CPO' };
    const key = (id: string) => ({ module: 'tokens', owner, id });
    const listenerOf = (s: string) => admin.unsafe(`SELECT pid FROM pg_stat_activity WHERE application_name = $1`, [listenerName(s)]);

    beforeAll(async () => {
      ({ schema, a, b } = await twoNodes('model', 4));
    });
    /** A registered eMSP partner of one party: the hash of its token C and the token B we present to it. */
    const partnerOf = (id: string, party: string, tokenCHash: string, tokenB: string): Partner => ({
      id,
      status: 'REGISTERED',
      roles: [{ role: 'EMSP', country_code: 'NL', party_id: party, business_details: { name: 'eMSP' } }],
      endpoints: [],
      inboundTokenHash: tokenCHash,
      outboundToken: partnerToken(tokenB),
      tokenEncoding: 'base64',
      createdAt: '2024-01-01T00:00:00.000Z',
      updatedAt: '2024-01-01T00:00:00.000Z',
    });
    afterAll(() => Promise.all([a.close(), b.close()]));

    it("the partner of a token, kept by each node under its keyed hash, follows the other node's changes within 100 ms", async () => {
      const partner = (tokenC: string, tokenB: string) => partnerOf('p-cached', 'CAC', tokenC, tokenB);
      const [first, second] = [await hashToken('cached-token-c-1'), await hashToken('cached-token-c-2')];
      await a.partners.save(partner(first, 'cached-token-b-1'));
      // Looked up twice on B (the second from its cache): the token we present to them opened each time.
      for (let i = 0; i < 2; i++) expect((await b.partners.findByTokenHash(first))?.outboundToken).toBe('cached-token-b-1');
      // Credentials renewed through A: B drops the old token and learns the new one within the bound.
      await a.partners.save(partner(second, 'cached-token-b-2'));
      await within(100, async () => (await b.partners.findByTokenHash(first)) === undefined);
      expect((await b.partners.findByTokenHash(second))?.outboundToken).toBe('cached-token-b-2');
      // A partner removed through B is gone on A, though A looked it up a moment before.
      expect((await a.partners.findByTokenHash(second))?.id).toBe('p-cached');
      await b.partners.delete('p-cached');
      await within(100, async () => (await a.partners.findByTokenHash(second)) === undefined);
    });

    it('the partner lookup it keeps holds keyed hashes and sealed tokens only: no token, no unkeyed hash', async () => {
      const tokenHash = await hashToken('kept-token-c');
      await a.partners.save(partnerOf('p-kept', 'KPT', tokenHash, 'kept-token-b'));
      for (let i = 0; i < 2; i++) expect((await b.partners.findByTokenHash(tokenHash))?.outboundToken).toBe('kept-token-b');
      // Everything node B can reach (its read model, its partner lookup, its connections), without calling getters.
      const { strings, mapKeys } = reachable(b);
      const keyed = await (await createSecretsAtRest(TEST_SECRET_KEY)).keyHash(tokenHash);
      expect(mapKeys.has(keyed), 'the partner is kept, under its keyed hash').toBe(true);
      for (const secret of ['kept-token-b', 'kept-token-c', tokenHash]) {
        expect(
          [...strings].filter((text) => text.includes(secret)),
          secret,
        ).toEqual([]);
      }
      await a.partners.delete('p-kept');
    });

    it("learns of the other node's writes within 100 ms: created, changed, deleted, in pages and totals", async () => {
      expect(a.readModel?.ready && b.readModel?.ready).toBe(true);
      const lags: number[] = [];
      for (let i = 0; i < 30; i++) {
        const [writer, reader] = i % 2 ? [a, b] : [b, a];
        const data = { uid: `U${i}`, n: i, last_updated: new Date(Date.UTC(2024, 0, 1, 0, 0, i)).toISOString() };
        await writer.objects.put(key(`U${i}`), { data });
        lags.push(await within(100, async () => (await reader.objects.get(key(`U${i}`)))?.json === JSON.stringify(data)));
        await writer.objects.update<typeof data>(key(`U${i}`), (current) => (current ? { data: { ...current.data, n: -i } } : undefined));
        lags.push(await within(100, async () => (await reader.objects.get<typeof data>(key(`U${i}`)))?.data.n === -i));
      }
      const page = (store: SqlStore) =>
        store.objects.list({ module: 'tokens', owners: [owner], dateFrom: new Date(Date.UTC(2024, 0, 1, 0, 0, 10)), offset: 5, limit: 5 });
      expect((await page(a)).total).toBe(20);
      expect((await page(b)).items.map((item) => item.key.id)).toEqual(['U15', 'U16', 'U17', 'U18', 'U19']);
      for (let i = 0; i < 10; i++) await (i % 2 ? a : b).objects.delete(key(`U${i}`));
      lags.push(await within(100, async () => (await a.objects.list({ module: 'tokens', offset: 0, limit: 1 })).total === 20));
      lags.push(await within(100, async () => (await b.objects.list({ module: 'tokens', offset: 0, limit: 1 })).total === 20));
      expect(Math.max(...lags)).toBeLessThan(100);
    });

    it("tells onChange listeners of this node's writes and of the other node's, once each", async () => {
      const seen: string[] = [];
      const off = a.readModel?.onChange((change) => {
        if (change.key.id.startsWith('CHG')) seen.push(`${change.origin} ${change.kind} ${change.key.id}`);
      });
      await a.objects.put(key('CHG1'), { data: { n: 1 } });
      await b.objects.put(key('CHG2'), { data: { n: 2 } });
      await b.objects.delete(key('CHG1'));
      await within(100, async () => seen.length === 3);
      off?.();
      expect(seen).toEqual(['local upsert CHG1', 'remote upsert CHG2', 'remote delete CHG1']);
    });

    it('never serves an object older than one this node acknowledged writing, even when the other node wrote it just before', async () => {
      for (let i = 0; i < 30; i++) {
        await b.objects.put(key('RACE'), { data: { n: 2 * i } });
        // A's read model may not have B's write yet: its compare-and-set then loses and is done again under lock.
        const outcome = await a.objects.update<{ n: number }>(key('RACE'), (current) => ({ data: { n: (current?.data.n ?? -1) + 1 } }));
        expect(outcome.kind === 'updated' || outcome.kind === 'created').toBe(true);
        expect((await a.objects.get<{ n: number }>(key('RACE')))?.data.n).toBe(2 * i + 1);
      }
    });

    it('rows written by hand, or by a bulk statement, reach the read model too', async () => {
      await a.objects.put(key('HAND'), { data: { uid: 'HAND', v: 1 } });
      await within(100, async () => (await b.objects.get(key('HAND'))) !== undefined);
      await admin.unsafe(`UPDATE "${schema}".ocpi_objects SET json = '{"uid":"HAND","v":2}' WHERE id = 'HAND'`);
      await within(100, async () => (await b.objects.get(key('HAND')))?.json === '{"uid":"HAND","v":2}');
      // More than one statement may announce one by one: the other nodes rebuild their read model.
      await admin.unsafe(
        `INSERT INTO "${schema}".ocpi_objects (module, owner_cc, owner_pid, id, json, last_updated)
         SELECT 'bulk', 'NL', 'CPO', 'B' || g, '{"n":' || g || '}', now() FROM generate_series(1, 1500) AS g`,
      );
      for (const store of [a, b])
        await within(5000, async () => (await store.objects.list({ module: 'bulk', offset: 1499, limit: 5 })).items[0]?.json === '{"n":1500}');
    });

    it('while its channel is lost a node answers from the database, then rebuilds its read model and answers from it again', async () => {
      const [listener] = await listenerOf(schema);
      expect(listener).toBeDefined();
      await b.objects.put(key('OUTAGE'), { data: { v: 0 } });
      await admin.unsafe('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [listenerName(schema)]);
      // Both nodes lost their listener (and with it B's next announcement); A reads the write from the database.
      await b.objects.put(key('OUTAGE'), { data: { v: 1 } });
      await within(1000, async () => a.readModel?.ready === false);
      // Until A listens again (100 ms later, then a rebuild) each read goes to the database and is exact
      // at once; once it listens, B's writes reach its model within the bound. Each read starts in the
      // tick its source is checked in (the store decides before its first await).
      let fromDatabase = 0;
      const reads = async (v: number, read: () => Promise<boolean>) => {
        if (a.readModel?.ready) return within(100, read);
        fromDatabase++;
        expect(await read(), `v ${v} from the database`).toBe(true);
      };
      for (let v = 1; v <= 5; v++) {
        if (v > 1) await b.objects.put(key('OUTAGE'), { data: { v } });
        await reads(v, async () => (await a.objects.get<{ v: number }>(key('OUTAGE')))?.data.v === v);
        await reads(v, async () => {
          const page = await a.objects.list({ module: 'tokens', offset: 0, limit: 1000 });
          return page.items.find((item) => item.key.id === 'OUTAGE')?.json === `{"v":${v}}`;
        });
      }
      expect(fromDatabase).toBeGreaterThan(0);
      await within(5000, async () => a.readModel?.ready === true && b.readModel?.ready === true);
      expect((await listenerOf(schema)).length).toBe(2);
      await b.objects.put(key('OUTAGE'), { data: { v: 6 } });
      await within(100, async () => (await a.objects.get<{ v: number }>(key('OUTAGE')))?.data.v === 6);
    });

    it('with a byte budget smaller than the data, pages fetch what is not held', async () => {
      const small = await createPostgresStore({ url: databaseUrl, secretKey: TEST_SECRET_KEY, schema, max: 2, readModel: { cacheBytes: 1 } });
      try {
        const all = await small.objects.list({ module: 'bulk', offset: 0, limit: 2000 });
        expect(all.total).toBe(1500);
        expect(all.items.map((item) => item.json)).toEqual(Array.from({ length: 1500 }, (_, i) => `{"n":${i + 1}}`));
        expect((await small.objects.list({ module: 'bulk', offset: 700, limit: 2 })).items.map((item) => item.key.id)).toEqual(['B701', 'B702']);
        expect((small.readModel?.stats().heldBytes ?? 0) < 100_000).toBe(true);
      } finally {
        await small.close();
      }
    });
  });

  describe('PostgreSQL server: migrations', () => {
    it('nodes starting at once on a fresh schema all start; each migration is applied once', async () => {
      const schema = uniqueSchema('startup');
      created.push(schema);
      const stores = await Promise.all(Array.from({ length: 4 }, () => createPostgresStore({ url: databaseUrl, secretKey: TEST_SECRET_KEY, schema, max: 2 })));
      const rows = await admin.unsafe(`SELECT version FROM "${schema}".ocpi_migrations ORDER BY version`);
      expect(rows.map((row) => Number(row.version))).toEqual(migrations.map((m) => m.version));
      await Promise.all(stores.map((store) => store.close()));
    });

    it('concurrent migrate calls: one applies, the others find nothing to do', async () => {
      const schema = uniqueSchema('migrate');
      created.push(schema);
      const executors = Array.from({ length: 3 }, () => postgresExecutor(postgres(databaseUrl, { max: 1, onnotice: () => {} })));
      const context = { secrets: await createSecretsAtRest(TEST_SECRET_KEY) };
      const applied = await Promise.all(executors.map((executor) => migrate(executor, schema, migrations, context)));
      expect(applied.filter((versions) => versions.length > 0)).toEqual([migrations.map((m) => m.version)]);
      await Promise.all(executors.map((executor) => executor.close()));
    });

    it('an unreachable server fails the start with the driver error', async () => {
      const unreachable = new URL(databaseUrl);
      unreachable.port = '1';
      await expect(createPostgresStore({ url: unreachable.toString(), connectTimeout: 5, secretKey: TEST_SECRET_KEY })).rejects.toThrow();
    });
  });

  describe('createStoreFromEnv with a PostgreSQL URL', () => {
    it.each(['postgres://', 'postgresql://'])('%s picks the server and leaves the data dir alone', async (scheme) => {
      const dataDir = join(mkdtempSync(join(tmpdir(), 'ocpi-env-')), 'unused');
      const schema = uniqueSchema('env');
      created.push(schema);
      const store = await createStoreFromEnv({ databaseUrl: databaseUrl.replace(/^postgres(ql)?:\/\//, scheme), dataDir, schema, secretKey: TEST_SECRET_KEY });
      try {
        await store.objects.put({ module: 'm', owner: { country_code: 'NL', party_id: 'CPO' }, id: 'x' }, { data: { id: 'x' } });
        const rows = await admin.unsafe(`SELECT json FROM "${schema}".ocpi_objects`);
        expect(rows.map((row) => row.json)).toEqual(['{"id":"x"}']);
        expect(existsSync(dataDir)).toBe(false);
      } finally {
        await store.close();
        rmSync(join(dataDir, '..'), { recursive: true, force: true });
      }
    });
  });
}
