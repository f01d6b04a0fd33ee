// Issue 19, finding 1: roles are granted, not claimed. A registrant cannot make itself a hub, and a
// hub acts only for the parties it serves. Every partner registers through a real handshake over HTTP.
import { describe, expect, it } from 'vitest';
import { authorizationHeader } from '../auth/tokens.js';
import { createRegistrationToken, listRegistrationTokens } from '../credentials/registration-tokens.js';
import type { OcpiEvent } from '../events.js';
import { cdrsReceiver, cdrsSender } from '../modules/cdrs.js';
import { commandsReceiver } from '../modules/commands.js';
import { putOwnObject, STORE_MODULES } from '../modules/common.js';
import { hubClientInfoReceiver } from '../modules/hub-client-info.js';
import { locationsSender } from '../modules/locations.js';
import { sessionsSender } from '../modules/sessions.js';
import { LOCAL_OUTBOUND_POLICY } from '../outbound.js';
import type { CDR, ClientInfo, Location, Session } from '../schemas/v2.2.1/index.js';
import { example } from '../testing/examples.js';
import { type HttpTestNode, testNodesClosedAfterEach } from '../testing/nodes.js';
import { registerTestPartner } from '../testing/test-node.js';
import { type CredentialsRole, type Partner, partnerToken } from './partner.js';
import { approvePartner, defaultPartnerPolicy, type PartnerPolicy } from './policy.js';

const role = (r: CredentialsRole['role'], country_code: string, party_id: string): CredentialsRole => ({
  role: r,
  country_code,
  party_id,
  business_details: { name: `${country_code}*${party_id}` },
});
const CPO = role('CPO', 'NL', 'CPO');
const EMSP = role('EMSP', 'DE', 'MSP');
/** The eMSP whose drivers the attackers go after: registered directly with our CPO. */
const VICTIM = { country_code: 'NL', party_id: 'ABC' };
/** A party connected to the approved hub only. */
const SERVED = { country_code: 'NL', party_id: 'SRV' };
const HUB_PARTY = { country_code: 'NL', party_id: 'HUB' };

const node = testNodesClosedAfterEach();

interface Envelope {
  data?: any;
  status_code: number;
  status_message?: string;
}

/** A call to `target` with the token `partner` (the record on the caller's side) holds there. */
async function call(target: HttpTestNode, partner: Partner, method: string, path: string, options: { from?: typeof VICTIM; body?: unknown } = {}) {
  const headers: Record<string, string> = { authorization: authorizationHeader(partner.outboundToken as string, 'base64') };
  if (options.from) Object.assign(headers, { 'ocpi-from-country-code': options.from.country_code, 'ocpi-from-party-id': options.from.party_id });
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${target.origin}/ocpi/2.2.1/${path}`, {
    method,
    headers,
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
  return { status: response.status, headers: Object.fromEntries(response.headers), json: (await response.json()) as Envelope };
}

const session = (owner: typeof VICTIM, id: string): Session => ({
  ...example<Session>('session_example_1_simple_start.json'),
  country_code: 'NL',
  party_id: 'CPO',
  id,
  status: 'ACTIVE',
  cdr_token: { ...owner, uid: `${owner.party_id}-driver`, type: 'RFID', contract_id: `${owner.country_code}-${owner.party_id}-C1` },
});
const startSession = (owner: typeof VICTIM) => ({
  response_url: 'http://127.0.0.1:9/results/1',
  token: { ...example('token_example_1_app_user.json'), ...owner, uid: `${owner.party_id}-driver` },
  location_id: 'LOC1',
  evse_uid: '3256',
});
const clientInfo = (party: typeof VICTIM, status: ClientInfo['status'] = 'CONNECTED'): ClientInfo => ({
  ...party,
  role: 'EMSP',
  status,
  last_updated: '2024-01-01T00:00:00Z',
});

/** Our CPO: serves Sessions and CDRs, takes commands and ClientInfo; NL*HUB may become a hub. */
async function cpoNode(partnerPolicy: PartnerPolicy = defaultPartnerPolicy({ hubParties: [HUB_PARTY] })) {
  const cpo = await node({
    parties: [CPO],
    modules: [
      locationsSender(),
      sessionsSender(),
      cdrsSender(),
      commandsReceiver({}, { outbound: LOCAL_OUTBOUND_POLICY, defaults: { resultDelayMs: 0 } }),
      hubClientInfoReceiver(),
    ],
    partnerPolicy,
  });
  await putOwnObject(cpo.store, STORE_MODULES.locations, CPO, { ...example<Location>('location_example.json'), country_code: 'NL', party_id: 'CPO' });
  await putOwnObject(cpo.store, STORE_MODULES.sessions, CPO, session(VICTIM, 'S-VICTIM'));
  await putOwnObject(cpo.store, STORE_MODULES.sessions, CPO, session(SERVED, 'S-SERVED'));
  await putOwnObject(cpo.store, STORE_MODULES.cdrs, CPO, {
    ...example<CDR>('cdr_example.json'),
    country_code: 'NL',
    party_id: 'CPO',
    cdr_token: session(VICTIM, 'x').cdr_token,
  });
  await registerTestPartner(cpo.store, { token: 'victim', roles: [role('EMSP', VICTIM.country_code, VICTIM.party_id)] });
  return cpo;
}

/** A platform with these roles registers with `target` through the handshake; resolves with its record of `target`. */
async function registerWith(target: HttpTestNode, roles: CredentialsRole[]): Promise<{ node: HttpTestNode; partner: Partner }> {
  const platform = await node({ parties: roles });
  const { token } = await createRegistrationToken(target.store);
  const partner = await platform.registry.register({ versionsUrl: target.versionsUrl, tokenA: partnerToken(token) });
  return { node: platform, partner };
}

describe('a partner registered as HUB without the operator approving it (issue 19, finding 1)', () => {
  it('is refused at registration with 2001 naming the role: it can read, start and post nothing', async () => {
    const cpo = await cpoNode();
    const attacker = await node({ parties: [role('HUB', 'NL', 'HBX')] });
    const { token } = await createRegistrationToken(cpo.store);
    const refused = await attacker.registry.register({ versionsUrl: cpo.versionsUrl, tokenA: partnerToken(token) }).catch((e: unknown) => e);
    expect(refused).toMatchObject({ statusCode: 2001 });
    expect(String((refused as Error).message)).toMatch(/HUB role of NL\/HBX is not granted/);
    // Nothing was saved on either side, and the registration token is still the operator's to give.
    expect((await cpo.store.partners.list()).map((p) => p.roles[0]?.party_id)).toEqual(['ABC']);
    expect(await attacker.store.partners.list()).toEqual([]);
    expect((await listRegistrationTokens(cpo.store))[0]?.state).toBe('usable');
    // Its registration token opens nothing but versions and credentials.
    const withTokenA = { outboundToken: partnerToken(token) } as Partner;
    expect((await call(cpo, withTokenA, 'GET', 'sender/sessions', { from: VICTIM })).status).toBe(401);
    expect((await call(cpo, withTokenA, 'POST', 'receiver/commands/START_SESSION', { from: VICTIM, body: startSession(VICTIM) })).status).toBe(401);
  });

  it('an eMSP cannot make itself a hub by a credentials update, and speaks for no other party', async () => {
    const cpo = await cpoNode();
    const { node: emsp, partner: atCpo } = await registerWith(cpo, [role('EMSP', 'DE', 'ABC')]);
    // PUT adding HUB DE/HB2: refused, nothing changes (the old token still works).
    const put = await call(cpo, atCpo, 'PUT', 'credentials', {
      body: { token: 'new-token-of-de-abc', url: emsp.versionsUrl, roles: [role('EMSP', 'DE', 'ABC'), role('HUB', 'DE', 'HB2')] },
    });
    expect(put.json.status_code).toBe(2001);
    expect(put.json.status_message).toMatch(/\/roles\/1: the HUB role of DE\/HB2 is not granted/);
    const stored = (await cpo.store.partners.list()).find((p) => p.roles.some((r) => r.party_id === 'ABC' && r.country_code === 'DE'));
    expect(stored?.roles.map((r) => r.role)).toEqual(['EMSP']);
    // An EMSP party it was not granted at registration cannot be added either.
    const more = await call(cpo, atCpo, 'PUT', 'credentials', {
      body: { token: 'new-token-of-de-abc', url: emsp.versionsUrl, roles: [role('EMSP', 'DE', 'ABC'), role('EMSP', 'NL', 'ZZZ')] },
    });
    expect(more.json.status_message).toMatch(/was not granted at registration/);

    // Reads: the victim's Sessions and CDRs stay invisible, OCPI-from naming the victim is refused.
    const sessions = await call(cpo, atCpo, 'GET', 'sender/sessions', { from: VICTIM });
    expect(sessions.json.status_code).toBe(2001);
    expect(sessions.json.status_message).toMatch(/OCPI-from.*NL\/ABC is not one of the parties registered with your credentials/);
    expect((await call(cpo, atCpo, 'GET', 'sender/cdrs', { from: VICTIM })).json.status_code).toBe(2001);
    expect((await call(cpo, atCpo, 'GET', 'sender/sessions')).json.data).toEqual([]);
    expect((await call(cpo, atCpo, 'GET', 'sender/cdrs')).json.data).toEqual([]);
    // Commands: no session billed to the victim's driver, whether OCPI-from names the victim or not.
    const start = await call(cpo, atCpo, 'POST', 'receiver/commands/START_SESSION', { from: VICTIM, body: startSession(VICTIM) });
    expect(start.json.status_code).toBe(2001);
    const plain = await call(cpo, atCpo, 'POST', 'receiver/commands/START_SESSION', { body: startSession(VICTIM) });
    expect(plain.json.data).toMatchObject({ result: 'REJECTED' });
    const stop = await call(cpo, atCpo, 'POST', 'receiver/commands/STOP_SESSION', {
      from: VICTIM,
      body: { response_url: 'http://127.0.0.1:9/r', session_id: 'S-VICTIM' },
    });
    expect(stop.json.status_code).toBe(2001);
  });

  it('a policy may hold a registration for the operator: until approved, only versions and credentials answer', async () => {
    const held: PartnerPolicy = (review) => (review.added.some((r) => r.role === 'HUB') ? { decision: 'pending' } : { decision: 'approve' });
    const cpo = await cpoNode(held);
    const events: OcpiEvent[] = [];
    cpo.node.events.on('*', (event) => {
      events.push(event);
    });
    const { partner: atCpo } = await registerWith(cpo, [role('HUB', 'NL', 'HUB')]);
    const [record] = (await cpo.store.partners.list()).filter((p) => p.roles.some((r) => r.role === 'HUB'));
    expect(record).toMatchObject({ status: 'AWAITING_APPROVAL', requestedRoles: [expect.objectContaining({ role: 'HUB', party_id: 'HUB' })] });
    expect((await call(cpo, atCpo, 'GET', 'credentials')).json.status_code).toBe(1000);
    const waiting = await call(cpo, atCpo, 'GET', 'sender/sessions');
    expect(waiting.status).toBe(401);
    expect(waiting.json.status_message).toMatch(/waits for the approval/);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(events.map((e) => e.type)).toContain('partner.awaiting_approval');
    expect(events.map((e) => e.type)).not.toContain('partner.registered');

    await approvePartner(cpo.node, (record as Partner).id);
    expect((await call(cpo, atCpo, 'GET', 'sender/sessions')).json.status_code).toBe(1000);
  });
});

describe('a hub the operator approved acts only for the parties it serves', () => {
  it('reads and starts for a party whose ClientInfo it pushed; never for a direct partner of ours or an unknown party', async () => {
    const cpo = await cpoNode();
    const { partner: hub } = await registerWith(cpo, [role('HUB', 'NL', 'HUB')]);
    expect((await cpo.store.partners.list()).find((p) => p.roles[0]?.role === 'HUB')?.status).toBe('REGISTERED');
    // Before any ClientInfo it serves nobody.
    expect((await call(cpo, hub, 'GET', 'sender/sessions', { from: SERVED })).json.status_message).toMatch(/parties your hub serves/);
    expect((await call(cpo, hub, 'PUT', 'receiver/hubclientinfo/NL/SRV', { body: clientInfo(SERVED) })).status).toBe(201);
    // ClientInfo naming a party registered with us directly gives the hub nothing over it.
    expect((await call(cpo, hub, 'PUT', 'receiver/hubclientinfo/NL/ABC', { body: clientInfo(VICTIM) })).status).toBe(201);

    const served = await call(cpo, hub, 'GET', 'sender/sessions', { from: SERVED });
    expect(served.json.status_code).toBe(1000);
    expect(served.json.data.map((s: Session) => s.id)).toEqual(['S-SERVED']);
    const refused = await call(cpo, hub, 'GET', 'sender/sessions', { from: VICTIM });
    expect(refused.json.status_code).toBe(2001);
    // Answers name only parties valid here: back to the party it serves, never to the one it may not act for.
    expect([served.headers['ocpi-to-country-code'], served.headers['ocpi-to-party-id']]).toEqual(['NL', 'SRV']);
    expect([refused.headers['ocpi-to-country-code'], refused.headers['ocpi-to-party-id']]).toEqual(['NL', 'HUB']);
    expect((await call(cpo, hub, 'GET', 'sender/sessions', { from: { country_code: 'NL', party_id: 'XYZ' } })).json.status_code).toBe(2001);
    expect((await call(cpo, hub, 'GET', 'sender/sessions')).json.data).toEqual([]);

    const start = await call(cpo, hub, 'POST', 'receiver/commands/START_SESSION', { from: SERVED, body: startSession(SERVED) });
    expect(start.json.data).toMatchObject({ result: 'ACCEPTED' });
    const foreignToken = await call(cpo, hub, 'POST', 'receiver/commands/START_SESSION', { from: SERVED, body: startSession(VICTIM) });
    expect(foreignToken.json.data).toMatchObject({ result: 'REJECTED' });
    expect((await call(cpo, hub, 'POST', 'receiver/commands/START_SESSION', { from: VICTIM, body: startSession(VICTIM) })).json.status_code).toBe(2001);

    // A party the hub suspended is served no more.
    await call(cpo, hub, 'PUT', 'receiver/hubclientinfo/NL/SRV', { body: clientInfo(SERVED, 'SUSPENDED') });
    expect((await call(cpo, hub, 'GET', 'sender/sessions', { from: SERVED })).json.status_code).toBe(2001);
  });

  it('serves the parties the operator configures (hubServes)', async () => {
    const cpo = await node({
      parties: [CPO],
      versions: ['2.2.1'],
      modules: [sessionsSender()],
      partnerPolicy: defaultPartnerPolicy({ hubParties: [HUB_PARTY] }),
      hubServes: (_hub, party) => party.party_id === 'SRV',
    });
    await putOwnObject(cpo.store, STORE_MODULES.sessions, CPO, session(SERVED, 'S-SERVED'));
    const { partner: hub } = await registerWith(cpo, [role('HUB', 'NL', 'HUB')]);
    expect((await call(cpo, hub, 'GET', 'sender/sessions', { from: SERVED })).json.data.map((s: Session) => s.id)).toEqual(['S-SERVED']);
    expect((await call(cpo, hub, 'GET', 'sender/sessions', { from: VICTIM })).json.status_code).toBe(2001);
  });
});

describe('CDRs posted to an eMSP: only for a party the caller acts for', () => {
  it('a CPO cannot post a CDR of another CPO, with or without OCPI-from; the real CPO then can', async () => {
    const emsp = await node({ parties: [EMSP], versions: ['2.2.1'], modules: [cdrsReceiver(), hubClientInfoReceiver()] });
    const cdr: CDR = { ...example<CDR>('cdr_example.json'), country_code: 'NL', party_id: 'CPA', total_cost: { excl_vat: 9999 } };
    const { partner: impostor } = await registerWith(emsp, [role('CPO', 'DE', 'CPX')]);
    for (const from of [{ country_code: 'NL', party_id: 'CPA' }, undefined]) {
      const posted = await call(emsp, impostor, 'POST', 'receiver/cdrs', { body: cdr, ...(from ? { from } : {}) });
      expect(posted.json.status_code).toBe(2001);
    }
    // The unapproved hub does not even register.
    const hubNode = await node({ parties: [role('HUB', 'NL', 'HUB')] });
    const { token } = await createRegistrationToken(emsp.store);
    await expect(hubNode.registry.register({ versionsUrl: emsp.versionsUrl, tokenA: partnerToken(token) })).rejects.toMatchObject({ statusCode: 2001 });

    const { partner: real } = await registerWith(emsp, [role('CPO', 'NL', 'CPA')]);
    const genuine = await call(emsp, real, 'POST', 'receiver/cdrs', { body: { ...cdr, total_cost: { excl_vat: 12.5 } } });
    expect(genuine.status).toBe(201);
  });

  it('an approved hub posts CDRs of the parties it serves only', async () => {
    const emsp = await node({
      parties: [EMSP],
      versions: ['2.2.1'],
      modules: [cdrsReceiver(), hubClientInfoReceiver()],
      partnerPolicy: defaultPartnerPolicy({ hubParties: [HUB_PARTY] }),
    });
    const { partner: hub } = await registerWith(emsp, [role('HUB', 'NL', 'HUB')]);
    await registerWith(emsp, [role('CPO', 'NL', 'CPA')]);
    await call(emsp, hub, 'PUT', 'receiver/hubclientinfo/NL/SRV', { body: { ...clientInfo(SERVED), role: 'CPO' } });
    await call(emsp, hub, 'PUT', 'receiver/hubclientinfo/NL/CPA', { body: { ...clientInfo({ country_code: 'NL', party_id: 'CPA' }), role: 'CPO' } });
    const cdr = (party: typeof VICTIM): CDR => ({ ...example<CDR>('cdr_example.json'), ...party });
    expect((await call(emsp, hub, 'POST', 'receiver/cdrs', { from: SERVED, body: cdr(SERVED) })).status).toBe(201);
    expect(
      (await call(emsp, hub, 'POST', 'receiver/cdrs', { from: { country_code: 'NL', party_id: 'CPA' }, body: cdr({ country_code: 'NL', party_id: 'CPA' }) }))
        .json.status_code,
    ).toBe(2001);
  });
});
