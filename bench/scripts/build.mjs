// Bundles the benchmark's entry points into .build/ with esbuild: the workspace packages from their
// sources (the root tsconfig's paths), the frameworks, drivers and autocannon left to node_modules.
// Plain JS run by node, so what is measured is the code as a production bundle runs it (no loader, no
// transform-time helpers).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const { dependencies } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const external = Object.keys(dependencies).filter((name) => !name.startsWith('@ocpi-ts/'));

await build({
  entryPoints: ['main', 'in-process', 'http', 'http-server', 'serve', 'versions', 'writes', 'write-baseline', 'stores', 'memory-child', 'tariffs'].map((name) =>
    join(root, 'src', `${name}.ts`),
  ),
  outdir: join(root, '.build'),
  outExtension: { '.js': '.mjs' },
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  tsconfig: join(root, '..', 'tsconfig.json'),
  external: [...external, ...external.map((name) => `${name}/*`)],
  // CommonJS code bundled into ESM (ajv) needs a require.
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  logLevel: 'warning',
});
