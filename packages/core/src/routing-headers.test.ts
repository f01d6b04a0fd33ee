// The routing headers of every row of transport_and_format's tables ("Overview of required/optional
// routing headers for different scenarios"): on requests we send (`routeOutbound`) and on the answers
// we give (`routeRequest`).
import { describe, expect, it } from 'vitest';
import { type RouteOutboundInput, type RouteRequestInput, routeOutbound, routeRequest } from './routing-headers.js';
import type { PartyRef } from './store/types.js';

const party = (role: string, country_code: string, party_id: string) => ({ role, country_code, party_id });
const named = (p: PartyRef | undefined) => (p ? `${p.country_code}/${p.party_id}` : undefined);
const headers = (routing: { from: PartyRef | undefined; to: PartyRef | undefined }) => ({ from: named(routing.from), to: named(routing.to) });

// Our CPO platform hosts two CPOs and an eMSP; the partners are platforms and a hub.
const OURS = [party('CPO', 'NL', 'CPA'), party('CPO', 'NL', 'CPB'), party('EMSP', 'NL', 'MSP')];
const TWO_EMSPS = [party('EMSP', 'DE', 'MSA'), party('EMSP', 'DE', 'MSB')];
const BOTH_ROLES = [party('CPO', 'DE', 'CPX'), party('EMSP', 'DE', 'MSX')];
const HUB = [party('HUB', 'BE', 'HUB')];

const outbound = (input: Partial<RouteOutboundInput> & Pick<RouteOutboundInput, 'module' | 'method' | 'partnerRoles'>) =>
  headers(routeOutbound({ ourParties: OURS, ...input }));
const locationPush = { module: { identifier: 'locations', role: 'RECEIVER' }, method: 'PUT' };

describe('Party to Party (without Hub): Direct request, to the receiving party, from the requesting party', () => {
  it('a push goes from the object owner to the partner party in the role serving the interface', () => {
    expect(outbound({ ...locationPush, partnerRoles: TWO_EMSPS, owner: { country_code: 'NL', party_id: 'CPB' } })).toEqual({ from: 'NL/CPB', to: 'DE/MSA' });
  });

  it('to a partner that is both CPO and eMSP: each interface to the party playing the role that serves it', () => {
    expect(outbound({ ...locationPush, partnerRoles: BOTH_ROLES, owner: { country_code: 'NL', party_id: 'CPA' } }).to).toBe('DE/MSX');
    expect(outbound({ module: { identifier: 'cdrs', role: 'RECEIVER' }, method: 'POST', partnerRoles: BOTH_ROLES }).to).toBe('DE/MSX');
    expect(outbound({ module: { identifier: 'tokens', role: 'SENDER' }, method: 'GET', partnerRoles: BOTH_ROLES, list: true })).toEqual({
      from: 'NL/CPA',
      to: 'DE/MSX',
    });
    expect(outbound({ module: { identifier: 'commands', role: 'RECEIVER' }, method: 'POST', partnerRoles: BOTH_ROLES })).toEqual({
      from: 'NL/MSP',
      to: 'DE/CPX',
    });
    expect(
      outbound({ module: { identifier: 'tokens', role: 'RECEIVER' }, method: 'PUT', partnerRoles: BOTH_ROLES, owner: { country_code: 'NL', party_id: 'MSP' } }),
    ).toEqual({
      from: 'NL/MSP',
      to: 'DE/CPX',
    });
    expect(outbound({ module: { identifier: 'locations', role: 'SENDER' }, method: 'GET', partnerRoles: BOTH_ROLES, list: true })).toEqual({
      from: 'NL/MSP',
      to: 'DE/CPX',
    });
  });

  it('to a platform hosting two eMSPs: a Session or CDR goes to the eMSP of its token', () => {
    const sessions = {
      module: { identifier: 'sessions', role: 'RECEIVER' },
      method: 'PUT',
      partnerRoles: TWO_EMSPS,
      owner: { country_code: 'NL', party_id: 'CPA' },
    };
    expect(outbound({ ...sessions, destination: { country_code: 'de', party_id: 'msb' } })).toEqual({ from: 'NL/CPA', to: 'DE/MSB' });
    // A token of a party not on that platform: its eMSP party all the same.
    expect(outbound({ ...sessions, destination: { country_code: 'FR', party_id: 'XXX' } }).to).toBe('DE/MSA');
  });

  it('to a partner with no party in the serving role: one not in the calling role (an NSP takes Locations)', () => {
    expect(outbound({ ...locationPush, partnerRoles: [party('CPO', 'DE', 'CPX'), party('NSP', 'DE', 'NSP')] }).to).toBe('DE/NSP');
  });

  it("the caller's own from and to win", () => {
    const given = { from: { country_code: 'NL', party_id: 'CPB' }, to: { country_code: 'DE', party_id: 'MSB' } };
    expect(outbound({ ...locationPush, partnerRoles: TWO_EMSPS, owner: { country_code: 'NL', party_id: 'CPA' }, ...given })).toEqual({
      from: 'NL/CPB',
      to: 'DE/MSB',
    });
  });

  it('our only party when no role of ours calls the interface', () => {
    expect(headers(routeOutbound({ ...locationPush, ourParties: [party('OTHER', 'NL', 'OTH')], partnerRoles: TWO_EMSPS }))).toEqual({
      from: 'NL/OTH',
      to: 'DE/MSA',
    });
  });
});

describe('Party to Party via Hub: Direct request from the requesting platform to the hub, to the receiving party', () => {
  it('to the party the caller names, or the one the object is for', () => {
    const cdrs = { module: { identifier: 'cdrs', role: 'RECEIVER' }, method: 'POST', partnerRoles: HUB, owner: { country_code: 'NL', party_id: 'CPB' } };
    expect(outbound({ ...cdrs, destination: { country_code: 'DE', party_id: 'MSB' } })).toEqual({ from: 'NL/CPB', to: 'DE/MSB' });
    expect(outbound({ ...locationPush, partnerRoles: HUB, to: { country_code: 'DE', party_id: 'MSA' } })).toEqual({ from: 'NL/CPA', to: 'DE/MSA' });
    // 2.3.0: a hub lists the parties behind it with its roles; still a hub.
    expect(outbound({ ...cdrs, partnerRoles: [...HUB, ...TWO_EMSPS], destination: { country_code: 'DE', party_id: 'MSB' } }).to).toBe('DE/MSB');
  });
});

describe('Party to Party Broadcast Push: to the hub itself, from the requesting party', () => {
  it('a broadcast push names the hub in OCPI-to', () => {
    expect(outbound({ ...locationPush, partnerRoles: HUB, owner: { country_code: 'NL', party_id: 'CPB' }, broadcast: true })).toEqual({
      from: 'NL/CPB',
      to: 'BE/HUB',
    });
  });

  it('never with GET, and only to a hub', () => {
    expect(() => outbound({ module: { identifier: 'locations', role: 'SENDER' }, method: 'GET', partnerRoles: HUB, broadcast: true })).toThrow(
      /never a Broadcast Push/,
    );
    expect(() => outbound({ ...locationPush, partnerRoles: TWO_EMSPS, broadcast: true })).toThrow(/holds no HUB role/);
  });
});

describe('Party to Party Open Routing Request: no OCPI-to towards the hub', () => {
  it('a request naming no destination leaves OCPI-to out: the hub routes by the object', () => {
    expect(outbound({ module: { identifier: 'tokens', role: 'SENDER' }, method: 'POST', partnerRoles: HUB })).toEqual({ from: 'NL/CPA', to: undefined });
    expect(outbound({ module: { identifier: 'locations', role: 'SENDER' }, method: 'GET', partnerRoles: HUB })).toEqual({ from: 'NL/MSP', to: undefined });
  });
});

describe('GET All via Hubs: to the hub, from the requesting party', () => {
  it('a GET of a whole list on a Sender names the hub', () => {
    expect(outbound({ module: { identifier: 'locations', role: 'SENDER' }, method: 'GET', partnerRoles: HUB, list: true })).toEqual({
      from: 'NL/MSP',
      to: 'BE/HUB',
    });
  });
});

// The answers we give: the rows whose route ends at our platform.
const inbound = (input: Partial<RouteRequestInput> & Pick<RouteRequestInput, 'routing' | 'callerRoles'>) =>
  routeRequest({ ourParties: OURS, fromAllowed: true, module: { identifier: 'locations', role: 'RECEIVER' }, ...input });
const ref = (country_code: string, party_id: string) => ({ country_code, party_id });

describe('the answers we give', () => {
  it('Direct response: to the requesting party, from the receiving party', () => {
    const routed = inbound({
      routing: { from: ref('DE', 'MSA'), to: ref('NL', 'CPB') },
      callerRoles: TWO_EMSPS,
      module: { identifier: 'locations', role: 'SENDER' },
    });
    expect(headers(routed.answer)).toEqual({ from: 'NL/CPB', to: 'DE/MSA' });
  });

  it('via Hub, Direct and Open response from the receiving platform to the hub: to the requesting party behind the hub', () => {
    const routed = inbound({ routing: { from: ref('FR', 'CPO'), to: ref('NL', 'MSP') }, callerRoles: HUB });
    expect(routed.refusal).toBeUndefined();
    expect(headers(routed.answer)).toEqual({ from: 'NL/MSP', to: 'FR/CPO' });
  });

  it('Broadcast response from the receiving platform to the hub: to the hub', () => {
    const routed = inbound({ routing: { from: ref('BE', 'HUB'), to: ref('NL', 'MSP') }, callerRoles: HUB });
    expect(headers(routed.answer)).toEqual({ from: 'NL/MSP', to: 'BE/HUB' });
  });

  it('a request without OCPI-to on a platform of several parties is answered from the one serving the interface', () => {
    const routed = inbound({
      routing: { from: ref('DE', 'MSA'), to: undefined },
      callerRoles: TWO_EMSPS,
      module: { identifier: 'commands', role: 'RECEIVER' },
    });
    expect(headers(routed.answer)).toEqual({ from: undefined, to: 'DE/MSA' });
    const tokens = inbound({ routing: { from: ref('DE', 'MSA'), to: undefined }, callerRoles: TWO_EMSPS, module: { identifier: 'tokens', role: 'SENDER' } });
    expect(headers(tokens.answer)).toEqual({ from: 'NL/MSP', to: 'DE/MSA' });
  });

  it('GET All via Hubs response, when we are the hub: to the requesting party, from the hub', () => {
    const routed = routeRequest({
      ourParties: HUB,
      routing: { from: ref('DE', 'MSA'), to: ref('BE', 'HUB') },
      callerRoles: TWO_EMSPS,
      fromAllowed: true,
      module: { identifier: 'locations', role: 'SENDER' },
    });
    expect(headers(routed.answer)).toEqual({ from: 'BE/HUB', to: 'DE/MSA' });
  });

  it('a 2.3.0 hub, listing the parties behind it among its roles, is answered as the hub when OCPI-from names none it may act for', () => {
    const hub230 = [...HUB, ...TWO_EMSPS];
    expect(headers(inbound({ routing: { from: undefined, to: ref('NL', 'MSP') }, callerRoles: hub230 }).answer)).toEqual({ from: 'NL/MSP', to: 'BE/HUB' });
    expect(headers(inbound({ routing: { from: ref('FR', 'XXX'), to: ref('NL', 'MSP') }, callerRoles: hub230, fromAllowed: false }).answer).to).toBe('BE/HUB');
  });

  it('OCPI-from a hub does not serve is refused with a message naming the party; the answer goes to the hub', () => {
    const routed = inbound({ routing: { from: ref('DE', 'MSA'), to: ref('NL', 'MSP') }, callerRoles: HUB, fromAllowed: false });
    expect(routed.refusal?.message).toBe('OCPI-from-country-code/OCPI-from-party-id DE/MSA is not one of your parties or of the parties your hub serves');
    expect(headers(routed.answer)).toEqual({ from: 'NL/MSP', to: 'BE/HUB' });
  });
});
