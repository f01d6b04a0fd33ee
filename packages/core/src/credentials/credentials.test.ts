import { describe, expect, it } from 'vitest';
import { authorizationHeader } from '../auth/tokens.js';
import { OcpiClientError } from '../client/errors.js';
import { OcpiError } from '../errors.js';
import { type CredentialsRole, partnerToken } from '../partners/partner.js';
import { type HttpTestNode, startHttpTestNode, testNodesClosedAfterEach } from '../testing/nodes.js';
import { registerTestPartner } from '../testing/test-node.js';
import { thingsSender } from '../testing/things-module.js';
import { createRegistrationToken, listRegistrationTokens, revokeRegistrationToken } from './registration-tokens.js';

const CPO: CredentialsRole = { role: 'CPO', country_code: 'NL', party_id: 'CPA', business_details: { name: 'Node A CPO' } };
const EMSP: CredentialsRole = { role: 'EMSP', country_code: 'DE', party_id: 'MSB', business_details: { name: 'Node B eMSP' } };
// A platform with two roles: a CPO and an eMSP under one connection.
const MULTI: CredentialsRole[] = [
  { role: 'CPO', country_code: 'BE', party_id: 'ABC', business_details: { name: 'Multi CPO' } },
  { role: 'EMSP', country_code: 'BE', party_id: 'ABD', business_details: { name: 'Multi eMSP' } },
];

const node = testNodesClosedAfterEach();

interface Envelope {
  data?: any;
  status_code: number;
  status_message?: string;
}

/** A raw call with a token, encoded as the partner expects, outside the client. */
async function raw(method: string, url: string, token: string | undefined, body?: unknown, encoding: 'base64' | 'raw' = 'base64') {
  const headers: Record<string, string> = {};
  if (token !== undefined) headers.authorization = authorizationHeader(token, encoding);
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(url, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  return { status: response.status, json: (await response.json()) as Envelope, headers: response.headers };
}

const credentialsUrl = (n: HttpTestNode) => `${n.origin}/ocpi/2.2.1/credentials`;

/** The origin of a node that was running and is gone: a partner that is down. */
async function deadOrigin(): Promise<string> {
  const gone = await startHttpTestNode({ parties: [CPO] });
  await gone.close();
  return gone.origin;
}

describe('registration tokens (token A)', () => {
  it('are shown once, stored as a hash, listed without the token, and revocable', async () => {
    const b = await node({ parties: [EMSP] });
    const { id, token } = await createRegistrationToken(b.store, { label: 'for A', expiresAt: new Date(Date.now() + 60_000) });
    const [stored] = await b.store.registrationTokens.list();
    expect(stored?.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(stored)).not.toContain(token);
    const listed = await listRegistrationTokens(b.store);
    expect(listed).toEqual([expect.objectContaining({ id, label: 'for A', state: 'usable' })]);
    expect(JSON.stringify(listed)).not.toContain(token);
    expect(listed[0]).not.toHaveProperty('hash');

    expect((await raw('GET', b.versionsUrl, token)).status).toBe(200);
    expect(await revokeRegistrationToken(b.store, id)).toBe(true);
    expect((await listRegistrationTokens(b.store))[0]?.state).toBe('revoked');
    expect((await raw('GET', b.versionsUrl, token)).status).toBe(401);
    expect(await revokeRegistrationToken(b.store, 'nope')).toBe(false);
  });

  it('an expired one is refused with 401', async () => {
    const b = await node({ parties: [EMSP] });
    const { token } = await createRegistrationToken(b.store, { expiresAt: new Date(Date.now() - 1000) });
    expect((await listRegistrationTokens(b.store))[0]?.state).toBe('expired');
    expect((await raw('GET', b.versionsUrl, token)).status).toBe(401);
  });

  it('open the versions, version details and credentials endpoints only (transport_and_format, "Authorization header")', async () => {
    const b = await node({ parties: [EMSP] });
    const { token } = await createRegistrationToken(b.store);
    expect((await raw('GET', b.versionsUrl, token)).json.status_code).toBe(1000);
    const details = await raw('GET', `${b.origin}/ocpi/2.2.1`, token);
    expect(details.json.data.endpoints).toContainEqual({ identifier: 'credentials', role: 'SENDER', url: credentialsUrl(b) });
    const credentials = await raw('GET', credentialsUrl(b), token);
    expect(credentials.json.data).toEqual({ token, url: b.versionsUrl, roles: [EMSP] });
    const things = await raw('GET', `${b.origin}/ocpi/2.2.1/sender/nltst-things`, token);
    expect(things.status).toBe(401);
  });
});

describe('registration, update and unregistration between two nodes over HTTP', () => {
  it('A registers with B using the token A B issued; both keep each other`s token, roles and endpoints', async () => {
    const a = await node({ parties: [CPO] });
    const b = await node({ parties: [EMSP] });
    const tokenA = await createRegistrationToken(b.store, { label: 'node A' });

    const onA = await a.registry.register({ versionsUrl: b.versionsUrl, tokenA: partnerToken(tokenA.token) });
    expect(onA).toMatchObject({ status: 'REGISTERED', roles: [EMSP], version: '2.2.1', versionsUrl: b.versionsUrl, tokenEncoding: 'base64' });
    expect(onA.endpoints).toEqual(b.node.endpoints('2.2.1'));
    expect(onA.outboundToken).toBeTruthy();

    const [onB, ...others] = await b.store.partners.list();
    expect(others).toEqual([]);
    expect(onB).toMatchObject({ status: 'REGISTERED', roles: [CPO], version: '2.2.1', versionsUrl: a.versionsUrl, tokenEncoding: 'base64' });
    expect(onB?.endpoints).toEqual(a.node.endpoints('2.2.1'));
    expect((await listRegistrationTokens(b.store))[0]).toMatchObject({ state: 'used', usedByPartnerId: onB?.id });

    // Each side calls the other's functional modules with the token it received.
    const fromA = await a.client.forPartner(onA).get<{ routing: unknown }>('nltst-things', 'SENDER', ['echo', 'hi']);
    expect(fromA.data.routing).toEqual({ from: { country_code: 'NL', party_id: 'CPA' }, to: { country_code: 'DE', party_id: 'MSB' } });
    const fromB = await b.client.forPartner(onB!).get<{ routing: unknown }>('nltst-things', 'SENDER', ['echo', 'hi']);
    expect(fromB.data.routing).toEqual({ from: { country_code: 'DE', party_id: 'MSB' }, to: { country_code: 'NL', party_id: 'CPA' } });

    // Token A is dead once used (credentials, "Registration": it "MAY no longer be used").
    expect((await raw('GET', b.versionsUrl, tokenA.token)).status).toBe(401);
    expect((await raw('POST', credentialsUrl(b), tokenA.token, { token: 'x', url: a.versionsUrl, roles: [CPO] })).status).toBe(401);
  });

  it('GET credentials returns the token the caller authenticated with, and our roles', async () => {
    const a = await node({ parties: [CPO] });
    const b = await node({ parties: [EMSP] });
    const onA = await a.registry.register({ versionsUrl: b.versionsUrl, tokenA: partnerToken((await createRegistrationToken(b.store)).token) });
    const res = await a.client.forPartner(onA).get('credentials', 'SENDER');
    expect(res.data).toEqual({ token: onA.outboundToken, url: b.versionsUrl, roles: [EMSP] });
  });

  it('update rotates both tokens, the old ones are refused at once, and a later unregistration and new registration work', async () => {
    const a = await node({ parties: [CPO] });
    const b = await node({ parties: [EMSP] });
    const first = await a.registry.register({ versionsUrl: b.versionsUrl, tokenA: partnerToken((await createRegistrationToken(b.store)).token) });
    const bBefore = (await b.store.partners.list())[0]!;

    const updated = await a.registry.updateCredentials(first.id);
    const bAfter = (await b.store.partners.get(bBefore.id))!;
    expect(updated.outboundToken).not.toBe(first.outboundToken);
    expect(bAfter.outboundToken).not.toBe(bBefore.outboundToken);
    expect(bAfter.inboundTokenHash).not.toBe(bBefore.inboundTokenHash);
    // Old tokens, both directions: refused right after the PUT.
    expect((await raw('GET', b.versionsUrl, first.outboundToken)).status).toBe(401);
    expect((await raw('GET', a.versionsUrl, bBefore.outboundToken)).status).toBe(401);
    // New tokens work, both directions.
    expect((await raw('GET', b.versionsUrl, updated.outboundToken)).status).toBe(200);
    expect((await raw('GET', a.versionsUrl, bAfter.outboundToken)).status).toBe(200);

    // B updates towards A as well (either side may PUT).
    const bRegistered = await b.registry.updateCredentials(bBefore.id);
    expect((await raw('GET', a.versionsUrl, bAfter.outboundToken)).status).toBe(401);
    expect((await raw('GET', a.versionsUrl, bRegistered.outboundToken)).status).toBe(200);
    const aNow = (await a.store.partners.get(first.id))!;
    expect((await raw('GET', b.versionsUrl, updated.outboundToken)).status).toBe(401);
    expect((await raw('GET', b.versionsUrl, aNow.outboundToken)).status).toBe(200);

    // Unregister: both sides forget the tokens.
    const gone = await a.registry.unregister(first.id);
    expect(gone.status).toBe('UNREGISTERED');
    expect(gone).not.toHaveProperty('outboundToken');
    expect(gone).not.toHaveProperty('inboundTokenHash');
    expect(await b.store.partners.get(bBefore.id)).toMatchObject({ status: 'UNREGISTERED' });
    expect((await b.store.partners.get(bBefore.id))?.inboundTokenHash).toBeUndefined();
    expect((await raw('GET', b.versionsUrl, aNow.outboundToken)).status).toBe(401);
    expect((await raw('GET', a.versionsUrl, bRegistered.outboundToken)).status).toBe(401);

    // And register again, with a new token A.
    const again = await a.registry.register({ versionsUrl: b.versionsUrl, tokenA: partnerToken((await createRegistrationToken(b.store)).token) });
    expect(again.status).toBe('REGISTERED');
    expect(again.id).not.toBe(first.id);
    expect((await raw('GET', `${b.origin}/ocpi/2.2.1/sender/nltst-things/echo/x`, again.outboundToken)).json.status_code).toBe(1000);
  });

  it('B initiates to A too, with multi-role platforms on both sides and raw (not Base64) tokens', async () => {
    const a = await node({ parties: MULTI });
    const b = await node({ parties: [EMSP, { role: 'CPO', country_code: 'DE', party_id: 'CPB', business_details: { name: 'Node B CPO' } }] });
    const tokenA = await createRegistrationToken(a.store);
    const onB = await b.registry.register({ versionsUrl: a.versionsUrl, tokenA: partnerToken(tokenA.token), encoding: 'raw' });
    expect(onB.roles).toEqual(MULTI);
    expect(onB.tokenEncoding).toBe('raw');
    const onA = (await a.store.partners.list())[0]!;
    expect(onA.roles.map((r) => `${r.role} ${r.country_code}/${r.party_id}`)).toEqual(['EMSP DE/MSB', 'CPO DE/CPB']);
    expect(onA.tokenEncoding).toBe('raw');
    // Raw tokens only: the Base64 form of the same token is not accepted for a raw partner.
    expect((await raw('GET', a.versionsUrl, onB.outboundToken, undefined, 'raw')).status).toBe(200);
    expect((await raw('GET', a.versionsUrl, onB.outboundToken, undefined, 'base64')).status).toBe(401);
    // Pushing as the second role of B to the things of A.
    const pushed = await b.client
      .forPartner(onB)
      .put(
        'nltst-things',
        'RECEIVER',
        ['DE', 'CPB', 't1'],
        { id: 't1', last_updated: '2024-01-01T00:00:00Z' },
        { from: { country_code: 'DE', party_id: 'CPB' }, to: MULTI[0]! },
      );
    expect(pushed.httpStatus).toBe(201);
    const back = await b.client.forPartner(onB).get('nltst-things', 'RECEIVER', ['DE', 'CPB', 't1']);
    expect(back.data).toEqual({ id: 't1', last_updated: '2024-01-01T00:00:00Z' });
  });
});

describe('one party, one registration (issue 19, finding 9)', () => {
  it('two platforms registering the same party at the same moment with two tokens A: one succeeds, the other gets 405', async () => {
    const b = await node({ parties: [EMSP] });
    const [first, second] = await Promise.all([node({ parties: [CPO] }), node({ parties: [CPO] })]);
    const [tokenOne, tokenTwo] = await Promise.all([createRegistrationToken(b.store), createRegistrationToken(b.store)]);
    const results = await Promise.allSettled([
      first.registry.register({ versionsUrl: b.versionsUrl, tokenA: partnerToken(tokenOne.token) }),
      second.registry.register({ versionsUrl: b.versionsUrl, tokenA: partnerToken(tokenTwo.token) }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(refused.reason).toBeInstanceOf(OcpiClientError);
    expect(refused.reason).toMatchObject({ httpStatus: 405 });
    expect((await b.store.partners.list()).filter((p) => p.status === 'REGISTERED')).toHaveLength(1);
    // The loser's token A was not spent: it can still register another party.
    expect((await listRegistrationTokens(b.store)).map((t) => t.state).sort()).toEqual(['usable', 'used']);
  });
});

describe('credentials errors', () => {
  it('a partner that is down gives 3001 naming the URL, and nothing is stored; token A stays usable', async () => {
    const b = await node({ parties: [EMSP] });
    const { token } = await createRegistrationToken(b.store);
    const down = `${await deadOrigin()}/ocpi/versions`;
    const res = await raw('POST', credentialsUrl(b), token, { token: 'their-token', url: down, roles: [CPO] });
    expect(res.status).toBe(200);
    expect(res.json.status_code).toBe(3001);
    expect(res.json.status_message).toContain(down);
    expect(await b.store.partners.list()).toEqual([]);
    expect((await listRegistrationTokens(b.store))[0]?.state).toBe('usable');

    // The initiator: nothing stored either.
    const a = await node({ parties: [CPO] });
    const failed = await a.registry.register({ versionsUrl: down, tokenA: partnerToken('whatever') }).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(OcpiError);
    expect(failed).toMatchObject({ statusCode: 3001 });
    expect((failed as Error).message).toContain(down);
    expect(await a.store.partners.list()).toEqual([]);
  });

  it('a partner answering non-JSON or a non-1000 envelope gives 3001 saying what went wrong', async () => {
    const b = await node({ parties: [EMSP] });
    const { token } = await createRegistrationToken(b.store);
    const a = await node({ parties: [CPO] });
    // The versions URL of A, but with a token A does not know: A answers 401.
    const res = await raw('POST', credentialsUrl(b), token, { token: 'not-known-at-a', url: a.versionsUrl, roles: [CPO] });
    expect(res.json.status_code).toBe(3001);
    expect(res.json.status_message).toMatch(/HTTP 401 with OCPI status 2000/);
    // A URL answering HTML.
    const html = await raw('POST', credentialsUrl(b), token, { token: 'x', url: `${a.origin}/not-ocpi`, roles: [CPO] });
    expect(html.json.status_code).toBe(3001);
    expect(html.json.status_message).toContain(`${a.origin}/not-ocpi`);
  });

  it('a 3001 quotes nothing of what the URL answered: an internal service behind it stays unread (issue 19, finding 10)', async () => {
    const { createServer } = await import('node:http');
    const bodies: Record<string, [number, string]> = {
      '/json': [200, '{"db_password":"internal-secret-1","status":"ok"}'],
      '/html': [200, '<html>internal-secret-2 admin console</html>'],
      '/error': [500, 'internal-secret-3 stack trace'],
      '/envelope': [200, '{"status_code":3000,"status_message":"internal-secret-4"}'],
    };
    const internal = createServer((req, res) => {
      const [status, body] = bodies[req.url ?? ''] ?? [404, 'internal-secret-5'];
      res.writeHead(status, { 'content-type': 'application/json' }).end(body);
    });
    await new Promise<void>((resolve) => internal.listen(0, '127.0.0.1', resolve));
    const origin = `http://127.0.0.1:${(internal.address() as { port: number }).port}`;
    try {
      const b = await node({ parties: [EMSP] });
      const { token } = await createRegistrationToken(b.store);
      for (const path of [...Object.keys(bodies), '/missing']) {
        const res = await raw('POST', credentialsUrl(b), token, { token: 'x', url: `${origin}${path}`, roles: [CPO] });
        expect(res.json.status_code, path).toBe(3001);
        expect(res.json.status_message, path).toContain(`${origin}${path}`);
        expect(res.json.status_message, path).not.toMatch(/internal-secret|db_password|admin console|stack trace/);
      }
    } finally {
      internal.close();
    }
  });

  it('a wrong token gives 401', async () => {
    const b = await node({ parties: [EMSP] });
    expect((await raw('GET', credentialsUrl(b), 'wrong')).status).toBe(401);
    expect((await raw('POST', credentialsUrl(b), 'wrong', { token: 'x', url: 'http://x/versions', roles: [CPO] })).status).toBe(401);
    const a = await node({ parties: [CPO] });
    const failed = await a.registry.register({ versionsUrl: b.versionsUrl, tokenA: partnerToken('wrong') }).catch((e: unknown) => e);
    expect(failed).toMatchObject({ statusCode: 3001 });
    expect((failed as Error).message).toMatch(/401/);
  });

  it('no version in common gives 3002, on both sides', async () => {
    const old = await node({ parties: [CPO], versions: ['2.1.1'], modules: [thingsSender] });
    const b = await node({ parties: [EMSP] });
    // Server side: the client offers 2.1.1 only.
    const tokenAtOld = (await createRegistrationToken(old.store)).token;
    const { token } = await createRegistrationToken(b.store);
    const res = await raw('POST', credentialsUrl(b), token, { token: tokenAtOld, url: old.versionsUrl, roles: [CPO] });
    expect(res.json.status_code).toBe(3002);
    expect(res.json.status_message).toContain('2.1.1');
    expect(await b.store.partners.list()).toEqual([]);
    // Initiator side.
    const failed = await b.registry.register({ versionsUrl: old.versionsUrl, tokenA: partnerToken(tokenAtOld) }).catch((e: unknown) => e);
    expect(failed).toMatchObject({ statusCode: 3002 });
    expect(await b.store.partners.list()).toEqual([]);
  });

  it('a missing required endpoint gives 3003 from the receiver, and the sender does not POST at all', async () => {
    const a = await node({ parties: [CPO] });
    const b = await node({
      parties: [EMSP],
      credentials: { requiredEndpoints: (roles) => (roles.some((r) => r.role === 'CPO') ? [{ identifier: 'cdrs', role: 'SENDER' }] : []) },
    });
    const tokenA = await createRegistrationToken(b.store);
    const failed = await a.registry.register({ versionsUrl: b.versionsUrl, tokenA: partnerToken(tokenA.token) }).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(OcpiClientError);
    expect(failed).toMatchObject({ statusCode: 3003 });
    expect((failed as Error).message).toContain('cdrs SENDER');
    expect(await a.store.partners.list()).toEqual([]);
    expect(await b.store.partners.list()).toEqual([]);
    expect((await listRegistrationTokens(b.store))[0]?.state).toBe('usable');

    // Sender side (credentials, "Required endpoints not available"): 3003, and no POST is sent.
    const c = await node({ parties: [CPO], registry: { requiredEndpoints: [{ identifier: 'locations', role: 'RECEIVER' }] } });
    const refused = await c.registry.register({ versionsUrl: b.versionsUrl, tokenA: partnerToken(tokenA.token) }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(OcpiError);
    expect(refused).toMatchObject({ statusCode: 3003 });
    expect(await c.store.partners.list()).toEqual([]);
    expect((await listRegistrationTokens(b.store))[0]?.state).toBe('usable');
  });

  it('POST when already registered gives 405, with the token C or with a new token A for the same party', async () => {
    const a = await node({ parties: [CPO] });
    const b = await node({ parties: [EMSP] });
    const onA = await a.registry.register({ versionsUrl: b.versionsUrl, tokenA: partnerToken((await createRegistrationToken(b.store)).token) });
    const again = await raw('POST', credentialsUrl(b), onA.outboundToken, { token: 'x', url: a.versionsUrl, roles: [CPO] });
    expect(again.status).toBe(405);
    expect(again.headers.get('allow')).toBe('GET, PUT, DELETE');
    // The same party with another token A: the client is registered already.
    const second = await a.registry
      .register({ versionsUrl: b.versionsUrl, tokenA: partnerToken((await createRegistrationToken(b.store)).token) })
      .catch((e: unknown) => e);
    expect(second).toMatchObject({ httpStatus: 405 });
    expect((second as Error).message).toContain('NL/CPA is already registered');
    expect((await a.store.partners.list()).map((p) => p.status)).toEqual(['REGISTERED']);
    expect(await b.store.partners.list()).toHaveLength(1);
  });

  it('PUT and DELETE when not registered give 405', async () => {
    const b = await node({ parties: [EMSP] });
    const { token } = await createRegistrationToken(b.store);
    const put = await raw('PUT', credentialsUrl(b), token, { token: 'x', url: 'http://127.0.0.1:1/versions', roles: [CPO] });
    expect(put.status).toBe(405);
    expect(put.headers.get('allow')).toBe('GET, POST');
    expect((await raw('DELETE', credentialsUrl(b), token)).status).toBe(405);
    // An unregistered partner's token is not a token at all any more: 401.
    const a = await node({ parties: [CPO] });
    const onA = await a.registry.register({ versionsUrl: b.versionsUrl, tokenA: partnerToken((await createRegistrationToken(b.store)).token) });
    await a.registry.unregister(onA.id);
    expect((await raw('DELETE', credentialsUrl(b), onA.outboundToken)).status).toBe(401);
  });

  it('an invalid Credentials body gives 2001 naming the field', async () => {
    const b = await node({ parties: [EMSP] });
    const { token } = await createRegistrationToken(b.store);
    const empty = await raw('POST', credentialsUrl(b), token, { token: 'x', url: 'http://127.0.0.1:1/versions', roles: [] });
    expect(empty.json.status_code).toBe(2001);
    expect(empty.json.status_message).toContain('/roles');
    const twice = await raw('POST', credentialsUrl(b), token, { token: 'x', url: 'http://127.0.0.1:1/versions', roles: [CPO, CPO] });
    expect(twice.json.status_code).toBe(2001);
    expect(twice.json.status_message).toContain('/roles/1');
  });

  it('a partner whose registration we started (PENDING) reaches our versions, version details and credentials only', async () => {
    const a = await node({ parties: [CPO] });
    const b = await node({ parties: [EMSP] });
    // While B handles A's POST (and calls A back), A already holds a PENDING record with its token.
    const states: (string | undefined)[] = [];
    const markUsed = b.store.registrationTokens.markUsed.bind(b.store.registrationTokens);
    b.store.registrationTokens.markUsed = async (...args) => {
      states.push((await a.store.partners.list())[0]?.status);
      return markUsed(...args);
    };
    const onA = await a.registry.register({ versionsUrl: b.versionsUrl, tokenA: partnerToken((await createRegistrationToken(b.store)).token) });
    expect(states).toEqual(['PENDING']);
    expect(onA.status).toBe('REGISTERED');

    await registerTestPartner(a.store, { token: 'pending-token', status: 'PENDING', roles: [{ ...EMSP, party_id: 'PND' }] });
    expect((await raw('GET', a.versionsUrl, 'pending-token')).status).toBe(200);
    expect((await raw('GET', `${a.origin}/ocpi/2.2.1`, 'pending-token')).status).toBe(200);
    expect((await raw('GET', credentialsUrl(a), 'pending-token')).json.data.token).toBe('pending-token');
    expect((await raw('GET', `${a.origin}/ocpi/2.2.1/sender/nltst-things`, 'pending-token')).status).toBe(401);
    expect((await raw('POST', credentialsUrl(a), 'pending-token', { token: 'x', url: b.versionsUrl, roles: [{ ...EMSP, party_id: 'PND' }] })).status).toBe(405);
  });
});
