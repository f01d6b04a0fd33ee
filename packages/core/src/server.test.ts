import { beforeEach, describe, expect, it, vi } from 'vitest';
import { generateToken, hashToken } from './auth/tokens.js';
import { responseText } from './envelope.js';
import type { OcpiRequest } from './http.js';
import { cdrsReceiver } from './modules/cdrs.js';
import { locationsReceiver, locationsSender } from './modules/locations.js';
import { createOcpiServer, type OcpiServer } from './server.js';
import { createMemoryStore } from './store/memory.js';
import type { OcpiStore } from './store/types.js';
import { CPO_ROLE, EMSP_ROLE, tokenHeader } from './testing/fixtures.js';
import { moduleHarness } from './testing/modules-harness.js';
import { registerTestPartner } from './testing/test-node.js';
import { thingsReceiver, thingsSender } from './testing/things-module.js';

const BASE = 'https://ocpi.example.com/ocpi';
let store: OcpiStore;
let server: OcpiServer;
const onError = vi.fn();

function request(method: string, url: string, options: { token?: string | null; body?: string; headers?: Record<string, string> } = {}): OcpiRequest {
  const headers: Record<string, string> = { ...options.headers };
  const token = options.token === undefined ? 'emsp-token' : options.token;
  if (token !== null) headers.authorization = tokenHeader(token);
  return { method, url, headers, body: options.body };
}

async function call(method: string, url: string, options: Parameters<typeof request>[2] = {}) {
  const response = await server.handle(request(method, url, options));
  return { ...response, json: JSON.parse(responseText(response)) as { data?: any; status_code: number; status_message?: string; timestamp: string } };
}

beforeEach(async () => {
  store = createMemoryStore();
  onError.mockReset();
  server = createOcpiServer({
    baseUrl: BASE,
    parties: [CPO_ROLE],
    store,
    versions: ['2.2.1'],
    modules: [thingsSender, thingsReceiver],
    pagination: { defaultLimit: 2, maxLimit: 3 },
    bodyLimit: 200,
    onError,
  });
  await registerTestPartner(store, { token: 'emsp-token', roles: [EMSP_ROLE] });
});

async function putThing(id: string, lastUpdated = '2024-01-01T00:00:00Z', extra: Record<string, string> = {}) {
  return call('PUT', `/ocpi/2.2.1/receiver/nltst-things/DE/MSP/${id}`, { body: JSON.stringify({ id, last_updated: lastUpdated, ...extra }) });
}

describe('response envelope', () => {
  it('wraps success in data, status_code, status_message and an RFC 3339 UTC timestamp, as application/json', async () => {
    const res = await call('GET', '/ocpi/versions');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json');
    expect(res.json.status_code).toBe(1000);
    expect(res.json.status_message).toBe('Success');
    expect(res.json.timestamp).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    expect(Math.abs(Date.parse(res.json.timestamp) - Date.now())).toBeLessThan(5000);
  });

  it('wraps errors in the same envelope', async () => {
    const res = await call('GET', '/ocpi/versions', { token: null });
    expect(res.status).toBe(401);
    expect(res.headers['content-type']).toBe('application/json');
    expect(res.json).toMatchObject({ status_code: 2000, status_message: 'Authorization header is missing' });
    expect(res.json.timestamp).toMatch(/Z$/);
  });

  it('turns a throwing handler into HTTP 500 with 3000, without leaking the error, and reports it to onError', async () => {
    const res = await call('POST', '/ocpi/2.2.1/sender/nltst-things/boom', { headers: { 'x-request-id': 'req-1' } });
    expect(res.status).toBe(500);
    expect(res.json.status_code).toBe(3000);
    expect(res.body).not.toContain('passwd');
    expect(res.body).not.toContain('at ');
    expect(res.json.status_message).toContain('req-1');
    expect(onError).toHaveBeenCalledOnce();
  });

  it('never rejects, even when onError throws', async () => {
    onError.mockImplementation(() => {
      throw new Error('hook failed');
    });
    const res = await call('POST', '/ocpi/2.2.1/sender/nltst-things/boom');
    expect(res.status).toBe(500);
    expect(res.json.status_code).toBe(3000);
  });
});

describe('authorization', () => {
  it('accepts the Base64-encoded token (2.2.1) and refuses the raw one for a Base64 partner', async () => {
    expect((await call('GET', '/ocpi/versions')).status).toBe(200);
    const raw = await server.handle({ method: 'GET', url: '/ocpi/versions', headers: { authorization: 'Token emsp-token' } });
    expect(raw.status).toBe(401);
  });

  it('accepts the raw token for a partner configured for raw tokens, and not the Base64 form', async () => {
    await registerTestPartner(store, { id: 'legacy', token: 'legacy-token', encoding: 'raw', roles: [{ ...EMSP_ROLE, party_id: 'OLD' }] });
    const raw = await server.handle({ method: 'GET', url: '/ocpi/versions', headers: { authorization: 'Token legacy-token' } });
    expect(raw.status).toBe(200);
    expect((await call('GET', '/ocpi/versions', { token: 'legacy-token' })).status).toBe(401);
  });

  it('gives 401 for a missing, malformed or unknown token', async () => {
    expect((await call('GET', '/ocpi/versions', { token: null })).status).toBe(401);
    const malformed = await server.handle({ method: 'GET', url: '/ocpi/versions', headers: { authorization: 'Bearer abc' } });
    expect(malformed.status).toBe(401);
    expect(JSON.parse(responseText(malformed)).status_message).toMatch(/Token/);
    const unknown = await call('GET', '/ocpi/versions', { token: 'nope' });
    expect(unknown.status).toBe(401);
    expect(unknown.json.status_message).toBe('Unknown credentials token');
  });

  it('answers a path no module serves with 404 naming it, whatever the token (none, unknown or token A)', async () => {
    const tokenA = generateToken();
    await store.registrationTokens.create({ id: 'a1', hash: await hashToken(tokenA), createdAt: new Date().toISOString() });
    for (const token of [null, 'nope', tokenA, 'emsp-token']) {
      const res = await call('GET', '/ocpi/2.2.1/receiver/locations', { token });
      expect(res.status, String(token)).toBe(404);
      expect(res.json.status_message).toBe(`No module at 'receiver/locations' in OCPI 2.2.1; its endpoints are listed at ${BASE}/2.2.1`);
    }
    // Below a mounted module, the token is checked first: the module's routes are not revealed.
    expect((await call('GET', '/ocpi/2.2.1/sender/nltst-things/a/b/c', { token: 'nope' })).status).toBe(401);
  });

  it('answers GET / under the mount and outside it with 404 pointing to the versions URL, whatever the token', async () => {
    for (const url of ['/ocpi', '/ocpi/', '/']) {
      for (const token of [null, 'nope', 'emsp-token']) {
        const res = await call('GET', url, { token });
        expect(res.status, `${url} ${token}`).toBe(404);
        expect(res.json.status_message).toBe(`No OCPI endpoint at '${url}'; the versions endpoint is ${BASE}/versions`);
      }
    }
  });

  it('reads header names in any case', async () => {
    const res = await server.handle({
      method: 'GET',
      url: '/ocpi/2.2.1/sender/nltst-things/echo/x',
      headers: { Authorization: tokenHeader('emsp-token'), 'X-Request-ID': 'r-1', 'OCPI-From-Country-Code': 'DE', 'OCPI-FROM-PARTY-ID': 'MSP' },
    });
    expect(res.status).toBe(200);
    expect(res.headers['x-request-id']).toBe('r-1');
    expect(JSON.parse(responseText(res)).data.routing.from).toEqual({ country_code: 'DE', party_id: 'MSP' });
  });

  it('accepts a registration token (token A) only on versions and version details', async () => {
    const tokenA = generateToken();
    await store.registrationTokens.create({ id: 'a1', hash: await hashToken(tokenA), createdAt: new Date().toISOString() });
    expect((await call('GET', '/ocpi/versions', { token: tokenA })).status).toBe(200);
    expect((await call('GET', '/ocpi/2.2.1', { token: tokenA })).status).toBe(200);
    const module = await call('GET', '/ocpi/2.2.1/sender/nltst-things', { token: tokenA });
    expect(module.status).toBe(401);
    expect(module.json.status_message).toMatch(/registration token/);
  });

  it('refuses an expired, revoked or used registration token', async () => {
    const now = new Date().toISOString();
    await store.registrationTokens.create({ id: 'x', hash: await hashToken('expired'), createdAt: now, expiresAt: new Date(Date.now() - 1000).toISOString() });
    await store.registrationTokens.create({ id: 'y', hash: await hashToken('revoked'), createdAt: now });
    await store.registrationTokens.revoke('y');
    await store.registrationTokens.create({ id: 'z', hash: await hashToken('used'), createdAt: now });
    await store.registrationTokens.markUsed('z', 'p', now);
    for (const token of ['expired', 'revoked', 'used']) expect((await call('GET', '/ocpi/versions', { token })).status).toBe(401);
  });

  it('refuses a suspended partner', async () => {
    await registerTestPartner(store, { id: 's', token: 'suspended', status: 'SUSPENDED', roles: [{ ...EMSP_ROLE, party_id: 'SUS' }] });
    const res = await call('GET', '/ocpi/versions', { token: 'suspended' });
    expect(res.status).toBe(401);
    expect(res.json.status_message).toMatch(/suspended/);
  });
});

describe('versions and version details', () => {
  it('lists each version with the URL of its details, on the configured base URL', async () => {
    const res = await call('GET', '/ocpi/versions', { headers: { host: 'evil.example.org', 'x-forwarded-host': 'evil.example.org' } });
    expect(res.json.data).toEqual([{ version: '2.2.1', url: `${BASE}/2.2.1` }]);
  });

  it('lists every mounted module with its interface role, custom modules included', async () => {
    const res = await call('GET', '/ocpi/2.2.1');
    expect(res.json.data).toEqual({
      version: '2.2.1',
      endpoints: [
        { identifier: 'nltst-things', role: 'SENDER', url: `${BASE}/2.2.1/sender/nltst-things` },
        { identifier: 'nltst-things', role: 'RECEIVER', url: `${BASE}/2.2.1/receiver/nltst-things` },
      ],
    });
  });

  it('gives 404 for an unknown version and 405 for a POST to versions', async () => {
    const unknown = await call('GET', '/ocpi/9.9');
    expect(unknown.status).toBe(404);
    expect(unknown.json.status_message).toContain('9.9');
    const post = await call('POST', '/ocpi/versions', { body: '{}' });
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe('GET');
  });
});

describe('routing, methods and bodies', () => {
  it('gives 404 for unknown routes, naming the path', async () => {
    const res = await call('GET', '/ocpi/2.2.1/sender/nope');
    expect(res.status).toBe(404);
    expect(res.json.status_message).toContain('sender/nope');
    expect((await call('GET', '/elsewhere')).status).toBe(404);
  });

  it('gives 405 with Allow for a method a route does not support', async () => {
    const res = await call('DELETE', '/ocpi/2.2.1/receiver/nltst-things/DE/MSP/1');
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('PUT, GET');
  });

  it('treats a trailing slash like none and decodes encoded path segments and query strings', async () => {
    expect((await call('GET', '/ocpi/versions/')).status).toBe(200);
    const res = await call('GET', '/ocpi/2.2.1/sender/nltst-things/echo/a%20b%2Fc/?q=x%26y%3Dz');
    expect(res.json.data).toMatchObject({ value: 'a b/c', query: 'x&y=z' });
  });

  it('gives 400 for a body that is not JSON, 413 for one over the limit', async () => {
    const bad = await call('PUT', '/ocpi/2.2.1/receiver/nltst-things/DE/MSP/1', { body: '{"id": ' });
    expect(bad.status).toBe(400);
    expect(bad.json.status_code).toBe(2001);
    expect(bad.json.status_message).toMatch(/not valid JSON/);
    const big = await call('PUT', '/ocpi/2.2.1/receiver/nltst-things/DE/MSP/1', { body: JSON.stringify({ id: '1', last_updated: 'x', pad: 'x'.repeat(300) }) });
    expect(big.status).toBe(413);
    expect(big.json.status_message).toContain('200 bytes');
  });

  it('reads a streamed body within the limit', async () => {
    const bytes = new TextEncoder().encode(JSON.stringify({ id: '1', last_updated: '2024-01-01T00:00:00Z' }));
    const res = await server.handle({ ...request('PUT', '/ocpi/2.2.1/receiver/nltst-things/DE/MSP/1'), body: new Blob([bytes]).stream() });
    expect(res.status).toBe(201);
  });

  it('validates the body: 2001 naming the field', async () => {
    const res = await putThing('1', '2024-01-01T00:00:00Z', { name: 'much too long' });
    expect(res.status).toBe(200);
    expect(res.json.status_code).toBe(2001);
    expect(res.json.status_message).toContain('/name');
    const missing = await call('PUT', '/ocpi/2.2.1/receiver/nltst-things/DE/MSP/1', { body: '{"id":"1"}' });
    expect(missing.json.status_message).toContain('/last_updated');
    const empty = await call('PUT', '/ocpi/2.2.1/receiver/nltst-things/DE/MSP/1', { body: '' });
    expect(empty.status).toBe(400);
    expect(empty.json.status_code).toBe(2001);
    expect(empty.json.status_message).toMatch(/body is required/);
  });

  it('answers 201 when an object is created and 200 when it is replaced', async () => {
    expect((await putThing('1')).status).toBe(201);
    expect((await putThing('1')).status).toBe(200);
  });
});

describe('client-owned objects and party isolation', () => {
  it('refuses a URL whose country_code/party_id is not the caller', async () => {
    await registerTestPartner(store, { id: 'other', token: 'other-token', roles: [{ ...EMSP_ROLE, country_code: 'FR', party_id: 'OTH' }] });
    await putThing('secret');
    const read = await call('GET', '/ocpi/2.2.1/receiver/nltst-things/DE/MSP/secret', { token: 'other-token' });
    expect(read.status).toBe(404);
    expect(read.body).not.toContain('secret"');
    const write = await call('PUT', '/ocpi/2.2.1/receiver/nltst-things/DE/MSP/secret', {
      token: 'other-token',
      body: JSON.stringify({ id: 'secret', last_updated: '2024-01-01T00:00:00Z' }),
    });
    expect(write.status).toBe(404);
    const own = await call('GET', '/ocpi/2.2.1/receiver/nltst-things/de/msp/secret');
    expect(own.json.data.id).toBe('secret');
  });
});

describe('pagination', () => {
  beforeEach(async () => {
    for (let i = 1; i <= 5; i++) await putThing(`t${i}`, `2024-01-0${i}T00:00:00Z`);
  });

  it('caps the limit at the server maximum and sets X-Total-Count, X-Limit and a next Link', async () => {
    const res = await call('GET', '/ocpi/2.2.1/sender/nltst-things?limit=10');
    expect(res.json.data.map((t: { id: string }) => t.id)).toEqual(['t1', 't2', 't3']);
    expect(res.headers['x-total-count']).toBe('5');
    expect(res.headers['x-limit']).toBe('3');
    expect(res.headers.link).toBe(`<${BASE}/2.2.1/sender/nltst-things?offset=3&limit=3>; rel="next"`);
  });

  it('omits Link on the last page and keeps every other query parameter in it', async () => {
    const first = await call('GET', '/ocpi/2.2.1/sender/nltst-things?date_from=2024-01-02T00:00:00Z&offset=0&foo=bar', {
      headers: { host: 'evil.example.org' },
    });
    expect(first.headers.link).toBe(`<${BASE}/2.2.1/sender/nltst-things?offset=2&limit=2&date_from=2024-01-02T00%3A00%3A00Z&foo=bar>; rel="next"`);
    const last = await call('GET', '/ocpi/2.2.1/sender/nltst-things?date_from=2024-01-02T00:00:00Z&offset=2&limit=2');
    expect(last.json.data.map((t: { id: string }) => t.id)).toEqual(['t4', 't5']);
    expect(last.headers.link).toBeUndefined();
    expect(last.headers['x-total-count']).toBe('4');
  });

  it('treats date_from as inclusive and date_to as exclusive on last_updated', async () => {
    const res = await call('GET', '/ocpi/2.2.1/sender/nltst-things?date_from=2024-01-02T00:00:00Z&date_to=2024-01-04T00:00:00Z');
    expect(res.json.data.map((t: { id: string }) => t.id)).toEqual(['t2', 't3']);
    const offset = await call('GET', '/ocpi/2.2.1/sender/nltst-things?date_from=2024-01-02T01:00:00+01:00&limit=1');
    expect(offset.json.data.map((t: { id: string }) => t.id)).toEqual(['t2']);
  });

  it.each([
    ['offset=-1', 'offset'],
    ['limit=abc', 'limit'],
    ['limit=0', 'limit'],
    ['date_from=yesterday', 'date_from'],
    ['date_to=2024-13-45', 'date_to'],
  ])('refuses %s with 2001 naming the parameter', async (query, name) => {
    const res = await call('GET', `/ocpi/2.2.1/sender/nltst-things?${query}`);
    expect(res.json.status_code).toBe(2001);
    expect(res.json.status_message).toContain(name);
  });
});

describe('request ids and routing headers', () => {
  it('echoes X-Request-ID and X-Correlation-ID, and generates them when absent', async () => {
    const echoed = await call('GET', '/ocpi/versions', { headers: { 'x-request-id': 'r-1', 'x-correlation-id': 'c-1' } });
    expect(echoed.headers['x-request-id']).toBe('r-1');
    expect(echoed.headers['x-correlation-id']).toBe('c-1');
    const generated = await call('GET', '/ocpi/versions');
    expect(generated.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(generated.headers['x-correlation-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(generated.headers['x-request-id']).not.toBe(generated.headers['x-correlation-id']);
  });

  it('parses routing headers for handlers and answers with them swapped', async () => {
    const res = await call('GET', '/ocpi/2.2.1/sender/nltst-things/echo/x', {
      headers: { 'ocpi-from-country-code': 'de', 'ocpi-from-party-id': 'msp', 'ocpi-to-country-code': 'NL', 'ocpi-to-party-id': 'CPO' },
    });
    expect(res.json.data.routing).toEqual({ from: { country_code: 'DE', party_id: 'MSP' }, to: { country_code: 'NL', party_id: 'CPO' } });
    expect(res.headers).toMatchObject({ 'ocpi-from-country-code': 'NL', 'ocpi-from-party-id': 'CPO', 'ocpi-to-country-code': 'DE', 'ocpi-to-party-id': 'MSP' });
  });

  it('sets routing headers on answers to functional modules even when the request had none, and not on versions', async () => {
    const res = await call('GET', '/ocpi/2.2.1/sender/nltst-things/echo/x');
    expect(res.headers).toMatchObject({ 'ocpi-from-country-code': 'NL', 'ocpi-from-party-id': 'CPO', 'ocpi-to-country-code': 'DE', 'ocpi-to-party-id': 'MSP' });
    expect((await call('GET', '/ocpi/versions')).headers['ocpi-from-party-id']).toBeUndefined();
  });

  it.each([
    [{ 'ocpi-from-country-code': 'DEU', 'ocpi-from-party-id': 'MSP' }, 'ocpi-from-country-code'],
    [{ 'ocpi-from-country-code': 'DE' }, 'ocpi-from-party-id'],
    [{ 'ocpi-to-country-code': 'NL', 'ocpi-to-party-id': 'TOOLONG' }, 'ocpi-to-party-id'],
    [{ 'ocpi-from-country-code': 'FR', 'ocpi-from-party-id': 'OTH' }, 'OCPI-from'],
  ])('refuses bad routing headers %o with 2001 naming the header', async (headers, name) => {
    const res = await call('GET', '/ocpi/2.2.1/sender/nltst-things/echo/x', { headers });
    expect(res.json.status_code).toBe(2001);
    expect(res.json.status_message).toContain(name);
  });
});

// Issue 17: defects found by independent clients, each with the request as reported.
describe('spec fixes', () => {
  it.each([
    ['PUT', 'receiver/locations/NL/CPO/LOC1'],
    ['PATCH', 'receiver/locations/NL/CPO/LOC1'],
    ['POST', 'receiver/cdrs'],
  ])('answers an empty %s body with HTTP 400 (status_codes: a message without valid JSON MUST get 400)', async (method, path) => {
    const harness = moduleHarness({ parties: [EMSP_ROLE], modules: [locationsReceiver(), cdrsReceiver()] });
    await harness.partner('cpo-token', [CPO_ROLE]);
    for (const body of ['', '  \n']) {
      const res = await harness.call(method, path, { token: 'cpo-token', body });
      expect(res.status).toBe(400);
      expect(res.json.status_code).toBe(2001);
      expect(res.json.status_message).toMatch(/body is required/);
    }
  });

  it('never answers from a foreign OCPI-to party (the EVRoaming client sends its own party as OCPI-to)', async () => {
    const iot = { role: 'EMSP' as const, country_code: 'NL', party_id: 'IOT', business_details: { name: 'IOT' } };
    const harness = moduleHarness({ parties: [CPO_ROLE], modules: [locationsSender()] });
    await harness.partner('iot-token', [iot]);
    const res = await harness.call('GET', 'sender/locations?offset=0&limit=16', {
      token: 'iot-token',
      headers: { 'ocpi-from-country-code': 'NL', 'ocpi-from-party-id': 'IOT', 'ocpi-to-country-code': 'NL', 'ocpi-to-party-id': 'IOT' },
    });
    // From us (our only party) back to the caller, whatever the request named as its destination.
    expect(res.headers).toMatchObject({ 'ocpi-from-country-code': 'NL', 'ocpi-from-party-id': 'CPO', 'ocpi-to-country-code': 'NL', 'ocpi-to-party-id': 'IOT' });
  });

  it('never addresses an answer to an OCPI-from party the caller may not speak for', async () => {
    const res = await call('GET', '/ocpi/2.2.1/sender/nltst-things/echo/x', { headers: { 'ocpi-from-country-code': 'FR', 'ocpi-from-party-id': 'OTH' } });
    expect(res.json.status_code).toBe(2001);
    expect(res.headers).toMatchObject({ 'ocpi-from-party-id': 'CPO', 'ocpi-to-country-code': 'DE', 'ocpi-to-party-id': 'MSP' });
  });
});
