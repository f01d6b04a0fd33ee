import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createEmbeddedStore } from './embedded.js';
import { generateInitdbTemplate, initdbTemplatePath, readInitdbTemplate } from './initdb-template.js';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('the initdb template a new embedded store starts from', () => {
  it('is made once per PGlite version (the test setup made it) and is a gzipped tar', async () => {
    const entry = createRequire(import.meta.url).resolve('@electric-sql/pglite');
    const { version } = JSON.parse(readFileSync(join(dirname(entry), '..', 'package.json'), 'utf8')) as { version: string };
    expect(version).toMatch(/^\d+\.\d+\.\d+/);
    expect(initdbTemplatePath()).toMatch(new RegExp(`template/pglite-${version.replace(/\./g, '\\.')}-initdb\\.tar\\.gz$`));
    expect(await generateInitdbTemplate()).toEqual({ path: initdbTemplatePath(), written: false });
    const bytes = new Uint8Array(await (readInitdbTemplate() as Blob).arrayBuffer());
    expect([bytes[0], bytes[1]]).toEqual([0x1f, 0x8b]);
  });

  it('gives a new data directory a working database that persists', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ocpi-template-'));
    dirs.push(dir);
    const first = await createEmbeddedStore({ dataDir: dir });
    await first.registrationTokens.create({ id: 't1', hash: 'h1', createdAt: '2024-01-01T00:00:00.000Z' });
    await first.close();
    const again = await createEmbeddedStore({ dataDir: dir });
    expect((await again.registrationTokens.list()).map((t) => t.id)).toEqual(['t1']);
    await again.close();
  });
});
