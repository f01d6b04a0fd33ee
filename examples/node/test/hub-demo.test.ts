// The three-party hub demo (`pnpm start --hub`) over real HTTP: two CPOs and an eMSP, each connected to
// the hub only, through each adapter.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runHubDemo } from '../src/hub-demo.js';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe.each(['fastify', 'hono', 'express'] as const)('the hub demo through %s', (adapter) => {
  it('gives the eMSP both CPOs’ Locations, a session and a CDR at each, all through the hub', { timeout: 90_000 }, async () => {
    const dataDir = mkdtempSync(join(tmpdir(), `ocpi-hub-demo-${adapter}-`));
    dirs.push(dataDir);
    const lines: string[] = [];
    const result = await runHubDemo({ adapter, dataDir, print: (line) => lines.push(line), tickMs: 150 });
    try {
      expect(result.partner.roles.map((r) => r.role)).toEqual(['HUB']);
      expect(result.locationsByOwner).toEqual({ 'NL*CPA': 3, 'BE*CPB': 2 });
      expect(result.sessions.map((s) => `${s.party_id}:${s.status}`)).toEqual(['CPA:ACTIVE', 'CPB:ACTIVE']);
      expect(result.cdrs.map((c) => c.party_id)).toEqual(['CPA', 'CPB']);
      for (const cdr of result.cdrs) expect(cdr.cdr_token.party_id).toBe('MSP');
      // No CPO holds the other's sessions or CDRs: each went to the eMSP only.
      const [cpoA, cpoB] = result.cpos;
      expect((await cpoA?.store.objects.list({ module: 'cdrs', owners: [{ country_code: 'BE', party_id: 'CPB' }], offset: 0, limit: 10 }))?.total).toBe(0);
      expect((await cpoB?.store.objects.list({ module: 'sessions', owners: [{ country_code: 'NL', party_id: 'CPA' }], offset: 0, limit: 10 }))?.total).toBe(0);
      // The hub keeps none of the routed objects, only its own records.
      expect((await result.hub.store.objects.list({ module: 'cdrs', offset: 0, limit: 10 })).total).toBe(0);
      expect(lines.some((line) => line.includes('GET All'))).toBe(true);
      expect(lines.some((line) => line.includes('Broadcast Push'))).toBe(true);
      expect(lines.at(-1)).toMatch(/^Done in/);
      // Through the same adapter: a forged OCPI-from is refused, an unknown OCPI-to is 4001.
      const viaHub = result.emsp.client.forPartner(result.partner);
      const statusOf = (call: Promise<unknown>) =>
        call.then(
          () => 1000,
          (error: { statusCode?: number }) => error.statusCode,
        );
      const cpa = { country_code: 'NL', party_id: 'CPA' };
      expect(await statusOf(viaHub.get('locations', 'SENDER', ['LOC00001'], { from: { country_code: 'BE', party_id: 'CPB' }, to: cpa }))).toBe(2001);
      expect(await statusOf(viaHub.get('locations', 'SENDER', ['LOC00001'], { to: { country_code: 'XX', party_id: 'NOP' } }))).toBe(4001);
      expect(await statusOf(viaHub.get('locations', 'SENDER', ['LOC00001'], { to: cpa }))).toBe(1000);
    } finally {
      await result.close();
    }
  });
});
