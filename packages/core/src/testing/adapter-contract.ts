// One contract suite for every adapter: the same cases over real HTTP on 127.0.0.1, compared byte
// for byte with what the core answers in process, plus explicit expectations per case.
import { afterEach, describe, expect, it } from 'vitest';
import { responseText } from '../envelope.js';
import type { OcpiResponse } from '../http.js';
import { createOcpiServer, type OcpiServer } from '../server.js';
import { createMemoryStore } from '../store/memory.js';
import { createFastPathNode, envelopeTimestamp, evseStatusPatch, FAST_PATH_READER, FAST_PATH_WRITER, plainEnvelope, responseBytes } from './fast-path.js';
import { addPartner, CPO_ROLE, EMSP_ROLE, tokenHeader } from './fixtures.js';
import { rawHttp } from './http.js';
import { thingsReceiver, thingsSender } from './things-module.js';

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

const AUTH = tokenHeader('emsp-token');
const ids = { 'x-request-id': 'req-1', 'x-correlation-id': 'corr-1' };
const thing = (id: string, extra: object = {}) => JSON.stringify({ id, last_updated: '2024-01-01T00:00:00Z', ...extra });

export const CONTRACT_CASES: ContractCase[] = [
  {
    name: 'versions',
    method: 'GET',
    path: '/ocpi/versions',
    headers: { authorization: AUTH, ...ids },
    expectStatus: 200,
    expectStatusCode: 1000,
    expectHeaders: { 'content-type': 'application/json', 'x-request-id': 'req-1', 'x-correlation-id': 'corr-1' },
  },
  {
    name: 'version details with a trailing slash',
    method: 'GET',
    path: '/ocpi/2.2.1/',
    headers: { authorization: AUTH, ...ids },
    expectStatus: 200,
    expectStatusCode: 1000,
  },
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
    name: 'unknown route',
    method: 'GET',
    path: '/ocpi/2.2.1/sender/nope',
    headers: { authorization: AUTH, ...ids },
    expectStatus: 404,
    expectStatusCode: 2000,
  },
  {
    name: 'method not allowed',
    method: 'DELETE',
    path: '/ocpi/2.2.1/receiver/nltst-things/DE/MSP/1',
    headers: { authorization: AUTH, ...ids },
    expectStatus: 405,
    expectStatusCode: 2000,
    expectHeaders: { allow: 'PUT, GET' },
  },
  {
    name: 'invalid JSON',
    method: 'PUT',
    path: '/ocpi/2.2.1/receiver/nltst-things/DE/MSP/1',
    headers: { authorization: AUTH, 'content-type': 'application/json', ...ids },
    body: '{"id": ',
    expectStatus: 400,
    expectStatusCode: 2001,
    expectMessage: /not valid JSON/,
  },
  {
    name: 'invalid JSON sent as text/plain',
    method: 'PUT',
    path: '/ocpi/2.2.1/receiver/nltst-things/DE/MSP/1',
    headers: { authorization: AUTH, 'content-type': 'text/plain', ...ids },
    body: 'hello',
    expectStatus: 400,
    expectStatusCode: 2001,
  },
  {
    name: 'over-limit body',
    method: 'PUT',
    path: '/ocpi/2.2.1/receiver/nltst-things/DE/MSP/1',
    headers: { authorization: AUTH, 'content-type': 'application/json', ...ids },
    body: thing('1', { pad: 'x'.repeat(5000) }),
    expectStatus: 413,
    expectStatusCode: 2000,
  },
  {
    name: 'validation error names the field',
    method: 'PUT',
    path: '/ocpi/2.2.1/receiver/nltst-things/DE/MSP/1',
    headers: { authorization: AUTH, 'content-type': 'application/json', ...ids },
    body: JSON.stringify({ id: '1' }),
    expectStatus: 200,
    expectStatusCode: 2001,
    expectMessage: /\/last_updated/,
  },
  {
    name: 'create answers 201',
    method: 'PUT',
    path: '/ocpi/2.2.1/receiver/nltst-things/DE/MSP/new',
    headers: { authorization: AUTH, 'content-type': 'application/json', ...ids },
    body: thing('new'),
    expectStatus: 201,
    expectStatusCode: 1000,
  },
  {
    name: 'throwing handler',
    method: 'POST',
    path: '/ocpi/2.2.1/sender/nltst-things/boom',
    headers: { authorization: AUTH, ...ids },
    expectStatus: 500,
    expectStatusCode: 3000,
  },
  {
    name: 'encoded path and query',
    method: 'GET',
    path: '/ocpi/2.2.1/sender/nltst-things/echo/a%20b%2Fc/?q=x%26y%3Dz',
    headers: { authorization: AUTH, ...ids },
    expectStatus: 200,
    expectStatusCode: 1000,
  },
  {
    name: 'paginated list',
    method: 'GET',
    path: '/ocpi/2.2.1/sender/nltst-things?limit=2&date_from=2024-01-01T00%3A00%3A00Z',
    headers: { authorization: AUTH, ...ids },
    expectStatus: 200,
    expectStatusCode: 1000,
    expectHeaders: {
      'x-total-count': '3',
      'x-limit': '2',
      link: '<http://ocpi.test/ocpi/2.2.1/sender/nltst-things?offset=2&limit=2&date_from=2024-01-01T00%3A00%3A00Z>; rel="next"',
    },
  },
  {
    name: 'bad pagination parameter',
    method: 'GET',
    path: '/ocpi/2.2.1/sender/nltst-things?offset=-1',
    headers: { authorization: AUTH, ...ids },
    expectStatus: 200,
    expectStatusCode: 2001,
    expectMessage: /offset/,
  },
  // Issue 19, finding 13: what a framework would answer on its own gets the core's envelope instead.
  {
    name: 'bad percent-encoding in the path',
    method: 'GET',
    path: '/ocpi/2.2.1/sender/%zz',
    headers: { authorization: AUTH, ...ids },
    expectStatus: 400,
    expectStatusCode: 2001,
    expectMessage: /not valid percent-encoding/,
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
    name: 'a method OCPI does not use (PURGE)',
    method: 'PURGE',
    path: '/ocpi/2.2.1/sender/nltst-things',
    headers: { authorization: AUTH, ...ids },
    expectStatus: 405,
    expectStatusCode: 2000,
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
  {
    name: 'routing headers',
    method: 'GET',
    path: '/ocpi/2.2.1/sender/nltst-things/echo/x',
    headers: { authorization: AUTH, 'ocpi-from-country-code': 'DE', 'ocpi-from-party-id': 'MSP', ...ids },
    expectStatus: 200,
    expectStatusCode: 1000,
    expectHeaders: { 'ocpi-to-country-code': 'DE', 'ocpi-to-party-id': 'MSP', 'ocpi-from-country-code': 'NL', 'ocpi-from-party-id': 'CPO' },
  },
];

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

export async function createContractServer(): Promise<OcpiServer> {
  const store = createMemoryStore();
  await addPartner(store, { token: 'emsp-token', roles: [EMSP_ROLE] });
  const server = createOcpiServer({
    baseUrl: 'http://ocpi.test/ocpi',
    parties: [CPO_ROLE],
    store,
    modules: { '2.2.1': [thingsSender, thingsReceiver] },
    bodyLimit: 4096,
    bodyTimeoutMs: CONTRACT_BODY_TIMEOUT_MS,
  });
  for (const id of ['a', 'b', 'c']) {
    await server.handle({ method: 'PUT', url: `/ocpi/2.2.1/receiver/nltst-things/DE/MSP/${id}`, headers: { authorization: AUTH }, body: thing(id) });
  }
  return server;
}

function expectCase(c: ContractCase, response: OcpiResponse): void {
  expect(response.status).toBe(c.expectStatus);
  const envelope = JSON.parse(responseText(response)) as { status_code: number; status_message?: string; timestamp: string };
  expect(envelope.status_code).toBe(c.expectStatusCode);
  expect(envelope.timestamp).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
  if (c.expectMessage) expect(envelope.status_message).toMatch(c.expectMessage);
  for (const [name, value] of Object.entries(c.expectHeaders ?? {})) expect(response.headers[name]).toBe(value);
  expect(response.headers['content-type']).toBe('application/json');
  if (c.freshIds) {
    expect(response.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(response.headers['x-correlation-id']).toMatch(/^[0-9a-f-]{36}$/);
  }
}

/** Runs the contract cases through one adapter over real HTTP. */
export function describeAdapterContract(harness: AdapterHarness): void {
  describe(`adapter contract: ${harness.name}`, () => {
    // Each case gets a fresh node, served once through the adapter and once in process.
    let running: RunningServer | undefined;
    afterEach(async () => {
      await running?.close();
      running = undefined;
    });

    it.each(CONTRACT_CASES)('$name', async (c) => {
      running = await harness.start(await createContractServer());
      const http = await fetch(`${running.origin}${c.path}`, { method: c.method, headers: c.headers ?? {}, ...(c.body === undefined ? {} : { body: c.body }) });
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
      expect(response.status).toBe(direct.status);
      expect(withoutTimestamp(responseText(response))).toBe(withoutTimestamp(responseText(direct)));
      expect(bytes.byteLength).toBe(responseBytes(direct).byteLength);
      for (const name of COMPARED_HEADERS) {
        if (c.freshIds && name.startsWith('x-')) continue;
        expect(headers[name], name).toBe(direct.headers[name]);
      }
      expect(Number(headers['content-length'] ?? bytes.byteLength)).toBe(bytes.byteLength);
      // No header of the framework's own (X-Powered-By, ...): the same header names as the core's answer.
      expect(
        Object.keys(headers)
          .filter((name) => !TRANSPORT_HEADERS.has(name))
          .sort(),
      ).toEqual(Object.keys(direct.headers).sort());
    });

    it('answers a body trickled slower than the body timeout with 408 and an envelope, then closes the connection', async () => {
      running = await harness.start(await createContractServer());
      const head = [
        'PUT /ocpi/2.2.1/receiver/nltst-things/DE/MSP/slow HTTP/1.1',
        `Host: 127.0.0.1`,
        `Authorization: ${AUTH}`,
        'Content-Type: application/json',
        'Content-Length: 64',
        '',
        '{',
      ].join('\r\n');
      const answer = await rawHttp(running.origin, head, { trickle: Array.from({ length: 60 }, () => ' '), intervalMs: 100 });
      expect(answer.status).toBe(408);
      expect(JSON.parse(answer.body)).toMatchObject({ status_code: 2000, status_message: `Request body did not arrive within ${CONTRACT_BODY_TIMEOUT_MS} ms` });
      expect(answer.ms).toBeLessThan(CONTRACT_BODY_TIMEOUT_MS + 1500);
      expect(answer.closed).toBe(true);
    });

    it('closes the connection after answering a body it did not read (an unknown token), so the body cannot keep trickling in', async () => {
      running = await harness.start(await createContractServer());
      const head = [
        'PUT /ocpi/2.2.1/receiver/nltst-things/DE/MSP/x HTTP/1.1',
        'Host: 127.0.0.1',
        `Authorization: ${tokenHeader('nope')}`,
        'Content-Length: 1000',
        '',
        '{',
      ];
      const answer = await rawHttp(running.origin, head.join('\r\n'), { trickle: Array.from({ length: 50 }, () => ' '), intervalMs: 100 });
      expect(answer.status).toBe(401);
      expect(answer.headers.connection?.toLowerCase()).toBe('close');
      expect(answer.closed).toBe(true);
    });

    it('echoes the same bytes for every id it echoes, and replaces ids with bytes beyond ASCII', async () => {
      running = await harness.start(await createContractServer());
      const latin1 = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0));
      const request = (id: string) =>
        latin1(['GET /ocpi/versions HTTP/1.1', 'Host: 127.0.0.1', `Authorization: ${AUTH}`, `X-Request-ID: ${id}`, 'Connection: close', '', ''].join('\r\n'));
      expect((await rawHttp(running.origin, request('plain-id-1'))).headers['x-request-id']).toBe('plain-id-1');
      const mangled = await rawHttp(running.origin, request('caf\u00e9-\u00c3\u00a9'));
      expect(mangled.status).toBe(200);
      expect(mangled.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    });

    it('serves stored Locations as the bytes of JSON.stringify of the envelope, before and after a PATCH', async () => {
      const node = await createFastPathNode(5);
      running = await harness.start(node.server);
      const { origin } = running;
      const call = async (method: string, path: string, authorization: string, body?: string) => {
        const http = await fetch(`${origin}/ocpi/2.2.1/${path}`, {
          method,
          headers: { authorization, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
          ...(body === undefined ? {} : { body }),
        });
        return { status: http.status, contentLength: http.headers.get('content-length'), bytes: new Uint8Array(await http.arrayBuffer()) };
      };
      const expectPlain = (answer: { status: number; contentLength: string | null; bytes: Uint8Array }, data: unknown) => {
        expect(answer.status).toBe(200);
        const expected = new TextEncoder().encode(plainEnvelope(data, envelopeTimestamp(new TextDecoder().decode(answer.bytes))));
        expect(answer.bytes).toEqual(expected);
        expect(Number(answer.contentLength ?? answer.bytes.byteLength)).toBe(expected.byteLength);
      };
      expectPlain(await call('GET', 'sender/locations?offset=1&limit=3', FAST_PATH_READER), node.locations.slice(1, 4));
      const change = evseStatusPatch(node, 'LOC3', 'LOC3-E2', 'CHARGING', '2024-05-01T08:00:00Z');
      expect((await call('PATCH', change.url.replace('/ocpi/2.2.1/', ''), FAST_PATH_WRITER, change.body)).status).toBe(200);
      change.apply();
      expectPlain(await call('GET', 'sender/locations?offset=1&limit=3', FAST_PATH_READER), node.locations.slice(1, 4));
      expectPlain(await call('GET', 'sender/locations/LOC3', FAST_PATH_READER), node.locations[2]);
      expectPlain(await call('GET', 'sender/locations?date_from=2024-05-01T08%3A00%3A00Z', FAST_PATH_READER), [node.locations[2]]);
    });
  });
}

/** The cases in process, with no adapter: keeps the suite's expectations honest. */
export function describeInProcessContract(): void {
  describe('adapter contract: in process', () => {
    it.each(CONTRACT_CASES)('$name', async (c) => {
      const server = await createContractServer();
      expectCase(c, await server.handle({ method: c.method, url: c.path, headers: c.headers ?? {}, body: c.body }));
    });
  });
}
