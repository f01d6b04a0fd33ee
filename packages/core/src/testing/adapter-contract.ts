// One contract suite for every adapter: the same cases over real HTTP on 127.0.0.1, compared byte
// for byte with what the core answers in process, plus explicit expectations per case. Published in
// `@ocpi-ts/core/testing` for anyone writing an adapter: the test runner is handed in (`describe` and
// `it` of vitest, jest, bun:test or node:test), and the suite makes its own assertions, so the kit
// depends on no runner.
import { authorizationHeader } from '../auth/tokens.js';
import { OCPI_VERSIONS, type OcpiVersion, versionEdge } from '../edges/edge.js';
import { modulePath } from '../edges/layout.js';
import { responseText } from '../envelope.js';
import type { OcpiResponse } from '../http.js';
import { locationsSender } from '../modules/locations.js';
import { createOcpiServer, type OcpiServer } from '../server.js';
import { createMemoryStore } from '../store/memory.js';
import type { PartyRef } from '../store/types.js';
import { createFastPathNode, envelopeTimestamp, evseStatusPatch, FAST_PATH_READER, FAST_PATH_WRITER, plainEnvelope, responseBytes } from './fast-path.js';
import { CPO_ROLE, EMSP_ROLE, tokenHeader } from './fixtures.js';
import { rawHttp } from './http.js';
import { createHubRelayNode, runHubRelay, sendOverHttp } from './hub-relay-cases.js';
import { registerTestPartner } from './test-node.js';
import { thingsReceiver, thingsSender } from './things-module.js';
import { createToleranceNode, runEvRoamingPull, runLenientWrites, type ToleranceNode } from './tolerance-cases.js';

/**
 * The two functions of a test runner the suite registers its cases with: `{ describe, it }` from
 * vitest, jest, bun:test or node:test all fit. A case fails by throwing.
 */
export interface TestRunner {
  describe(name: string, fn: () => void): unknown;
  it(name: string, fn: () => Promise<void>): unknown;
}

export interface RunningServer {
  /** Origin of the listening server, e.g. `http://127.0.0.1:43121`. */
  origin: string;
  close(): Promise<void>;
}

export interface AdapterHarness {
  name: string;
  /** Serves the core through the adapter on 127.0.0.1, port 0; OCPI is mounted at `/ocpi`. */
  start(server: OcpiServer): Promise<RunningServer>;
}

interface ContractCase {
  name: string;
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
  expectStatus: number;
  expectStatusCode: number;
  expectHeaders?: Record<string, string | undefined>;
  expectMessage?: RegExp;
  /** The request's ids are not echoed: new ones are made, so they differ from any other answer's. */
  freshIds?: boolean;
}

/**
 * A version the contract runs in, from its edge: how its partner sends its token (raw in 2.1.1),
 * whether routing headers exist, and where a standard module sits (2.1.1's `cpo/locations`).
 */
export interface ContractVersion {
  version: OcpiVersion;
  /** The `Authorization` of this version's partner. */
  authorization: string;
  /** The partner's party: the owner in the URLs of its things. */
  party: PartyRef;
  routingHeaders: boolean;
  /** The Locations Sender below the version URL. */
  locationsPath: string;
}

/** The eMSP party of each version's partner (2.2.1's is the one the other cases use). */
const PARTY_IDS: Readonly<Record<OcpiVersion, string>> = { '2.3.0': 'MS3', '2.2.1': 'MSP', '2.1.1': 'MS1' };

/** One partner per served version, each calling the way its version says. */
export const CONTRACT_VERSIONS: readonly ContractVersion[] = OCPI_VERSIONS.map((version) => {
  const edge = versionEdge(version);
  return {
    version,
    authorization: authorizationHeader(`emsp-${version}`, edge.tokenEncoding),
    party: { country_code: 'DE', party_id: PARTY_IDS[version] },
    routingHeaders: edge.routingHeaders,
    locationsPath: modulePath(locationsSender(), version),
  };
});

const DEFAULT_VERSION = CONTRACT_VERSIONS.find((v) => v.version === '2.2.1') as ContractVersion;
const AUTH = DEFAULT_VERSION.authorization;
const ids = { 'x-request-id': 'req-1', 'x-correlation-id': 'corr-1' };
const thing = (id: string, extra: object = {}) => JSON.stringify({ id, last_updated: '2024-01-01T00:00:00Z', ...extra });

/** The cases of no version (the versions endpoint, the mount root, authentication): run once. */
export const COMMON_CASES: ContractCase[] = [
  { name: 'missing token', method: 'GET', path: '/ocpi/versions', headers: ids, expectStatus: 401, expectStatusCode: 2000, expectMessage: /missing/ },
  {
    name: 'unknown token',
    method: 'GET',
    path: '/ocpi/versions',
    headers: { authorization: tokenHeader('nope'), ...ids },
    expectStatus: 401,
    expectStatusCode: 2000,
  },
  {
    name: 'the mount root points to the versions URL',
    method: 'GET',
    path: '/ocpi/',
    headers: ids,
    expectStatus: 404,
    expectStatusCode: 2000,
    expectMessage: /versions endpoint is http:\/\/ocpi\.test\/ocpi\/versions/,
  },
  {
    name: 'header names in any case',
    method: 'GET',
    path: '/ocpi/versions',
    headers: { Authorization: AUTH, 'X-Request-ID': 'req-1', 'X-Correlation-ID': 'corr-1' },
    expectStatus: 200,
    expectStatusCode: 1000,
    expectHeaders: { 'x-request-id': 'req-1', 'x-correlation-id': 'corr-1' },
  },
  {
    name: 'a method OCPI does not use (PROPFIND)',
    method: 'PROPFIND',
    path: '/ocpi/versions',
    headers: { authorization: AUTH, ...ids },
    expectStatus: 405,
    expectStatusCode: 2000,
    expectMessage: /PROPFIND is not used by OCPI/,
  },
  {
    name: 'ids with bytes beyond ASCII are replaced, not echoed',
    method: 'GET',
    path: '/ocpi/versions',
    // Latin-1 bytes: fetch sends each character as one byte.
    headers: { authorization: AUTH, 'x-request-id': 'caf\u00e9-\u00c3\u00a9', 'x-correlation-id': 'corr-\u00ff' },
    expectStatus: 200,
    expectStatusCode: 1000,
    freshIds: true,
  },
];

/** The cases of one version, its partner calling: the same list for every version, written once. */
export function versionCases(v: ContractVersion): ContractCase[] {
  const auth = { authorization: v.authorization, ...ids };
  const root = `/ocpi/${v.version}`;
  const owned = `${root}/receiver/nltst-things/${v.party.country_code}/${v.party.party_id}`;
  const json = { ...auth, 'content-type': 'application/json' };
  const routing = {
    'ocpi-from-country-code': 'NL',
    'ocpi-from-party-id': 'CPO',
    'ocpi-to-country-code': v.party.country_code,
    'ocpi-to-party-id': v.party.party_id,
  };
  return [
    {
      name: "versions, with this version's token",
      method: 'GET',
      path: '/ocpi/versions',
      headers: auth,
      expectStatus: 200,
      expectStatusCode: 1000,
      expectHeaders: { 'content-type': 'application/json', 'x-request-id': 'req-1', 'x-correlation-id': 'corr-1' },
    },
    { name: 'version details with a trailing slash', method: 'GET', path: `${root}/`, headers: auth, expectStatus: 200, expectStatusCode: 1000 },
    {
      name: "a standard module at the version's layout",
      method: 'GET',
      path: `${root}/${v.locationsPath}?limit=5`,
      headers: auth,
      expectStatus: 200,
      expectStatusCode: 1000,
      expectHeaders: { 'x-total-count': '0', 'x-limit': '5' },
    },
    { name: 'unknown route', method: 'GET', path: `${root}/sender/nope`, headers: auth, expectStatus: 404, expectStatusCode: 2000 },
    {
      name: 'path with no module, whatever the token',
      method: 'GET',
      path: `${root}/receiver/nope`,
      headers: { authorization: tokenHeader('not-a-known-token'), ...ids },
      expectStatus: 404,
      expectStatusCode: 2000,
      expectMessage: /receiver\/nope/,
    },
    {
      name: 'method not allowed',
      method: 'DELETE',
      path: `${owned}/1`,
      headers: auth,
      expectStatus: 405,
      expectStatusCode: 2000,
      expectHeaders: { allow: 'PUT, GET' },
    },
    {
      name: 'invalid JSON',
      method: 'PUT',
      path: `${owned}/1`,
      headers: json,
      body: '{"id": ',
      expectStatus: 400,
      expectStatusCode: 2001,
      expectMessage: /not valid JSON/,
    },
    {
      name: 'invalid JSON sent as text/plain',
      method: 'PUT',
      path: `${owned}/1`,
      headers: { ...auth, 'content-type': 'text/plain' },
      body: 'hello',
      expectStatus: 400,
      expectStatusCode: 2001,
    },
    {
      name: 'over-limit body',
      method: 'PUT',
      path: `${owned}/1`,
      headers: json,
      body: thing('1', { pad: 'x'.repeat(5000) }),
      expectStatus: 413,
      expectStatusCode: 2000,
    },
    {
      name: 'validation error names the field',
      method: 'PUT',
      path: `${owned}/1`,
      headers: json,
      body: JSON.stringify({ id: '1' }),
      expectStatus: 200,
      expectStatusCode: 2001,
      expectMessage: /\/last_updated/,
    },
    { name: 'create answers 201', method: 'PUT', path: `${owned}/new`, headers: json, body: thing('new'), expectStatus: 201, expectStatusCode: 1000 },
    { name: 'throwing handler', method: 'POST', path: `${root}/sender/nltst-things/boom`, headers: auth, expectStatus: 500, expectStatusCode: 3000 },
    {
      name: 'encoded path and query',
      method: 'GET',
      path: `${root}/sender/nltst-things/echo/a%20b%2Fc/?q=x%26y%3Dz`,
      headers: auth,
      expectStatus: 200,
      expectStatusCode: 1000,
    },
    {
      name: 'paginated list',
      method: 'GET',
      path: `${root}/sender/nltst-things?limit=2&date_from=2024-01-01T00%3A00%3A00Z`,
      headers: auth,
      expectStatus: 200,
      expectStatusCode: 1000,
      expectHeaders: {
        'x-total-count': '3',
        'x-limit': '2',
        link: `<http://ocpi.test${root}/sender/nltst-things?offset=2&limit=2&date_from=2024-01-01T00%3A00%3A00Z>; rel="next"`,
      },
    },
    {
      name: 'bad pagination parameter',
      method: 'GET',
      path: `${root}/sender/nltst-things?offset=-1`,
      headers: auth,
      expectStatus: 200,
      expectStatusCode: 2001,
      expectMessage: /offset/,
    },
    // Issue 19, finding 13: what a framework would answer on its own gets the core's envelope instead.
    {
      name: 'bad percent-encoding in the path',
      method: 'GET',
      path: `${root}/sender/%zz`,
      headers: auth,
      expectStatus: 400,
      expectStatusCode: 2001,
      expectMessage: /not valid percent-encoding/,
    },
    {
      name: 'a method OCPI does not use (PURGE)',
      method: 'PURGE',
      path: `${root}/sender/nltst-things`,
      headers: auth,
      expectStatus: 405,
      expectStatusCode: 2000,
    },
    {
      // 2.1.1 has no routing headers: none are answered there, whatever the request carries.
      name: v.routingHeaders ? 'routing headers' : 'no routing headers in a version without them',
      method: 'GET',
      path: `${root}/sender/nltst-things/echo/x`,
      headers: { ...auth, 'ocpi-from-country-code': v.party.country_code, 'ocpi-from-party-id': v.party.party_id },
      expectStatus: 200,
      expectStatusCode: 1000,
      expectHeaders: Object.fromEntries(Object.entries(routing).map(([name, value]) => [name, v.routingHeaders ? value : undefined])),
    },
  ];
}

/** The headers every adapter must pass through unchanged. */
const COMPARED_HEADERS = [
  'content-type',
  'x-request-id',
  'x-correlation-id',
  'x-total-count',
  'x-limit',
  'link',
  'allow',
  'ocpi-from-country-code',
  'ocpi-from-party-id',
  'ocpi-to-country-code',
  'ocpi-to-party-id',
];

/** Headers of the connection, which each HTTP server sets its own way; any other header comes from the core. */
const TRANSPORT_HEADERS = new Set(['date', 'connection', 'keep-alive', 'content-length', 'transfer-encoding']);

const withoutTimestamp = (body: string) => body.replace(/"timestamp":"[^"]*"/, '"timestamp":"T"');

/** The body of the contract server's slow-body case must arrive within this. */
export const CONTRACT_BODY_TIMEOUT_MS = 400;

/** Serves every version, a partner of each registered (`CONTRACT_VERSIONS`), three things stored. */
export async function createContractServer(): Promise<OcpiServer> {
  const store = createMemoryStore();
  for (const v of CONTRACT_VERSIONS) {
    const edge = versionEdge(v.version);
    await registerTestPartner(store, { token: `emsp-${v.version}`, encoding: edge.tokenEncoding, version: v.version, roles: [{ ...EMSP_ROLE, ...v.party }] });
  }
  const server = createOcpiServer({
    baseUrl: 'http://ocpi.test/ocpi',
    parties: [CPO_ROLE],
    store,
    versions: OCPI_VERSIONS,
    modules: [thingsSender, thingsReceiver, locationsSender()],
    bodyLimit: 4096,
    bodyTimeoutMs: CONTRACT_BODY_TIMEOUT_MS,
  });
  // The things list is every partner's: three, whichever version reads it.
  for (const id of ['a', 'b', 'c']) {
    const url = `/ocpi/2.2.1/receiver/nltst-things/DE/MSP/${id}`;
    const response = await server.handle({ method: 'PUT', url, headers: { authorization: AUTH }, body: thing(id) });
    if (response.status !== 201) throw new Error(`seeding ${url}: ${response.status} ${responseText(response)}`);
  }
  return server;
}

/** Throws an Error saying what differs, for the runner to report. */
function same(actual: unknown, expected: unknown, what: string): void {
  if (!Object.is(actual, expected)) throw new Error(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}

function sameBytes(actual: Uint8Array, expected: Uint8Array, what: string): void {
  const decoder = new TextDecoder();
  if (actual.byteLength !== expected.byteLength || actual.some((byte, i) => byte !== expected[i])) {
    throw new Error(`${what}: expected the bytes of ${decoder.decode(expected)}, got ${decoder.decode(actual)}`);
  }
}

function expectCase(c: ContractCase, response: OcpiResponse): void {
  same(response.status, c.expectStatus, 'HTTP status');
  const envelope = JSON.parse(responseText(response)) as { status_code: number; status_message?: string; timestamp: string };
  same(envelope.status_code, c.expectStatusCode, 'status_code');
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/.test(envelope.timestamp)) throw new Error(`timestamp ${envelope.timestamp} is not RFC 3339 UTC`);
  if (c.expectMessage && !c.expectMessage.test(envelope.status_message ?? '')) {
    throw new Error(`status_message: expected to match ${c.expectMessage}, got ${JSON.stringify(envelope.status_message)}`);
  }
  for (const [name, value] of Object.entries(c.expectHeaders ?? {})) same(response.headers[name], value, `header ${name}`);
  same(response.headers['content-type'], 'application/json', 'header content-type');
  if (c.freshIds) {
    for (const name of ['x-request-id', 'x-correlation-id']) {
      if (!/^[0-9a-f-]{36}$/.test(response.headers[name] ?? ''))
        throw new Error(`header ${name}: expected a new UUID, got ${JSON.stringify(response.headers[name])}`);
    }
  }
}

/** One case through the adapter over real HTTP, compared with the same request in process. */
function runCase(harness: AdapterHarness, c: ContractCase): Promise<void> {
  return throughAdapter(harness, async (origin) => {
    const http = await fetch(`${origin}${c.path}`, { method: c.method, headers: c.headers ?? {}, ...(c.body === undefined ? {} : { body: c.body }) });
    const headers: Record<string, string> = {};
    http.headers.forEach((value, name) => {
      headers[name] = value;
    });
    const bytes = new Uint8Array(await http.arrayBuffer());
    const response: OcpiResponse = { status: http.status, headers, body: bytes };
    expectCase(c, response);
    // The same request in process: the adapter must not change status, headers or bytes, whether the
    // core answered text or pre-encoded bytes (the paginated list of stored things).
    const direct = await (await createContractServer()).handle({ method: c.method, url: c.path, headers: c.headers ?? {}, body: c.body });
    same(response.status, direct.status, 'HTTP status, adapter vs in process');
    same(withoutTimestamp(responseText(response)), withoutTimestamp(responseText(direct)), 'body, adapter vs in process');
    same(bytes.byteLength, responseBytes(direct).byteLength, 'body length in bytes, adapter vs in process');
    for (const name of COMPARED_HEADERS) {
      // New ids differ from one answer to the next.
      if (c.freshIds && name.startsWith('x-')) continue;
      same(headers[name], direct.headers[name], `header ${name}, adapter vs in process`);
    }
    same(Number(headers['content-length'] ?? bytes.byteLength), bytes.byteLength, 'content-length');
    // No header of the framework's own (X-Powered-By, ...): the same header names as the core's answer.
    const names = (all: Record<string, string>) =>
      JSON.stringify(
        Object.keys(all)
          .filter((name) => !TRANSPORT_HEADERS.has(name))
          .sort(),
      );
    same(names(headers), names(direct.headers), 'header names, adapter vs in process');
  });
}

/** Stored Locations served as the bytes of JSON.stringify of the envelope, before and after a PATCH. */
async function runFastPathCase(harness: AdapterHarness): Promise<void> {
  const node = await createFastPathNode(5);
  const running = await harness.start(node.server);
  try {
    const call = async (method: string, path: string, authorization: string, body?: string) => {
      const http = await fetch(`${running.origin}/ocpi/2.2.1/${path}`, {
        method,
        headers: { authorization, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body }),
      });
      return { status: http.status, contentLength: http.headers.get('content-length'), bytes: new Uint8Array(await http.arrayBuffer()) };
    };
    const expectPlain = (answer: { status: number; contentLength: string | null; bytes: Uint8Array }, data: unknown, what: string) => {
      same(answer.status, 200, `${what}: HTTP status`);
      const expected = new TextEncoder().encode(plainEnvelope(data, envelopeTimestamp(new TextDecoder().decode(answer.bytes))));
      sameBytes(answer.bytes, expected, what);
      same(Number(answer.contentLength ?? answer.bytes.byteLength), expected.byteLength, `${what}: content-length`);
    };
    expectPlain(await call('GET', 'sender/locations?offset=1&limit=3', FAST_PATH_READER), node.locations.slice(1, 4), 'page before the PATCH');
    const change = evseStatusPatch(node, 'LOC3', 'LOC3-E2', 'CHARGING', '2024-05-01T08:00:00Z');
    same((await call('PATCH', change.url.replace('/ocpi/2.2.1/', ''), FAST_PATH_WRITER, change.body)).status, 200, 'PATCH status');
    change.apply();
    expectPlain(await call('GET', 'sender/locations?offset=1&limit=3', FAST_PATH_READER), node.locations.slice(1, 4), 'page after the PATCH');
    expectPlain(await call('GET', 'sender/locations/LOC3', FAST_PATH_READER), node.locations[2], 'one Location');
    expectPlain(await call('GET', 'sender/locations?date_from=2024-05-01T08%3A00%3A00Z', FAST_PATH_READER), [node.locations[2]], 'page filtered by date_from');
  } finally {
    await running.close();
  }
}

/** A fresh contract server served through the adapter for `use`, closed after. */
async function throughAdapter(harness: AdapterHarness, use: (origin: string) => Promise<void>): Promise<void> {
  const running = await harness.start(await createContractServer());
  try {
    await use(running.origin);
  } finally {
    await running.close();
  }
}

/** A fresh tolerance node (`tolerance-cases.ts`) served through the adapter for `use`, closed after. */
async function throughToleranceNode(harness: AdapterHarness, use: (origin: string, node: ToleranceNode) => Promise<void>): Promise<void> {
  const node = await createToleranceNode();
  const running = await harness.start(node.server);
  try {
    await use(running.origin, node);
  } finally {
    await running.close();
  }
}

/** Issue 16's relay cases (`hub-relay-cases.ts`) through the adapter. */
async function runHubRelayCase(harness: AdapterHarness): Promise<void> {
  const node = await createHubRelayNode();
  const running = await harness.start(node.server);
  try {
    await runHubRelay(sendOverHttp(running.origin), node);
  } finally {
    await running.close();
  }
}

/** Over a raw socket: a PUT whose body starts with `{` and then trickles in, a space every 100 ms. */
const trickledPut = (origin: string, path: string, authorization: string, contentLength: number, spaces: number) =>
  rawHttp(
    origin,
    [
      `PUT ${path} HTTP/1.1`,
      'Host: 127.0.0.1',
      `Authorization: ${authorization}`,
      'Content-Type: application/json',
      `Content-Length: ${contentLength}`,
      '',
      '{',
    ].join('\r\n'),
    { trickle: Array.from({ length: spaces }, () => ' '), intervalMs: 100 },
  );

/** A body trickled slower than the body timeout: 408 with an envelope, then the connection closes. */
const runSlowBodyCase = (harness: AdapterHarness) =>
  throughAdapter(harness, async (origin) => {
    const answer = await trickledPut(origin, '/ocpi/2.2.1/receiver/nltst-things/DE/MSP/slow', AUTH, 64, 60);
    same(answer.status, 408, 'HTTP status');
    const envelope = JSON.parse(answer.body) as { status_code: number; status_message?: string };
    same(envelope.status_code, 2000, 'status_code');
    same(envelope.status_message, `Request body did not arrive within ${CONTRACT_BODY_TIMEOUT_MS} ms`, 'status_message');
    if (answer.ms >= CONTRACT_BODY_TIMEOUT_MS + 1500) throw new Error(`answered after ${answer.ms} ms, expected within ${CONTRACT_BODY_TIMEOUT_MS + 1500} ms`);
    same(answer.closed, true, 'connection closed');
  });

/** A body the core did not read (an unknown token): the connection closes, so the body cannot keep trickling in. */
const runUnreadBodyCase = (harness: AdapterHarness) =>
  throughAdapter(harness, async (origin) => {
    const answer = await trickledPut(origin, '/ocpi/2.2.1/receiver/nltst-things/DE/MSP/x', tokenHeader('nope'), 1000, 50);
    same(answer.status, 401, 'HTTP status');
    same(answer.headers.connection?.toLowerCase(), 'close', 'header connection');
    same(answer.closed, true, 'connection closed');
  });

/** Ids are echoed as the same bytes on every adapter; ids with bytes beyond ASCII are replaced. */
const runRawIdsCase = (harness: AdapterHarness) =>
  throughAdapter(harness, async (origin) => {
    const latin1 = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0));
    const request = (id: string) =>
      latin1(['GET /ocpi/versions HTTP/1.1', 'Host: 127.0.0.1', `Authorization: ${AUTH}`, `X-Request-ID: ${id}`, 'Connection: close', '', ''].join('\r\n'));
    same((await rawHttp(origin, request('plain-id-1'))).headers['x-request-id'], 'plain-id-1', 'echoed X-Request-ID');
    const mangled = await rawHttp(origin, request('caf\u00e9-\u00c3\u00a9'));
    same(mangled.status, 200, 'HTTP status');
    if (!/^[0-9a-f-]{36}$/.test(mangled.headers['x-request-id'] ?? '')) {
      throw new Error(`X-Request-ID: expected a new UUID, got ${JSON.stringify(mangled.headers['x-request-id'])}`);
    }
  });

/**
 * Registers the contract cases for one adapter, over real HTTP:
 * `describeAdapterContract({ name: 'koa', start }, { describe, it })`. Each case gets a fresh node,
 * served once through the adapter and once in process.
 */
export function describeAdapterContract(harness: AdapterHarness, runner: TestRunner): void {
  runner.describe(`adapter contract: ${harness.name}`, () => {
    for (const c of COMMON_CASES) runner.it(c.name, () => runCase(harness, c));
    for (const v of CONTRACT_VERSIONS) {
      runner.describe(`OCPI ${v.version}`, () => {
        for (const c of versionCases(v)) runner.it(c.name, () => runCase(harness, c));
      });
    }
    runner.it('serves stored Locations as the bytes of JSON.stringify of the envelope, before and after a PATCH', () => runFastPathCase(harness));
    runner.it('answers a body trickled slower than the body timeout with 408 and an envelope, then closes the connection', () => runSlowBodyCase(harness));
    runner.it('closes the connection after answering a body it did not read (an unknown token), so the body cannot keep trickling in', () =>
      runUnreadBodyCase(harness),
    );
    runner.it('echoes the same bytes for every id it echoes, and replaces ids with bytes beyond ASCII', () => runRawIdsCase(harness));
    runner.it('gives the EVRoaming client, which names its own party as OCPI-to, 57 of 57 Locations (issue 17)', () =>
      throughToleranceNode(harness, runEvRoamingPull),
    );
    runner.it('keeps a connector standard NACS, takes DateTimes with offsets and microseconds as UTC, an APP_USER Token without ?type= (issue 17)', () =>
      throughToleranceNode(harness, runLenientWrites),
    );
    runner.it('takes pushes a hub relays for the parties it serves on every client-owned route, and refuses any other party the same way (issue 16)', () =>
      runHubRelayCase(harness),
    );
  });
}

/** The cases in process, with no adapter: keeps the suite's expectations honest. */
export function describeInProcessContract(runner: TestRunner): void {
  const inProcess = (c: ContractCase) => async () => {
    const server = await createContractServer();
    expectCase(c, await server.handle({ method: c.method, url: c.path, headers: c.headers ?? {}, body: c.body }));
  };
  runner.describe('adapter contract: in process', () => {
    for (const c of COMMON_CASES) runner.it(c.name, inProcess(c));
    for (const v of CONTRACT_VERSIONS) {
      runner.describe(`OCPI ${v.version}`, () => {
        for (const c of versionCases(v)) runner.it(c.name, inProcess(c));
      });
    }
  });
}
