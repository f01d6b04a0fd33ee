import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { describeStoreContract } from '@ocpi-ts/core/testing/store-contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFixture } from '../test-fixtures/build.js';
import { createEmbeddedStore } from './embedded.js';

const root = mkdtempSync(join(tmpdir(), 'ocpi-pglite-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('PGlite on a directory', () => {
  // The contract on one on-disk instance, a fresh schema per test (starting PGlite takes a second or two).
  let db: PGlite;
  let n = 0;
  beforeAll(async () => {
    db = await PGlite.create(join(root, 'contract'));
  });
  afterAll(async () => {
    await db.close();
  });
  describeStoreContract('PGlite (temp directory)', () => createEmbeddedStore({ pglite: db, schema: `contract_${++n}` }));
});

describe('createEmbeddedStore({ dataDir })', () => {
  const key = (id: string) => ({ module: 'locations', owner: { country_code: 'NL', party_id: 'CPO' }, id });

  it('creates a missing directory, keeps everything across close and reopen', async () => {
    const dataDir = join(root, 'nested', 'deeper', 'data');
    expect(existsSync(dataDir)).toBe(false);
    const first = await createEmbeddedStore({ dataDir });
    expect(existsSync(dataDir)).toBe(true);
    await first.objects.put(key('L1'), {
      data: { id: 'L1', name: 'Één ⚡', last_updated: '2024-01-01T00:00:00Z' },
      audience: [{ country_code: 'DE', party_id: 'ABC' }],
    });
    await first.objects.put(key('L2'), { data: { id: 'L2', last_updated: '2024-01-02T00:00:00Z' } });
    await first.partners.save({
      id: 'p1',
      status: 'REGISTERED',
      roles: [{ role: 'EMSP', country_code: 'de', party_id: 'abc', business_details: { name: 'eMSP' } }],
      endpoints: [],
      inboundTokenHash: 'hash-1',
      tokenEncoding: 'base64',
      createdAt: '2024-01-01T00:00:00.000Z',
      updatedAt: '2024-01-01T00:00:00.000Z',
    });
    await first.registrationTokens.create({ id: 't1', hash: 'token-hash', createdAt: '2024-01-01T00:00:00.000Z' });
    await first.close();

    const second = await createEmbeddedStore({ dataDir });
    try {
      const listed = await second.objects.list({ module: 'locations', offset: 0, limit: 10 });
      expect(listed.items.map((item) => item.json)).toEqual([
        JSON.stringify({ id: 'L1', name: 'Één ⚡', last_updated: '2024-01-01T00:00:00Z' }),
        JSON.stringify({ id: 'L2', last_updated: '2024-01-02T00:00:00Z' }),
      ]);
      expect(listed.items[0]?.audience).toEqual([{ country_code: 'DE', party_id: 'ABC' }]);
      expect((await second.partners.findByTokenHash('hash-1'))?.id).toBe('p1');
      expect((await second.partners.findByParty({ country_code: 'DE', party_id: 'ABC' }))?.id).toBe('p1');
      expect(await second.registrationTokens.markUsed('t1', 'p1', '2024-01-01T00:00:00.000Z')).toBe(true);
      // Migrations are recorded once, not re-applied on reopen.
      await second.objects.put(key('L3'), { data: { id: 'L3' } });
      expect(ids(await second.objects.list({ module: 'locations', offset: 0, limit: 10 }))).toEqual(['L1', 'L2', 'L3']);
    } finally {
      await second.close();
    }
  });

  it('refuses a second open of a directory in use, and allows it after close', async () => {
    const dataDir = join(root, 'locked');
    const first = await createEmbeddedStore({ dataDir });
    await expect(createEmbeddedStore({ dataDir })).rejects.toThrow(/in use by process/);
    await first.close();
    const again = await createEmbeddedStore({ dataDir });
    await again.close();
  });

  it('takes over the lock of a dead process', async () => {
    const dataDir = join(root, 'stale');
    const first = await createEmbeddedStore({ dataDir });
    await first.close();
    // A pid that is not running (pids are below 2^22 on Linux).
    writeFileSync(join(dataDir, 'ocpi-ts.lock'), '99999999\n');
    const store = await createEmbeddedStore({ dataDir });
    expect(readFileSync(join(dataDir, 'ocpi-ts.lock'), 'utf8').trim()).toBe(String(process.pid));
    await store.close();
    expect(existsSync(join(dataDir, 'ocpi-ts.lock'))).toBe(false);
  });

  it('loses no acknowledged write when the process is SIGKILLed', { timeout: 120_000 }, async () => {
    const dataDir = join(root, 'killed');
    const child = spawn(process.execPath, [await buildFixture('durability-child.ts'), dataDir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr += String(chunk);
    });
    const acked = await new Promise<number>((resolve, reject) => {
      let buffer = '';
      let last = 0;
      child.stdout.on('data', (chunk) => {
        buffer += String(chunk);
        const lines = buffer.split('\n');
        buffer = lines.pop() ?? '';
        for (const line of lines) last = Number(line);
        if (last >= 150) {
          child.kill('SIGKILL');
          resolve(last);
        }
      });
      child.on('exit', (code, signal) => {
        if (signal !== 'SIGKILL') reject(new Error(`child exited early (${code ?? signal}): ${stderr}`));
      });
    });
    await new Promise((resolve) => child.once('close', resolve));

    const store = await createEmbeddedStore({ dataDir });
    try {
      const counter = await store.objects.get<{ count: number }>(key('COUNTER'));
      expect(counter?.data.count).toBeGreaterThanOrEqual(acked);
      const listed = await store.objects.list({ module: 'locations', offset: 0, limit: 100_000 });
      const written = new Set(ids(listed));
      for (let i = 1; i <= acked; i++) expect(written.has(`O${i}`)).toBe(true);
      expect(await store.registrationTokens.findByHash(`hash-${acked}`)).toBeDefined();
    } finally {
      await store.close();
    }
  });
});

function ids(result: { items: { key: { id: string } }[] }): string[] {
  return result.items.map((item) => item.key.id);
}
