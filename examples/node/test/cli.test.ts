// The `ocpi` command against the reference node: register, then pull 10,000 Locations with progress.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run } from '@ocpi-ts/cli';
import { createMemoryStore } from '@ocpi-ts/core';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { readConfig } from '../src/config.js';
import { type RunningNode, startNode } from '../src/node.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const dirs: string[] = [];
const nodes: RunningNode[] = [];
afterEach(async () => {
  await Promise.allSettled(nodes.splice(0).map((n) => n.close()));
});
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

async function ocpi(args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await run(args, {
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: (t: string) => (stderr += t) },
    stdin: (async function* () {})(),
    env: {},
    cwd: ROOT,
  });
  return { code, stdout, stderr };
}

describe('ocpi against the reference CPO node', () => {
  it('pull locations of 10,000 Locations shows its progress and writes every object once', { timeout: 120_000 }, async () => {
    const config = readConfig({ PORT: '0', OCPI_LOG: 'off', OCPI_ROLE: 'CPO', OCPI_SEED_LOCATIONS: '10000' });
    const node = await startNode({ config, store: createMemoryStore() });
    nodes.push(node);
    const dir = mkdtempSync(join(tmpdir(), 'ocpi-pull-'));
    dirs.push(dir);
    const credentials = join(dir, 'credentials.json');
    const registered = await ocpi(['register', node.versionsUrl, '--token-a', node.tokenA, '--credentials', credentials]);
    expect(registered.code, registered.stderr).toBe(0);

    const out = join(dir, 'locations.ndjson');
    const pulled = await ocpi(['pull', 'locations', '--credentials', credentials, '--out', out, '--limit', '100', '--json']);
    expect(pulled.code, pulled.stderr).toBe(0);
    const ids = readFileSync(out, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line).id as string);
    expect(ids).toHaveLength(10_000);
    expect(new Set(ids).size).toBe(10_000);
    // Pages of 100 (the reference node's most): 100 pages, each counted in the progress.
    const summary = JSON.parse(pulled.stdout);
    expect(summary).toMatchObject({ module: 'locations', objects: 10_000, pages: 100, invalid: [] });
    const progress = pulled.stderr.trim().split('\n');
    expect(progress[0]).toMatch(/^locations \[\.+\] 100\/10,000 · 1 page · [\d,]+\/s · ETA /);
    expect(progress.at(-1)).toMatch(/^locations \[#{20}\] 10,000\/10,000 · 100 pages · [\d,]+\/s · in \d+s$/);
  });

  it('runs as `pnpm ocpi` from the repository root', { timeout: 60_000 }, async () => {
    const child = spawn('pnpm', ['-s', 'ocpi', 'validate', '--json', 'vendor/ocpi/examples/2.2.1/cdr_example.json'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ objects: 1, types: { CDR: 1 }, valid: true });
  });
});
