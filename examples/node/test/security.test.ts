// Issue 19: the reference node attacked as a hostile roaming partner would, every token from a real
// credentials handshake. Each test reproduces one finding as it was reported and shows it refused or bounded.
import {
  createMemoryStore,
  createRegistrationToken,
  listRegistrationTokens,
  type OcpiEvent,
  type OcpiStore,
  type Partner,
  partnerToken,
  type Session,
} from '@ocpi-ts/core';
import { afterEach, describe, expect, it } from 'vitest';
import { runAdmin } from '../src/admin.js';
import { readConfig } from '../src/config.js';
import { type RunningNode, startNode } from '../src/node.js';
import { demoTokens } from '../src/seed.js';

const nodes: RunningNode[] = [];
afterEach(async () => {
  await Promise.allSettled(nodes.splice(0).map((n) => n.close()));
});

const env = (extra: Record<string, string>) => readConfig({ PORT: '0', OCPI_LOG: 'off', ...extra });
async function node(extra: Record<string, string>, options: { store?: OcpiStore; simulation?: { tickMs?: number; resultDelayMs?: number } } = {}) {
  const started = await startNode({
    config: env(extra),
    store: options.store ?? createMemoryStore(),
    ...(options.simulation ? { simulation: options.simulation } : {}),
  });
  nodes.push(started);
  return started;
}

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
});
