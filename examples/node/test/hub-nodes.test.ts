// Issue 16, "Done when": two `pnpm serve` hub nodes (OCPI_ROLE=HUB) on one PostgreSQL behind a
// round-robin proxy, a CPO and an eMSP connected through it; one hub node is SIGKILLed under traffic,
// then the CPO goes down. Needs a server: `pnpm test` runs through scripts/with-postgres.sh.
import { type ClientInfo, createRegistrationToken, type Location, type OcpiStore, type Partner, partnerToken, STORE_MODULES } from '@ocpi-ts/core';
import { TEST_SECRET_KEY } from '@ocpi-ts/core/test-support';
import { createPostgresStore } from '@ocpi-ts/postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { demoTokens } from '../src/seed.js';
import { cleanUp, freePort, node, roundRobinProxy, type Served, serve } from './support.js';

afterAll(() => cleanUp({ dirs: true }));

const url = process.env.OCPI_TEST_DATABASE_URL;
const CPA = { country_code: 'NL', party_id: 'CPA' };
/** The status of NL*CPA in the ClientInfo the hub NL*HUB keeps (or pushed to a party). */
const cpaStatus = async (store: OcpiStore) =>
  (await store.objects.get<ClientInfo>({ module: STORE_MODULES.hubClientInfo, owner: { country_code: 'NL', party_id: 'HUB' }, id: 'NL*CPA' }))?.data.status;

describe('two hub nodes on one PostgreSQL behind a round-robin proxy', () => {
  it('keeps routing while a hub node is SIGKILLed; command results come back through either node; a party that is down gets 4003 and goes OFFLINE', async () => {
    if (!url) throw new Error('OCPI_TEST_DATABASE_URL is not set: run the tests through scripts/with-postgres.sh (pnpm test does)');
    const schema = `hubs_${process.pid}_${Date.now().toString(36)}`;
    const ports = [await freePort(), await freePort()];
    const proxy = await roundRobinProxy(ports);
    const cluster = {
      OCPI_ROLE: 'HUB',
      OCPI_COUNTRY_CODE: 'NL',
      OCPI_PARTY_ID: 'HUB',
      OCPI_DATABASE_URL: url,
      OCPI_DATABASE_SCHEMA: schema,
      OCPI_SECRET_KEY: TEST_SECRET_KEY,
      OCPI_PUBLIC_URL: proxy.url,
      OCPI_TOKEN_A: 'hub-nodes-token-a',
      OCPI_OUTBOX_MAX_BACKOFF_MS: '500',
      OCPI_HUB_TIMEOUT_MS: '3000',
    };
    const served: Served[] = [];
    const store = await (async () => {
      served[0] = await serve({ ...cluster, PORT: String(ports[0]) });
      served[1] = await serve({ ...cluster, PORT: String(ports[1]) });
      return createPostgresStore({ url, schema, secretKey: TEST_SECRET_KEY });
    })();
    try {
      const versionsUrl = `${proxy.url}/ocpi/versions`;
      const member = { OCPI_HUB_PARTIES: 'NL*HUB' };
      const cpo = await node(
        { ...member, OCPI_ROLE: 'CPO', ...{ OCPI_COUNTRY_CODE: 'NL', OCPI_PARTY_ID: 'CPA' }, OCPI_SEED_LOCATIONS: '3' },
        { simulation: { tickMs: 60_000, resultDelayMs: 20 } },
      );
      const emsp = await node({ ...member, OCPI_ROLE: 'EMSP', OCPI_COUNTRY_CODE: 'DE', OCPI_PARTY_ID: 'MSP' });
      await cpo.partners.register({ versionsUrl, tokenA: partnerToken('hub-nodes-token-a') });
      const hub: Partner = await emsp.partners.register({ versionsUrl, tokenA: partnerToken((await createRegistrationToken(store)).token) });
      expect(hub.roles.map((r) => r.role)).toEqual(['HUB']);
      // The eMSP accepts what the hub relays for NL*CPA once the hub told it NL*CPA is connected.
      await expect.poll(() => cpaStatus(emsp.store), { timeout: 15_000 }).toBe('CONNECTED');

      const viaHub = emsp.client.forPartner(hub);
      const token = demoTokens({ country_code: 'DE', party_id: 'MSP' })[0];
      const results = { receiver: emsp.commandResults!, node: emsp.server.node, timeoutMs: 15_000 };
      /** START_SESSION at NL*CPA through the hub: its result is posted to a hub URL, on whichever node the proxy picks. */
      const startSessions = async (count: number) => {
        const outcomes: string[] = [];
        for (let i = 0; i < count; i++) {
          const sent = await viaHub.sendCommand('START_SESSION', { token, location_id: 'LOC00001' } as never, { to: CPA, results });
          outcomes.push(`${sent.response.result}/${(await sent.result)?.result}`);
        }
        return outcomes;
      };
      // Both nodes up: commands sent through one node have their results posted to the other.
      expect(await startSessions(3)).toEqual(Array(3).fill('ACCEPTED/ACCEPTED'));

      let killed = false;
      let answeredAfterKill = 0;
      for (let i = 0; i < 40; i++) {
        if (i === 10) {
          served[1]?.child.kill('SIGKILL');
          killed = true;
        }
        const answer = await viaHub.get<Location>('locations', 'SENDER', ['LOC00001'], { to: CPA }).catch(() => undefined);
        if (answer?.data.id === 'LOC00001' && killed) answeredAfterKill++;
      }
      // The surviving node kept routing (a request cut off by the kill may fail; the proxy skips the dead node).
      expect(answeredAfterKill).toBeGreaterThanOrEqual(29);
      // And relays commands and their results alone, from the state in the database.
      expect(await startSessions(3)).toEqual(Array(3).fill('ACCEPTED/ACCEPTED'));

      // The CPO goes down: the hub answers 4003 and its ClientInfo (in the database, for every hub node) goes OFFLINE.
      await cpo.close();
      const down = await viaHub.get('locations', 'SENDER', ['LOC00001'], { to: CPA }).catch((error: { statusCode?: number }) => error);
      expect((down as { statusCode?: number }).statusCode).toBe(4003);
      expect(await cpaStatus(store)).toBe('OFFLINE');
      await expect.poll(() => cpaStatus(emsp.store), { timeout: 15_000 }).toBe('OFFLINE');
    } finally {
      await store.close();
      await cleanUp();
      await proxy.close();
    }
  }, 240_000);
});
