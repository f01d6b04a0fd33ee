// Issue 19: the reference node attacked as a hostile roaming partner would, every token from a real
// credentials handshake. Each test reproduces one finding as it was reported and shows it refused or bounded.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { type AddressInfo, connect, type Socket } from 'node:net';
import { join } from 'node:path';
import {
  createMemoryStore,
  createRegistrationToken,
  hashToken,
  listRegistrationTokens,
  type OcpiEvent,
  type Partner,
  partnerToken,
  type Session,
} from '@ocpi-ts/core';
import { startHttpTestNode } from '@ocpi-ts/core/test-support';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { runAdmin } from '../src/admin.js';
import type { RunningNode } from '../src/node.js';
import { demoTokens } from '../src/seed.js';
import { cleanUp, exitOf, node, serve, tempDir } from './support.js';

afterEach(() => cleanUp());
afterAll(() => cleanUp({ dirs: true }));

/** A CPO with fast chargers, and eMSPs registered with it through the handshake. */
async function cpoWithEmsps(...parties: { country_code: string; party_id: string }[]) {
  const cpo = await node({ OCPI_ROLE: 'CPO', OCPI_SEED_LOCATIONS: '2' }, { simulation: { tickMs: 60_000, resultDelayMs: 5 } });
  const emsps: { node: RunningNode; partner: Partner }[] = [];
  for (const party of parties) {
    const emsp = await node({ OCPI_ROLE: 'EMSP', OCPI_COUNTRY_CODE: party.country_code, OCPI_PARTY_ID: party.party_id });
    const partner = await emsp.partners.register({ versionsUrl: cpo.versionsUrl, tokenA: partnerToken(cpo.tokenA) });
    // The node's token A registers one partner only: each eMSP gets a fresh one from the operator.
    cpo.tokenA = (await createRegistrationToken(cpo.store)).token;
    emsps.push({ node: emsp, partner });
  }
  return { cpo, emsps };
}

async function startCharging(emsp: { node: RunningNode; partner: Partner }, party: { country_code: string; party_id: string }) {
  const client = emsp.node.client.forPartner(emsp.partner);
  const token = demoTokens(party)[0]!;
  const sent = await client.sendCommand(
    'START_SESSION',
    { token, location_id: 'LOC00001' },
    { results: { receiver: emsp.node.commandResults!, node: emsp.node.server.node, timeoutMs: 10_000 } },
  );
  expect(sent.response.result).toBe('ACCEPTED');
  return { client, sent };
}

const sessionsAt = async (cpo: RunningNode) => (await cpo.store.objects.list<Session>({ module: 'sessions', offset: 0, limit: 100 })).items.map((i) => i.data);

describe('ownership is the whole party (finding 2)', () => {
  it('an eMSP registered as DE/ABC cannot stop a session of the eMSP NL/ABC', async () => {
    const { cpo, emsps } = await cpoWithEmsps({ country_code: 'NL', party_id: 'ABC' }, { country_code: 'DE', party_id: 'ABC' });
    const [owner, other] = emsps as [(typeof emsps)[0], (typeof emsps)[0]];
    const { sent } = await startCharging(owner, { country_code: 'NL', party_id: 'ABC' });
    expect((await sent.result)?.result).toBe('ACCEPTED');
    const [session] = await sessionsAt(cpo);
    expect(session?.cdr_token).toMatchObject({ country_code: 'NL', party_id: 'ABC' });

    const stop = await other.node.client
      .forPartner(other.partner)
      .sendCommand(
        'STOP_SESSION',
        { session_id: session!.id },
        { results: { receiver: other.node.commandResults!, node: other.node.server.node, timeoutMs: 5000 } },
      );
    expect(stop.response).toMatchObject({ result: 'REJECTED' });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await sessionsAt(cpo))[0]?.status).toBe('ACTIVE');
    expect((await cpo.store.objects.list({ module: 'cdrs', offset: 0, limit: 10 })).total).toBe(0);
  });
});

describe('command memory is per partner (finding 5)', () => {
  it("a second eMSP reusing the first one's response_url with an unknown location gets 2003, and nothing is posted with its token", async () => {
    const { cpo, emsps } = await cpoWithEmsps({ country_code: 'NL', party_id: 'ABC' }, { country_code: 'DE', party_id: 'ABC' });
    const [first, second] = emsps as [(typeof emsps)[0], (typeof emsps)[0]];
    const seen: OcpiEvent[] = [];
    cpo.events.on('*', (event) => {
      seen.push(event);
    });
    const { sent } = await startCharging(first, { country_code: 'NL', party_id: 'ABC' });
    expect((await sent.result)?.result).toBe('ACCEPTED');
    const received = seen.find((e) => e.type === 'command.received');
    const responseUrl = (received as { body: { response_url: string } } | undefined)?.body.response_url as string;
    expect(responseUrl).toMatch(/^http:/);

    const reused = await second.node.client
      .forPartner(second.partner)
      .sendCommand('START_SESSION', { token: demoTokens({ country_code: 'DE', party_id: 'ABC' })[0]!, location_id: 'NOWHERE', response_url: responseUrl })
      .catch((error: unknown) => error);
    expect(reused).toMatchObject({ statusCode: 2003 });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const secondAtCpo = (await cpo.store.partners.list()).find((p) => p.roles[0]?.country_code === 'DE')?.id;
    expect(seen.filter((e) => (e.type === 'result.sent' || e.type === 'outbound.failed') && e.partnerId === secondAtCpo)).toEqual([]);
  });
});

describe('a session is running before it is visible (finding 12)', () => {
  it('a STOP_SESSION sent as soon as the session appears in GET sessions stops it, with a CDR', async () => {
    const { cpo, emsps } = await cpoWithEmsps({ country_code: 'DE', party_id: 'MSP' });
    const emsp = emsps[0]!;
    const { client } = await startCharging(emsp, { country_code: 'DE', party_id: 'MSP' });
    let session: Session | undefined;
    while (!session) [session] = (await client.get<Session[]>('sessions', 'SENDER')).data;
    const stop = await client.sendCommand(
      'STOP_SESSION',
      { session_id: session.id },
      { results: { receiver: emsp.node.commandResults!, node: emsp.node.server.node, timeoutMs: 10_000 } },
    );
    expect(stop.response.result).toBe('ACCEPTED');
    expect((await stop.result)?.result).toBe('ACCEPTED');
    await expect.poll(async () => (await sessionsAt(cpo))[0]?.status, { timeout: 5000 }).toBe('COMPLETED');
    expect((await cpo.store.objects.list({ module: 'cdrs', offset: 0, limit: 10 })).total).toBe(1);
  });
});

describe('one CDR per session (issue 14)', () => {
  it('STOP_SESSION sent three times at once, with three response_urls, completes the session once and pushes one CDR', async () => {
    const { cpo, emsps } = await cpoWithEmsps({ country_code: 'DE', party_id: 'MSP' });
    const emsp = emsps[0]!;
    const cdrPushes: OcpiEvent[] = [];
    cpo.events.on('outbox.delivered', (e) => {
      if (e.module === 'cdrs') cdrPushes.push(e);
    });
    // The outbox would merge three pushes of one CDR into one: count what the simulator queues.
    let cdrsQueued = 0;
    const enqueue = cpo.outbox.enqueue;
    cpo.outbox.enqueue = (partner, key) => {
      if (key.module === 'cdrs') cdrsQueued++;
      return enqueue(partner, key);
    };
    const { client } = await startCharging(emsp, { country_code: 'DE', party_id: 'MSP' });
    let session: Session | undefined;
    while (!session) [session] = (await client.get<Session[]>('sessions', 'SENDER')).data;
    const results = { receiver: emsp.node.commandResults!, node: emsp.node.server.node, timeoutMs: 10_000 };
    const stops = await Promise.all([1, 2, 3].map(() => client.sendCommand('STOP_SESSION', { session_id: session.id }, { results })));
    expect(stops.map((s) => s.response.result)).toEqual(['ACCEPTED', 'ACCEPTED', 'ACCEPTED']);
    await Promise.all(stops.map((s) => s.result));
    await expect.poll(() => cdrPushes.length, { timeout: 5000 }).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(cdrPushes).toHaveLength(1);
    expect(cdrsQueued).toBe(1);
    expect((await cpo.store.objects.list({ module: 'cdrs', offset: 0, limit: 10 })).total).toBe(1);
  });
});

describe('token A lifecycle (finding 4)', () => {
  const tokenAHeader = (token: string) => ({ authorization: `Token ${btoa(token)}` });

  it('after a restart with a new OCPI_TOKEN_A, the old one registers nobody; each accepted one expires', async () => {
    const store = createMemoryStore();
    const first = await node({ OCPI_ROLE: 'CPO', OCPI_TOKEN_A: 'the-first-token-a', OCPI_TOKEN_A_TTL_HOURS: '24' }, { store });
    expect((await fetch(first.versionsUrl, { headers: tokenAHeader('the-first-token-a') })).status).toBe(200);
    await first.close();
    const second = await node({ OCPI_ROLE: 'CPO', OCPI_TOKEN_A: 'the-second-token-a' }, { store });
    expect((await fetch(second.versionsUrl, { headers: tokenAHeader('the-first-token-a') })).status).toBe(401);
    expect((await fetch(second.versionsUrl, { headers: tokenAHeader('the-second-token-a') })).status).toBe(200);
    const emsp = await node({ OCPI_ROLE: 'EMSP', OCPI_COUNTRY_CODE: 'DE', OCPI_PARTY_ID: 'MSP' });
    const refused = await emsp.partners.register({ versionsUrl: second.versionsUrl, tokenA: partnerToken('the-first-token-a') }).catch((e: unknown) => e);
    expect(refused).toMatchObject({ statusCode: 3001, message: expect.stringMatching(/HTTP 401/) });
    const tokens = await listRegistrationTokens(store);
    expect(tokens.map((t) => [t.label, t.state])).toEqual([
      ['OCPI_TOKEN_A', 'revoked'],
      ['OCPI_TOKEN_A', 'usable'],
    ]);
    const hours = (t: (typeof tokens)[number]) => (Date.parse(t.expiresAt as string) - Date.parse(t.createdAt)) / 3_600_000;
    expect(hours(tokens[0]!)).toBeCloseTo(24, 1);
    expect(hours(tokens[1]!)).toBeCloseTo(168, 1);
  });

  it('without OCPI_TOKEN_A, a start replaces the token printed at the last one instead of adding another', async () => {
    const store = createMemoryStore();
    const printed: string[] = [];
    for (let i = 0; i < 3; i++) {
      const started = await node({ OCPI_ROLE: 'CPO' }, { store });
      printed.push(started.tokenA);
      await started.close();
    }
    const last = await node({ OCPI_ROLE: 'CPO' }, { store });
    expect((await listRegistrationTokens(store)).filter((t) => t.state === 'usable')).toHaveLength(1);
    for (const token of printed) expect((await fetch(last.versionsUrl, { headers: tokenAHeader(token) })).status).toBe(401);
    expect((await fetch(last.versionsUrl, { headers: tokenAHeader(last.tokenA) })).status).toBe(200);
  });

  it('the operator issues, lists and revokes registration tokens (pnpm admin), and approves partners waiting', async () => {
    const store = createMemoryStore();
    const issued = await runAdmin(store, ['tokens', 'issue', '--label', 'for ACME', '--expires-in-hours', '2']);
    const token = /token: (\S+)/.exec(issued.join('\n'))?.[1] as string;
    const id = /id: +(\S+)/.exec(issued.join('\n'))?.[1] as string;
    const cpo = await node({ OCPI_ROLE: 'CPO' }, { store });
    expect((await fetch(cpo.versionsUrl, { headers: tokenAHeader(token) })).status).toBe(200);
    const listed = await runAdmin(store, ['tokens', 'list']);
    expect(listed.join('\n')).toMatch(new RegExp(`${id} +usable .*expires .*for ACME`));
    expect(listed.join('\n')).not.toContain(token);
    expect(await runAdmin(store, ['tokens', 'revoke', id])).toEqual([`revoked ${id}`]);
    expect((await fetch(cpo.versionsUrl, { headers: tokenAHeader(token) })).status).toBe(401);
    // The token the node printed at start is not the operator's: it was not touched.
    expect((await fetch(cpo.versionsUrl, { headers: tokenAHeader(cpo.tokenA) })).status).toBe(200);

    await store.partners.save({
      id: 'waiting',
      status: 'AWAITING_APPROVAL',
      roles: [{ role: 'HUB', country_code: 'NL', party_id: 'HUB', business_details: { name: 'Hub' } }],
      requestedRoles: [{ role: 'HUB', country_code: 'NL', party_id: 'HUB', business_details: { name: 'Hub' } }],
      endpoints: [],
      tokenEncoding: 'base64',
      createdAt: '2024-01-01T00:00:00.000Z',
      updatedAt: '2024-01-01T00:00:00.000Z',
    });
    expect((await runAdmin(store, ['partners', 'list'])).join('\n')).toMatch(/waiting +AWAITING_APPROVAL +HUB NL\*HUB +waits for: HUB NL\*HUB/);
    expect(await runAdmin(store, ['partners', 'approve', 'waiting'])).toEqual(['waiting  REGISTERED  HUB NL*HUB']);
    await expect(runAdmin(store, ['partners', 'approve', 'waiting'])).rejects.toThrow(/no roles waiting/);
    await expect(runAdmin(store, ['tokens', 'burn'])).rejects.toThrow(/unknown command/);
  });

  it("the operator shows, sets and clears a partner's quirks (pnpm admin partners quirks), refusing unknown ones", async () => {
    const store = createMemoryStore();
    const now = '2024-01-01T00:00:00.000Z';
    await store.partners.save({ id: 'p1', status: 'REGISTERED', roles: [], endpoints: [], tokenEncoding: 'base64', createdAt: now, updatedAt: now });
    expect(await runAdmin(store, ['partners', 'quirks', 'p1'])).toEqual(['p1  quirks: {}']);
    expect(await runAdmin(store, ['partners', 'quirks', 'p1', 'enums=strict', 'maxPageSize=25', 'dateFromRequired=true'])).toEqual([
      'p1  quirks: {"enums":"strict","maxPageSize":25,"dateFromRequired":true}',
    ]);
    expect(await runAdmin(store, ['partners', 'quirks', 'p1', 'clockSkewSeconds=-300'])).toEqual([
      'p1  quirks: {"enums":"strict","maxPageSize":25,"dateFromRequired":true,"clockSkewSeconds":-300}',
    ]);
    expect((await store.partners.get('p1'))?.quirks).toEqual({ enums: 'strict', maxPageSize: 25, dateFromRequired: true, clockSkewSeconds: -300 });
    await expect(runAdmin(store, ['partners', 'quirks', 'p1', 'pageSize=10'])).rejects.toThrow(/unknown quirk 'pageSize'/);
    await expect(runAdmin(store, ['partners', 'quirks', 'p1', 'enums=loose'])).rejects.toThrow(/enums must be 'lenient' or 'strict'/);
    await expect(runAdmin(store, ['partners', 'quirks', 'nobody'])).rejects.toThrow(/no partner nobody/);
    expect(await runAdmin(store, ['partners', 'quirks', 'p1', '--clear'])).toEqual(['p1  quirks: {}']);
    expect((await store.partners.get('p1'))?.quirks).toBeUndefined();
  });
});

describe('secrets at rest (finding 3)', () => {
  it('a run leaves no token, and no plain hash of one, in the data directory or the logs; every file is owner-only', async () => {
    const dataDir = tempDir();
    const cpo = await serve({ OCPI_ROLE: 'CPO', OCPI_DATA_DIR: dataDir, OCPI_LOG: 'on', OCPI_SEED_LOCATIONS: '2', OCPI_TOKEN_A: 'weak-token-a' });
    // The partner is played by hand, so the test knows its tokens B: a platform whose versions endpoint accepts them.
    const partner = await startHttpTestNode({ parties: [{ role: 'EMSP', country_code: 'DE', party_id: 'MSP', business_details: { name: 'eMSP' } }] });
    try {
      const tokens: string[] = ['weak-token-a'];
      const credentials = `${cpo.versionsUrl.replace(/versions$/, '2.2.1')}/credentials`;
      const exchange = async (method: string, token: string) => {
        const tokenB = `token-b-${tokens.length}-${crypto.randomUUID()}`;
        await createRegistrationToken(partner.store, { token: tokenB });
        const answer = await fetch(credentials, {
          method,
          headers: { authorization: `Token ${btoa(token)}`, 'content-type': 'application/json' },
          body: JSON.stringify({ token: tokenB, url: partner.versionsUrl, roles: partner.node.parties }),
        });
        const tokenC = ((await answer.json()) as { data: { token: string } }).data.token;
        tokens.push(tokenB, tokenC);
        return tokenC;
      };
      const tokenC = await exchange('POST', 'weak-token-a');
      const locations = await fetch(`${cpo.versionsUrl.replace(/versions$/, '2.2.1')}/sender/locations`, {
        headers: { authorization: `Token ${btoa(tokenC)}` },
      });
      expect(locations.status).toBe(200);
      // A credentials update rotates both tokens: the old and the new pass through the store.
      await exchange('PUT', tokenC);
      const exited = exitOf(cpo.child);
      cpo.child.kill('SIGTERM');
      expect(await exited).toBe(0);

      const files = readdirSync(dataDir, { withFileTypes: true, recursive: true });
      const everything = Buffer.concat([...files.filter((f) => f.isFile()).map((f) => readFileSync(join(f.parentPath, f.name))), Buffer.from(cpo.output())]);
      expect(cpo.output()).toMatch(/"message":"request"/);
      for (const token of tokens) {
        const hash = await hashToken(token);
        expect(everything.includes(Buffer.from(token)), token).toBe(false);
        expect(everything.includes(Buffer.from(hash)), `SHA-256 of ${token}`).toBe(false);
        expect(everything.includes(Buffer.from(btoa(token))), `Base64 of ${token}`).toBe(false);
      }
      expect(statSync(dataDir).mode & 0o777).toBe(0o700);
      for (const file of files) expect(statSync(join(file.parentPath, file.name)).mode & 0o777, file.name).toBe(file.isDirectory() ? 0o700 : 0o600);
    } finally {
      await partner.close();
    }
  }, 60_000);
});

describe('bounded work per request (findings 6, 7, 8)', () => {
  /** Opens a credentials POST whose body trickles in a byte at a time, and never ends. */
  function trickle(versionsUrl: string, tokenA: string): Socket {
    const { hostname, port, pathname } = new URL(versionsUrl.replace(/versions$/, '2.2.1/credentials'));
    const socket = connect(Number(port), hostname, () => {
      socket.write(
        [
          `POST ${pathname} HTTP/1.1`,
          `Host: ${hostname}`,
          `Authorization: Token ${btoa(tokenA)}`,
          'Content-Type: application/json',
          'Content-Length: 100000',
          '',
          '{',
        ].join('\r\n'),
      );
    });
    socket.on('error', () => {});
    const timer = setInterval(() => socket.write(' '), 200);
    socket.on('close', () => clearInterval(timer));
    return socket;
  }

  it.each(['fastify', 'express', 'hono'])(
    '%s: SIGTERM ends a slowly trickled request after the grace period, exits, and releases the data directory',
    async (adapter) => {
      const dataDir = tempDir();
      const settings = { OCPI_ROLE: 'CPO', OCPI_ADAPTER: adapter, OCPI_DATA_DIR: dataDir, OCPI_SEED_LOCATIONS: '1', OCPI_SHUTDOWN_GRACE_MS: '1000' };
      // A body timeout far longer than the test: only the shutdown grace can end the request.
      const first = await serve({ ...settings, OCPI_BODY_TIMEOUT_MS: '600000' });
      const socket = trickle(first.versionsUrl, first.tokenA);
      await new Promise((resolve) => setTimeout(resolve, 500));
      const started = Date.now();
      const exited = exitOf(first.child);
      first.child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(Date.now() - started).toBeLessThan(8000);
      socket.destroy();
      // The store was closed and its lock released: a node starts on the same directory.
      const second = await serve(settings);
      expect((await fetch(second.versionsUrl.replace('/ocpi/versions', '/health'))).status).toBe(200);
    },
    60_000,
  );

  it('a Session PATCHed with ~950 KB of charging periods again and again stops growing at the object limit, and stays fast', async () => {
    const emsp = await node({ OCPI_ROLE: 'EMSP', OCPI_COUNTRY_CODE: 'DE', OCPI_PARTY_ID: 'MSP' });
    const cpo = await node({ OCPI_ROLE: 'CPO', OCPI_SEED_LOCATIONS: '1' });
    const partner = await cpo.partners.register({ versionsUrl: emsp.versionsUrl, tokenA: partnerToken(emsp.tokenA) });
    const client = cpo.client.forPartner(partner);
    const session: Session = {
      country_code: 'NL',
      party_id: 'CPO',
      id: 'BIG',
      start_date_time: '2024-01-01T00:00:00Z',
      kwh: 0,
      cdr_token: { country_code: 'DE', party_id: 'MSP', uid: 'U1', type: 'RFID', contract_id: 'DE-MSP-C1' },
      auth_method: 'WHITELIST',
      location_id: 'LOC00001',
      evse_uid: 'LOC00001-E1',
      connector_id: '1',
      currency: 'EUR',
      status: 'ACTIVE',
      last_updated: '2024-01-01T00:00:00Z',
    };
    await client.pushSession(session);
    const periods = Array.from({ length: 4500 }, (_, i) => ({
      start_date_time: '2024-01-01T00:00:00Z',
      dimensions: [
        { type: 'ENERGY' as const, volume: i },
        { type: 'TIME' as const, volume: i },
        { type: 'PARKING_TIME' as const, volume: i },
      ],
      tariff_id: 'T'.repeat(36),
    }));
    const size = JSON.stringify(periods).length;
    expect(size).toBeGreaterThan(900_000);
    expect(size).toBeLessThan(1_000_000);
    const answers: { status: number; ms: number }[] = [];
    for (let i = 0; i < 6; i++) {
      const started = performance.now();
      const patched = await client
        .patch('sessions', 'RECEIVER', ['NL', 'CPO', 'BIG'], { charging_periods: periods, last_updated: '2024-01-01T00:00:00Z' })
        .catch((error: { statusCode: number }) => error);
      answers.push({ status: patched.statusCode, ms: performance.now() - started });
    }
    expect(answers.map((a) => a.status)).toEqual([1000, 2001, 2001, 2001, 2001, 2001]);
    expect(Math.max(...answers.map((a) => a.ms))).toBeLessThan(2000);
    const health = performance.now();
    expect((await fetch(emsp.versionsUrl.replace('/ocpi/versions', '/health'))).status).toBe(200);
    expect(performance.now() - health).toBeLessThan(500);
    const stored = await emsp.store.objects.get<Session>({ module: 'sessions', owner: { country_code: 'NL', party_id: 'CPO' }, id: 'BIG' });
    expect(stored?.data.charging_periods).toHaveLength(4500);
  }, 60_000);

  it('a partner whose version details list 80,000 endpoints (7.4 MB) is refused with 3001, and no record of it is kept', async () => {
    const cpo = await node({ OCPI_ROLE: 'CPO', OCPI_SEED_LOCATIONS: '1' });
    const origin = { url: '' };
    const details = JSON.stringify({
      data: {
        version: '2.2.1',
        endpoints: Array.from({ length: 80_000 }, (_, i) => ({
          identifier: `nltst-module-${i}`,
          role: 'SENDER',
          url: `http://127.0.0.1/ocpi/2.2.1/module-number-${i}`,
        })),
      },
      status_code: 1000,
      timestamp: '2024-01-01T00:00:00Z',
    });
    expect(details.length).toBeGreaterThan(7_000_000);
    const fake = createServer((req, res) => {
      const body =
        req.url === '/versions'
          ? JSON.stringify({ data: [{ version: '2.2.1', url: `${origin.url}/2.2.1` }], status_code: 1000, timestamp: '2024-01-01T00:00:00Z' })
          : details;
      res.writeHead(200, { 'content-type': 'application/json' }).end(body);
    });
    await new Promise<void>((resolve) => fake.listen(0, '127.0.0.1', resolve));
    origin.url = `http://127.0.0.1:${(fake.address() as AddressInfo).port}`;
    try {
      const answer = await fetch(`${cpo.versionsUrl.replace(/versions$/, '2.2.1')}/credentials`, {
        method: 'POST',
        headers: { authorization: `Token ${btoa(cpo.tokenA)}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          token: 'theirs',
          url: `${origin.url}/versions`,
          roles: [{ role: 'EMSP', country_code: 'DE', party_id: 'MSP', business_details: { name: 'x' } }],
        }),
      });
      expect(await answer.json()).toMatchObject({ status_code: 3001, status_message: expect.stringMatching(/list 80000 endpoints, more than the 100/) });
      expect(await cpo.store.partners.list()).toEqual([]);
    } finally {
      fake.close();
    }
  }, 60_000);

  it('OCPI_ADDRESS_RATE_LIMIT answers a flood from one address with 429 before authenticating it', async () => {
    const cpo = await node({ OCPI_ROLE: 'CPO', OCPI_SEED_LOCATIONS: '1', OCPI_RATE_LIMIT: '1', OCPI_ADDRESS_RATE_LIMIT: '5' });
    const started = performance.now();
    const statuses = await Promise.all(
      Array.from({ length: 200 }, () => fetch(cpo.versionsUrl, { headers: { authorization: `Token ${btoa('unknown-token')}` } }).then((r) => r.status)),
    );
    const seconds = (performance.now() - started) / 1000;
    // A burst of 5, then 5 per second: the rest never reached authentication.
    expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(5 + Math.ceil(5 * seconds));
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(200 - 5 - Math.ceil(5 * seconds));
  });
});
