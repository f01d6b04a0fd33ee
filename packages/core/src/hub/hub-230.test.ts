// The hub on OCPI 2.3.0 over real HTTP: its Credentials name it in `hub_party_id` and list the parties
// reachable through it (credentials 2.3.0, note under "Credentials object"); 2.3.0 platforms behind it
// learn those parties from the handshake and accept what the hub relays for them.
import { describe, expect, it } from 'vitest';
import { authorizationHeader } from '../auth/tokens.js';
import { readCredentials } from '../credentials/handshake.js';
import { bookingsReceiver, bookingsSender } from '../modules/bookings.js';
import { clientInfoStoreId, getOwnObject, putOwnObject, STORE_MODULES } from '../modules/common.js';
import { hubClientInfoReceiver } from '../modules/hub-client-info.js';
import { locationsReceiver, locationsSender } from '../modules/locations.js';
import { paymentsReceiver, paymentsSender } from '../modules/payments.js';
import type { Partner } from '../partners/partner.js';
import type { Booking, BookingLocation, BookingRequest, Location, Terminal } from '../schemas/v2.3.0/index.js';
import { bookableLocation } from '../testing/bookings.js';
import { example } from '../testing/examples.js';
import { connect, eventually, type NetworkNode, networkClosedAfterEach, party } from '../testing/hub-network.js';
import { createAjvValidatorFactory } from '../validation/ajv.js';

const start = networkClosedAfterEach();
const HUB = party('HUB', 'NL', 'HUB');
const CPA = party('CPO', 'NL', 'CPA');
const MSP = party('EMSP', 'DE', 'MSP');
const OLD = party('EMSP', 'FR', 'OLD');
const EVIL = party('EMSP', 'FR', 'EVL');
const PTP = party('PTP', 'AT', 'PTP');
const ref = (p: { country_code: string; party_id: string }) => ({ country_code: p.country_code, party_id: p.party_id });
const location = (id: string): Location => ({ ...example<Location>('location_example.json', '2.3.0'), ...ref(CPA), id });

/** A request to the hub with the token `partner` holds for it, in `version`. */
async function call(hub: NetworkNode, partner: Partner, method: string, path: string, headers: Record<string, string> = {}, body?: unknown) {
  const response = await fetch(path.startsWith('http') ? path : `${hub.origin}/ocpi/${partner.version}/${path}`, {
    method,
    headers: {
      authorization: authorizationHeader(partner.outboundToken as string, 'base64'),
      ...headers,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return {
    status: response.status,
    headers: Object.fromEntries(response.headers),
    json: (await response.json()) as { data?: any; status_code: number; status_message?: string },
  };
}

const routing = (from: typeof CPA, to?: typeof CPA): Record<string, string> => ({
  'ocpi-from-country-code': from.country_code,
  'ocpi-from-party-id': from.party_id,
  ...(to ? { 'ocpi-to-country-code': to.country_code, 'ocpi-to-party-id': to.party_id } : {}),
});
const routingOf = (headers: Record<string, string>) => `${headers['ocpi-from-party-id']} to ${headers['ocpi-to-party-id']}`;

async function network() {
  const hub = await start({ parties: [HUB], hub: true, versions: ['2.3.0', '2.2.1'], timeoutMs: 1500 });
  const cpo = await start({
    parties: [CPA],
    hubParties: [HUB],
    versions: ['2.3.0'],
    modules: [locationsSender(), paymentsReceiver(), bookingsSender(), hubClientInfoReceiver()],
  });
  await putOwnObject(cpo.store, STORE_MODULES.locations, CPA, location('LOC1'));
  // The eMSP has no Hub Client Info Receiver: what it knows of the parties behind the hub comes from the hub's Credentials.
  const msp = await start({ parties: [MSP], hubParties: [HUB], versions: ['2.3.0', '2.2.1'], modules: [locationsReceiver(), bookingsReceiver()] });
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

  it('pushes Hub Client Info to a 2.2.1 party in 2.2.1, without the parties whose role 2.2.1 has no word for (a PTP), and says so', async () => {
    const { hub } = await network();
    const old = await start({ parties: [OLD], hubParties: [HUB], versions: ['2.2.1'], modules: [hubClientInfoReceiver()] });
    const o = await connect(old, hub);
    const ptp = await start({ parties: [PTP], hubParties: [HUB], versions: ['2.3.0'], modules: [paymentsSender()] });
    await connect(ptp, hub);
    const known = async () =>
      (await old.store.objects.list<{ party_id: string }>({ module: STORE_MODULES.hubClientInfo, offset: 0, limit: 10 })).items
        .map((i) => i.data.party_id)
        .sort();
    await eventually('the 2.2.1 eMSP knows the CPO, the eMSP and itself', async () => (await known()).length === 3);
    await eventually('the PTP left out, counted as a loss', async () =>
      hub.node.losses.counts(o.atHub.id).some((c) => c.objectType === 'ClientInfo' && c.field === '/role'),
    );
    expect(await known()).toEqual(['CPA', 'MSP', 'OLD']);
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

  it('pushes a ClientInfo again to a party that answered 401 (it had not stored the hub’s answer to its registration yet)', async () => {
    let refused = 0;
    const hubFetch: typeof fetch = async (input, init) => {
      if (String(input).includes('/receiver/hubclientinfo/') && refused++ === 0)
        return Response.json({ status_code: 2000, status_message: 'Unknown token' }, { status: 401 });
      return fetch(input, init);
    };
    const hub = await start({ parties: [HUB], hub: true, versions: ['2.3.0'], hubFetch });
    const cpo = await start({ parties: [CPA], hubParties: [HUB], versions: ['2.3.0'], modules: [hubClientInfoReceiver()] });
    await connect(cpo, hub);
    await eventually('the CPO’s own ClientInfo, pushed again after the 401', () =>
      cpo.store.objects.get({ module: STORE_MODULES.hubClientInfo, owner: ref(HUB), id: clientInfoStoreId(CPA) }),
    );
    expect(refused).toBeGreaterThan(1);
  });

  it('a party that registered first learns the later ones through Hub Client Info, and a leaving one through SUSPENDED', async () => {
    const { cpo, msp, hubOf } = await network();
    await eventually('the eMSP served at the CPO', () => cpo.node.actsFor(hubOf.cpo, MSP));
    await msp.registry.unregister(hubOf.msp.id);
    await eventually('the eMSP no longer served at the CPO', async () => !(await cpo.node.actsFor(hubOf.cpo, MSP)));
  });
});

describe('Payments and Bookings (2.3.0) through the hub', () => {
  it('routes a PTP’s Terminal to the CPO it names, and the CPO’s update of it back to that PTP; never in 2.2.1', async () => {
    const { hub, cpo, hubOf } = await network();
    const ptp = await start({ parties: [PTP], hubParties: [HUB], versions: ['2.3.0'], modules: [paymentsSender(), hubClientInfoReceiver()] });
    const { atMember: ptpHub } = await connect(ptp, hub);
    await eventually('the CPO knows the PTP', () => cpo.node.actsFor(hubOf.cpo, PTP));
    // Open Routing Request: the Terminal names its CPO (mod_payments "Terminal object": country_code/party_id).
    const terminal = { ...example<Terminal>('payment_terminal_create.json', '2.3.0'), ...ref(CPA) };
    const posted = await call(hub, ptpHub, 'POST', 'receiver/payments/terminals', routing(PTP), terminal);
    expect(posted.json.status_code).toBe(1000);
    expect(routingOf(posted.headers)).toBe('CPA to PTP');
    expect(await getOwnObject(cpo.store, STORE_MODULES.terminals, PTP, terminal.terminal_id)).toEqual(terminal);
    // The CPO assigns its Locations at the PTP without naming it: the hub remembers who posted the Terminal.
    await putOwnObject(ptp.store, STORE_MODULES.terminals, PTP, terminal);
    const assigned = await call(hub, hubOf.cpo, 'PATCH', `sender/payments/terminals/${terminal.terminal_id}`, routing(CPA), { location_ids: ['LOC1'] });
    expect(assigned.json.status_code).toBe(1000);
    expect(routingOf(assigned.headers)).toBe('PTP to CPA');
    expect((await getOwnObject<Terminal>(ptp.store, STORE_MODULES.terminals, PTP, terminal.terminal_id))?.location_ids).toEqual(['LOC1']);
    // Never broadcast: addressed to the hub, a POST that names no receiver is refused.
    const { country_code: _c, party_id: _p, ...anonymous } = terminal;
    expect((await call(hub, ptpHub, 'POST', 'receiver/payments/terminals', routing(PTP, HUB), anonymous)).json.status_code).toBe(2001);
    // Payments do not exist in 2.2.1: the hub does not serve them there.
    expect((await call(hub, { ...ptpHub, version: '2.2.1' }, 'POST', 'receiver/payments/terminals', routing(PTP, CPA), terminal)).status).toBe(404);
  });

  it('routes an eMSP’s BookingRequest to the CPO, and the CPO’s Booking to the eMSP of its token; a BookingLocation is never broadcast', async () => {
    const { hub, cpo, msp, hubOf } = await network();
    await eventually('the CPO knows the eMSP', () => cpo.node.actsFor(hubOf.cpo, MSP));
    const { location: bookingLocation, at } = bookableLocation(CPA, 'BL1', 'LOC1');
    await putOwnObject(cpo.store, STORE_MODULES.bookingLocations, CPA, bookingLocation);
    const request: BookingRequest = {
      ...ref(MSP),
      request_id: 'R1',
      location_id: 'LOC1',
      booking_location_id: 'BL1',
      tokens: [{ ...ref(MSP), uid: 'MSP-DRIVER', type: 'RFID', contract_id: 'DE-MSP-C1' }],
      period: { start_date_time: at('09:00'), end_date_time: at('10:00') },
      authorization_reference: 'AUTH1',
    };
    const booked = await call(hub, hubOf.msp, 'POST', 'sender/bookings', routing(MSP, CPA), request);
    expect(booked.json.status_code).toBe(1000);
    expect(booked.json.data.reservation_status).toBe('RESERVED');
    expect(routingOf(booked.headers)).toBe('CPA to MSP');
    // A BookingRequest in the name of another eMSP is refused at the hub.
    const forged = await call(hub, hubOf.msp, 'POST', 'sender/bookings', routing(MSP, CPA), { ...request, ...ref(EVIL) });
    expect(forged.json.status_code).toBe(2001);

    // The CPO pushes the Booking without naming the eMSP: it goes to the eMSP of its token.
    const booking = (await getOwnObject<Booking>(cpo.store, STORE_MODULES.bookings, CPA, booked.json.data.id)) as Booking;
    const pushed = await call(hub, hubOf.cpo, 'PUT', `receiver/bookings/NL/CPA/${booking.id}`, routing(CPA), booking);
    expect(pushed.json.status_code).toBe(1000);
    expect(routingOf(pushed.headers)).toBe('MSP to CPA');
    expect(await getOwnObject(msp.store, STORE_MODULES.bookings, CPA, booking.id)).toEqual(booking);
    // A BookingLocation goes to the eMSP named; addressed to the hub it is refused (the spec broadcasts no Bookings).
    const toHub = await call(hub, hubOf.cpo, 'PUT', 'receiver/bookings/NL/CPA/booking_locations/BL1', routing(CPA, HUB), bookingLocation);
    expect(toHub.json.status_code).toBe(2001);
    const named = await call(hub, hubOf.cpo, 'PUT', 'receiver/bookings/NL/CPA/booking_locations/BL1', routing(CPA, MSP), bookingLocation);
    expect(named.json.status_code).toBe(1000);
    expect(await getOwnObject(msp.store, STORE_MODULES.bookingLocations, CPA, 'BL1')).toEqual(bookingLocation);
    // GET All of BookingLocations via the hub: the CPOs' lists as one.
    const all = await call(hub, hubOf.msp, 'GET', 'sender/bookings/booking_locations', routing(MSP, HUB));
    expect(all.json.data.map((l: BookingLocation) => l.id)).toEqual(['BL1']);
    expect(all.headers['x-total-count']).toBe('1');
  });
});
