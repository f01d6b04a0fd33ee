// Bundles a TypeScript fixture into an ES module that plain `node` can run as a child process
// (vitest's transform does not reach child processes). Drivers stay external and resolve from
// this package's node_modules; @ocpi-ts/core is taken from its sources, as the tests do.
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const packageRoot = join(here, '..');

export async function buildFixture(name: string): Promise<string> {
  const outdir = join(packageRoot, 'node_modules', '.cache', 'ocpi-fixtures');
  mkdirSync(outdir, { recursive: true });
  const outfile = join(outdir, `${name.replace(/\.ts$/, '')}-${process.pid}.mjs`);
  await build({
    entryPoints: [join(here, name)],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external: ['@electric-sql/pglite', 'postgres'],
    alias: { '@ocpi-ts/core': join(packageRoot, '..', 'core', 'src', 'index.ts') },
    logLevel: 'error',
  });
  return outfile;
}
