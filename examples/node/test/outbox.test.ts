// Issue 14 item 4: the reference node's pushes go through the outbox, kept in its store.
import { createServer } from 'node:net';
import { createMemoryStore, type OcpiEvent, partnerToken, putOwnObject, type Session, STORE_MODULES } from '@ocpi-ts/core';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { RunningNode } from '../src/node.js';
import { after, cleanUp, node, tempDir } from './support.js';

afterEach(() => cleanUp());
afterAll(() => cleanUp({ dirs: true }));

const cpoParty = { country_code: 'NL', party_id: 'CPO' };

/** A port free now, so a partner can come back where it was. */
const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

const session = (n: number, change: number): Session => ({
  country_code: 'NL',
  party_id: 'CPO',
  id: `S${String(n).padStart(3, '0')}`,
  start_date_time: '2026-01-01T00:00:00Z',
  kwh: change,
  cdr_token: { country_code: 'DE', party_id: 'MSP', uid: 'DEMO-APP-001', type: 'APP_USER', contract_id: 'DE-MSP-C00001' },
  auth_method: 'COMMAND',
  location_id: 'LOC00001',
  evse_uid: 'LOC00001-E1',
  connector_id: '1',
  currency: 'EUR',
  status: 'ACTIVE',
  last_updated: new Date(Date.parse('2026-01-01T00:00:00Z') + change * 1000).toISOString(),
});

describe('pushes through the outbox', () => {
  it('a partner down for 1,000 changes to 100 sessions gets exactly the latest state of each of the 100 when it is back, after a restart of our node', async () => {
    const dataDir = tempDir();
    const cpoEnv = {
      OCPI_ROLE: 'CPO',
      OCPI_SEED_LOCATIONS: '1',
      OCPI_DATA_DIR: dataDir,
      OCPI_OUTBOX_MAX_BACKOFF_MS: '300',
      OCPI_TOKEN_A: 'outbox-test-token-a',
      OCPI_METRICS_TOKEN: 'outbox-metrics',
    };
    // The CPO on its embedded store (it restarts on it); the eMSP comes back on the same port and store.
    const startCpo = () => import('../src/node.js').then(({ startNode }) => startNode({ config: envOf(cpoEnv) }));
    const { env: envOf } = await import('./support.js');
    let cpo: RunningNode = await startCpo();
    const emspPort = String(await freePort());
    const emspStore = createMemoryStore();
    const emspEnv = { OCPI_ROLE: 'EMSP', OCPI_COUNTRY_CODE: 'DE', OCPI_PARTY_ID: 'MSP', PORT: emspPort };
    let emsp = await node(emspEnv, { store: emspStore });
    await emsp.partners.register({ versionsUrl: cpo.versionsUrl, tokenA: partnerToken(cpo.tokenA) });
    const [partner] = await cpo.store.partners.list();
    if (!partner) throw new Error('the eMSP registered');
    await expect.poll(async () => (await cpo.outbox.stats()).depth, { timeout: 10_000 }).toBe(0); // the tokens it pushed are in

    await emsp.close(); // down
    const failures: OcpiEvent[] = [];
    cpo.events.on('outbox.failed', (e) => {
      failures.push(e);
    });
    for (let change = 1; change <= 10; change++) {
      for (let n = 0; n < 100; n++) {
        await putOwnObject(cpo.store, STORE_MODULES.sessions, cpoParty, session(n, change));
        await cpo.outbox.enqueue(partner, { module: STORE_MODULES.sessions, owner: cpoParty, id: session(n, change).id });
      }
    }
    await expect.poll(() => failures.length, { timeout: 10_000 }).toBeGreaterThan(0);
    const metrics = await (await fetch(cpo.versionsUrl.replace('/ocpi/versions', '/metrics'), { headers: { authorization: 'Bearer outbox-metrics' } })).text();
    expect(metrics).toMatch(/^ocpi_outbox_depth 100$/m);
    expect(metrics).toMatch(new RegExp(`^ocpi_outbox_failed_total\\{partner="${partner.id}"\\} \\d+$`, 'm'));
    expect(Number(/^ocpi_outbox_oldest_age_seconds (\S+)$/m.exec(metrics)?.[1])).toBeGreaterThan(0);

    // Our node restarts on its store while the partner is still down.
    await cpo.close();
    cpo = await startCpo();
    after(cpo);
    expect((await cpo.outbox.stats()).depth).toBe(100);

    // The partner comes back: every session it receives is the latest state, one push each.
    const received: Session[] = [];
    emsp = await node(emspEnv, { store: emspStore });
    emsp.events.on('*', (e) => {
      if ((e.type === 'object.created' || e.type === 'object.updated') && e.module === 'sessions') received.push(e.object as Session);
    });
    await expect.poll(async () => (await cpo.outbox.stats()).depth, { timeout: 30_000, interval: 100 }).toBe(0);
    await expect.poll(() => received.length).toBe(100);
    expect(received.every((s) => s.kwh === 10)).toBe(true);
    expect(new Set(received.map((s) => s.id)).size).toBe(100);
    const stored = await emsp.store.objects.list<Session>({ module: 'sessions', offset: 0, limit: 1000 });
    expect(stored.total).toBe(100);
    expect(stored.items.every((s) => s.data.kwh === 10 && s.data.last_updated === session(0, 10).last_updated)).toBe(true);
  }, 120_000);

  it('a partner that pulls instead (OCPI_PULL_PARTIES) is owed nothing', async () => {
    const cpo = await node({ OCPI_ROLE: 'CPO', OCPI_SEED_LOCATIONS: '1', OCPI_PULL_PARTIES: 'DE*MSP' });
    const emsp = await node({ OCPI_ROLE: 'EMSP', OCPI_COUNTRY_CODE: 'DE', OCPI_PARTY_ID: 'MSP' });
    await emsp.partners.register({ versionsUrl: cpo.versionsUrl, tokenA: partnerToken(cpo.tokenA) });
    const [partner] = await cpo.store.partners.list();
    await putOwnObject(cpo.store, STORE_MODULES.sessions, cpoParty, session(1, 1));
    await cpo.outbox.enqueue(partner as never, { module: STORE_MODULES.sessions, owner: cpoParty, id: session(1, 1).id });
    expect((await cpo.outbox.stats()).depth).toBe(0);
  });
});
