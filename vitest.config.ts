import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  resolve: {
    // Tests run against the sources, so `pnpm test` needs no build in between.
    alias: [
      { find: /^@ocpi-ts\/core\/fetch$/, replacement: src('./packages/core/src/fetch.ts') },
      { find: /^@ocpi-ts\/core\/testing$/, replacement: src('./packages/core/src/testing.ts') },
      { find: /^@ocpi-ts\/core\/test-support$/, replacement: src('./packages/core/src/test-support.ts') },
      { find: /^@ocpi-ts\/core\/testing\/store-contract$/, replacement: src('./packages/core/src/store/contract.ts') },
      { find: /^@ocpi-ts\/core$/, replacement: src('./packages/core/src/index.ts') },
      { find: /^@ocpi-ts\/fastify$/, replacement: src('./packages/adapter-fastify/src/index.ts') },
      { find: /^@ocpi-ts\/hono$/, replacement: src('./packages/adapter-hono/src/index.ts') },
      { find: /^@ocpi-ts\/express$/, replacement: src('./packages/adapter-express/src/index.ts') },
      { find: /^@ocpi-ts\/postgres$/, replacement: src('./packages/store-postgres/src/index.ts') },
      { find: /^@ocpi-ts\/tariffs$/, replacement: src('./packages/tariffs/src/index.ts') },
      { find: /^@ocpi-ts\/cli$/, replacement: src('./packages/cli/src/index.ts') },
    ],
  },
  test: {
    // Generates the precompiled validators (packages/core/src/validation/precompiled.generated.js, not committed).
    globalSetup: ['packages/core/scripts/vitest-global-setup.ts', 'packages/store-postgres/scripts/vitest-global-setup.ts'],
    include: ['packages/*/src/**/*.test.ts', 'examples/*/src/**/*.test.ts', 'examples/*/test/**/*.test.ts', 'test/**/*.test.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 20_000,
    hookTimeout: 60_000,
  },
});
