// `ocpi conformance` against the reference node: each role, served by each adapter, passes every check.
import { runConformance } from '@ocpi-ts/cli';
import { createMemoryStore } from '@ocpi-ts/core';
import { afterEach, describe, expect, it } from 'vitest';
import { readConfig } from '../src/config.js';
import { type RunningNode, startNode } from '../src/node.js';

const nodes: RunningNode[] = [];
afterEach(async () => {
  await Promise.allSettled(nodes.splice(0).map((n) => n.close()));
});

const cases = (['CPO', 'EMSP'] as const).flatMap((role) => (['fastify', 'hono', 'express'] as const).map((adapter) => [role, adapter] as const));

describe('ocpi conformance against the reference node', () => {
  it.each(cases)('%s on %s passes every check, writes included', async (role, adapter) => {
    const config = readConfig({ PORT: '0', OCPI_LOG: 'off', OCPI_ROLE: role, OCPI_ADAPTER: adapter, OCPI_SEED_LOCATIONS: '12' });
    const node = await startNode({ config, store: createMemoryStore(), simulation: { tickMs: 60_000, resultDelayMs: 50 } });
    nodes.push(node);
    const report = await runConformance({ versionsUrl: node.versionsUrl, tokenA: node.tokenA, write: true });
    const failed = report.checks.filter((c) => c.status === 'fail');
    expect(failed, JSON.stringify(failed, null, 2)).toEqual([]);
    // The checks that apply to the role ran (not skipped).
    const ran = report.checks.filter((c) => c.status === 'pass').map((c) => c.id);
    expect(ran).toEqual(
      expect.arrayContaining([
        'credentials.register',
        'pagination.link',
        'objects.valid',
        'receivers.round-trip',
        'credentials.rotate',
        'credentials.unregister',
      ]),
    );
    if (role === 'CPO') expect(ran).toContain('commands.flow');
    else expect(ran).toContain('tokens.authorize');
  });
});
