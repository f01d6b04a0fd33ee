// Issue 14, "Done when": three `pnpm serve` eMSP nodes on one PostgreSQL behind a round-robin proxy,
// a CPO partner's traffic through it, one node SIGKILLed mid-run and restarted. Needs a server:
// `pnpm test` runs through scripts/with-postgres.sh, which provides one.
import { type CommandResult, type Location, type Partner, partnerToken, type Session } from '@ocpi-ts/core';
import { TEST_SECRET_KEY } from '@ocpi-ts/core/test-support';
import { createPostgresStore } from '@ocpi-ts/postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { type RunningNode, startNode } from '../src/node.js';
import { demoLocations, demoTokens } from '../src/seed.js';
import { after, cleanUp, env, freePort, node, roundRobinProxy, type Served, serve } from './support.js';

afterAll(() => cleanUp({ dirs: true }));

const url = process.env.OCPI_TEST_DATABASE_URL;

describe('three pnpm serve nodes on one PostgreSQL behind a round-robin proxy', () => {
  it('registration, pushes, pulls and commands go on while a node is SIGKILLed; nothing acknowledged is lost; the restarted node catches up', async () => {
    if (!url) throw new Error('OCPI_TEST_DATABASE_URL is not set: run the tests through scripts/with-postgres.sh (pnpm test does)');
    const schema = `three_${process.pid}_${Date.now().toString(36)}`;
    const ports = [await freePort(), await freePort(), await freePort()];
    const proxy = await roundRobinProxy(ports);
    const cluster = {
      OCPI_ROLE: 'EMSP',
      OCPI_COUNTRY_CODE: 'DE',
      OCPI_PARTY_ID: 'MSP',
      OCPI_DATABASE_URL: url,
      OCPI_DATABASE_SCHEMA: schema,
      OCPI_SECRET_KEY: TEST_SECRET_KEY,
      OCPI_PUBLIC_URL: proxy.url,
      OCPI_TOKEN_A: 'three-nodes-token-a',
      OCPI_OUTBOX_MAX_BACKOFF_MS: '500',
    };
    const served: Served[] = [];
    let sender: RunningNode | undefined;
    try {
      // The first node migrates the schema and stores token A; the other two start on it.
      served[0] = await serve({ ...cluster, PORT: String(ports[0]) });
      [served[1], served[2]] = await Promise.all([serve({ ...cluster, PORT: String(ports[1]) }), serve({ ...cluster, PORT: String(ports[2]) })]);

      // The partner: a CPO, registering through the proxy (whichever node takes each call of the handshake).
      const cpo = await node({ OCPI_ROLE: 'CPO', OCPI_SEED_LOCATIONS: '2' }, { simulation: { tickMs: 60_000, resultDelayMs: 20 } });
      const cpoPartner = await cpo.partners.register({ versionsUrl: `${proxy.url}/ocpi/versions`, tokenA: partnerToken('three-nodes-token-a') });
      // The commands come from a fourth node of the eMSP on the same database, outside the proxy's
      // rotation: every CommandResult the CPO posts to its response_url reaches one of the other three.
      sender = await startNode({
        config: env({ ...cluster, PORT: '0' }),
        store: await createPostgresStore({ url, schema, secretKey: TEST_SECRET_KEY }),
      });
      const cpoAsPartner = (await sender.store.partners.list()).find((p) => p.status === 'REGISTERED') as Partner;
      expect(cpoAsPartner.roles.map((r) => `${r.country_code}*${r.party_id}`)).toEqual(['NL*CPO']);

      const to = cpo.client.forPartner(cpoPartner);
      const acknowledged = new Map<string, Location>();
      let acknowledgedAfterKill = 0;
      let killed = false;
      const locations = demoLocations(20, { country_code: 'NL', party_id: 'CPO', name: 'Cluster' });
      const pushes = (async () => {
        for (let round = 1; round <= 3; round++) {
          for (const [i, base] of locations.entries()) {
            if (round === 2 && i === 10) {
              // Mid-run: one node dies without a word.
              served[1]?.child.kill('SIGKILL');
              killed = true;
            }
            // Ids of their own: the CPO's simulator pushes its LOC0000x as its chargers change.
            const location = { ...base, id: `CLUSTER${i}`, name: `round ${round}`, last_updated: new Date(Date.UTC(2026, 0, 1, 0, round, i)).toISOString() };
            const answer = await to.pushLocation(location).catch(() => undefined);
            if (answer?.statusCode === 1000) {
              acknowledged.set(location.id, location);
              if (killed) acknowledgedAfterKill++;
            }
          }
        }
      })();
      let pulls = 0;
      const pulling = (async () => {
        for (let i = 0; i < 30; i++) {
          const tokens = await to.get<unknown[]>('tokens', 'SENDER').catch(() => undefined);
          if (tokens?.data.length === demoTokens({ country_code: 'DE', party_id: 'MSP' }).length) pulls++;
        }
      })();
      const commands = (async () => {
        const results: (CommandResult | undefined)[] = [];
        const token = demoTokens({ country_code: 'DE', party_id: 'MSP' })[0];
        if (!token || !sender?.commandResults) throw new Error('an eMSP node with tokens and a command result receiver');
        for (let i = 0; i < 6; i++) {
          const sent = await sender.client
            .forPartner(cpoAsPartner)
            .sendCommand(
              'START_SESSION',
              { token, location_id: 'LOC00001' },
              { results: { receiver: sender.commandResults, node: sender.server.node, timeoutMs: 20_000 } },
            );
          expect(sent.response.result).toBe('ACCEPTED');
          results.push(await sent.result);
        }
        return results;
      })();
      const [, , results] = await Promise.all([pushes, pulling, commands]);

      // Every awaited command result arrived, through the nodes that did not send the command.
      expect(results.map((r) => r?.result)).toEqual(Array(6).fill('ACCEPTED'));
      // The other nodes kept answering: pulls and pushes after the kill were acknowledged.
      expect(acknowledgedAfterKill).toBeGreaterThan(20);
      expect(pulls).toBeGreaterThanOrEqual(28);
      // Every acknowledged write is there, in the state last acknowledged.
      for (const [id, location] of acknowledged) {
        expect((await sender.store.objects.get<Location>({ module: 'locations', owner: { country_code: 'NL', party_id: 'CPO' }, id }))?.data).toEqual(location);
      }
      expect(acknowledged.size).toBe(20);
      // The sessions the CPO started were pushed to the cluster (the CPO's outbox), all six.
      await expect
        .poll(async () => (await sender?.store.objects.list<Session>({ module: 'sessions', offset: 0, limit: 100 }))?.total, { timeout: 10_000 })
        .toBe(6);

      // The killed node restarts on the same port and catches up: it serves what the others stored meanwhile.
      served[1] = await serve({ ...cluster, PORT: String(ports[1]) });
      const direct: Partner = {
        ...cpoPartner,
        endpoints: cpoPartner.endpoints.map((e) => ({ ...e, url: e.url.replace(proxy.url, `http://127.0.0.1:${ports[1]}`) })),
      };
      for (const [id, location] of acknowledged) {
        expect((await cpo.client.forPartner(direct).get<Location>('locations', 'RECEIVER', ['NL', 'CPO', id])).data).toEqual(location);
      }
      const health = await Promise.all(ports.map((port) => fetch(`http://127.0.0.1:${port}/health`).then((r) => r.status)));
      expect(health).toEqual([200, 200, 200]);
    } finally {
      if (sender) after(sender);
      await cleanUp();
      await proxy.close();
    }
  }, 240_000);
});
