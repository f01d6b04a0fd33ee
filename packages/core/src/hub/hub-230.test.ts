// The hub on OCPI 2.3.0 over real HTTP: its Credentials name it in `hub_party_id` and list the parties
// reachable through it (credentials 2.3.0, note under "Credentials object"); 2.3.0 platforms behind it
// learn those parties from the handshake and accept what the hub relays for them.
import { describe, expect, it } from 'vitest';
import { authorizationHeader } from '../auth/tokens.js';
import { readCredentials } from '../credentials/handshake.js';
import { clientInfoStoreId, putOwnObject, STORE_MODULES } from '../modules/common.js';
import { hubClientInfoReceiver } from '../modules/hub-client-info.js';
import { locationsReceiver, locationsSender } from '../modules/locations.js';
import type { Partner } from '../partners/partner.js';
import type { Location } from '../schemas/v2.3.0/index.js';
import { example } from '../testing/examples.js';
import { connect, eventually, type NetworkNode, networkClosedAfterEach, party } from '../testing/hub-network.js';
import { createAjvValidatorFactory } from '../validation/ajv.js';

const start = networkClosedAfterEach();
const HUB = party('HUB', 'NL', 'HUB');
const CPA = party('CPO', 'NL', 'CPA');
const MSP = party('EMSP', 'DE', 'MSP');
const OLD = party('EMSP', 'FR', 'OLD');
const ref = (p: { country_code: string; party_id: string }) => ({ country_code: p.country_code, party_id: p.party_id });
const location = (id: string): Location => ({ ...example<Location>('location_example.json', '2.3.0'), ...ref(CPA), id });

/** A request to the hub with the token `partner` holds for it, in `version`. */
async function call(hub: NetworkNode, partner: Partner, method: string, path: string, headers: Record<string, string> = {}, body?: unknown) {
  const response = await fetch(`${hub.origin}/ocpi/${partner.version}/${path}`, {
    method,
    headers: {
      authorization: authorizationHeader(partner.outboundToken as string, 'base64'),
      ...headers,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, json: (await response.json()) as { data?: any; status_code: number; status_message?: string } };
}

const routing = (from: typeof CPA, to: typeof CPA) => ({
  'ocpi-from-country-code': from.country_code,
  'ocpi-from-party-id': from.party_id,
  'ocpi-to-country-code': to.country_code,
  'ocpi-to-party-id': to.party_id,
});

async function network() {
  const hub = await start({ parties: [HUB], hub: true, versions: ['2.3.0', '2.2.1'], timeoutMs: 1500 });
  const cpo = await start({ parties: [CPA], hubParties: [HUB], versions: ['2.3.0'], modules: [locationsSender(), hubClientInfoReceiver()] });
  await putOwnObject(cpo.store, STORE_MODULES.locations, CPA, location('LOC1'));
  // The eMSP has no Hub Client Info Receiver: what it knows of the parties behind the hub comes from the hub's Credentials.
  const msp = await start({ parties: [MSP], hubParties: [HUB], versions: ['2.3.0', '2.2.1'], modules: [locationsReceiver()] });
  const c = await connect(cpo, hub);
  const m = await connect(msp, hub);
  return { hub, cpo, msp, hubOf: { cpo: c.atMember, msp: m.atMember }, atHub: { cpo: c.atHub, msp: m.atHub } };
}

describe('the hub on OCPI 2.3.0', () => {
  it('names itself in hub_party_id and lists the parties reachable through it, the caller’s own left out, as they connect', async () => {
    const { hub, hubOf, atHub } = await network();
    // Both registered in 2.3.0, the highest version in common.
    expect([hubOf.cpo.version, hubOf.msp.version, atHub.cpo.version, atHub.msp.version]).toEqual(['2.3.0', '2.3.0', '2.3.0', '2.3.0']);
    // The hub keeps each party as it registered: its own roles, no HUB role (our platforms name no hub_party_id).
    expect(atHub.cpo.roles).toEqual([CPA]);
    expect(atHub.msp.roles).toEqual([MSP]);
    expect(atHub.msp.reachable).toBeUndefined();

    // The eMSP registered second: the hub's answer listed the CPO.
    const forMsp = await call(hub, hubOf.msp, 'GET', 'credentials');
    expect(forMsp.json.status_code).toBe(1000);
    expect(Object.keys(forMsp.json.data).sort()).toEqual(['hub_party_id', 'roles', 'token', 'url']);
    expect(forMsp.json.data.token).toBe(hubOf.msp.outboundToken);
    expect(forMsp.json.data.url).toBe(hub.node.versionsUrl);
    expect(forMsp.json.data.hub_party_id).toBe('NLHUB');
    expect(forMsp.json.data.roles).toEqual([CPA]);
    // The eMSP's record of the hub: a HUB role, and the CPO reachable through it (not a role the hub holds).
    expect(hubOf.msp.roles).toEqual([{ ...HUB, business_details: { name: 'NLHUB' } }]);
    expect(hubOf.msp.reachable).toEqual([CPA]);

    // The CPO registered first, when nobody else was there: the hub listed itself as OTHER (2.3.0 wants one role at least).
    expect(hubOf.cpo.roles).toEqual([{ ...HUB, business_details: HUB.business_details }]);
    expect(hubOf.cpo.reachable).toBeUndefined();
    // Its next GET of the hub's credentials lists the eMSP that connected since.
    const forCpo = await call(hub, hubOf.cpo, 'GET', 'credentials');
    expect(forCpo.json.data).toEqual({ token: hubOf.cpo.outboundToken, url: hub.node.versionsUrl, hub_party_id: 'NLHUB', roles: [MSP] });

    // A 2.2.1 reader of the same hub sees its HUB role (2.2.1 lists no parties behind a hub).
    const in221 = await call(hub, { ...hubOf.msp, version: '2.2.1' }, 'GET', 'credentials');
    expect(in221.json.data.roles).toEqual([HUB]);
    expect(in221.json.data.hub_party_id).toBeUndefined();
  });

  it('relays a 2.3.0 CPO’s push to a 2.3.0 eMSP, which accepts it for the party the hub’s Credentials listed', async () => {
    const { hub, cpo, msp, hubOf } = await network();
    const pushed = await call(hub, hubOf.cpo, 'PUT', 'receiver/locations/NL/CPA/LOC9', routing(CPA, MSP), location('LOC9'));
    expect(pushed.json.status_code).toBe(1000);
    expect(await msp.store.objects.get({ module: STORE_MODULES.locations, owner: ref(CPA), id: 'LOC9' })).toBeDefined();
    // The eMSP reads the CPO's Location through the hub, in 2.3.0.
    const read = await call(hub, hubOf.msp, 'GET', 'sender/locations/LOC1', routing(MSP, CPA));
    expect(read.json.status_code).toBe(1000);
    expect(read.json.data.id).toBe('LOC1');
    expect(cpo.seen.some((r) => r.url === '/ocpi/2.3.0/sender/locations/LOC1')).toBe(true);
    // A party the CPO does not hold is refused at the hub; one the hub never listed is not served at the eMSP.
    const forged = await call(hub, hubOf.cpo, 'PUT', 'receiver/locations/NL/CPA/LOC9', routing(party('CPO', 'BE', 'XXX'), MSP), location('LOC9'));
    expect(forged.json.status_code).toBe(2001);
    expect(await msp.node.actsFor(hubOf.msp, CPA)).toBe(true);
    expect(await msp.node.actsFor(hubOf.msp, party('CPO', 'BE', 'XXX'))).toBe(false);
  });

  it('refuses to relay between parties of different versions (4000), naming both', async () => {
    const { hub, hubOf } = await network();
    const old = await start({ parties: [OLD], hubParties: [HUB], versions: ['2.2.1'], modules: [locationsReceiver()] });
    const o = await connect(old, hub);
    expect(o.atMember.version).toBe('2.2.1');
    const pushed = await call(hub, hubOf.cpo, 'PUT', 'receiver/locations/NL/CPA/LOC9', routing(CPA, OLD), location('LOC9'));
    expect(pushed.json.status_code).toBe(4000);
    expect(pushed.json.status_message).toContain('2.2.1');
    expect(pushed.json.status_message).toContain('2.3.0');
    // The 2.2.1 eMSP's GET of the hub's credentials lists the hub's HUB role, in 2.2.1.
    const creds = await call(hub, o.atMember, 'GET', 'credentials');
    expect(creds.json.data.roles).toEqual([HUB]);
  });

  it('reads a 2.3.0 Credentials object: a hub_party_id naming us is a platform behind us; another is a hub that reaches the parties listed', () => {
    const validators = createAjvValidatorFactory();
    const body = { token: 'abc', url: 'https://cpo.example.com/versions', roles: [CPA], hub_party_id: 'nlhub' };
    const behindUs = readCredentials(validators, body, { version: '2.3.0', maxRoles: 10, ourParties: [HUB] });
    expect(behindUs).toEqual({ ok: true, value: { token: 'abc', url: body.url, roles: [CPA] } });
    const aHub = readCredentials(validators, { ...body, roles: [CPA, MSP] }, { version: '2.3.0', maxRoles: 10, ourParties: [MSP] });
    expect(aHub).toEqual({
      ok: true,
      value: { token: 'abc', url: body.url, roles: [{ ...HUB, business_details: { name: 'NLHUB' } }], reachable: [CPA] },
    });
    const tooMany = readCredentials(
      validators,
      { ...body, roles: Array.from({ length: 21 }, (_, i) => party('CPO', 'NL', `C${String(i).padStart(2, '0')}`)) },
      { version: '2.3.0', maxRoles: 2, ourParties: [] },
    );
    expect(tooMany.ok).toBe(false);
  });
});

describe('a 2.3.0 hub’s listed parties and its ClientInfo', () => {
  it('a party is served while listed; the hub’s ClientInfo saying SUSPENDED (its later word) ends it', async () => {
    const { msp, hubOf } = await network();
    expect(await msp.node.actsFor(hubOf.msp, CPA)).toBe(true);
    const info = { ...ref(CPA), role: 'CPO', status: 'SUSPENDED', last_updated: '2026-01-01T00:00:00Z' };
    await msp.store.objects.put({ module: STORE_MODULES.hubClientInfo, owner: ref(HUB), id: clientInfoStoreId(CPA) }, { data: info });
    expect(await msp.node.actsFor(hubOf.msp, CPA)).toBe(false);
  });

  it('a party that registered first learns the later ones through Hub Client Info, and a leaving one through SUSPENDED', async () => {
    const { cpo, msp, hubOf } = await network();
    await eventually('the eMSP served at the CPO', () => cpo.node.actsFor(hubOf.cpo, MSP));
    await msp.registry.unregister(hubOf.msp.id);
    await eventually('the eMSP no longer served at the CPO', async () => !(await cpo.node.actsFor(hubOf.cpo, MSP)));
  });
});
