import { PGlite } from '@electric-sql/pglite';
import { createSecretsAtRest, hashToken } from '@ocpi-ts/core';
import { TEST_SECRET_KEY } from '@ocpi-ts/core/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pgliteExecutor, type SqlExecutor } from './executor.js';
import { type Migration, type MigrationContext, migrate, migrations } from './migrations.js';
import { openSqlStore } from './sql-store.js';

let db: PGlite;
let executor: SqlExecutor;
let context: MigrationContext;

beforeAll(async () => {
  db = await PGlite.create('memory://');
  executor = pgliteExecutor(db);
  context = { secrets: await createSecretsAtRest(TEST_SECRET_KEY) };
});
afterAll(async () => {
  await executor.close();
});

const tables = async (schema: string) =>
  (await db.query<{ table_name: string }>('SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name', [schema])).rows.map(
    (row) => row.table_name,
  );

const extra: Migration = { version: 2, name: 'extra table', up: (s) => [`CREATE TABLE ${s}.extra (x int)`] };

describe('migrations', () => {
  it('a fresh schema gets every migration, recorded; a second run applies nothing', async () => {
    expect(await migrate(executor, 'fresh', migrations, context)).toEqual(migrations.map((m) => m.version));
    expect(await tables('fresh')).toEqual([
      'ocpi_audit',
      'ocpi_migrations',
      'ocpi_object_audience',
      'ocpi_objects',
      'ocpi_partner_parties',
      'ocpi_partners',
      'ocpi_registration_tokens',
      'ocpi_secrets',
    ]);
    expect(await migrate(executor, 'fresh', migrations, context)).toEqual([]);
    const recorded = await db.query<{ version: number; name: string }>('SELECT version, name FROM fresh.ocpi_migrations ORDER BY version');
    expect(recorded.rows).toEqual(migrations.map(({ version, name }) => ({ version, name })));
  });

  it('applies only the missing versions, in order', async () => {
    expect(await migrate(executor, 'incremental', [migrations[0] as Migration])).toEqual([1]);
    expect(await migrate(executor, 'incremental', [extra, migrations[0] as Migration])).toEqual([2]);
    expect(await tables('incremental')).toContain('extra');
  });

  it('a failing migration leaves nothing behind', async () => {
    const broken: Migration = { version: 2, name: 'broken', up: (s) => [`CREATE TABLE ${s}.half (x int)`, 'SELECT no_such_function()'] };
    await expect(migrate(executor, 'broken', [migrations[0] as Migration, broken])).rejects.toThrow(/no_such_function/);
    expect(await tables('broken')).toEqual([]);
    expect(await migrate(executor, 'broken', [migrations[0] as Migration])).toEqual([1]);
  });

  it('a migration that needs the secrets is refused without them', async () => {
    await expect(migrate(executor, 'without_secrets')).rejects.toThrow(/needs the store's secrets/);
    expect(await tables('without_secrets')).toEqual([]);
  });

  it('upgrades a store of version 1 in place: hashes keyed, tokens sealed, each party held by its oldest partner (issue 19)', async () => {
    await migrate(executor, 'upgraded', [migrations[0] as Migration]);
    const partnerRow = (id: string, tokenHash: string, parties: string[], outboundToken: string) =>
      db.query(`INSERT INTO upgraded.ocpi_partners (id, status, token_hash, parties, doc) VALUES ($1, 'REGISTERED', $2, $3, $4::jsonb)`, [
        id,
        tokenHash,
        parties,
        JSON.stringify({ id, status: 'REGISTERED', inboundTokenHash: tokenHash, outboundToken, roles: [], endpoints: [], tokenEncoding: 'base64' }),
      ]);
    const tokenHash = await hashToken('token-c-of-p1');
    await partnerRow('p1', tokenHash, ['NL*AAA'], 'token-b-of-p1');
    await partnerRow('p2', await hashToken('token-c-of-p2'), ['NL*AAA', 'NL*BBB'], 'token-b-of-p2');
    const registrationHash = await hashToken('token-a');
    await db.query(`INSERT INTO upgraded.ocpi_registration_tokens (id, hash, doc) VALUES ('t1', $1, $2::jsonb)`, [
      registrationHash,
      JSON.stringify({ id: 't1', hash: registrationHash, createdAt: '2024-01-01T00:00:00.000Z' }),
    ]);

    expect(await migrate(executor, 'upgraded', migrations, context)).toEqual([2, 3, 4, 10, 11]);
    const stored = (await db.query<{ token_hash: string; doc: string }>(`SELECT token_hash, doc::text AS doc FROM upgraded.ocpi_partners ORDER BY seq`)).rows;
    const text = JSON.stringify(stored) + JSON.stringify((await db.query('SELECT * FROM upgraded.ocpi_registration_tokens')).rows);
    for (const secret of ['token-b-of-p1', 'token-b-of-p2', tokenHash, registrationHash]) expect(text).not.toContain(secret);
    expect(stored[0]?.token_hash).toBe(await context.secrets.keyHash(tokenHash));
    const claims = (await db.query<{ party: string; partner_id: string }>('SELECT party, partner_id FROM upgraded.ocpi_partner_parties ORDER BY party')).rows;
    expect(claims).toEqual([
      { party: 'NL*AAA', partner_id: 'p1' },
      { party: 'NL*BBB', partner_id: 'p2' },
    ]);
    // Through the store: found by the plain SHA-256 of their tokens, and the partner's token opens again.
    const store = await openSqlStore(pgliteExecutor(db, { owned: false }), { schema: 'upgraded', secretKey: TEST_SECRET_KEY });
    expect((await store.partners.findByTokenHash(tokenHash))?.outboundToken).toBe('token-b-of-p1');
    expect((await store.registrationTokens.findByHash(registrationHash))?.id).toBe('t1');
    // Another key is refused, naming the problem.
    await expect(openSqlStore(pgliteExecutor(db, { owned: false }), { schema: 'upgraded', secretKey: `${TEST_SECRET_KEY}, but another` })).rejects.toThrow(
      /secret key differs/,
    );
  });

  it('refuses a database migrated by a newer version', async () => {
    await migrate(executor, 'newer', [migrations[0] as Migration, extra]);
    await expect(migrate(executor, 'newer', [migrations[0] as Migration])).rejects.toThrow(/newer than this/);
  });
});
