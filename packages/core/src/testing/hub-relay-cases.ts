// Issue 16, item 1: a platform behind a hub. A hub partner relays other parties' pushes to our
// client-owned URLs (transport_and_format, "Message Routing" and "Client Owned Object Push"): accepted
// for the parties the hub serves (configured with `hubServes`, or learned from the ClientInfo it
// pushed), refused for any other with the same answer on every route. Runs in process and through
// every adapter over real HTTP (part of the adapter contract suite); builds its objects inline, as
// the published testing kit reads no file.
import { responseText } from '../envelope.js';
import { cdrsReceiver } from '../modules/cdrs.js';
import { hubClientInfoReceiver } from '../modules/hub-client-info.js';
import { locationsReceiver } from '../modules/locations.js';
import { sessionsReceiver } from '../modules/sessions.js';
import { tariffsReceiver } from '../modules/tariffs.js';
import { tokensReceiver } from '../modules/tokens.js';
import type { CredentialsRole } from '../partners/partner.js';
import { createOcpiServer, type OcpiServer } from '../server.js';
import { createMemoryStore } from '../store/memory.js';
import type { PartyRef } from '../store/types.js';
import { fastPathLocation } from './fast-path.js';
import { tokenHeader } from './fixtures.js';
import { registerTestPartner } from './test-node.js';

const BASE_URL = 'http://ocpi.test/ocpi';
const role = (r: CredentialsRole['role'], country_code: string, party_id: string): CredentialsRole => ({
  role: r,
  country_code,
  party_id,
  business_details: { name: `${country_code}*${party_id}` },
});
/** Our platform plays both roles: a CPO (takes Tokens) and an eMSP (takes Locations, Sessions, Tariffs, CDRs). */
const OUR_CPO = role('CPO', 'NL', 'CPO');
const OUR_EMSP = role('EMSP', 'NL', 'MSP');
const HUB = role('HUB', 'NL', 'HUB');
/** A CPO behind the hub, learned from the ClientInfo the hub pushes. */
const BEC = { country_code: 'BE', party_id: 'BEC' };
/** An eMSP behind the hub, as the operator configures (`hubServes`). */
const SRV = { country_code: 'DE', party_id: 'SRV' };
/** A CPO registered with us directly: the hub pushes a ClientInfo of it, and still may not act for it. */
const DIRECT = role('CPO', 'DE', 'DIR');
/** A party nobody told us of. */
const UNKNOWN = { country_code: 'FR', party_id: 'UNK' };

export interface HubRelayNode {
  server: OcpiServer;
  /** Authorization headers of the hub partner and of the CPO registered directly. */
  hub: string;
  direct: string;
}

export async function createHubRelayNode(): Promise<HubRelayNode> {
  const store = createMemoryStore();
  await registerTestPartner(store, { id: 'hub', token: 'relay-hub-token', roles: [HUB] });
  await registerTestPartner(store, { id: 'direct', token: 'relay-direct-token', roles: [DIRECT] });
  const server = createOcpiServer({
    baseUrl: BASE_URL,
    parties: [OUR_CPO, OUR_EMSP],
    store,
    versions: ['2.2.1'],
    modules: [locationsReceiver(), sessionsReceiver(), tariffsReceiver(), cdrsReceiver(), tokensReceiver(), hubClientInfoReceiver()],
    hubServes: (_hub, party) => party.country_code === SRV.country_code && party.party_id === SRV.party_id,
  });
  return { server, hub: tokenHeader('relay-hub-token'), direct: tokenHeader('relay-direct-token') };
}

/** One request as a test sends it; the answer with lower-cased header names. */
export type Send = (request: { method: string; path: string; headers: Record<string, string>; body?: string }) => Promise<{
  status: number;
  headers: Record<string, string>;
  body: string;
}>;

/** Sends to a server listening at `origin`, over real HTTP. */
export const sendOverHttp =
  (origin: string): Send =>
  async ({ method, path, headers, body }) => {
    const response = await fetch(`${origin}${path}`, { method, headers, ...(body === undefined ? {} : { body }) });
    const answered: Record<string, string> = {};
    response.headers.forEach((value, name) => {
      answered[name] = value;
    });
    return { status: response.status, headers: answered, body: await response.text() };
  };

/** Sends to the server in process, through `handle()`. */
export const sendInProcess =
  (server: OcpiServer): Send =>
  async ({ method, path, headers, body }) => {
    const response = await server.handle({ method, url: path, headers, body });
    return { status: response.status, headers: response.headers, body: responseText(response) };
  };

const UPDATED = '2024-03-01T10:00:00Z';
const cdrToken = (owner: PartyRef) => ({ ...owner, uid: 'RFID-1', type: 'RFID', contract_id: `${owner.country_code}-${owner.party_id}-C1` });
const location = (owner: PartyRef, id: string, name: string) => ({ ...fastPathLocation(1), ...owner, id, name, last_updated: UPDATED });
const session = (owner: PartyRef, id: string) => ({
  ...owner,
  id,
  start_date_time: '2024-03-01T09:00:00Z',
  kwh: 1.5,
  cdr_token: cdrToken(OUR_EMSP),
  auth_method: 'WHITELIST',
  location_id: 'LOC1',
  evse_uid: 'LOC1-E1',
  connector_id: '1',
  currency: 'EUR',
  status: 'ACTIVE',
  last_updated: UPDATED,
});
const tariff = (owner: PartyRef, id: string) => ({
  ...owner,
  id,
  currency: 'EUR',
  elements: [{ price_components: [{ type: 'ENERGY', price: 0.3, step_size: 1 }] }],
  last_updated: UPDATED,
});
const token = (owner: PartyRef, uid: string) => ({
  ...owner,
  uid,
  type: 'RFID',
  contract_id: `${owner.country_code}-${owner.party_id}-C1`,
  issuer: 'Test eMSP',
  valid: true,
  whitelist: 'ALLOWED',
  last_updated: UPDATED,
});
const cdr = (owner: PartyRef, id: string) => ({
  ...owner,
  id,
  start_date_time: '2024-03-01T09:00:00Z',
  end_date_time: '2024-03-01T10:00:00Z',
  cdr_token: cdrToken(OUR_EMSP),
  auth_method: 'WHITELIST',
  cdr_location: {
    id: 'LOC1',
    address: 'Große Allee 1',
    city: 'Köln',
    country: 'DEU',
    coordinates: { latitude: '50.937531', longitude: '6.960001' },
    evse_uid: 'LOC1-E1',
    evse_id: 'BE*BEC*E11',
    connector_id: '1',
    connector_standard: 'IEC_62196_T2',
    connector_format: 'SOCKET',
    connector_power_type: 'AC_3_PHASE',
  },
  currency: 'EUR',
  charging_periods: [{ start_date_time: '2024-03-01T09:00:00Z', dimensions: [{ type: 'ENERGY', volume: 1.5 }] }],
  total_cost: { excl_vat: 0.45 },
  total_energy: 1.5,
  total_time: 1,
  last_updated: UPDATED,
});

function check(condition: boolean, what: string): void {
  if (!condition) throw new Error(what);
}

const routing = (side: 'from' | 'to', party: PartyRef) => ({
  [`ocpi-${side}-country-code`]: party.country_code,
  [`ocpi-${side}-party-id`]: party.party_id,
});

/**
 * Every client-owned route of a Receiver, relayed by the hub for a party it serves, then for parties
 * it does not serve: a party registered with us directly and an unknown one.
 */
export async function runHubRelay(send: Send, node: HubRelayNode): Promise<void> {
  const call = async (
    authorization: string,
    method: string,
    path: string,
    options: { from?: PartyRef; to?: PartyRef; body?: unknown } = {},
  ): Promise<{ status: number; headers: Record<string, string>; envelope: { status_code: number; status_message?: string; data?: any } }> => {
    const headers: Record<string, string> = { authorization };
    if (options.from) Object.assign(headers, routing('from', options.from));
    if (options.to) Object.assign(headers, routing('to', options.to));
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const answer = await send({
      method,
      path: path.startsWith('/') ? path : `/ocpi/2.2.1/${path}`,
      headers,
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    });
    return { status: answer.status, headers: answer.headers, envelope: JSON.parse(answer.body) };
  };
  const said = (answer: { status: number; envelope: { status_code: number; status_message?: string } }) =>
    `HTTP ${answer.status}, ${answer.envelope.status_code} ${JSON.stringify(answer.envelope.status_message)}`;
  const answeredTo = (answer: { headers: Record<string, string> }) => `${answer.headers['ocpi-to-country-code']}/${answer.headers['ocpi-to-party-id']}`;
  const answeredFrom = (answer: { headers: Record<string, string> }) => `${answer.headers['ocpi-from-country-code']}/${answer.headers['ocpi-from-party-id']}`;

  // The hub tells us whom it serves: BE/BEC, and DE/DIR (registered with us directly: it gains nothing).
  for (const party of [BEC, DIRECT]) {
    const info = await call(node.hub, 'PUT', `receiver/hubclientinfo/${party.country_code}/${party.party_id}`, {
      body: { ...party, role: 'CPO', status: 'CONNECTED', last_updated: UPDATED },
    });
    check(info.envelope.status_code === 1000, `ClientInfo of ${party.country_code}/${party.party_id}: ${said(info)}`);
  }
  // The direct CPO's own Location, which the hub must not be able to overwrite.
  const own = await call(node.direct, 'PUT', 'receiver/locations/DE/DIR/LOC1', { body: location(DIRECT, 'LOC1', 'Direct CPO') });
  check(own.envelope.status_code === 1000, `the direct CPO's own push: ${said(own)}`);

  // Relayed for BE/BEC (a CPO the hub serves) to our eMSP, and for DE/SRV (an eMSP) to our CPO:
  // accepted, and answered from the party addressed back to the requesting party ("Party to Party via Hub").
  const relayed: [string, string, PartyRef, PartyRef, unknown?][] = [
    ['PUT', 'receiver/locations/BE/BEC/LOC1', BEC, OUR_EMSP, location(BEC, 'LOC1', 'Via the hub')],
    ['PATCH', 'receiver/locations/BE/BEC/LOC1', BEC, OUR_EMSP, { name: 'Via the hub, renamed', last_updated: '2024-03-01T11:00:00Z' }],
    ['GET', 'receiver/locations/BE/BEC/LOC1', BEC, OUR_EMSP],
    ['PUT', 'receiver/sessions/BE/BEC/S1', BEC, OUR_EMSP, session(BEC, 'S1')],
    ['GET', 'receiver/sessions/BE/BEC/S1', BEC, OUR_EMSP],
    ['PUT', 'receiver/tariffs/BE/BEC/T1', BEC, OUR_EMSP, tariff(BEC, 'T1')],
    ['DELETE', 'receiver/tariffs/BE/BEC/T1', BEC, OUR_EMSP],
    ['PUT', 'receiver/tokens/DE/SRV/TOKEN1?type=RFID', SRV, OUR_CPO, token(SRV, 'TOKEN1')],
    ['GET', 'receiver/tokens/DE/SRV/TOKEN1?type=RFID', SRV, OUR_CPO],
  ];
  for (const [method, path, from, to, body] of relayed) {
    const answer = await call(node.hub, method, path, { from, to, ...(body === undefined ? {} : { body }) });
    check(answer.envelope.status_code === 1000, `${method} ${path} relayed by the hub for ${from.country_code}/${from.party_id}: ${said(answer)}`);
    check(answeredTo(answer) === `${from.country_code}/${from.party_id}`, `${method} ${path}: answer's OCPI-to ${answeredTo(answer)}`);
    check(answeredFrom(answer) === `${to.country_code}/${to.party_id}`, `${method} ${path}: answer's OCPI-from ${answeredFrom(answer)}`);
  }
  const read = await call(node.hub, 'GET', 'receiver/locations/BE/BEC/LOC1', { from: BEC, to: OUR_EMSP });
  check(read.envelope.data?.name === 'Via the hub, renamed', `the relayed Location reads back as patched: ${JSON.stringify(read.envelope.data?.name)}`);
  const posted = await call(node.hub, 'POST', 'receiver/cdrs', { from: BEC, to: OUR_EMSP, body: cdr(BEC, 'CDR1') });
  check(posted.status === 201 && posted.envelope.status_code === 1000, `CDR POST relayed for BE/BEC: ${said(posted)}`);
  const cdrPath = new URL(posted.headers.location ?? 'http://no-location-header').pathname;
  const fetched = await call(node.hub, 'GET', cdrPath, { from: BEC, to: OUR_EMSP });
  check(fetched.envelope.data?.id === 'CDR1', `GET of the CDR at its Location URL ${cdrPath}: ${said(fetched)}`);

  // Broadcast push (transport_and_format, "Broadcast Push"): the hub names itself in OCPI-from, the URL
  // keeps the original party; the answer goes back to the hub.
  const broadcast = await call(node.hub, 'PUT', 'receiver/locations/BE/BEC/LOC2', { from: HUB, to: OUR_EMSP, body: location(BEC, 'LOC2', 'Broadcast') });
  check(broadcast.envelope.status_code === 1000, `broadcast push for BE/BEC: ${said(broadcast)}`);
  check(
    answeredTo(broadcast) === 'NL/HUB' && answeredFrom(broadcast) === 'NL/MSP',
    `broadcast answer: to ${answeredTo(broadcast)}, from ${answeredFrom(broadcast)}`,
  );

  // Any other party: refused on every client-owned route with 404 naming the party, and on a CDR POST
  // with 2001 naming it; whether the hub names that party in OCPI-from or itself.
  for (const party of [DIRECT, UNKNOWN]) {
    const named = `${party.country_code}/${party.party_id}`;
    const refusal = new RegExp(`${named} is not one of your parties or of the parties your hub serves`);
    const urls: [string, string, unknown?][] = [
      ['PUT', `receiver/locations/${named}/LOC1`, location(party, 'LOC1', 'Hijacked')],
      ['PATCH', `receiver/locations/${named}/LOC1`, { name: 'Hijacked', last_updated: '2024-03-02T00:00:00Z' }],
      ['GET', `receiver/locations/${named}/LOC1`],
      ['PUT', `receiver/sessions/${named}/S1`, session(party, 'S1')],
      ['GET', `receiver/sessions/${named}/S1`],
      ['PUT', `receiver/tariffs/${named}/T1`, tariff(party, 'T1')],
      ['DELETE', `receiver/tariffs/${named}/T1`],
      ['PUT', `receiver/tokens/${named}/TOKEN1?type=RFID`, token(party, 'TOKEN1')],
      ['GET', `receiver/cdrs/${named}/CDR1`],
    ];
    for (const from of [HUB, party]) {
      for (const [method, path, body] of urls) {
        const answer = await call(node.hub, method, path, {
          from,
          to: path.includes('/tokens/') ? OUR_CPO : OUR_EMSP,
          ...(body === undefined ? {} : { body }),
        });
        if (from === HUB) {
          check(answer.status === 404 && refusal.test(answer.envelope.status_message ?? ''), `${method} ${path} by the hub: ${said(answer)}`);
        } else {
          // OCPI-from naming a party the hub does not serve is refused first (2001), naming it too.
          check(
            answer.envelope.status_code === 2001 && new RegExp(named).test(answer.envelope.status_message ?? ''),
            `${method} ${path} from ${named}: ${said(answer)}`,
          );
        }
      }
      const post = await call(node.hub, 'POST', 'receiver/cdrs', { from, to: OUR_EMSP, body: cdr(party, 'CDR9') });
      check(post.envelope.status_code === 2001 && new RegExp(named).test(post.envelope.status_message ?? ''), `CDR POST of ${named}: ${said(post)}`);
    }
  }
  // Nothing of the direct CPO was lost.
  const kept = await call(node.direct, 'GET', 'receiver/locations/DE/DIR/LOC1');
  check(kept.envelope.data?.name === 'Direct CPO', `the direct CPO's Location is its own: ${JSON.stringify(kept.envelope.data?.name)}`);
}
