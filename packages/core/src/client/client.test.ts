import { afterEach, describe, expect, it } from 'vitest';
import { createRegistrationToken } from '../credentials/registration-tokens.js';
import { OcpiError } from '../errors.js';
import type { OcpiModule } from '../module.js';
import { commandsReceiver, readReservation } from '../modules/commands.js';
import { LOCAL_OUTBOUND_POLICY } from '../outbound.js';
import { type CredentialsRole, ourToken, type Partner, partnerToken } from '../partners/partner.js';
// The client takes the canonical model (2.3.0) and writes it in the partner's version.
import type { CDR, Location, Session, Token } from '../schemas/v2.3.0/index.js';
import { createOcpiServer } from '../server.js';
import { createMemoryStore } from '../store/memory.js';
import { example } from '../testing/examples.js';
import { serveOverHttp } from '../testing/http.js';
import { type HttpTestNode, startHttpTestNode } from '../testing/nodes.js';
import { thingsReceiver, thingsSender } from '../testing/things-module.js';
import { createOcpiClient, type OcpiCall } from './client.js';
import { createCommandResultReceiver } from './command-results.js';
import { OcpiClientError, OcpiTransportError } from './errors.js';
import { readSyncWatermark } from './sync-state.js';

const A_CPO: CredentialsRole = { role: 'CPO', country_code: 'BE', party_id: 'BEC', business_details: { name: 'A CPO' } };
const A_EMSP: CredentialsRole = { role: 'EMSP', country_code: 'DE', party_id: 'TNM', business_details: { name: 'A eMSP' } };
const B_EMSP: CredentialsRole = { role: 'EMSP', country_code: 'NL', party_id: 'MSB', business_details: { name: 'B eMSP' } };

const running: HttpTestNode[] = [];
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all([...running.splice(0).map((n) => n.close()), ...closers.splice(0).map((c) => c())]);
});

/** What a receiving test module saw. */
interface Received {
  module: string;
  method: string;
  path: string[];
  body: unknown;
  headers: Record<string, unknown>;
}

/** Tiny RECEIVER interfaces standing in for the real modules: they record what they get. */
function recordingReceivers(received: Received[], onCommand: (body: { response_url: string }, partner: Partner) => void): OcpiModule[] {
  const record = (module: string) => (ctx: Parameters<OcpiModule['routes'][number]['handle']>[0]) => {
    received.push({ module, method: ctx.method, path: Object.values(ctx.params), body: ctx.body, headers: { ...ctx.request.headers } });
  };
  const owned = (identifier: string): OcpiModule => ({
    identifier,
    role: 'RECEIVER',
    routes: [
      {
        method: 'PUT',
        path: [':country_code', ':party_id', ':id'],
        clientOwned: true,
        handle(ctx) {
          record(identifier)(ctx);
          return { httpStatus: 201 };
        },
      },
    ],
  });
  return [
    owned('locations'),
    owned('sessions'),
    owned('tokens'),
    {
      identifier: 'cdrs',
      role: 'RECEIVER',
      routes: [
        {
          method: 'POST',
          path: [],
          handle(ctx) {
            record('cdrs')(ctx);
            const cdr = ctx.body as { id: string };
            return { httpStatus: 201, headers: { location: `${ctx.node.moduleUrl('2.2.1', 'cdrs', 'RECEIVER')}/${cdr.id}` } };
          },
        },
      ],
    },
    {
      identifier: 'commands',
      role: 'RECEIVER',
      routes: [
        {
          method: 'POST',
          path: [':command'],
          handle(ctx) {
            record('commands')(ctx);
            onCommand(ctx.body as { response_url: string }, ctx.partner);
            return { data: { result: 'ACCEPTED', timeout: 30 } };
          },
        },
      ],
    },
  ];
}

/** Node A (CPO + eMSP, with the command result receiver) registered with node B (eMSP, with recording receivers). */
async function connectedPair(
  options: { fetchA?: typeof fetch; commandTimeoutMs?: number; onCommand?: (body: { response_url: string }, partner: Partner) => void } = {},
) {
  const received: Received[] = [];
  const results = createCommandResultReceiver({ timeoutMs: options.commandTimeoutMs ?? 5_000 });
  let b!: HttpTestNode;
  const a = await startHttpTestNode({
    parties: [A_CPO, A_EMSP],
    versions: ['2.2.1'],
    modules: [thingsSender, thingsReceiver, results.module],
    ...(options.fetchA ? { fetch: options.fetchA } : {}),
  });
  b = await startHttpTestNode({
    parties: [B_EMSP],
    pagination: { defaultLimit: 50, maxLimit: 100 },
    modules: [
      thingsSender,
      thingsReceiver,
      ...recordingReceivers(received, (body, partner) => (options.onCommand ? options.onCommand(body, partner) : postResultLater(b, body, partner))),
    ],
  });
  running.push(a, b);
  const partnerOfA = await a.registry.register({ versionsUrl: b.versionsUrl, tokenA: partnerToken((await createRegistrationToken(b.store)).token) });
  const partnerOfB = (await b.store.partners.list())[0] as Partner;
  return { a, b, received, results, partnerOfA, partnerOfB };
}

/** The CPO's side of a command: the Charge Point answers a little later, posted to response_url. */
function postResultLater(b: HttpTestNode, body: { response_url: string }, partner: Partner) {
  setTimeout(() => {
    void b.client.request({
      method: 'POST',
      url: body.response_url,
      token: partner.outboundToken!,
      encoding: partner.tokenEncoding,
      body: { result: 'ACCEPTED' },
      routing: { from: B_EMSP, to: partner.roles[0] },
    });
  }, 30);
}

async function addThings(node: HttpTestNode, from: number, count: number, lastUpdated = '2024-01-01T00:00:00Z') {
  for (let i = from; i < from + count; i++) {
    await node.store.objects.put({ module: 'things', owner: B_EMSP, id: `t${i}` }, { data: { id: `t${i}`, last_updated: lastUpdated } });
  }
}

const idsOf = (items: { id: string }[]) => items.map((i) => i.id);
const duplicates = (ids: string[]) => ids.filter((id, i) => ids.indexOf(id) !== i);

describe('requests', () => {
  it('carry the token, a new X-Request-ID, the given X-Correlation-ID, routing headers and Content-Type', async () => {
    const { a, received, partnerOfA } = await connectedPair();
    const location = { ...example<Location>('location_example.json') };
    const result = await a.client.forPartner(partnerOfA).pushLocation(location, { correlationId: 'corr-42' });
    expect(result.httpStatus).toBe(201);
    const [seen] = received;
    expect(seen).toMatchObject({ module: 'locations', method: 'PUT', path: ['BE', 'BEC', 'LOC1'], body: location });
    expect(seen?.headers).toMatchObject({
      'content-type': 'application/json',
      'x-correlation-id': 'corr-42',
      // A client-owned push comes from the object's owner, to the partner's party.
      'ocpi-from-country-code': 'BE',
      'ocpi-from-party-id': 'BEC',
      'ocpi-to-country-code': 'NL',
      'ocpi-to-party-id': 'MSB',
    });
    expect(seen?.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(result.requestId).toBe(seen?.headers['x-request-id']);
    expect(String(seen?.headers.authorization)).toBe(`Token ${btoa(partnerOfA.outboundToken!)}`);
  });

  it('to configuration modules (versions, credentials) carry no routing headers', async () => {
    const calls: { url: string; headers: Record<string, string> }[] = [];
    const spy: typeof fetch = (input, init) => {
      calls.push({ url: String(input), headers: init?.headers as Record<string, string> });
      return fetch(input, init);
    };
    const { partnerOfA, b } = await connectedPair({ fetchA: spy });
    await createOcpiClient({ fetch: spy, parties: [A_CPO] })
      .forPartner(partnerOfA)
      .get('credentials', 'SENDER');
    expect(calls.map((c) => c.url)).toEqual([
      b.versionsUrl,
      `${b.origin}/ocpi/2.2.1`,
      `${b.origin}/ocpi/2.2.1/credentials`,
      `${b.origin}/ocpi/2.2.1/credentials`,
    ]);
    for (const call of calls) expect(Object.keys(call.headers).filter((h) => h.startsWith('ocpi-'))).toEqual([]);
    expect(calls[2]?.headers['content-type']).toBe('application/json');
    expect(calls[0]?.headers['content-type']).toBeUndefined();
    expect(new Set(calls.map((c) => c.headers['x-request-id'])).size).toBe(4);
  });

  it('an OCPI error status becomes OcpiClientError with status_code, message, HTTP status and URL', async () => {
    const { a, b, partnerOfA } = await connectedPair();
    const error = await a.client
      .forPartner(partnerOfA)
      .put('nltst-things', 'RECEIVER', ['BE', 'BEC', 'x'], { id: 'x' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OcpiClientError);
    expect(error).toMatchObject({
      kind: 'status',
      statusCode: 2001,
      httpStatus: 200,
      method: 'PUT',
      url: `${b.origin}/ocpi/2.2.1/receiver/nltst-things/BE/BEC/x`,
    });
    expect((error as OcpiClientError).statusMessage).toContain('/last_updated');
    // Another party's objects: 404 with an envelope.
    const foreign = await a.client
      .forPartner(partnerOfA)
      .get('nltst-things', 'RECEIVER', ['FR', 'XYZ', 'x'])
      .catch((e: unknown) => e);
    expect(foreign).toMatchObject({ statusCode: 2000, httpStatus: 404 });
  });

  it('no usable answer is an OcpiTransportError: not JSON, HTTP error without envelope, network down, timeout', async () => {
    const html = await serveOverHttp(createOcpiServer({ baseUrl: 'http://x/ocpi', parties: [A_CPO], store: createMemoryStore(), modules: [] }));
    closers.push(html.close);
    const call = (url: string, fetchImpl?: typeof fetch, timeoutMs?: number) =>
      createOcpiClient({ outbound: LOCAL_OUTBOUND_POLICY, ...(fetchImpl ? { fetch: fetchImpl } : {}), ...(timeoutMs ? { timeoutMs } : {}) })
        .request({ method: 'GET', url, token: partnerToken('t'), encoding: 'base64' })
        .then(
          () => expect.fail(`expected ${url} to fail`),
          (e: unknown) => e as OcpiTransportError,
        );

    const notJson = await call('http://partner.test/versions', async () => new Response('<html>hello</html>', { status: 200 }));
    expect(notJson).toBeInstanceOf(OcpiTransportError);
    expect(notJson).toMatchObject({ kind: 'transport', failure: 'not-json', httpStatus: 200 });
    expect(notJson.message).toContain('<html>hello</html>');

    const bare = await call('http://partner.test/versions', async () => new Response('Bad Gateway', { status: 502 }));
    expect(bare).toMatchObject({ failure: 'http', httpStatus: 502 });

    const notEnvelope = await call('http://partner.test/versions', async () => Response.json({ hello: 1 }));
    expect(notEnvelope).toMatchObject({ failure: 'bad-envelope' });

    const gone = await startHttpTestNode({ parties: [A_CPO] });
    await gone.close();
    expect(await call(gone.versionsUrl)).toMatchObject({ failure: 'network' });

    const hanging: typeof fetch = (_input, init) =>
      new Promise((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal?.reason)));
    const slow = await call('http://partner.test/versions', hanging, 50);
    expect(slow).toMatchObject({ failure: 'timeout' });
    expect(slow.message).toContain('50 ms');
  });

  it('a module the partner does not offer is a 3003 OcpiError before any call', async () => {
    const { a, partnerOfA } = await connectedPair();
    expect(() => a.client.forPartner(partnerOfA).endpoint('tariffs', 'RECEIVER')).toThrow(OcpiError);
    await expect(a.client.forPartner(partnerOfA).get('tariffs', 'RECEIVER')).rejects.toMatchObject({ statusCode: 3003 });
  });

  it('an OurToken where the partner`s token belongs does not compile', () => {
    const call: OcpiCall = {
      method: 'GET',
      url: 'http://partner.test/versions',
      // @ts-expect-error a token we issued is never sent to the partner
      token: ourToken('ours'),
      encoding: 'base64',
    };
    // @ts-expect-error nor is a plain string: it has to be branded as the partner's
    const plain: OcpiCall = { ...call, token: 'plain' };
    expect(plain.token).toBe('plain');
  });
});

describe('pushes of client-owned objects', () => {
  it('PUT then GET back over HTTP', async () => {
    const { a, partnerOfA } = await connectedPair();
    const client = a.client.forPartner(partnerOfA);
    const thing = { id: 'lamp-1', last_updated: '2024-05-01T10:00:00Z', name: 'lamp' };
    expect((await client.put('nltst-things', 'RECEIVER', ['BE', 'BEC', 'lamp-1'], thing)).httpStatus).toBe(201);
    expect((await client.put('nltst-things', 'RECEIVER', ['BE', 'BEC', 'lamp-1'], { ...thing, name: 'lamp 2' })).httpStatus).toBe(200);
    const back = await client.get('nltst-things', 'RECEIVER', ['BE', 'BEC', 'lamp-1']);
    expect(back.data).toEqual({ ...thing, name: 'lamp 2' });
  });

  it('sessions, tokens and CDRs go to the partner`s receivers; a CDR POST answers its Location', async () => {
    const { a, b, received, partnerOfA } = await connectedPair();
    const client = a.client.forPartner(partnerOfA);
    const session = { ...example<Session>('session_example_1_simple_start.json', '2.3.0'), country_code: 'BE', party_id: 'BEC' };
    await client.pushSession(session);
    const token = example<Token>('token_example_1_app_user.json', '2.3.0');
    await client.pushToken(token);
    const official = example<CDR>('cdr_example.json', '2.3.0');
    // The official 2.3.0 CDR's Tariff lacks tax_included (docs/versions.md).
    const cdr: CDR = { ...official, tariffs: (official.tariffs ?? []).map((tariff) => ({ ...tariff, tax_included: 'NO' as const })) };
    const posted = await client.postCdr(cdr);
    expect(posted.location).toBe(`${b.origin}/ocpi/2.2.1/receiver/cdrs/12345`);
    expect(received.map((r) => `${r.method} ${r.module} ${r.path.join('/')}`)).toEqual([
      'PUT sessions BE/BEC/101',
      `PUT tokens DE/TNM/${token.uid}`,
      'POST cdrs ',
    ]);
    // The token is pushed as eMSP DE/TNM, with ?type= (mod_tokens, PUT).
    expect(received[1]?.headers).toMatchObject({ 'ocpi-from-country-code': 'DE', 'ocpi-from-party-id': 'TNM' });
  });
});

describe('commands', () => {
  it('sendCommand builds a response_url on our node and resolves with the CommandResult posted there', async () => {
    const { a, received, results, partnerOfA } = await connectedPair();
    const sent = await a.client
      .forPartner(partnerOfA)
      .sendCommand(
        'START_SESSION',
        { token: example<Token>('token_example_1_app_user.json'), location_id: 'LOC1' },
        { results: { receiver: results, node: a.node } },
      );
    expect(sent.response).toEqual({ result: 'ACCEPTED', timeout: 30 });
    const body = received[0]?.body as { response_url: string };
    expect(body.response_url).toMatch(new RegExp(`^${a.origin}/ocpi/2.2.1/sender/commands/START_SESSION/[0-9a-f-]{36}$`));
    expect(results.waiting).toBe(1);
    expect(await sent.result).toEqual({ result: 'ACCEPTED' });
    expect(results.waiting).toBe(0);
  });

  it('no result in time resolves as TIMEOUT; a result for an unknown id gets 404', async () => {
    const late: { url?: string; partner?: Partner } = {};
    const { a, b, results, partnerOfA } = await connectedPair({
      commandTimeoutMs: 100,
      onCommand: (body, partner) => Object.assign(late, { url: body.response_url, partner }),
    });
    const sent = await a.client.forPartner(partnerOfA).sendCommand('STOP_SESSION', { session_id: 's1' }, { results: { receiver: results, node: a.node } });
    const result = await sent.result;
    expect(result?.result).toBe('TIMEOUT');
    const tooLate = await b.client
      .request({ method: 'POST', url: late.url!, token: late.partner!.outboundToken!, encoding: 'base64', body: { result: 'ACCEPTED' } })
      .catch((e: unknown) => e);
    expect(tooLate).toMatchObject({ httpStatus: 404 });
  });

  it('with a response_url of its own, the command is just sent', async () => {
    const { a, received, partnerOfA } = await connectedPair({ onCommand: () => undefined });
    const sent = await a.client
      .forPartner(partnerOfA)
      .sendCommand('UNLOCK_CONNECTOR', { response_url: 'https://elsewhere.test/r/1', location_id: 'L', evse_uid: 'E', connector_id: '1' });
    expect(sent).toEqual({ response: { result: 'ACCEPTED', timeout: 30 }, result: undefined });
    expect(received[0]?.body).toMatchObject({ response_url: 'https://elsewhere.test/r/1' });
  });
});

describe('commands with several results: a reservation cancelled by the CPO', () => {
  /** eMSP node A (result receiver) registered with CPO node B (the Commands Receiver on the store default, one Location). */
  async function reservationPair() {
    const results = createCommandResultReceiver({ timeoutMs: 5_000 });
    const commands = commandsReceiver({}, { outbound: LOCAL_OUTBOUND_POLICY, defaults: { resultDelayMs: 0 } });
    const a = await startHttpTestNode({ parties: [A_EMSP], versions: ['2.2.1'], modules: [results.module] });
    const b = await startHttpTestNode({ parties: [A_CPO], versions: ['2.2.1'], modules: [commands] });
    running.push(a, b);
    closers.push(() => commands.drain());
    const location = { ...example<Location>('location_example.json'), country_code: A_CPO.country_code, party_id: A_CPO.party_id };
    await b.store.objects.put({ module: 'locations', owner: A_CPO, id: location.id }, { data: location });
    const partner = await a.registry.register({ versionsUrl: b.versionsUrl, tokenA: partnerToken((await createRegistrationToken(b.store)).token) });
    const reserveNow = {
      token: { ...example<Token>('token_example_1_app_user.json'), country_code: A_EMSP.country_code, party_id: A_EMSP.party_id },
      expiry_date: new Date(Date.now() + 3_600_000).toISOString().replace(/\.\d+Z$/, 'Z'),
      reservation_id: 'R-17',
      location_id: location.id,
    };
    return { a, b, results, commands, partner, reserveNow };
  }

  it('RESERVE_NOW then CANCELED_RESERVATION posted to the same response_url: both results are accepted', async () => {
    const { a, b, results, partner, reserveNow } = await reservationPair();
    const seen: string[] = [];
    const sent = await a.client
      .forPartner(partner)
      .sendCommand('RESERVE_NOW', reserveNow, { results: { receiver: results, node: a.node, onResult: (r) => seen.push(r.result) } });
    expect(await sent.result).toEqual({ result: 'ACCEPTED' });
    expect(results.waiting).toBe(1);

    // The CPO side, as in issue 17: a second POST to the RESERVE_NOW's response_url (it got 404).
    const bPartner = (await b.store.partners.list())[0] as Partner;
    const responseUrl = `${a.node.moduleUrl('2.2.1', 'commands', 'SENDER')}/RESERVE_NOW/`;
    // The CPO keeps the response_url with the reservation.
    const waitingUrl = (await readReservation(b.store, A_EMSP, 'R-17'))?.result_to?.response_url ?? '';
    expect(waitingUrl.startsWith(responseUrl)).toBe(true);
    const second = await b.client.request({
      method: 'POST',
      url: waitingUrl,
      token: bPartner.outboundToken!,
      encoding: bPartner.tokenEncoding,
      body: { result: 'CANCELED_RESERVATION' },
      routing: { from: A_CPO, to: A_EMSP },
    });
    expect(second.statusCode).toBe(1000);
    expect(await sent.ended).toEqual({ result: 'CANCELED_RESERVATION' });
    expect(seen).toEqual(['ACCEPTED', 'CANCELED_RESERVATION']);
    // The reservation has ended: nothing more is taken there.
    const third = await b.client
      .request({ method: 'POST', url: waitingUrl, token: bPartner.outboundToken!, encoding: bPartner.tokenEncoding, body: { result: 'ACCEPTED' } })
      .catch((e: unknown) => e);
    expect(third).toMatchObject({ httpStatus: 404 });
    expect(results.waiting).toBe(0);
  });

  it('the CPO cancels a reservation of the store default: CANCELED_RESERVATION reaches the eMSP, and the reservation is gone', async () => {
    const { a, b, results, commands, partner, reserveNow } = await reservationPair();
    const seen: unknown[] = [];
    const sent = await a.client
      .forPartner(partner)
      .sendCommand('RESERVE_NOW', reserveNow, { results: { receiver: results, node: a.node, onResult: (r) => seen.push(r) } });
    expect(await sent.result).toEqual({ result: 'ACCEPTED' });
    const message = [{ language: 'en', text: 'Charge Point out of order' }];
    const outcome = await commands.cancelReservation({ node: b.node, owner: A_EMSP, reservationId: 'r-17', message });
    expect(outcome).toMatchObject({ ok: true, statusCode: 1000 });
    expect(await sent.ended).toEqual({ result: 'CANCELED_RESERVATION', message });
    expect(seen).toEqual([{ result: 'ACCEPTED' }, { result: 'CANCELED_RESERVATION', message }]);
    expect(await readReservation(b.store, A_EMSP, 'R-17')).toBeUndefined();
    // Nothing left to cancel.
    expect(await commands.cancelReservation({ node: b.node, owner: A_EMSP, reservationId: 'R-17' })).toBeUndefined();
  });

  it('an accepted CANCEL_RESERVATION of ours ends the wait for more results of the reservation', async () => {
    const { a, results, partner, reserveNow } = await reservationPair();
    const client = a.client.forPartner(partner);
    const reserved = await client.sendCommand('RESERVE_NOW', reserveNow, { results: { receiver: results, node: a.node } });
    expect(await reserved.result).toEqual({ result: 'ACCEPTED' });
    const cancelled = await client.sendCommand('CANCEL_RESERVATION', { reservation_id: 'R-17' }, { results: { receiver: results, node: a.node } });
    expect(await cancelled.result).toEqual({ result: 'ACCEPTED' });
    expect(await reserved.ended).toEqual({ result: 'ACCEPTED' });
    expect(results.waiting).toBe(0);
  });
});

describe('pagination over HTTP', () => {
  it('a crawl of more than 1,000 objects while objects are added returns every object exactly once, never asking more than X-Limit', async () => {
    const urls: string[] = [];
    let b!: HttpTestNode;
    let requests = 0;
    let crawling = false;
    const adding: typeof fetch = async (input, init) => {
      if (!crawling) return fetch(input, init);
      urls.push(String(input));
      requests++;
      // Objects appear while the crawl runs (after the first pages were read).
      if (requests >= 3 && requests <= 7) await addThings(b, 10_000 + requests * 10, 10);
      return fetch(input, init);
    };
    const pair = await connectedPair({ fetchA: adding });
    b = pair.b;
    await addThings(b, 0, 1_050);
    crawling = true;
    const items: { id: string }[] = [];
    const totals: number[] = [];
    for await (const item of pair.a.client
      .forPartner(pair.partnerOfA)
      .paginate<{ id: string }>('nltst-things', 'SENDER', { limit: 500, onPage: (p) => totals.push(p.total ?? -1) })) {
      items.push(item);
    }
    const all = (await b.store.objects.list({ module: 'things', offset: 0, limit: 10_000 })).items.map((o) => o.key.id.toLowerCase());
    expect(all).toHaveLength(1_100);
    expect(duplicates(idsOf(items))).toEqual([]);
    expect(idsOf(items).sort()).toEqual(all.sort());
    expect(totals[0]).toBe(1_050);
    expect(totals.at(-1)).toBe(1_100);
    // The first request asked 500; the partner said X-Limit 100, and no later request asked more.
    expect(new URL(urls[0]!).searchParams.get('limit')).toBe('500');
    for (const url of urls.slice(1)) expect(Number(new URL(url).searchParams.get('limit'))).toBeLessThanOrEqual(100);
    expect(urls).toHaveLength(11);
  });

  it('when X-Total-Count drops during a date_to crawl, the page is redone with a lower offset and nothing is lost', async () => {
    for (const moved of ['t5', 't700']) {
      let b!: HttpTestNode;
      let requests = 0;
      let crawling = false;
      const moving: typeof fetch = async (input, init) => {
        if (crawling) requests++;
        // Before the 4th page: one object is updated past date_to (it leaves the list).
        if (requests === 4)
          await b.store.objects.put({ module: 'things', owner: B_EMSP, id: moved }, { data: { id: moved, last_updated: '2030-01-01T00:00:00Z' } });
        return fetch(input, init);
      };
      const pair = await connectedPair({ fetchA: moving });
      b = pair.b;
      await addThings(b, 0, 1_050);
      crawling = true;
      const urls: string[] = [];
      const items: { id: string }[] = [];
      for await (const item of pair.a.client
        .forPartner(pair.partnerOfA)
        .paginate<{ id: string }>('nltst-things', 'SENDER', { dateTo: new Date('2025-01-01T00:00:00Z'), limit: 100, onPage: (p) => urls.push(p.url) })) {
        items.push(item);
      }
      const ids = idsOf(items);
      expect(duplicates(ids)).toEqual([]);
      // t5 was read before it moved; t700 left the list before the crawl got there.
      const expected = Array.from({ length: 1_050 }, (_, i) => `t${i}`).filter((id) => moved === 't5' || id !== moved);
      expect(ids.sort()).toEqual(expected.sort());
      expect(urls[3]).toContain('offset=299');
      for (const n of running.splice(0)) closers.push(n.close);
    }
  });

  it('pulls Sessions with date_from, the epoch when there is no watermark: a strict CPO refuses a pull without it', async () => {
    const asked: string[] = [];
    // mod_sessions "GET Method": date_from is required; this CPO answers 2001 without it, as strict ones do.
    const strictSessions: OcpiModule = {
      identifier: 'sessions',
      role: 'SENDER',
      routes: [
        {
          method: 'GET',
          path: [],
          paginated: true,
          handle(ctx) {
            asked.push(ctx.request.url);
            if (!ctx.query.get('date_from')) throw OcpiError.invalid('Query parameter date_from is required');
            return { data: [{ ...example('session_example_1_simple_start.json', '2.2.1'), id: 'S1' }], total: 1 };
          },
        },
      ],
    };
    const a = await startHttpTestNode({ parties: [A_EMSP] });
    const b = await startHttpTestNode({ parties: [A_CPO], versions: ['2.2.1'], modules: [strictSessions] });
    running.push(a, b);
    const partner = await a.registry.register({ versionsUrl: b.versionsUrl, tokenA: partnerToken((await createRegistrationToken(b.store)).token) });
    const client = a.client.forPartner(partner);

    const pulled: string[] = [];
    for await (const session of client.paginate<Session>('sessions', 'SENDER')) pulled.push(session.id);
    for await (const session of client.resync<Session>('sessions', { store: a.store })) pulled.push(session.id);
    expect(pulled).toEqual(['S1', 'S1']);
    expect(asked).toHaveLength(2);
    for (const url of asked) expect(new URL(url, b.origin).searchParams.get('date_from')).toBe('1970-01-01T00:00:00Z');

    // A date of the caller's own, or the watermark, is kept.
    for await (const _ of client.paginate('sessions', 'SENDER', { dateFrom: new Date('2024-05-01T00:00:00Z') }));
    expect(new URL(asked[2] as string, b.origin).searchParams.get('date_from')).toBe('2024-05-01T00:00:00Z');
    for await (const _ of client.resync('sessions', { store: a.store }));
    expect(new URL(asked[3] as string, b.origin).searchParams.get('date_from')).not.toBe('1970-01-01T00:00:00Z');
  });

  it("follows the partner's quirks: date_from on every list, pages capped, the watermark earlier by its clock skew (issue 17)", async () => {
    const { a, b, partnerOfA } = await connectedPair();
    await addThings(b, 0, 30);
    const asked: string[] = [];
    const partner = { ...partnerOfA, quirks: { dateFromRequired: true, maxPageSize: 10, clockSkewSeconds: -600 } };
    const client = createOcpiClient({
      parties: [A_CPO],
      fetch: (input, init) => {
        asked.push(String(input));
        return fetch(input, init);
      },
    }).forPartner(partner);
    const pulled: unknown[] = [];
    for await (const item of client.resync('nltst-things', { store: a.store, limit: 50 })) pulled.push(item);
    expect(pulled).toHaveLength(30);
    const first = new URL(asked[0] as string);
    expect(first.searchParams.get('date_from')).toBe('1970-01-01T00:00:00Z');
    expect(first.searchParams.get('limit')).toBe('10');
    expect(asked).toHaveLength(3);
    // 60 s of overlap and 600 s of skew before the partner's clock.
    const watermark = (await readSyncWatermark(a.store, partner.id, 'nltst-things'))!.getTime();
    expect(watermark).toBeGreaterThan(Date.now() - 670_000);
    expect(watermark).toBeLessThan(Date.now() - 650_000);
  });

  it('resync pulls with date_from from the stored watermark, and moves it only after a complete pull', async () => {
    const { a, b, partnerOfA } = await connectedPair();
    await addThings(b, 0, 120);
    const client = a.client.forPartner(partnerOfA);
    expect(await readSyncWatermark(a.store, partnerOfA.id, 'nltst-things')).toBeUndefined();

    // A pull stopped halfway leaves no watermark.
    for await (const _ of client.resync('nltst-things', { store: a.store })) break;
    expect(await readSyncWatermark(a.store, partnerOfA.id, 'nltst-things')).toBeUndefined();

    const first: unknown[] = [];
    for await (const item of client.resync('nltst-things', { store: a.store })) first.push(item);
    expect(first).toHaveLength(120);
    const watermark = await readSyncWatermark(a.store, partnerOfA.id, 'nltst-things');
    expect(watermark!.getTime()).toBeGreaterThan(Date.now() - 70_000);
    expect(watermark!.getTime()).toBeLessThan(Date.now() - 50_000);

    // Connection lost, objects changed meanwhile: the next pull gets only those.
    await addThings(b, 500, 3, new Date().toISOString());
    const second: { id: string }[] = [];
    for await (const item of client.resync<{ id: string }>('nltst-things', { store: a.store })) second.push(item);
    expect(idsOf(second)).toEqual(['t500', 't501', 't502']);
  });
});
