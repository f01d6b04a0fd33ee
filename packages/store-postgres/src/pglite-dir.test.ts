import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { hashToken, type Partner, partnerToken } from '@ocpi-ts/core';
import { TEST_SECRET_KEY } from '@ocpi-ts/core/test-support';
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
  describeStoreContract('PGlite (temp directory)', () => createEmbeddedStore({ pglite: db, secretKey: TEST_SECRET_KEY, schema: `contract_${++n}` }));
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

  it('keeps every file owner-only whatever the umask: directories 0700, files 0600 (issue 19, finding 3)', { timeout: 60_000 }, async () => {
    const dataDir = join(root, 'modes');
    const previous = process.umask(0);
    try {
      const store = await createEmbeddedStore({ dataDir });
      const open = modes(dataDir);
      expect(open.files.length).toBeGreaterThan(100);
      expect(open.files.map((f) => f.name)).toEqual(expect.arrayContaining(['secret-key', 'ocpi-ts.lock', 'PG_VERSION']));
      expect(open.files.filter((f) => f.mode !== 0o600)).toEqual([]);
      expect(open.dirs.filter((d) => d.mode !== 0o700)).toEqual([]);
      await store.objects.put(key('L1'), { data: { id: 'L1' } });
      await store.close();
      const closed = modes(dataDir);
      expect(closed.files.filter((f) => f.mode !== 0o600)).toEqual([]);
      expect(closed.dirs.filter((d) => d.mode !== 0o700)).toEqual([]);
    } finally {
      process.umask(previous);
    }
  });

  it('keeps no token, and no plain hash of one, in any file (issue 19, finding 3)', { timeout: 90_000 }, async () => {
    const dataDir = join(root, 'secrets');
    const secretKey = 'a key the operator keeps out of the data directory';
    const tokens = { a: 'weak-token-a', b: 'token-b-the-partner-gave-us', c: 'token-c-we-gave-the-partner' };
    const first = await createEmbeddedStore({ dataDir, secretKey });
    await first.registrationTokens.create({ id: 't1', hash: await hashToken(tokens.a), createdAt: '2024-01-01T00:00:00.000Z' });
    await first.partners.save({
      id: 'p1',
      status: 'REGISTERED',
      roles: [{ role: 'EMSP', country_code: 'DE', party_id: 'ABC', business_details: { name: 'eMSP' } }],
      endpoints: [],
      inboundTokenHash: await hashToken(tokens.c),
      outboundToken: partnerToken(tokens.b),
      tokenEncoding: 'base64',
      createdAt: '2024-01-01T00:00:00.000Z',
      updatedAt: '2024-01-01T00:00:00.000Z',
    });
    // A rotation writes the old and new values through the WAL once more.
    await first.partners.save({ ...((await first.partners.get('p1')) as Partner), outboundToken: partnerToken(`${tokens.b}-2`) });
    await first.close();
    expect(existsSync(join(dataDir, 'secret-key'))).toBe(false);
    const everything = readEveryFile(dataDir);
    for (const secret of [...Object.values(tokens), `${tokens.b}-2`]) {
      expect(everything.includes(Buffer.from(secret)), secret).toBe(false);
      expect(everything.includes(Buffer.from(await hashToken(secret))), `hash of ${secret}`).toBe(false);
    }
    const second = await createEmbeddedStore({ dataDir, secretKey });
    try {
      expect((await second.partners.findByTokenHash(await hashToken(tokens.c)))?.outboundToken).toBe(`${tokens.b}-2`);
      expect((await second.registrationTokens.findByHash(await hashToken(tokens.a)))?.id).toBe('t1');
    } finally {
      await second.close();
    }
    await expect(createEmbeddedStore({ dataDir, secretKey: 'another key of at least 32 characters' })).rejects.toThrow(/secret key differs/);
    // The refused open left the directory unlocked.
    await (await createEmbeddedStore({ dataDir, secretKey })).close();
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

/** The mode bits of every file and directory below `dir`, `dir` included. */
function modes(dir: string): { files: { name: string; mode: number }[]; dirs: { name: string; mode: number }[] } {
  const files: { name: string; mode: number }[] = [];
  const dirs = [{ name: dir, mode: statSync(dir).mode & 0o777 }];
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    const path = join(entry.parentPath, entry.name);
    (entry.isDirectory() ? dirs : files).push({ name: entry.name, mode: statSync(path).mode & 0o777 });
  }
  return { files, dirs };
}

/** The bytes of every file below `dir`, joined. */
function readEveryFile(dir: string): Buffer {
  const parts: Buffer[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true }))
    if (entry.isFile()) parts.push(readFileSync(join(entry.parentPath, entry.name)));
  return Buffer.concat(parts);
}

function ids(result: { items: { key: { id: string } }[] }): string[] {
  return result.items.map((item) => item.key.id);
}
