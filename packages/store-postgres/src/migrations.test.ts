import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pgliteExecutor, type SqlExecutor } from './executor.js';
import { type Migration, migrate, migrations } from './migrations.js';

let db: PGlite;
let executor: SqlExecutor;

beforeAll(async () => {
  db = await PGlite.create('memory://');
  executor = pgliteExecutor(db);
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
    expect(await migrate(executor, 'fresh')).toEqual(migrations.map((m) => m.version));
    expect(await tables('fresh')).toEqual([
      'ocpi_audit',
      'ocpi_migrations',
      'ocpi_object_audience',
      'ocpi_objects',
      'ocpi_partners',
      'ocpi_registration_tokens',
    ]);
    expect(await migrate(executor, 'fresh')).toEqual([]);
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

  it('refuses a database migrated by a newer version', async () => {
    await migrate(executor, 'newer', [migrations[0] as Migration, extra]);
    await expect(migrate(executor, 'newer', [migrations[0] as Migration])).rejects.toThrow(/newer than this/);
  });
});
