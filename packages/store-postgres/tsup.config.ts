import { defineConfig } from 'tsup';

// ESM and CommonJS, each with its declarations (.d.ts / .d.cts), for `import` and `require` alike.
export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  target: 'es2022',
  platform: 'node',
  // import.meta.url in the CommonJS build (it finds the initdb template beside the package).
  shims: true,
});
