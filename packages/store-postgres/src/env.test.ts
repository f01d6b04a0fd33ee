import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createStoreFromEnv } from './env.js';

const root = mkdtempSync(join(tmpdir(), 'ocpi-env-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('createStoreFromEnv', () => {
  it.each([undefined, '', '   '])('without a database URL (%j) opens the embedded store in dataDir', async (databaseUrl) => {
    const dataDir = join(root, `data-${JSON.stringify(databaseUrl ?? null).length}-${Math.random().toString(36).slice(2)}`);
    const store = await createStoreFromEnv({ databaseUrl, dataDir });
    try {
      expect(existsSync(join(dataDir, 'PG_VERSION'))).toBe(true);
      await store.objects.put({ module: 'm', owner: { country_code: 'NL', party_id: 'CPO' }, id: 'x' }, { data: { id: 'x' } });
      expect((await store.objects.get({ module: 'm', owner: { country_code: 'NL', party_id: 'CPO' }, id: 'x' }))?.json).toBe('{"id":"x"}');
    } finally {
      await store.close();
    }
  });

  it.each(['mysql://user:secret@db.example.com/ocpi', 'sqlite:///var/lib/ocpi.db', 'db.example.com:5432', 'http://postgres.example.com'])(
    'refuses %s, naming OCPI_DATABASE_URL and not echoing it',
    async (databaseUrl) => {
      const dataDir = join(root, 'never');
      const failure = createStoreFromEnv({ databaseUrl, dataDir });
      await expect(failure).rejects.toThrow(/OCPI_DATABASE_URL/);
      await expect(failure).rejects.not.toThrow(/secret/);
      expect(existsSync(dataDir)).toBe(false);
    },
  );
});
