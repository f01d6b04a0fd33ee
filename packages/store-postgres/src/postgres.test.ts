import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSecretsAtRest, hashToken, type OcpiStore, PartyTakenError, partnerToken } from '@ocpi-ts/core';
import { TEST_SECRET_KEY } from '@ocpi-ts/core/test-support';
import { describeStoreContract } from '@ocpi-ts/core/testing/store-contract';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStoreFromEnv } from './env.js';
import { postgresExecutor } from './executor.js';
import { migrate, migrations } from './migrations.js';
import { createPostgresStore } from './postgres.js';

const url = process.env.OCPI_TEST_DATABASE_URL;

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

  const schemaOf = new WeakMap<OcpiStore, string>();
  describeStoreContract(
    'PostgreSQL server',
    async () => {
      const schema = uniqueSchema('contract');
      const store = await createPostgresStore({ url: databaseUrl, secretKey: TEST_SECRET_KEY, schema });
      schemaOf.set(store, schema);
      return store;
    },
    async (store) => {
      const schema = schemaOf.get(store);
      if (schema) await dropSchema(schema);
    },
  );

  describe('PostgreSQL server: two nodes on one database', () => {
    let schema: string;
    let a: OcpiStore;
    let b: OcpiStore;
    const key = (id: string) => ({ module: 'sessions', owner: { country_code: 'NL', party_id: 'CPO' }, id });

    beforeAll(async () => {
      schema = uniqueSchema('nodes');
      created.push(schema);
      // Separate pools: separate connections, as two processes would have.
      [a, b] = await Promise.all([
        createPostgresStore({ url: databaseUrl, secretKey: TEST_SECRET_KEY, schema, max: 5 }),
        createPostgresStore({ url: databaseUrl, secretKey: TEST_SECRET_KEY, schema, max: 5 }),
      ]);
    });
    afterAll(async () => {
      await a.close();
      await b.close();
    });

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
      expect((await a.objects.get<{ count: number }>(key('COUNTER')))?.data.count).toBe(60);
      expect((await b.objects.get<{ count: number }>(key('COUNTER')))?.data.count).toBe(60);
    });

    it('a delete on one node waits for the update in progress on the other', async () => {
      await a.objects.put(key('HELD'), { data: { count: 1 } });
      let entered!: () => void;
      const inMutation = new Promise<void>((resolve) => {
        entered = resolve;
      });
      let release!: () => void;
      const gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      const update = a.objects.update<{ count: number }>(key('HELD'), async (current) => {
        entered();
        await gate;
        return current ? { data: { count: current.data.count + 1 } } : undefined;
      });
      await inMutation;
      let deleteDone = false;
      const deleted = b.objects.delete(key('HELD')).then((result) => {
        deleteDone = true;
        return result;
      });
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(deleteDone).toBe(false);
      release();
      expect((await update).kind).toBe('updated');
      expect(await deleted).toBe(true);
      expect(await a.objects.get(key('HELD'))).toBeUndefined();
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
      const listed = await b.objects.list({ module: 'sessions', owners: [{ country_code: 'NL', party_id: 'CPO' }], offset: 0, limit: 100 });
      expect(listed.items.map((item) => item.key.id).filter((id) => id.startsWith('L'))).toEqual(['L1', 'L2']);
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
