// Issue 16, "Done when": every routing scenario of transport_and_format "Message Routing" (the tables
// under "Overview of required/optional routing headers for different scenarios") through each adapter
// over real loopback HTTP, the hub and every platform served through the adapter under test. Each node
// records what it received and what it answered (a layer around its real handler, `startNetworkNode`),
// so the routing headers of every hop are checked: requesting platform to hub (what the hub received),
// hub to receiving platform (what the platform received), its answer (what it answered), and the hub's
// answer (what the requesting platform received). The network is built once per adapter; the parties
// that go down do so in the last group.
import {
  type CDR,
  type ClientInfo,
  type CommandResultReceiver,
  cdrsReceiver,
  cdrsSender,
  commandsReceiver,
  createCommandResultReceiver,
  hubClientInfoReceiver,
  type Location,
  locationsReceiver,
  locationsSender,
  type OcpiResult,
  type Partner,
  type PartnerClient,
  type PartyRef,
  putOwnObject,
  type Session,
  STORE_MODULES,
  sessionsReceiver,
  sessionsSender,
  type Token,
  tokensReceiver,
  tokensSender,
} from '@ocpi-ts/core';
import {
  connectToHub,
  eventually,
  example,
  type NetworkNode,
  type NetworkNodeOptions,
  party,
  type SeenRequest,
  serveThrough,
  startNetworkNode,
  tokenHeader,
} from '@ocpi-ts/core/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NodeConfig } from '../src/config.js';
import { listen } from '../src/http.js';

const HUB = party('HUB', 'NL', 'HUB');
const HUB2 = party('HUB', 'BE', 'HB2');
/** A CPO platform hosting two parties. */
const CPA = party('CPO', 'NL', 'CPA');
const CPX = party('CPO', 'NL', 'CPX');
const CPB = party('CPO', 'BE', 'CPB');
/** Behind the second hub. */
const CPC = party('CPO', 'BE', 'CPC');
/** An eMSP platform hosting two parties. */
const MSP = party('EMSP', 'DE', 'MSP');
const MSQ = party('EMSP', 'DE', 'MSQ');
const EVIL = party('EMSP', 'FR', 'EVL');
const ALL_PARTIES = 7;

const ref = (p: PartyRef): PartyRef => ({ country_code: p.country_code, party_id: p.party_id });
const name = (p: PartyRef | undefined) => (p ? `${p.country_code}*${p.party_id}` : undefined);

const location = (owner: PartyRef, id: string): Location => ({ ...example<Location>('location_example.json'), ...ref(owner), id });
const cdrToken = (emsp: PartyRef) => ({
  ...ref(emsp),
  uid: `${emsp.party_id}-driver`,
  type: 'RFID' as const,
  contract_id: `${emsp.country_code}-${emsp.party_id}-C1`,
});
const session = (cpo: PartyRef, emsp: PartyRef, id: string): Session => ({
  ...example<Session>('session_example_1_simple_start.json'),
  ...ref(cpo),
  id,
  status: 'ACTIVE',
  cdr_token: cdrToken(emsp),
});
const cdr = (cpo: PartyRef, emsp: PartyRef, id: string): CDR => ({ ...example<CDR>('cdr_example.json'), ...ref(cpo), id, cdr_token: cdrToken(emsp) });
const token = (emsp: PartyRef, uid: string): Token => ({ ...example<Token>('token_example_1_app_user.json'), ...ref(emsp), uid, type: 'RFID' });

/** The routing headers of a hop, as `CC*PID` (undefined where absent). */
function routingOf(headers: Record<string, string> | Headers | undefined) {
  const get = (n: string) => (headers instanceof Headers ? (headers.get(n) ?? undefined) : headers?.[n]);
  const pair = (side: 'from' | 'to') => {
    const country = get(`ocpi-${side}-country-code`);
    return country === undefined ? undefined : `${country}*${get(`ocpi-${side}-party-id`)}`;
  };
  return { from: pair('from'), to: pair('to') };
}

/** The request a node received carrying this correlation id (the last one, when retried). */
const received = (node: NetworkNode, correlationId: string, path?: string): SeenRequest | undefined =>
  [...node.seen].reverse().find((r) => r.headers['x-correlation-id'] === correlationId && (!path || r.url.includes(path)));

let correlation = 0;
const newCorrelationId = () => `corr-${++correlation}-${Date.now().toString(36)}`;

type Adapter = NodeConfig['adapter'];

/** Serves a node through `adapter`, as the reference node does (`listen`). */
const through =
  (adapter: Adapter): NonNullable<NetworkNodeOptions['serve']> =>
  (build) =>
    serveThrough(async (server) => {
      const listening = await listen(server, { adapter, host: '127.0.0.1', port: 0 }, []);
      return { origin: `http://127.0.0.1:${listening.port}`, close: () => listening.close(200) };
    }, build);

interface Network {
  hub: NetworkNode;
  hub2: NetworkNode;
  cpo: NetworkNode;
  cpoB: NetworkNode;
  cpoC: NetworkNode;
  emsp: NetworkNode & { results: CommandResultReceiver };
  evil: NetworkNode;
  /** Each member's record of the hub it is connected to. */
  hubOf: { cpo: Partner; cpoB: Partner; cpoC: Partner; emsp: Partner; evil: Partner };
  close(): Promise<void>;
}

async function startNetwork(adapter: Adapter): Promise<Network> {
  const serve = through(adapter);
  const started: NetworkNode[] = [];
  const start = async (options: NetworkNodeOptions) => {
    const node = await startNetworkNode({ ...options, serve });
    started.push(node);
    return node;
  };
  const cpoModules = () => [
    locationsSender(),
    sessionsSender(),
    cdrsSender(),
    tokensReceiver(),
    commandsReceiver(
      { startSession: () => ({ response: { result: 'ACCEPTED', timeout: 30 }, result: { result: 'ACCEPTED' } }) },
      { outbound: { allowLoopback: true, allowPrivate: true } },
    ),
    hubClientInfoReceiver(),
  ];
  const results = createCommandResultReceiver({ timeoutMs: 10_000 });
  try {
    const hub = await start({ parties: [HUB], hub: true, hubParties: [HUB2], timeoutMs: 1500 });
    const hub2 = await start({ parties: [HUB2], hub: true, hubParties: [HUB], timeoutMs: 1500 });
    const cpo = await start({ parties: [CPA, CPX], hubParties: [HUB], modules: cpoModules() });
    const cpoB = await start({ parties: [CPB], hubParties: [HUB], modules: cpoModules() });
    const cpoC = await start({ parties: [CPC], hubParties: [HUB2], modules: cpoModules() });
    const emspNode = await start({
      parties: [MSP, MSQ],
      hubParties: [HUB],
      modules: [locationsReceiver(), sessionsReceiver(), cdrsReceiver(), tokensSender(), results.module, hubClientInfoReceiver()],
    });
    const evil = await start({
      parties: [EVIL],
      hubParties: [HUB],
      modules: [locationsReceiver(), sessionsReceiver(), cdrsReceiver(), hubClientInfoReceiver()],
    });
    for (const [node, owner, ids] of [
      [cpo, CPA, ['CPA-LOC1', 'CPA-LOC2']],
      [cpo, CPX, ['CPX-LOC1']],
      [cpoB, CPB, ['CPB-LOC1']],
      [cpoC, CPC, ['CPC-LOC1']],
    ] as const) {
      for (const id of ids) await putOwnObject(node.store, STORE_MODULES.locations, owner, location(owner, id));
    }
    await connectToHub(hub2, hub);
    const hubOf = {
      cpo: (await connectToHub(cpo, hub)).atMember,
      cpoB: (await connectToHub(cpoB, hub)).atMember,
      emsp: (await connectToHub(emspNode, hub)).atMember,
      evil: (await connectToHub(evil, hub)).atMember,
      cpoC: (await connectToHub(cpoC, hub2)).atMember,
    };
    // Every platform learns every party through Hub Client Info (those behind the second hub too)
    // before it accepts what the hubs relay for them.
    for (const member of [cpo, cpoB, cpoC, emspNode, evil]) {
      await eventually('every ClientInfo pushed to every platform', async () => (await clientInfos(member)).length === ALL_PARTIES, 15_000);
    }
    const emsp = Object.assign(emspNode, { results });
    return { hub, hub2, cpo, cpoB, cpoC, emsp, evil, hubOf, close: () => closeAll(started) };
  } catch (error) {
    await closeAll(started);
    throw error;
  }
}

const closeAll = async (nodes: NetworkNode[]) => {
  await Promise.allSettled(nodes.map((n) => n.close()));
};

const clientInfos = async (member: NetworkNode) =>
  (await member.store.objects.list<ClientInfo>({ module: STORE_MODULES.hubClientInfo, offset: 0, limit: 100 })).items.map((i) => i.data);

interface Envelope {
  data?: any;
  status_code: number;
  status_message?: string;
}

/** A request sent as a platform would, with its token at the hub (`atMember`) and the routing headers given. */
async function call(
  hub: NetworkNode,
  atMember: Partner,
  method: string,
  path: string,
  options: { from?: PartyRef; to?: PartyRef; body?: unknown; correlationId?: string } = {},
) {
  const headers: Record<string, string> = { authorization: tokenHeader(atMember.outboundToken as string), 'x-request-id': `req-${newCorrelationId()}` };
  if (options.correlationId) headers['x-correlation-id'] = options.correlationId;
  if (options.from) Object.assign(headers, { 'ocpi-from-country-code': options.from.country_code, 'ocpi-from-party-id': options.from.party_id });
  if (options.to) Object.assign(headers, { 'ocpi-to-country-code': options.to.country_code, 'ocpi-to-party-id': options.to.party_id });
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const url = path.startsWith('http') ? path : `${hub.origin}/ocpi/2.2.1/${path}`;
  const response = await fetch(url, { method, headers, ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }) });
  return { status: response.status, headers: Object.fromEntries(response.headers), json: (await response.json()) as Envelope };
}

/** The four hops of a routed request, each with the routing headers the tables name. */
function expectRoutedHops(
  network: Network,
  options: {
    correlationId: string;
    /** The headers of the hub's answer, as the requesting platform received them. */
    answer: Headers | Record<string, string>;
    receiving: NetworkNode;
    /** The hub's request to the receiving platform: below this path. */
    path: string;
    requestToHub: { from: string; to: string | undefined };
    hubToReceiver: { from: string; to: string };
  },
) {
  const { correlationId, answer, receiving, path } = options;
  const atHub = received(network.hub, correlationId, path.split('/')[1]);
  // Requesting platform to hub.
  expect(routingOf(atHub?.headers)).toEqual({ from: options.requestToHub.from, to: options.requestToHub.to });
  // Hub to receiving platform: a new X-Request-ID, the same X-Correlation-ID (transport_and_format, "Unique message IDs").
  const atReceiver = received(receiving, correlationId, path);
  expect(atReceiver, `the receiving platform got ${path}`).toBeDefined();
  expect(routingOf(atReceiver?.headers)).toEqual(options.hubToReceiver);
  expect(atReceiver?.headers['x-request-id']).toBeTruthy();
  expect(atReceiver?.headers['x-request-id']).not.toBe(atHub?.headers['x-request-id']);
  // Receiving platform to hub: TO the requesting party, FROM the receiving party.
  const back = { from: options.hubToReceiver.to, to: options.hubToReceiver.from };
  expect(routingOf(atReceiver?.answer?.headers)).toEqual(back);
  expect(atReceiver?.answer?.headers['x-correlation-id']).toBe(correlationId);
  // Hub to requesting platform: the same, with the request's own X-Request-ID and X-Correlation-ID.
  const header = (n: string) => (answer instanceof Headers ? answer.get(n) : answer[n]);
  expect(routingOf(answer)).toEqual(back);
  expect(header('x-request-id')).toBe(atHub?.headers['x-request-id']);
  expect(header('x-correlation-id')).toBe(correlationId);
}

describe.each(['fastify', 'hono', 'express'] as const)('routing through the hub, every node served by %s', (adapter) => {
  let network: Network;
  beforeAll(async () => {
    network = await startNetwork(adapter);
  }, 60_000);
  afterAll(async () => {
    await network?.close();
  });
  const via = (member: 'cpo' | 'cpoB' | 'cpoC' | 'emsp' | 'evil'): PartnerClient => network[member].client.forPartner(network.hubOf[member]);

  it('registers every platform as a HUB partner, and lists each hosted party in Hub Client Info (those behind the second hub too), without routing headers', async () => {
    expect(network.hubOf.emsp.roles.map((r) => r.role)).toEqual(['HUB']);
    const listed = await call(network.hub, network.hubOf.emsp, 'GET', 'sender/hubclientinfo');
    expect(listed.json.status_code).toBe(1000);
    expect(listed.json.data.map((i: ClientInfo) => `${i.country_code}*${i.party_id}:${i.role}:${i.status}`).sort()).toEqual([
      'BE*CPB:CPO:CONNECTED',
      'BE*CPC:CPO:CONNECTED',
      'DE*MSP:EMSP:CONNECTED',
      'DE*MSQ:EMSP:CONNECTED',
      'FR*EVL:EMSP:CONNECTED',
      'NL*CPA:CPO:CONNECTED',
      'NL*CPX:CPO:CONNECTED',
    ]);
    // Configuration modules carry no routing headers ("Message Routing Headers"), the pushes of ClientInfo neither.
    const pushed = network.emsp.seen.filter((r) => r.url.includes('/receiver/hubclientinfo/'));
    expect(pushed.length).toBeGreaterThanOrEqual(ALL_PARTIES);
    for (const push of pushed) expect(routingOf(push.headers)).toEqual({ from: undefined, to: undefined });
  });

  // "Party to Party via Hub": TO the receiving party, FROM the requesting party, on the way there; reversed on the way back.
  const viaHub: {
    name: string;
    by: 'cpo' | 'cpoB' | 'emsp';
    from: PartyRef;
    to: PartyRef;
    receiving: 'cpo' | 'cpoB' | 'emsp';
    path: string;
    send: (client: PartnerClient, options: { from: PartyRef; to: PartyRef; correlationId: string }) => Promise<OcpiResult<unknown>>;
    check?: (answer: OcpiResult<unknown>) => void | Promise<void>;
  }[] = [
    {
      name: 'GET of a Location of the second party of a CPO platform',
      by: 'emsp',
      from: MSQ,
      to: CPX,
      receiving: 'cpo',
      path: '/sender/locations/CPX-LOC1',
      send: (client, options) => client.get('locations', 'SENDER', ['CPX-LOC1'], options),
      check: (answer) => expect((answer.data as Location).id).toBe('CPX-LOC1'),
    },
    {
      name: 'PUT of a Token of the second party of an eMSP platform to a CPO',
      by: 'emsp',
      from: MSQ,
      to: CPB,
      receiving: 'cpoB',
      path: '/receiver/tokens/DE/MSQ/MSQ-T1',
      send: (client, options) => client.pushToken(token(MSQ, 'MSQ-T1'), options),
    },
    {
      name: 'PUT of a Session from a CPO platform’s second party to an eMSP platform’s second party',
      by: 'cpo',
      from: CPX,
      to: MSQ,
      receiving: 'emsp',
      path: '/receiver/sessions/NL/CPX/S-X1',
      send: (client, options) => client.pushSession(session(CPX, MSQ, 'S-X1'), options),
    },
    {
      name: 'POST of a CDR from a CPO to an eMSP platform’s first party, its Location relayed as the hub’s',
      by: 'cpoB',
      from: CPB,
      to: MSP,
      receiving: 'emsp',
      path: '/receiver/cdrs',
      send: async (client, options) => (await client.postCdr(cdr(CPB, MSP, 'CDR-B1'), options)).result,
      check: async (answer) => {
        const location = answer.headers.get('location') as string;
        expect(location).toMatch(new RegExp(`^${network.hub.origin}/ocpi/2.2.1/receiver/cdrs/`));
        // The CDR is read back at that URL, through the hub.
        const back = await call(network.hub, network.hubOf.cpoB, 'GET', location, { from: CPB, to: MSP });
        expect(back.json.data.id).toBe('CDR-B1');
        expect(routingOf(back.headers)).toEqual({ from: 'DE*MSP', to: 'BE*CPB' });
      },
    },
  ];
  for (const row of viaHub) {
    it(`party to party via the hub: ${row.name}`, async () => {
      const correlationId = newCorrelationId();
      const answer = await row.send(via(row.by), { from: row.from, to: row.to, correlationId });
      expect(answer.statusCode).toBe(1000);
      await row.check?.(answer);
      expectRoutedHops(network, {
        correlationId,
        answer: answer.headers,
        receiving: network[row.receiving],
        path: row.path,
        requestToHub: { from: name(row.from) as string, to: name(row.to) },
        hubToReceiver: { from: name(row.from) as string, to: name(row.to) as string },
      });
    });
  }

  it('relays a paginated list with Link, X-Total-Count and X-Limit, the next page coming back through the hub', async () => {
    const ids: string[] = [];
    let url: string | undefined = 'sender/locations?limit=2';
    for (let page = 0; url; page++) {
      const answer: Awaited<ReturnType<typeof call>> = await call(network.hub, network.hubOf.emsp, 'GET', url, { from: MSP, to: CPA });
      expect(answer.json.status_code).toBe(1000);
      expect(answer.headers['x-total-count']).toBe('3');
      expect(answer.headers['x-limit']).toBe('2');
      expect(routingOf(answer.headers)).toEqual({ from: 'NL*CPA', to: 'DE*MSP' });
      ids.push(...answer.json.data.map((l: Location) => l.id));
      url = answer.headers.link?.match(/<([^>]+)>/)?.[1];
      if (url) expect(url.startsWith(`${network.hub.origin}/ocpi/2.2.1/sender/locations?`)).toBe(true);
      expect(page).toBeLessThan(2);
    }
    expect(ids).toEqual(['CPA-LOC1', 'CPA-LOC2', 'CPX-LOC1']);
  });

  // "Party to Party Broadcast Push": TO the hub FROM the requesting party, answered FROM the hub; the hub
  // to each receiving platform FROM the hub, answered TO the hub; the URL keeps the owner.
  const broadcasts: {
    name: string;
    by: 'cpo' | 'emsp';
    from: PartyRef;
    push: (client: PartnerClient, options: { correlationId: string }) => Promise<OcpiResult<unknown>>;
    path: string;
    /** Each receiving platform, and the party the hub addresses there. */
    receivers: () => [NetworkNode, PartyRef][];
    /** Platforms that must not get it (the other role, and the sender). */
    others: () => NetworkNode[];
    stored?: { module: string; owner: PartyRef; id: string };
  }[] = [
    {
      name: 'a CPO’s Location goes to every eMSP platform, to no CPO',
      by: 'cpo',
      from: CPX,
      push: (client, options) => client.pushLocation(location(CPX, 'CPX-B1'), { broadcast: true, ...options }),
      path: '/receiver/locations/NL/CPX/CPX-B1',
      receivers: () => [
        [network.emsp, MSP],
        [network.evil, EVIL],
      ],
      others: () => [network.cpo, network.cpoB],
      stored: { module: STORE_MODULES.locations, owner: CPX, id: 'CPX-B1' },
    },
    {
      name: 'an eMSP’s Token goes to every CPO platform, to no eMSP',
      by: 'emsp',
      from: MSQ,
      push: (client, options) => client.pushToken(token(MSQ, 'MSQ-B1'), { broadcast: true, ...options }),
      path: '/receiver/tokens/DE/MSQ/MSQ-B1',
      receivers: () => [
        [network.cpo, CPA],
        [network.cpoB, CPB],
      ],
      others: () => [network.emsp, network.evil],
    },
  ];
  for (const row of broadcasts) {
    it(`Broadcast Push: ${row.name}`, async () => {
      const correlationId = newCorrelationId();
      const pushed = await row.push(via(row.by), { correlationId });
      expect(pushed.statusCode).toBe(1000);
      // Broadcast request, requesting platform to hub: TO the hub, FROM the requesting party.
      expect(routingOf(received(network.hub, correlationId)?.headers)).toEqual({ from: name(row.from), to: 'NL*HUB' });
      // Broadcast response, hub to requesting platform: TO the requesting party, FROM the hub.
      expect(routingOf(pushed.headers)).toEqual({ from: 'NL*HUB', to: name(row.from) });
      expect(pushed.headers.get('x-correlation-id')).toBe(correlationId);
      for (const [member, party] of row.receivers()) {
        const hop = await eventually('the broadcast at each receiving platform', async () => received(member, correlationId, row.path));
        // Broadcast request, hub to receiving platform: TO the receiving party, FROM the hub.
        expect(routingOf(hop.headers)).toEqual({ from: 'NL*HUB', to: name(party) });
        // Broadcast response, receiving platform to hub: TO the hub, FROM the receiving party.
        expect(routingOf(hop.answer?.headers)).toEqual({ from: name(party), to: 'NL*HUB' });
        if (row.stored) expect(await member.store.objects.get({ ...row.stored, owner: ref(row.stored.owner) })).toBeDefined();
      }
      for (const other of row.others()) expect(other.seen.some((r) => r.url.includes(row.path))).toBe(false);
    });
  }

  // "Party to Party Open Routing Request": the request to the hub carries no TO headers (sent as a
  // platform would, our client naming the receiver when the object does); the hub names the receiver it found.
  const openRequests: {
    name: string;
    by: 'cpo' | 'cpoB' | 'emsp';
    from: PartyRef;
    receiver: PartyRef;
    receiving: 'cpo' | 'cpoB' | 'emsp';
    method: string;
    path: string;
    body?: () => unknown;
    before?: () => Promise<unknown>;
  }[] = [
    {
      name: 'a CDR goes to the eMSP of its token',
      by: 'cpoB',
      from: CPB,
      receiver: MSQ,
      receiving: 'emsp',
      method: 'POST',
      path: '/receiver/cdrs',
      body: () => cdr(CPB, MSQ, 'CDR-OPEN'),
    },
    {
      name: 'a Session goes to the eMSP of its token',
      by: 'cpo',
      from: CPA,
      receiver: MSP,
      receiving: 'emsp',
      method: 'PUT',
      path: '/receiver/sessions/NL/CPA/S-OPEN',
      body: () => session(CPA, MSP, 'S-OPEN'),
    },
    {
      name: 'a real-time authorization goes to the owner of the Token (learned from its push through the hub)',
      by: 'cpoB',
      from: CPB,
      receiver: MSQ,
      receiving: 'emsp',
      method: 'POST',
      path: '/sender/tokens/MSQ-AUTH/authorize',
      before: async () => {
        await putOwnObject(network.emsp.store, STORE_MODULES.tokens, MSQ, token(MSQ, 'MSQ-AUTH'));
        await via('emsp').pushToken(token(MSQ, 'MSQ-AUTH'), { to: CPB });
      },
    },
  ];
  for (const row of openRequests) {
    it(`open routing request: ${row.name}`, async () => {
      await row.before?.();
      const correlationId = newCorrelationId();
      const answer = await call(network.hub, network.hubOf[row.by], row.method, row.path.slice(1), {
        from: row.from,
        correlationId,
        ...(row.body ? { body: row.body() } : {}),
      });
      expect(answer.json.status_code).toBe(1000);
      expectRoutedHops(network, {
        correlationId,
        answer: answer.headers,
        receiving: network[row.receiving],
        path: row.path,
        requestToHub: { from: name(row.from) as string, to: undefined },
        hubToReceiver: { from: name(row.from) as string, to: name(row.receiver) as string },
      });
    });
  }

  it('open routing request: a command to the owner of its Location, its response_url relayed, the result back through the hub', async () => {
    // The hub learns who owns CPX-LOC1 from a push through it.
    await via('cpo').pushLocation(location(CPX, 'CPX-LOC1'), { broadcast: true });
    const correlationId = newCorrelationId();
    const sent = await via('emsp').sendCommand('START_SESSION', { token: token(MSQ, 'MSQ-CMD'), location_id: 'CPX-LOC1', evse_uid: '3256' } as never, {
      from: MSQ,
      correlationId,
      results: { receiver: network.emsp.results, node: network.emsp.node },
    });
    expect(sent.response.result).toBe('ACCEPTED');
    const atHub = received(network.hub, correlationId, '/receiver/commands/START_SESSION');
    expect(routingOf(atHub?.headers)).toEqual({ from: 'DE*MSQ', to: undefined });
    const atCpo = received(network.cpo, correlationId, '/receiver/commands/START_SESSION');
    expect(routingOf(atCpo?.headers)).toEqual({ from: 'DE*MSQ', to: 'NL*CPX' });
    expect(routingOf(atCpo?.answer?.headers)).toEqual({ from: 'NL*CPX', to: 'DE*MSQ' });
    expect((await sent.result)?.result).toBe('ACCEPTED');
    // The result: CPO platform to the hub's response_url, then the hub to the eMSP's, each FROM the CPO TO the eMSP.
    const resultAtHub = [...network.hub.seen].reverse().find((r) => r.url.includes('/sender/commands/hub-results/'));
    expect(routingOf(resultAtHub?.headers)).toEqual({ from: 'NL*CPX', to: 'DE*MSQ' });
    const resultAtEmsp = [...network.emsp.seen].reverse().find((r) => r.url.includes('/sender/commands/START_SESSION'));
    expect(routingOf(resultAtEmsp?.headers)).toEqual({ from: 'NL*CPX', to: 'DE*MSQ' });
    expect(resultAtEmsp?.answer?.status).toBe(200);
    // The hub's response_url answers only the party the command went to.
    const forged = await call(network.hub, network.hubOf.evil, 'POST', resultAtHub?.url.replace('/ocpi/2.2.1/', '') as string, {
      from: EVIL,
      body: { result: 'REJECTED' },
    });
    expect(forged.status).toBe(404);
    expect(forged.json.status_message).toBe('No result is expected at this URL from you');
  });

  it('GET All via the hub: one list over every CPO (those behind the second hub too), Link walked to the end', async () => {
    const ids: string[] = [];
    let url: string | undefined = 'sender/locations?limit=2';
    const correlationId = newCorrelationId();
    while (url) {
      const page: Awaited<ReturnType<typeof call>> = await call(network.hub, network.hubOf.emsp, 'GET', url, { from: MSP, to: HUB, correlationId });
      expect(page.json.status_code).toBe(1000);
      expect(page.headers['x-limit']).toBe('2');
      // GET All via Hubs response: TO the requesting party, FROM the hub.
      expect(routingOf(page.headers)).toEqual({ from: 'NL*HUB', to: 'DE*MSP' });
      ids.push(...page.json.data.map((l: Location) => `${l.party_id}/${l.id}`));
      const total = Number(page.headers['x-total-count']);
      expect(total).toBeGreaterThanOrEqual(ids.length);
      url = page.headers.link?.match(/<([^>]+)>/)?.[1];
      if (url) expect(url.startsWith(`${network.hub.origin}/ocpi/2.2.1/sender/locations?`)).toBe(true);
      else expect(ids.length).toBe(total);
      expect(ids.length).toBeLessThan(20);
    }
    for (const id of ['CPA/CPA-LOC1', 'CPA/CPA-LOC2', 'CPX/CPX-LOC1', 'CPB/CPB-LOC1', 'CPC/CPC-LOC1']) expect(ids).toContain(id);
    expect(new Set(ids).size).toBe(ids.length);
    // Each party is asked on the requester's behalf (TO the party, FROM the requester), so its own visibility rules apply.
    expect(routingOf(received(network.cpoB, correlationId, '/sender/locations')?.headers)).toEqual({ from: 'DE*MSP', to: 'BE*CPB' });
  });

  it('a hub in front of a hub: an eMSP on one hub reaches a CPO on the other, each hop with the original parties', async () => {
    const correlationId = newCorrelationId();
    const answer = await via('emsp').get<Location>('locations', 'SENDER', ['CPC-LOC1'], { from: MSQ, to: CPC, correlationId });
    expect(answer.data.id).toBe('CPC-LOC1');
    expect(routingOf(answer.headers)).toEqual({ from: 'BE*CPC', to: 'DE*MSQ' });
    for (const node of [network.hub2, network.cpoC]) {
      const hop = received(node, correlationId, '/sender/locations/CPC-LOC1');
      expect(routingOf(hop?.headers)).toEqual({ from: 'DE*MSQ', to: 'BE*CPC' });
      expect(routingOf(hop?.answer?.headers)).toEqual({ from: 'BE*CPC', to: 'DE*MSQ' });
      expect(hop?.headers['x-correlation-id']).toBe(correlationId);
    }
    // And back: the CPO behind the second hub pushes a CDR to the eMSP's second party (an open request at each hub).
    const posted = await via('cpoC').postCdr(cdr(CPC, MSQ, 'CDR-C1'));
    expect(posted.result.statusCode).toBe(1000);
    expect(await network.emsp.store.objects.get({ module: STORE_MODULES.cdrs, owner: ref(CPC), id: 'CDR-C1' })).toBeDefined();
    expect(routingOf([...network.emsp.seen].reverse().find((r) => r.url.endsWith('/receiver/cdrs'))?.headers)).toEqual({ from: 'BE*CPC', to: 'DE*MSQ' });
  });

  // The hub's own answers (status_codes "4xxx: Hub errors"; docs/hub.md, "Errors").
  const refusals: {
    name: string;
    by: 'cpoB' | 'emsp';
    method: string;
    path: string;
    from: PartyRef;
    to?: PartyRef;
    body?: () => unknown;
    status: number;
    message: RegExp;
  }[] = [
    {
      name: '4001: OCPI-to names no party connected to the hub',
      by: 'emsp',
      method: 'GET',
      path: 'sender/locations/X',
      from: MSP,
      to: party('CPO', 'XX', 'NOP'),
      status: 4001,
      message: /XX\*NOP is not connected/,
    },
    {
      name: '4001: an open request whose object names no connected party',
      by: 'cpoB',
      method: 'POST',
      path: 'receiver/cdrs',
      from: CPB,
      body: () => cdr(CPB, party('EMSP', 'XX', 'NOP'), 'CDR-NOWHERE'),
      status: 4001,
      message: /XX\*NOP is not connected/,
    },
    {
      name: '4000: the receiver does not implement the module interface',
      by: 'cpoB',
      method: 'GET',
      path: 'sender/tokens',
      from: CPB,
      to: EVIL,
      status: 4000,
      message: /does not implement the tokens SENDER interface/,
    },
    {
      name: '2001: a Broadcast Push of an invalid Location, refused before any receiver is sent it',
      by: 'cpoB',
      method: 'PUT',
      path: 'receiver/locations/BE/CPB/CPB-BAD',
      from: CPB,
      to: HUB,
      body: () => ({ country_code: 'BE', party_id: 'CPB', id: 'CPB-BAD' }),
      status: 2001,
      message: /^Invalid Location: .*address/,
    },
    {
      name: '2001: a Broadcast Push without a body',
      by: 'cpoB',
      method: 'PUT',
      path: 'receiver/locations/BE/CPB/CPB-EMPTY',
      from: CPB,
      to: HUB,
      status: 2001,
      message: /carries a Location; the body is empty/,
    },
    {
      name: '2001: a request to the hub itself that is neither a Broadcast Push, a GET All nor placeable by its object',
      by: 'emsp',
      method: 'GET',
      path: 'sender/locations/CPA-LOC1',
      from: MSP,
      to: HUB,
      status: 2001,
      message: /name its receiver in OCPI-to/,
    },
  ];
  for (const row of refusals) {
    it(`the hub refuses: ${row.name}`, async () => {
      const answer = await call(network.hub, network.hubOf[row.by], row.method, row.path, {
        from: row.from,
        ...(row.to ? { to: row.to } : {}),
        ...(row.body ? { body: row.body() } : {}),
      });
      expect(answer.status).toBe(200);
      expect(answer.json.status_code).toBe(row.status);
      expect(answer.json.status_message).toMatch(row.message);
      // Answered by the hub: TO the requesting party, FROM the hub.
      expect(routingOf(answer.headers)).toEqual({ from: 'NL*HUB', to: name(row.from) });
    });
  }

  describe('isolation: a party never gets another’s Sessions, CDRs or Tokens through the hub', () => {
    const sessionsQuery = 'sender/sessions?date_from=2000-01-01T00:00:00Z';
    // Each: what the attacker (FR*EVL, an eMSP on its own platform) sends; what it must get. A forged
    // OCPI-from is 2001; a client-owned URL naming another party than OCPI-from is HTTP 404, as on a node
    // (docs/hub.md, "Errors"); never any data.
    const attempts: {
      name: string;
      method: string;
      path: string;
      from: PartyRef;
      to: PartyRef;
      body?: () => unknown;
      expect: { http?: number; status: number };
    }[] = [
      {
        name: 'a forged OCPI-from (another platform’s party) on a Session list',
        method: 'GET',
        path: sessionsQuery,
        from: MSP,
        to: CPA,
        expect: { status: 2001 },
      },
      { name: 'a forged OCPI-from on a GET All of Sessions', method: 'GET', path: sessionsQuery, from: MSQ, to: HUB, expect: { status: 2001 } },
      { name: 'a forged OCPI-from naming the hub itself', method: 'GET', path: sessionsQuery, from: HUB, to: CPA, expect: { status: 2001 } },
      { name: 'a forged OCPI-from on a CDR at its URL', method: 'GET', path: 'sender/cdrs', from: MSP, to: CPB, expect: { status: 2001 } },
      {
        name: 'a Token of another eMSP, read at a CPO',
        method: 'GET',
        path: 'receiver/tokens/DE/MSQ/MSQ-T1',
        from: EVIL,
        to: CPB,
        expect: { http: 404, status: 2000 },
      },
      {
        name: 'a Token of another eMSP, overwritten at a CPO',
        method: 'PUT',
        path: 'receiver/tokens/DE/MSQ/MSQ-T1',
        from: EVIL,
        to: CPB,
        body: () => token(MSQ, 'MSQ-T1'),
        expect: { http: 404, status: 2000 },
      },
      {
        name: 'a CDR of another party pushed to its eMSP',
        method: 'POST',
        path: 'receiver/cdrs',
        from: EVIL,
        to: MSP,
        body: () => cdr(CPA, MSP, 'CDR-EVIL'),
        expect: { status: 2001 },
      },
      {
        name: 'a Session of another party read at the eMSP that holds it',
        method: 'GET',
        path: 'receiver/sessions/NL/CPX/S-X1',
        from: EVIL,
        to: MSQ,
        expect: { http: 404, status: 2000 },
      },
    ];
    for (const attempt of attempts) {
      it(attempt.name, async () => {
        const answer = await call(network.hub, network.hubOf.evil, attempt.method, attempt.path, {
          from: attempt.from,
          to: attempt.to,
          ...(attempt.body ? { body: attempt.body() } : {}),
        });
        expect(answer.json.status_code).toBe(attempt.expect.status);
        if (attempt.expect.http) expect(answer.status).toBe(attempt.expect.http);
        expect(answer.json.data ?? []).toEqual([]);
        expect(answer.json.status_message).toBeTruthy();
      });
    }

    it('as itself, it sees none of the Sessions and CDRs of others, directly or by GET All', async () => {
      await putOwnObject(network.cpo.store, STORE_MODULES.sessions, CPA, session(CPA, MSP, 'S-MSP'), { audience: [ref(MSP)] });
      await putOwnObject(network.cpoB.store, STORE_MODULES.cdrs, CPB, cdr(CPB, MSQ, 'CDR-MSQ'), { audience: [ref(MSQ)] });
      const own = await call(network.hub, network.hubOf.emsp, 'GET', sessionsQuery, { from: MSP, to: CPA });
      expect(own.json.data.map((s: Session) => s.id)).toEqual(['S-MSP']);
      for (const [path, to] of [
        [sessionsQuery, CPA],
        [sessionsQuery, HUB],
        ['sender/cdrs?date_from=2000-01-01T00:00:00Z', CPB],
        ['sender/cdrs?date_from=2000-01-01T00:00:00Z', HUB],
      ] as const) {
        const theirs = await call(network.hub, network.hubOf.evil, 'GET', path, { from: EVIL, to });
        expect(theirs.json.status_code).toBe(1000);
        expect(theirs.json.data).toEqual([]);
      }
      // None of the Sessions and CDRs routed in this suite reached the attacker's platform.
      expect(network.evil.seen.filter((r) => /\/receiver\/(sessions|cdrs)/.test(r.url))).toEqual([]);
      expect(await network.emsp.store.objects.get({ module: STORE_MODULES.cdrs, owner: ref(CPA), id: 'CDR-EVIL' })).toBeUndefined();
    });
  });

  describe('a party down (last: these change the network)', () => {
    it('answers 4002 when a party does not answer in time, and 4003 when it is down; its ClientInfo goes OFFLINE and is pushed', async () => {
      const atHub = (await network.hub.store.partners.list()).find((p) => p.versionsUrl === network.cpoB.node.versionsUrl) as Partner;
      const silent = await serveThrough(
        async (server) => {
          const listening = await listen(server, { adapter, host: '127.0.0.1', port: 0 }, []);
          return { origin: `http://127.0.0.1:${listening.port}`, close: () => listening.close(0) };
        },
        () => ({ ...network.cpoB.server, handle: () => new Promise(() => {}) }),
      );
      try {
        await network.hub.store.partners.save({
          ...atHub,
          endpoints: atHub.endpoints.map((e) => ({ ...e, url: e.url.replace(network.cpoB.origin, silent.origin) })),
        });
        const late = await call(network.hub, network.hubOf.emsp, 'GET', 'sender/locations/CPB-LOC1', { from: MSP, to: CPB });
        expect(late.json.status_code).toBe(4002);
        expect(late.json.status_message).toContain('1500 ms');
      } finally {
        await network.hub.store.partners.save(atHub);
        await silent.close();
      }
      await eventually('OFFLINE pushed', async () => (await clientInfos(network.emsp)).find((i) => i.party_id === 'CPB' && i.status === 'OFFLINE'));
      // Up again: it answers, and is CONNECTED again.
      const back = await call(network.hub, network.hubOf.emsp, 'GET', 'sender/locations/CPB-LOC1', { from: MSP, to: CPB });
      expect(back.json.status_code).toBe(1000);
      await eventually('CONNECTED pushed', async () => (await clientInfos(network.emsp)).find((i) => i.party_id === 'CPB' && i.status === 'CONNECTED'));
      await network.cpoB.close();
      const down = await call(network.hub, network.hubOf.emsp, 'GET', 'sender/locations/CPB-LOC1', { from: MSP, to: CPB });
      expect(down.status).toBe(200);
      expect(down.json.status_code).toBe(4003);
      const offline = await eventually('OFFLINE pushed to every platform', async () =>
        (await clientInfos(network.cpo)).find((i) => i.party_id === 'CPB' && i.status === 'OFFLINE'),
      );
      expect(offline.role).toBe('CPO');
      // GET All leaves the party out and answers for the others.
      const all = await call(network.hub, network.hubOf.emsp, 'GET', 'sender/locations?limit=100', { from: MSP, to: HUB });
      expect(all.json.status_code).toBe(1000);
      expect(all.json.data.map((l: Location) => l.party_id)).not.toContain('CPB');
    });

    it('marks a party that unregisters SUSPENDED, pushes it, and answers requests to it 4001', async () => {
      await network.evil.registry.unregister(network.hubOf.evil.id);
      const suspended = await eventually('SUSPENDED pushed', async () =>
        (await clientInfos(network.cpo)).find((i) => i.party_id === 'EVL' && i.status === 'SUSPENDED'),
      );
      expect(suspended.role).toBe('EMSP');
      const gone = await call(network.hub, network.hubOf.cpo, 'PUT', `receiver/locations/NL/CPA/CPA-LOC1`, {
        from: CPA,
        to: EVIL,
        body: location(CPA, 'CPA-LOC1'),
      });
      expect(gone.json.status_code).toBe(4001);
    });
  });
});
