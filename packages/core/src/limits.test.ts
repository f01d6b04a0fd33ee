import { describe, expect, it } from 'vitest';
import { responseText } from './envelope.js';
import { RateLimiter } from './limits.js';
import { createOcpiServer } from './server.js';
import { createMemoryStore } from './store/memory.js';
import { CPO_ROLE, EMSP_ROLE, tokenHeader } from './testing/fixtures.js';
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
    return createOcpiServer({ baseUrl: 'https://x.test/ocpi', parties: [CPO_ROLE], store, modules: { '2.2.1': [] }, ...(rateLimits ? { rateLimits } : {}) });
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
