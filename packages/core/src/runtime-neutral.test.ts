import { builtinModules } from 'node:module';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { describe, expect, it } from 'vitest';

const entry = (name: string) => fileURLToPath(new URL(`./${name}`, import.meta.url));
const builtins = new Set(builtinModules);

/** Fails the build on any import of a Node built-in, `node:` prefixed or bare. */
const refuseNodeImports: Plugin = {
  name: 'refuse-node-imports',
  setup(b) {
    b.onResolve({ filter: /.*/ }, (args) => {
      if (args.path.startsWith('node:') || builtins.has(args.path)) {
        return { errors: [{ text: `Node built-in '${args.path}' imported by ${args.importer}` }] };
      }
      return undefined;
    });
  },
};

describe('the core is runtime-neutral', () => {
  it('bundles for a non-Node platform with no Node built-in anywhere in its dependency graph', async () => {
    const result = await build({
      entryPoints: [entry('index.ts'), entry('fetch.ts')],
      bundle: true,
      platform: 'neutral',
      mainFields: ['module', 'main'],
      format: 'esm',
      write: false,
      outdir: 'out',
      logLevel: 'silent',
      plugins: [refuseNodeImports],
    });
    expect(result.errors).toEqual([]);
    const code = result.outputFiles.map((f) => f.text).join('\n');
    expect(code).not.toMatch(/\bfrom\s*["']node:/);
    expect(code).not.toMatch(/\brequire\(["'](node:)?(fs|path|crypto|http|net|buffer|stream)["']\)/);
  });

  it('the plugin really refuses a Node import', async () => {
    await expect(
      build({ stdin: { contents: "import 'node:fs';" }, bundle: true, platform: 'neutral', write: false, logLevel: 'silent', plugins: [refuseNodeImports] }),
    ).rejects.toThrow(/node:fs/);
  });
});
