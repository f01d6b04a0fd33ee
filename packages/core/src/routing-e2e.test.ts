// Issue 16, platforms behind hubs, end to end over HTTP: platforms hosting several parties, connected party to
// party, with the routing headers of every request and of its answer checked (transport_and_format,
// "Party to Party (without Hub)": a request goes to the receiving party from the requesting one, the
// answer back). The client picks them from the module, the interface and the object (`routeOutbound`).
import { describe, expect, it } from 'vitest';
import { createRegistrationToken } from './credentials/registration-tokens.js';
import type { OcpiModule } from './module.js';
import { cdrsReceiver } from './modules/cdrs.js';
import { commandsReceiver } from './modules/commands.js';
import { putOwnObject, STORE_MODULES } from './modules/common.js';
import { locationsReceiver, locationsSender } from './modules/locations.js';
import { sessionsReceiver } from './modules/sessions.js';
import { tokensReceiver, tokensSender } from './modules/tokens.js';
import { LOCAL_OUTBOUND_POLICY } from './outbound.js';
import type { CredentialsRole, Partner } from './partners/partner.js';
import { partnerToken } from './partners/partner.js';
import type { CDR, Location, Session, Token } from './schemas/v2.3.0/index.js';
import { example, role } from './testing/examples.js';
import { type HttpTestNode, testNodesClosedAfterEach } from './testing/nodes.js';

const node = testNodesClosedAfterEach();

/** One request a node sent, with the routing headers it carried and those of the answer. */
interface Hop {
  method: string;
  path: string;
  sent: { from: string; to: string };
  answered: { from: string; to: string };
  status: number;
}

const pair = (headers: Headers, side: 'from' | 'to') => `${headers.get(`ocpi-${side}-country-code`)}/${headers.get(`ocpi-${side}-party-id`)}`;

/** A fetch that records the routing headers of each functional request and of its answer. */
function tappedFetch(hops: Hop[]): typeof fetch {
  return (async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const response = await fetch(input, init);
    const url = new URL(String(input));
    const sent = new Headers(init.headers);
    if (!/\/(versions|credentials)$|\/2\.2\.1\/?$/.test(url.pathname)) {
      hops.push({
        method: init.method ?? 'GET',
        path: url.pathname.replace(/^\/ocpi\/2\.2\.1\//, ''),
        sent: { from: pair(sent, 'from'), to: pair(sent, 'to') },
        answered: { from: pair(response.headers, 'from'), to: pair(response.headers, 'to') },
        status: response.status,
      });
    }
    return response;
  }) as typeof fetch;
}

const CPA = role('CPO', 'NL', 'CPA');
const CPB = role('CPO', 'NL', 'CPB');
const MSA = role('EMSP', 'DE', 'MSA');
const MSB = role('EMSP', 'DE', 'MSB');

const location = (owner: CredentialsRole, id: string): Location => ({
  ...example('location_example.json'),
  country_code: owner.country_code,
  party_id: owner.party_id,
  id,
});
const cdrToken = (emsp: CredentialsRole) => ({
  country_code: emsp.country_code,
  party_id: emsp.party_id,
  uid: `${emsp.party_id}-1`,
  type: 'RFID' as const,
  contract_id: `${emsp.country_code}-${emsp.party_id}-C1`,
});
const session = (cpo: CredentialsRole, emsp: CredentialsRole, id: string): Session => ({
  ...example('session_example_1_simple_start.json'),
  country_code: cpo.country_code,
  party_id: cpo.party_id,
  id,
  cdr_token: cdrToken(emsp),
});
const cdr = (cpo: CredentialsRole, emsp: CredentialsRole, id: string): CDR => ({
  ...example('cdr_example.json'),
  country_code: cpo.country_code,
  party_id: cpo.party_id,
  id,
  cdr_token: cdrToken(emsp),
});
const token = (emsp: CredentialsRole, uid: string): Token => ({
  ...example('token_example_1_app_user.json'),
  country_code: emsp.country_code,
  party_id: emsp.party_id,
  uid,
});

/** A node of these parties, its outbound calls recorded in `hops`. */
const platform = (parties: CredentialsRole[], modules: readonly OcpiModule[], hops: Hop[]) =>
  node({ parties, modules, fetch: tappedFetch(hops), credentials: { outbound: LOCAL_OUTBOUND_POLICY } });

/** `platform` registers with `target`; resolves with each side's record of the other. */
async function connect(platform: HttpTestNode, target: HttpTestNode): Promise<{ atTarget: Partner; ofTarget: Partner }> {
  const { token: tokenA } = await createRegistrationToken(target.store);
  const ofTarget = await platform.registry.register({ versionsUrl: target.versionsUrl, tokenA: partnerToken(tokenA) });
  const atTarget = (await target.store.partners.list()).find((p) =>
    p.roles.some((r) => platform.node.parties.some((o) => o.party_id === r.party_id)),
  ) as Partner;
  return { atTarget, ofTarget };
}

const cpoModules = () => [locationsSender(), tokensReceiver(), commandsReceiver({}, { outbound: LOCAL_OUTBOUND_POLICY, defaults: { resultDelayMs: 0 } })];
const emspModules = () => [locationsReceiver(), sessionsReceiver(), cdrsReceiver(), tokensSender()];

describe('platforms hosting several parties, connected party to party (issue 16)', () => {
  it('a CPO platform of NL/CPA and NL/CPB and an eMSP platform of DE/MSA and DE/MSB: each request from its owner to the party it is for, each answer back', async () => {
    const cpoHops: Hop[] = [];
    const emspHops: Hop[] = [];
    const cpo = await platform([CPA, CPB], cpoModules(), cpoHops);
    const emsp = await platform([MSA, MSB], emspModules(), emspHops);
    const { ofTarget: emspAtCpo, atTarget: cpoAtEmsp } = await connect(cpo, emsp);
    expect(emspAtCpo.roles.map((r) => r.party_id)).toEqual(['MSA', 'MSB']);
    await putOwnObject(cpo.store, STORE_MODULES.locations, CPB, location(CPB, 'LOC-B'));
    await putOwnObject(emsp.store, STORE_MODULES.tokens, MSB, token(MSB, 'TOKEN-B'));

    // The CPO platform: pushes go from the owner, Sessions and CDRs to the eMSP of their token.
    const toEmsp = cpo.client.forPartner(emspAtCpo);
    await toEmsp.pushLocation(location(CPB, 'LOC-B'));
    await toEmsp.pushSession(session(CPA, MSB, 'S-A'));
    await toEmsp.postCdr(cdr(CPB, MSB, 'CDR-B'));
    await toEmsp.pushSession(session(CPA, MSA, 'S-A2'));
    const tokens = [];
    for await (const t of toEmsp.paginate<Token>('tokens', 'SENDER')) tokens.push(t.uid);
    expect(tokens).toEqual(['TOKEN-B']);
    // Real-time authorization: to the eMSP that owns the Token.
    const authorized = await toEmsp.authorizeToken({ ...MSB, uid: 'TOKEN-B', type: 'APP_USER' });
    expect(authorized.data.allowed).toBe('ALLOWED');
    expect(cpoHops.map(({ method, path, sent, answered, status }) => [method, path, sent.from, sent.to, answered.from, answered.to, status])).toEqual([
      ['PUT', 'receiver/locations/NL/CPB/LOC-B', 'NL/CPB', 'DE/MSA', 'DE/MSA', 'NL/CPB', 201],
      ['PUT', 'receiver/sessions/NL/CPA/S-A', 'NL/CPA', 'DE/MSB', 'DE/MSB', 'NL/CPA', 201],
      ['POST', 'receiver/cdrs', 'NL/CPB', 'DE/MSB', 'DE/MSB', 'NL/CPB', 201],
      ['PUT', 'receiver/sessions/NL/CPA/S-A2', 'NL/CPA', 'DE/MSA', 'DE/MSA', 'NL/CPA', 201],
      // A Tokens GET: from our party in the role that calls the Tokens Sender (a CPO), to the eMSP.
      ['GET', 'sender/tokens', 'NL/CPA', 'DE/MSA', 'DE/MSA', 'NL/CPA', 200],
      ['POST', 'sender/tokens/TOKEN-B/authorize', 'NL/CPA', 'DE/MSB', 'DE/MSB', 'NL/CPA', 200],
    ]);

    // The eMSP platform: a Token from its owner to the CPO; commands from the eMSP whose Token it is.
    const toCpo = emsp.client.forPartner(cpoAtEmsp);
    await toCpo.pushToken(token(MSB, 'TOKEN-B'));
    const start = await toCpo.sendCommand(
      'START_SESSION',
      { response_url: 'http://127.0.0.1:9/results/1', token: token(MSB, 'TOKEN-B'), location_id: 'LOC-B', evse_uid: '3256' },
      { to: CPB },
    );
    expect(start.response.result).toBeDefined();
    await toCpo.sendCommand('STOP_SESSION', { response_url: 'http://127.0.0.1:9/results/2', session_id: 'S-A' }, { to: CPB });
    const locations = [];
    for await (const l of toCpo.paginate<Location>('locations', 'SENDER', { to: CPB })) locations.push(l.id);
    expect(locations).toEqual(['LOC-B']);
    expect(emspHops.map(({ method, path, sent, answered }) => [method, path, sent.from, sent.to, answered.from, answered.to])).toEqual([
      ['PUT', 'receiver/tokens/DE/MSB/TOKEN-B', 'DE/MSB', 'NL/CPA', 'NL/CPA', 'DE/MSB'],
      ['POST', 'receiver/commands/START_SESSION', 'DE/MSB', 'NL/CPB', 'NL/CPB', 'DE/MSB'],
      // No object names the requesting party: our party in the role that calls the Commands Receiver.
      ['POST', 'receiver/commands/STOP_SESSION', 'DE/MSA', 'NL/CPB', 'NL/CPB', 'DE/MSA'],
      ['GET', 'sender/locations', 'DE/MSA', 'NL/CPB', 'NL/CPB', 'DE/MSA'],
    ]);
  });

  it('a partner that is both CPO and eMSP: a push to its eMSP receivers goes to its eMSP party, to its CPO receivers to its CPO party', async () => {
    const cpoHops: Hop[] = [];
    const bothHops: Hop[] = [];
    const FR_CPO = role('CPO', 'FR', 'CPX');
    const FR_EMSP = role('EMSP', 'FR', 'MSX');
    const cpo = await platform([CPA], [...cpoModules(), locationsReceiver()], cpoHops);
    const both = await platform([FR_CPO, FR_EMSP], [...cpoModules(), ...emspModules()], bothHops);
    const { ofTarget: cpoAtBoth, atTarget: bothAtCpo } = await connect(both, cpo);
    const toBoth = cpo.client.forPartner(bothAtCpo);
    await toBoth.pushLocation(location(CPA, 'LOC-A'));
    await toBoth.postCdr(cdr(CPA, FR_EMSP, 'CDR-A'));
    const toCpo = both.client.forPartner(cpoAtBoth);
    await toCpo.pushToken(token(FR_EMSP, 'TOKEN-X'));
    await toCpo.pushLocation(location(FR_CPO, 'LOC-X'));
    await toCpo.sendCommand('STOP_SESSION', { response_url: 'http://127.0.0.1:9/results/3', session_id: 'S1' });
    expect(cpoHops.map(({ method, path, sent, answered }) => [method, path, sent.from, sent.to, answered.from, answered.to])).toEqual([
      ['PUT', 'receiver/locations/NL/CPA/LOC-A', 'NL/CPA', 'FR/MSX', 'FR/MSX', 'NL/CPA'],
      ['POST', 'receiver/cdrs', 'NL/CPA', 'FR/MSX', 'FR/MSX', 'NL/CPA'],
    ]);
    expect(bothHops.map(({ method, path, sent, answered }) => [method, path, sent.from, sent.to, answered.from, answered.to])).toEqual([
      ['PUT', 'receiver/tokens/FR/MSX/TOKEN-X', 'FR/MSX', 'NL/CPA', 'NL/CPA', 'FR/MSX'],
      // Our CPO party pushes its Location; the partner has no eMSP party, so it goes to its only party.
      ['PUT', 'receiver/locations/FR/CPX/LOC-X', 'FR/CPX', 'NL/CPA', 'NL/CPA', 'FR/CPX'],
      ['POST', 'receiver/commands/STOP_SESSION', 'FR/MSX', 'NL/CPA', 'NL/CPA', 'FR/MSX'],
    ]);
  });
});
