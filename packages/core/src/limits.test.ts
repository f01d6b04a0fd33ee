import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { credentialsModule } from './credentials/credentials-module.js';
import { createRegistrationToken } from './credentials/registration-tokens.js';
import { responseText } from './envelope.js';
import { RateLimiter } from './limits.js';
import { locationsReceiver } from './modules/locations.js';
import { sessionsReceiver } from './modules/sessions.js';
import { LOCAL_OUTBOUND_POLICY } from './outbound.js';
import type { EVSE, Location, Session } from './schemas/v2.2.1/index.js';
import { createOcpiServer } from './server.js';
import { createMemoryStore } from './store/memory.js';
import { example } from './testing/examples.js';
import { CPO_ROLE, EMSP_ROLE, tokenHeader } from './testing/fixtures.js';
import { moduleHarness } from './testing/modules-harness.js';
import { registerTestPartner } from './testing/test-node.js';

describe('RateLimiter', () => {
  it('allows the burst, refuses the next request with the seconds to wait, and refills over time', () => {
    let now = 0;
    const limiter = new RateLimiter({ requestsPerSecond: 2, burst: 3 }, () => now);
    expect([1, 2, 3].map(() => limiter.take('a').ok)).toEqual([true, true, true]);
    expect(limiter.take('a')).toEqual({ ok: false, retryAfterSeconds: 1 });
    expect(limiter.take('b').ok).toBe(true);
    now = 500;
    expect(limiter.take('a').ok).toBe(true);
    expect(limiter.take('a').ok).toBe(false);
  });
});

describe('rate limits in handle()', () => {
  async function server(rateLimits: Parameters<typeof createOcpiServer>[0]['rateLimits']) {
    const store = createMemoryStore();
    await registerTestPartner(store, { token: 'a', roles: [EMSP_ROLE] });
    await registerTestPartner(store, { id: 'b', token: 'b', roles: [{ ...EMSP_ROLE, party_id: 'BBB' }] });
    return createOcpiServer({
      baseUrl: 'https://x.test/ocpi',
      parties: [CPO_ROLE],
      store,
      versions: ['2.2.1'],
      modules: [],
      ...(rateLimits ? { rateLimits } : {}),
    });
  }
  const get = (token: string, remoteAddress = '10.0.0.1') => ({
    method: 'GET',
    url: '/ocpi/versions',
    headers: { authorization: tokenHeader(token) },
    remoteAddress,
  });

  it('answers 429 with Retry-After and an OCPI envelope once a partner exceeds its rate, per partner', async () => {
    const s = await server({ perPartner: { requestsPerSecond: 1, burst: 2 } });
    expect((await s.handle(get('a'))).status).toBe(200);
    expect((await s.handle(get('a'))).status).toBe(200);
    const limited = await s.handle(get('a'));
    expect(limited.status).toBe(429);
    expect(limited.headers['retry-after']).toBe('1');
    expect(JSON.parse(responseText(limited))).toMatchObject({ status_code: 2000, status_message: expect.stringMatching(/Too many requests/) });
    expect((await s.handle(get('b'))).status).toBe(200);
  });

  it('limits per client address before authentication, so unknown tokens are limited too', async () => {
    const s = await server({ perAddress: { requestsPerSecond: 1, burst: 1 } });
    expect((await s.handle(get('nope'))).status).toBe(401);
    expect((await s.handle(get('nope'))).status).toBe(429);
    expect((await s.handle(get('a', '10.0.0.2'))).status).toBe(200);
  });

  it('limits nothing when not configured', async () => {
    const s = await server(undefined);
    for (let i = 0; i < 50; i++) expect((await s.handle(get('a'))).status).toBe(200);
  });
});

describe('growth per object is bounded (issue 19, finding 7)', () => {
  const CPO = { country_code: 'NL', party_id: 'STK' };
  const period = (i: number) => ({ start_date_time: `2020-03-09T10:${String(i % 60).padStart(2, '0')}:00Z`, dimensions: [{ type: 'ENERGY', volume: i }] });
  async function receiver(limits: Parameters<typeof createOcpiServer>[0]['limits'], bodyLimit = 64 * 1024) {
    const h = moduleHarness({ parties: [EMSP_ROLE], modules: [sessionsReceiver(), locationsReceiver()], server: { bodyLimit, ...(limits ? { limits } : {}) } });
    await h.partner('cpo', [{ role: 'CPO', ...CPO, business_details: { name: 'CPO' } }]);
    const session = { ...example<Session>('session_example_1_simple_start.json'), ...CPO, charging_periods: [] };
    expect((await h.call('PUT', 'receiver/sessions/NL/STK/101', { token: 'cpo', body: session })).status).toBe(201);
    return h;
  }
  const patch = (periods: number, from = 0) => ({
    charging_periods: Array.from({ length: periods }, (_, i) => period(from + i)),
    last_updated: '2020-03-09T11:00:00Z',
  });

  it('a Session PATCH that would grow it past the size limit gets 2001, and the Session stays as it was', async () => {
    const h = await receiver({});
    // ~40 KB of charging periods per PATCH, under the 64 KB body limit: the second would make the Session ~80 KB.
    expect((await h.call('PATCH', 'receiver/sessions/NL/STK/101', { token: 'cpo', body: patch(500) })).json.status_code).toBe(1000);
    const refused = await h.call('PATCH', 'receiver/sessions/NL/STK/101', { token: 'cpo', body: patch(500, 500) });
    expect(refused.json.status_code).toBe(2001);
    expect(refused.json.status_message).toMatch(/^Session after PATCH would be \d+ bytes, more than the 65536 bytes this platform keeps of one object/);
    const stored = await h.call('GET', 'receiver/sessions/NL/STK/101', { token: 'cpo' });
    expect(stored.json.data.charging_periods).toHaveLength(500);
  });

  it('a Session gets no more charging periods than the limit, by PATCH or PUT', async () => {
    const h = await receiver({ chargingPeriods: 10 });
    expect((await h.call('PATCH', 'receiver/sessions/NL/STK/101', { token: 'cpo', body: patch(6) })).json.status_code).toBe(1000);
    const refused = await h.call('PATCH', 'receiver/sessions/NL/STK/101', { token: 'cpo', body: patch(5, 6) });
    expect(refused.json).toMatchObject({
      status_code: 2001,
      status_message: expect.stringMatching(/^\/charging_periods: Session 101 would have 11 charging periods, more than the 10/),
    });
    const whole = { ...example<Session>('session_example_1_simple_start.json'), ...CPO, charging_periods: patch(11).charging_periods };
    expect((await h.call('PUT', 'receiver/sessions/NL/STK/101', { token: 'cpo', body: whole })).json.status_code).toBe(2001);
    expect((await h.call('GET', 'receiver/sessions/NL/STK/101', { token: 'cpo' })).json.data.charging_periods).toHaveLength(6);
  });

  it('EVSEs PUT one by one into a Location stop at the size limit', async () => {
    const h = await receiver({ objectBytes: 8 * 1024 });
    const location = { ...example<Location>('location_example.json'), ...CPO };
    expect((await h.call('PUT', `receiver/locations/NL/STK/${location.id}`, { token: 'cpo', body: location })).status).toBe(201);
    const evse = location.evses?.[0] as EVSE;
    const answers: number[] = [];
    for (let i = 0; i < 40; i++) {
      const uid = `EVSE-${i}`;
      const put = await h.call('PUT', `receiver/locations/NL/STK/${location.id}/${uid}`, { token: 'cpo', body: { ...evse, uid } });
      answers.push(put.json.status_code);
    }
    expect(answers).toContain(1000);
    expect(answers.at(-1)).toBe(2001);
    const stored = await h.call('GET', `receiver/locations/NL/STK/${location.id}`, { token: 'cpo' });
    expect(JSON.stringify(stored.json.data).length).toBeLessThanOrEqual(8 * 1024);
  });
});

describe('partner records stay small (issue 19, finding 8)', () => {
  it('a partner whose version details list more endpoints than the limit is refused with 3001; one with too many roles with 2001', async () => {
    const server = createServer((req, res) => {
      const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const data =
        req.url === '/versions'
          ? [{ version: '2.2.1', url: `${origin}/2.2.1` }]
          : {
              version: '2.2.1',
              endpoints: Array.from({ length: 101 }, (_, i) => ({ identifier: `x-${i}`, role: 'SENDER', url: `${origin}/x/${i}` })),
            };
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ data, status_code: 1000, timestamp: '2024-01-01T00:00:00Z' }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const store = createMemoryStore();
      const node = createOcpiServer({
        baseUrl: 'https://cpo.test/ocpi',
        parties: [CPO_ROLE],
        store,
        versions: ['2.2.1'],
        modules: [credentialsModule({ outbound: LOCAL_OUTBOUND_POLICY })],
      });
      const register = async (roles: unknown[]) => {
        const { token } = await createRegistrationToken(store);
        const response = await node.handle({
          method: 'POST',
          url: '/ocpi/2.2.1/credentials',
          headers: { authorization: tokenHeader(token) },
          body: JSON.stringify({ token: 'theirs', url: `${origin}/versions`, roles }),
        });
        return JSON.parse(responseText(response)) as { status_code: number; status_message: string };
      };
      expect(await register([EMSP_ROLE])).toMatchObject({ status_code: 3001, status_message: expect.stringMatching(/list 101 endpoints, more than the 100/) });
      const many = Array.from({ length: 101 }, (_, i) => ({ ...EMSP_ROLE, party_id: `M${i.toString(36).padStart(2, '0')}` }));
      expect(await register(many)).toMatchObject({ status_code: 2001, status_message: expect.stringMatching(/\/roles: 101 roles, more than the 100/) });
      expect(await store.partners.list()).toEqual([]);
    } finally {
      server.close();
    }
  });
});
