import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { bundleNeutral, refuseNodeImports } from '../../../test/support/runtime-neutral.js';

const entry = (name: string) => fileURLToPath(new URL(`./${name}`, import.meta.url));

describe('the core is runtime-neutral', () => {
  it('bundles for a non-Node platform with no Node built-in anywhere in its dependency graph', async () => {
    const { errors, code } = await bundleNeutral([entry('index.ts'), entry('fetch.ts')]);
    expect(errors).toEqual([]);
    expect(code).not.toMatch(/\bfrom\s*["']node:/);
    expect(code).not.toMatch(/\brequire\(["'](node:)?(fs|path|crypto|http|net|buffer|stream)["']\)/);
  });

  it('the plugin really refuses a Node import', async () => {
    await expect(
      build({ stdin: { contents: "import 'node:fs';" }, bundle: true, platform: 'neutral', write: false, logLevel: 'silent', plugins: [refuseNodeImports] }),
    ).rejects.toThrow(/node:fs/);
  });
});
