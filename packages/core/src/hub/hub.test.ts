// The hub over real HTTP: two CPOs and an eMSP (and a second hub) register with it through the
// handshake, and every routing scenario of transport_and_format "Message Routing" is checked on each hop.
import { describe, expect, it } from 'vitest';
import { authorizationHeader } from '../auth/tokens.js';
import { createCommandResultReceiver } from '../client/command-results.js';
import { cdrsReceiver, cdrsSender } from '../modules/cdrs.js';
import { commandsReceiver } from '../modules/commands.js';
import { putOwnObject, STORE_MODULES } from '../modules/common.js';
import { hubClientInfoReceiver } from '../modules/hub-client-info.js';
import { locationsReceiver, locationsSender } from '../modules/locations.js';
import { sessionsReceiver, sessionsSender } from '../modules/sessions.js';
import { tokensReceiver, tokensSender } from '../modules/tokens.js';
import type { Partner } from '../partners/partner.js';
import type { CDR, ClientInfo, Location, Session, Token } from '../schemas/v2.2.1/index.js';
import type { OcpiServer } from '../server.js';
import { example } from '../testing/examples.js';
import { serveOverHttp } from '../testing/http.js';
import { connect, eventually, type NetworkNode, networkClosedAfterEach, party } from '../testing/hub-network.js';

const start = networkClosedAfterEach();
const HUB = party('HUB', 'NL', 'HUB');
const CPA = party('CPO', 'NL', 'CPA');
const CPB = party('CPO', 'BE', 'CPB');
const MSP = party('EMSP', 'DE', 'MSP');
const EVIL = party('EMSP', 'FR', 'EVL');
const ref = (p: { country_code: string; party_id: string }) => ({ country_code: p.country_code, party_id: p.party_id });

interface Envelope {
  data?: any;
  status_code: number;
  status_message?: string;
}

const location = (owner: typeof CPA, id: string): Location => ({ ...example<Location>('location_example.json'), ...ref(owner), id });
const session = (owner: typeof CPA, emsp: typeof MSP, id: string): Session => ({
  ...example<Session>('session_example_1_simple_start.json'),
  ...ref(owner),
  id,
  status: 'ACTIVE',
  cdr_token: { ...ref(emsp), uid: `${emsp.party_id}-driver`, type: 'RFID', contract_id: `${emsp.country_code}-${emsp.party_id}-C1` },
});
const cdr = (owner: typeof CPA, emsp: typeof MSP, id: string): CDR => {
  const base = example<CDR>('cdr_example.json');
  return { ...base, ...ref(owner), id, cdr_token: { ...base.cdr_token, ...ref(emsp) } };
};

async function cpo(role: typeof CPA): Promise<NetworkNode> {
  const node = await start({
    parties: [role],
    hubParties: [HUB],
    modules: [
      locationsSender(),
      sessionsSender(),
      cdrsSender(),
      tokensReceiver(),
      commandsReceiver(
        { startSession: () => ({ response: { result: 'ACCEPTED', timeout: 30 }, result: { result: 'ACCEPTED' } }) },
        { outbound: { allowLoopback: true, allowPrivate: true } },
      ),
      hubClientInfoReceiver(),
    ],
  });
  await putOwnObject(node.store, STORE_MODULES.locations, role, location(role, `${role.party_id}-LOC1`));
  await putOwnObject(node.store, STORE_MODULES.locations, role, location(role, `${role.party_id}-LOC2`));
  return node;
}

async function emsp(role: typeof MSP) {
  const results = createCommandResultReceiver({ timeoutMs: 10_000 });
  const node = await start({
    parties: [role],
    hubParties: [HUB],
    modules: [locationsReceiver(), sessionsReceiver(), cdrsReceiver(), tokensSender(), results.module, hubClientInfoReceiver()],
  });
  return Object.assign(node, { results });
}

/** The network of the issue: a hub, two CPOs and an eMSP, each registered with the hub. */
async function network() {
  const hub = await start({ parties: [HUB], hub: true, timeoutMs: 1500 });
  const cpoA = await cpo(CPA);
  const cpoB = await cpo(CPB);
  const msp = await emsp(MSP);
  const a = await connect(cpoA, hub);
  const b = await connect(cpoB, hub);
  const m = await connect(msp, hub);
  // Every party learns the others through Hub Client Info before it accepts what the hub relays for them.
  for (const member of [cpoA, cpoB, msp]) {
    await eventually('ClientInfo pushed to every party', async () => (await clientInfos(member)).length === 3);
  }
  return { hub, cpoA, cpoB, msp, hubOf: { cpoA: a.atMember, cpoB: b.atMember, msp: m.atMember }, atHub: { cpoA: a.atHub, cpoB: b.atHub, msp: m.atHub } };
}

const clientInfos = async (member: NetworkNode) =>
  (await member.store.objects.list<ClientInfo>({ module: STORE_MODULES.hubClientInfo, offset: 0, limit: 100 })).items.map((i) => i.data);

/** A request to the hub with the token `partner` (the hub, as the caller's record holds it) and routing headers. */
async function call(
  hub: NetworkNode,
  partner: Partner,
  method: string,
  path: string,
  options: { from?: typeof CPA; to?: typeof CPA; body?: unknown; correlationId?: string } = {},
) {
  const headers: Record<string, string> = { authorization: authorizationHeader(partner.outboundToken as string, 'base64'), 'x-request-id': 'req-1' };
  if (options.correlationId) headers['x-correlation-id'] = options.correlationId;
  if (options.from) Object.assign(headers, { 'ocpi-from-country-code': options.from.country_code, 'ocpi-from-party-id': options.from.party_id });
  if (options.to) Object.assign(headers, { 'ocpi-to-country-code': options.to.country_code, 'ocpi-to-party-id': options.to.party_id });
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const url = path.startsWith('http') ? path : `${hub.origin}/ocpi/2.2.1/${path}`;
  const response = await fetch(url, { method, headers, ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }) });
  return { status: response.status, headers: Object.fromEntries(response.headers), json: (await response.json()) as Envelope };
}

const routingOf = (headers: Record<string, string>) => ({
  from: headers['ocpi-from-country-code'] && `${headers['ocpi-from-country-code']}*${headers['ocpi-from-party-id']}`,
  to: headers['ocpi-to-country-code'] && `${headers['ocpi-to-country-code']}*${headers['ocpi-to-party-id']}`,
});
const lastSeen = (node: NetworkNode, path: string) => [...node.seen].reverse().find((r) => r.url.includes(path));

describe('the hub', () => {
  it('registers CPOs and eMSPs through the handshake as a HUB, and lists them in Hub Client Info', async () => {
    const { hub, msp, hubOf } = await network();
    expect(hubOf.msp.roles.map((r) => r.role)).toEqual(['HUB']);
    const listed = await call(hub, hubOf.msp, 'GET', 'sender/hubclientinfo');
    expect(listed.json.status_code).toBe(1000);
    expect(listed.json.data.map((i: ClientInfo) => `${i.country_code}*${i.party_id}:${i.role}:${i.status}`).sort()).toEqual([
      'BE*CPB:CPO:CONNECTED',
      'DE*MSP:EMSP:CONNECTED',
      'NL*CPA:CPO:CONNECTED',
    ]);
    expect(listed.headers['x-total-count']).toBe('3');
    // Configuration module: no routing headers (transport_and_format, "Message Routing Headers").
    expect(routingOf(lastSeen(msp, 'hubclientinfo')?.headers ?? {})).toEqual({ from: undefined, to: undefined });
  });

  it('routes party to party via the hub, with the routing headers of each hop per the table', async () => {
    const { hub, cpoA, hubOf } = await network();
    const answer = await call(hub, hubOf.msp, 'GET', 'sender/locations/CPA-LOC1', { from: MSP, to: CPA, correlationId: 'corr-42' });
    expect(answer.json.status_code).toBe(1000);
    expect(answer.json.data.id).toBe('CPA-LOC1');
    // Direct response, hub to requesting platform: TO requesting party, FROM receiving party.
    expect(routingOf(answer.headers)).toEqual({ from: 'NL*CPA', to: 'DE*MSP' });
    expect(answer.headers['x-request-id']).toBe('req-1');
    // Direct request, hub to receiving platform: TO receiving party, FROM requesting party; a new request id, the same correlation id.
    const hop = lastSeen(cpoA, 'sender/locations/CPA-LOC1');
    expect(routingOf(hop?.headers ?? {})).toEqual({ from: 'DE*MSP', to: 'NL*CPA' });
    expect(hop?.headers['x-request-id']).not.toBe('req-1');
    expect(hop?.headers['x-correlation-id']).toBe('corr-42');
  });

  it('relays a paginated list with its Link rewritten to the hub, so the next page comes back through it', async () => {
    const { hub, cpoA, hubOf } = await network();
    const first = await call(hub, hubOf.msp, 'GET', 'sender/locations?limit=1', { from: MSP, to: CPA });
    expect(first.json.data.map((l: Location) => l.id)).toEqual(['CPA-LOC1']);
    expect(first.headers['x-total-count']).toBe('2');
    expect(first.headers['x-limit']).toBe('1');
    const next = first.headers.link?.match(/<([^>]+)>/)?.[1] as string;
    expect(next.startsWith(`${hub.origin}/ocpi/2.2.1/sender/locations?`)).toBe(true);
    const second = await call(hub, hubOf.msp, 'GET', next, { from: MSP, to: CPA });
    expect(second.json.data.map((l: Location) => l.id)).toEqual(['CPA-LOC2']);
    expect(second.headers.link).toBeUndefined();
    expect(cpoA.seen.filter((r) => r.url.startsWith('/ocpi/2.2.1/sender/locations')).length).toBe(2);
  });

  it('answers GET All via the hub with one paginated list over every CPO, with X-Total-Count, X-Limit and Link', async () => {
    const { hub, cpoB, hubOf } = await network();
    const ids: string[] = [];
    let url: string | undefined = 'sender/locations?limit=3';
    let pages = 0;
    while (url) {
      const page = await call(hub, hubOf.msp, 'GET', url, { from: MSP, to: HUB });
      expect(page.json.status_code).toBe(1000);
      expect(page.headers['x-total-count']).toBe('4');
      expect(page.headers['x-limit']).toBe('3');
      // GET All via Hubs response: TO requesting party, FROM the hub.
      expect(routingOf(page.headers)).toEqual({ from: 'NL*HUB', to: 'DE*MSP' });
      ids.push(...page.json.data.map((l: Location) => `${l.party_id}/${l.id}`));
      url = page.headers.link?.match(/<([^>]+)>/)?.[1];
      pages++;
    }
    expect(pages).toBe(2);
    expect(ids).toEqual(['CPA/CPA-LOC1', 'CPA/CPA-LOC2', 'CPB/CPB-LOC1', 'CPB/CPB-LOC2']);
    // Each CPO is asked on the requester's behalf: its own visibility rules apply.
    expect(routingOf(lastSeen(cpoB, 'sender/locations')?.headers ?? {})).toEqual({ from: 'DE*MSP', to: 'BE*CPB' });
  });

  it('broadcasts a push addressed to the hub to every eMSP, through the outbox', async () => {
    const { hub, cpoA, cpoB, msp, hubOf } = await network();
    const pushed = await cpoA.client.forPartner(hubOf.cpoA).pushLocation(location(CPA, 'CPA-NEW') as never);
    // Broadcast response: TO requesting party, FROM the hub.
    expect(routingOf(Object.fromEntries(pushed.headers))).toEqual({ from: 'NL*HUB', to: 'NL*CPA' });
    const stored = await eventually('the broadcast at the eMSP', () =>
      msp.store.objects.get<Location>({ module: STORE_MODULES.locations, owner: ref(CPA), id: 'CPA-NEW' }),
    );
    expect(stored.data.id).toBe('CPA-NEW');
    // Broadcast request, hub to receiving platform: TO the receiving party, FROM the hub; the URL keeps the original party.
    const hop = lastSeen(msp, 'receiver/locations/NL/CPA/CPA-NEW');
    expect(routingOf(hop?.headers ?? {})).toEqual({ from: 'NL*HUB', to: 'DE*MSP' });
    // No CPO gets a CPO's broadcast.
    expect(cpoB.seen.some((r) => r.url.includes('CPA-NEW'))).toBe(false);
    expect(hub.seen.filter((r) => r.url.includes('CPA-NEW'))).toHaveLength(1);
  });

  it('routes an open request by its object: a CDR and a Session to the eMSP of their token', async () => {
    const { hub, cpoA, msp, hubOf } = await network();
    const posted = await call(hub, hubOf.cpoA, 'POST', 'receiver/cdrs', { from: CPA, body: cdr(CPA, MSP, 'CDR-1') });
    expect(posted.json.status_code).toBe(1000);
    expect(routingOf(posted.headers)).toEqual({ from: 'DE*MSP', to: 'NL*CPA' });
    expect(posted.headers.location?.startsWith(`${hub.origin}/ocpi/2.2.1/receiver/cdrs/`)).toBe(true);
    expect(await msp.store.objects.get({ module: STORE_MODULES.cdrs, owner: ref(CPA), id: 'CDR-1' })).toBeDefined();
    // Open request, hub to receiving platform: TO the receiving party, FROM the requesting party.
    expect(routingOf(lastSeen(msp, 'receiver/cdrs')?.headers ?? {})).toEqual({ from: 'NL*CPA', to: 'DE*MSP' });
    // Our client addresses the hub by default: a Session is never broadcast, it goes to its eMSP.
    await cpoA.client.forPartner(hubOf.cpoA).pushSession(session(CPA, MSP, 'S-1') as never);
    expect(await msp.store.objects.get({ module: STORE_MODULES.sessions, owner: ref(CPA), id: 'S-1' })).toBeDefined();
    // The CDR Location the hub answered is served through it.
    const back = await call(hub, hubOf.cpoA, 'GET', posted.headers.location as string, { from: CPA, to: MSP });
    expect(back.json.data.id).toBe('CDR-1');
  });

  it('relays a command and its result: the response_url becomes the hub’s, and the result reaches the eMSP', async () => {
    const { hub, cpoA, msp, hubOf } = await network();
    const sent = await msp.client
      .forPartner(hubOf.msp)
      .sendCommand(
        'START_SESSION',
        { token: { ...example<Token>('token_example_1_app_user.json'), ...ref(MSP) }, location_id: 'CPA-LOC1', evse_uid: '3256' } as never,
        { to: ref(CPA), from: ref(MSP), results: { receiver: msp.results, node: msp.node } },
      );
    expect(sent.response.result).toBe('ACCEPTED');
    expect((await sent.result)?.result).toBe('ACCEPTED');
    const atCpo = lastSeen(cpoA, 'receiver/commands/START_SESSION');
    expect(routingOf(atCpo?.headers ?? {})).toEqual({ from: 'DE*MSP', to: 'NL*CPA' });
    const resultHop = lastSeen(msp, 'sender/commands/START_SESSION');
    expect(routingOf(resultHop?.headers ?? {})).toEqual({ from: 'NL*CPA', to: 'DE*MSP' });
    expect(hub.seen.some((r) => r.url.includes('/sender/commands/hub-results/'))).toBe(true);
  });

  it('answers 4001 for an unknown receiver, 2001 for a forged OCPI-from, 4002 for one that does not answer, 4003 for a party that is down (and its ClientInfo goes OFFLINE)', async () => {
    const { hub, cpoA, cpoB, msp, hubOf, atHub: atHubOf } = await network();
    const unknown = await call(hub, hubOf.msp, 'GET', 'sender/locations/X', { from: MSP, to: party('CPO', 'XX', 'NOP') });
    expect(unknown.json.status_code).toBe(4001);
    const forged = await call(hub, hubOf.msp, 'GET', 'sender/locations/CPA-LOC1', { from: CPB, to: CPA });
    expect(forged.json.status_code).toBe(2001);
    expect(forged.json.status_message).toContain('BE/CPB');
    const noReceiver = await call(hub, hubOf.cpoA, 'POST', 'receiver/cdrs', { from: CPA, body: cdr(CPA, party('EMSP', 'XX', 'NOP'), 'CDR-X') });
    expect(noReceiver.json.status_code).toBe(4001);
    // A party that takes the connection but never answers: 4002 after the hub's timeout (1.5 s here).
    const silent = await serveOverHttp({ handle: () => new Promise(() => {}) } as unknown as OcpiServer);
    try {
      const atHub = (await hub.store.partners.get(atHubOf.cpoA.id)) as Partner;
      await hub.store.partners.save({ ...atHub, endpoints: atHub.endpoints.map((e) => ({ ...e, url: e.url.replace(cpoA.origin, silent.origin) })) });
      const late = await call(hub, hubOf.msp, 'GET', 'sender/locations/CPA-LOC1', { from: MSP, to: CPA });
      expect(late.json.status_code).toBe(4002);
      expect(late.json.status_message).toContain('1500 ms');
    } finally {
      await silent.close();
    }
    await cpoB.close();
    const down = await call(hub, hubOf.msp, 'GET', 'sender/locations/CPB-LOC1', { from: MSP, to: CPB });
    expect(down.json.status_code).toBe(4003);
    expect(down.status).toBe(200);
    const offline = await eventually('OFFLINE pushed to the eMSP', async () =>
      (await clientInfos(msp)).find((i) => i.party_id === 'CPB' && i.status === 'OFFLINE'),
    );
    expect(offline.status).toBe('OFFLINE');
  });
});

describe('platforms behind the hub', () => {
  it('routes to each party of a platform that hosts two, and answers for the one addressed', async () => {
    const CPX = party('CPO', 'NL', 'CPX');
    const hub = await start({ parties: [HUB], hub: true });
    const platform = await start({ parties: [CPA, CPX], hubParties: [HUB], modules: [locationsSender(), hubClientInfoReceiver()] });
    await putOwnObject(platform.store, STORE_MODULES.locations, CPX, location(CPX, 'CPX-LOC1'));
    const msp = await emsp(MSP);
    const p = await connect(platform, hub);
    const m = await connect(msp, hub);
    expect(p.atHub.roles.map((r) => `${r.country_code}*${r.party_id}`)).toEqual(['NL*CPA', 'NL*CPX']);
    await eventually('both parties of the platform listed', async () => (await clientInfos(msp)).length === 3);
    const answer = await call(hub, m.atMember, 'GET', 'sender/locations/CPX-LOC1', { from: MSP, to: CPX });
    expect(answer.json.data.id).toBe('CPX-LOC1');
    expect(routingOf(answer.headers)).toEqual({ from: 'NL*CPX', to: 'DE*MSP' });
    expect(routingOf(lastSeen(platform, 'sender/locations/CPX-LOC1')?.headers ?? {})).toEqual({ from: 'DE*MSP', to: 'NL*CPX' });
  });

  it('marks a party that unregisters SUSPENDED, pushes it, and answers requests to it 4001', async () => {
    const { hub, cpoB, msp, hubOf } = await network();
    await cpoB.registry.unregister(hubOf.cpoB.id);
    await eventually('SUSPENDED pushed to the eMSP', async () => (await clientInfos(msp)).some((i) => i.party_id === 'CPB' && i.status === 'SUSPENDED'));
    const gone = await call(hub, hubOf.msp, 'GET', 'sender/locations/CPB-LOC1', { from: MSP, to: CPB });
    expect(gone.json.status_code).toBe(4001);
  });
});

describe('isolation through the hub', () => {
  it('never shows a party another party’s Sessions, CDRs or Tokens, whatever routing headers it forges', async () => {
    const { hub, cpoA, msp, hubOf } = await network();
    const evil = await emsp(EVIL);
    const e = await connect(evil, hub);
    await putOwnObject(cpoA.store, STORE_MODULES.sessions, CPA, session(CPA, MSP, 'S-MSP'), { audience: [ref(MSP)] });
    // The victim sees its session through the hub.
    const own = await call(hub, hubOf.msp, 'GET', 'sender/sessions?date_from=2000-01-01T00:00:00Z', { from: MSP, to: CPA });
    expect(own.json.data.map((s: Session) => s.id)).toEqual(['S-MSP']);
    // The attacker, as itself: nothing.
    const theirs = await call(hub, e.atMember, 'GET', 'sender/sessions?date_from=2000-01-01T00:00:00Z', { from: EVIL, to: CPA });
    expect(theirs.json.status_code).toBe(1000);
    expect(theirs.json.data).toEqual([]);
    // Claiming to be the victim: refused by the hub.
    const forged = await call(hub, e.atMember, 'GET', 'sender/sessions?date_from=2000-01-01T00:00:00Z', { from: MSP, to: CPA });
    expect(forged.json.status_code).toBe(2001);
    // GET All via the hub: only what the CPOs show the attacker.
    const all = await call(hub, e.atMember, 'GET', 'sender/sessions?date_from=2000-01-01T00:00:00Z', { from: EVIL, to: HUB });
    expect(all.json.data).toEqual([]);
    // Sessions are never broadcast: addressed to the hub, a Session goes to the eMSP of its token only.
    await cpoA.client.forPartner(hubOf.cpoA).pushSession(session(CPA, MSP, 'S-2') as never);
    expect(evil.seen.some((r) => r.url.includes('S-2'))).toBe(false);
    expect(await msp.store.objects.get({ module: STORE_MODULES.sessions, owner: ref(CPA), id: 'S-2' })).toBeDefined();
    // Pushing or reading the victim's Tokens at a CPO: the URL names another party than the sender.
    const token = { ...example<Token>('token_example_1_app_user.json'), ...ref(MSP) };
    const push = await call(hub, e.atMember, 'PUT', `receiver/tokens/DE/MSP/${token.uid}`, { from: EVIL, to: CPA, body: token });
    expect(push.status).toBe(404);
    const read = await call(hub, e.atMember, 'GET', `receiver/tokens/DE/MSP/${token.uid}`, { from: EVIL, to: CPA });
    expect(read.status).toBe(404);
    // A relayed command result URL answers only the party the command went to.
    const cdrAttempt = await call(hub, e.atMember, 'POST', 'receiver/cdrs', { from: EVIL, to: MSP, body: cdr(CPA, MSP, 'CDR-EVIL') });
    expect(cdrAttempt.json.status_code).not.toBe(1000);
    expect(await msp.store.objects.get({ module: STORE_MODULES.cdrs, owner: ref(CPA), id: 'CDR-EVIL' })).toBeUndefined();
  });
});

describe('a hub in front of a hub', () => {
  it('routes an eMSP on one hub to a CPO on another, each hop with the original parties', async () => {
    const HUB2 = party('HUB', 'BE', 'HB2');
    const CPC = party('CPO', 'BE', 'CPC');
    const hub1 = await start({ parties: [HUB], hub: true, hubParties: [HUB2] });
    const hub2 = await start({ parties: [HUB2], hub: true, hubParties: [HUB] });
    const msp = await emsp(MSP);
    const cpoC = await start({ parties: [CPC], hubParties: [HUB2], modules: [locationsSender(), hubClientInfoReceiver()] });
    await putOwnObject(cpoC.store, STORE_MODULES.locations, CPC, location(CPC, 'CPC-LOC1'));
    await connect(hub2, hub1);
    const m = await connect(msp, hub1);
    await connect(cpoC, hub2);
    await eventually('the eMSP learns of BE*CPC through both hubs', async () => (await clientInfos(msp)).some((i) => i.party_id === 'CPC'));
    await eventually('BE*CPC learns of DE*MSP through both hubs', async () => (await clientInfos(cpoC)).some((i) => i.party_id === 'MSP'));
    const answer = await call(hub1, m.atMember, 'GET', 'sender/locations/CPC-LOC1', { from: MSP, to: CPC });
    expect(answer.json.status_code).toBe(1000);
    expect(answer.json.data.id).toBe('CPC-LOC1');
    expect(routingOf(answer.headers)).toEqual({ from: 'BE*CPC', to: 'DE*MSP' });
    expect(routingOf(lastSeen(hub2, 'sender/locations/CPC-LOC1')?.headers ?? {})).toEqual({ from: 'DE*MSP', to: 'BE*CPC' });
    expect(routingOf(lastSeen(cpoC, 'sender/locations/CPC-LOC1')?.headers ?? {})).toEqual({ from: 'DE*MSP', to: 'BE*CPC' });
  });
});
