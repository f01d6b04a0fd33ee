// The workspace packages the edge examples import, mapped to their sources (for the esbuild bundles; Bun
// reads the same mapping from ../tsconfig.json): the same code the Node comparison server runs through the
// vitest aliases, so no build is needed and no runtime tests a stale dist.
import { fileURLToPath } from 'node:url';

const repo = (path: string): string => fileURLToPath(new URL(`../../../${path}`, import.meta.url));

export const SOURCES: Readonly<Record<string, string>> = {
  '@ocpi-ts/core': repo('packages/core/src/index.ts'),
  '@ocpi-ts/core/fetch': repo('packages/core/src/fetch.ts'),
  '@ocpi-ts/hono': repo('packages/adapter-hono/src/index.ts'),
};

export const SOURCES_FILTER = /^@ocpi-ts\/(core|core\/fetch|hono)$/;

export const EXAMPLES = {
  bun: repo('examples/edge-bun/server.ts'),
  deno: repo('examples/edge-deno/server.ts'),
  worker: repo('examples/edge-worker/worker.ts'),
} as const;

export const REPO_ROOT = repo('');
