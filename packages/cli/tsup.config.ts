import { defineConfig } from 'tsup';

// The library (conformance runner, mock partner, commands) as ESM and CommonJS with declarations for
// both; the `ocpi` executable as ESM (it awaits at top level). `pnpm build` cleans dist first.
export default defineConfig([
  { entry: ['src/index.ts'], format: ['esm', 'cjs'], dts: true, target: 'node20', platform: 'node' },
  { entry: ['src/bin.ts'], format: ['esm'], target: 'node20', platform: 'node' },
]);
