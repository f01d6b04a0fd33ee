import { defineConfig } from 'tsup';

// ESM and CommonJS, each with its declarations (.d.ts / .d.cts), for `import` and `require` alike.
export default defineConfig({
  entry: { index: 'src/index.ts', fetch: 'src/fetch.ts', testing: 'src/testing.ts', 'store-contract': 'src/store/contract.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  target: 'es2022',
  platform: 'neutral',
  // One copy of the shared code (the precompiled validators are megabytes) in the CommonJS build too.
  splitting: true,
  // The store contract suite imports vitest, an optional peer: never bundled.
  external: ['vitest'],
});
