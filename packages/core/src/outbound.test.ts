import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { OcpiTransportError } from './client/errors.js';
import { createRegistrationToken } from './credentials/registration-tokens.js';
import { OcpiError } from './errors.js';
import { checkOutboundUrl, createGuardedFetch, LOCAL_OUTBOUND_POLICY, OutboundRefusedError } from './outbound.js';
import { partnerToken } from './partners/partner.js';
import { CPO_ROLE, EMSP_ROLE } from './testing/fixtures.js';
import { startHttpTestNode } from './testing/nodes.js';

let server: Server;
let origin: string;
beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/redirect-private') res.writeHead(302, { location: 'http://10.1.2.3/internal' }).end();
    else if (req.url === '/redirect-metadata') res.writeHead(307, { location: 'http://169.254.169.254/latest/meta-data/' }).end();
    else if (req.url === '/redirect-ok') res.writeHead(302, { location: '/ok' }).end();
    else if (req.url === '/big') res.writeHead(200).end('x'.repeat(200_000));
    else res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** The real fetch, but any call that is not to this test's loopback server fails the test (and is not sent). */
const loopbackOnly: typeof fetch = (input, init) => {
  const url = new URL(input instanceof Request ? input.url : String(input));
  if (url.hostname !== '127.0.0.1') throw new Error(`a refused URL was fetched: ${url.href}`);
  return fetch(input, init);
};

describe('outbound URL policy', () => {
  it.each([
    ['ftp://partner.example/versions', /only http and https/],
    ['http://127.0.0.1:9/versions', /loopback/],
    ['http://[::1]/versions', /loopback/],
    ['http://localhost/versions', /loopback/],
    ['http://10.0.0.7/versions', /private/],
    ['http://192.168.1.1/versions', /private/],
    ['http://172.20.0.1/versions', /private/],
    ['http://169.254.169.254/latest/meta-data/', /link-local/],
    ['http://metadata.google.internal/computeMetadata/v1/', /link-local/],
    ['http://[fd00:ec2::254]/', /private/],
    ['http://[::ffff:127.0.0.1]/', /loopback/],
    ['http://2130706433/', /loopback/],
    // Issue 19, finding 11: the benchmarking range and IPv4 addresses embedded in IPv6 forms.
    ['http://198.18.0.1/', /private/],
    ['http://198.19.255.254/', /private/],
    ['http://[::7f00:1]/', /loopback/],
    ['http://[::127.0.0.1]/', /loopback/],
    ['http://[64:ff9b::7f00:1]/', /loopback/],
    ['http://[64:ff9b::a9fe:a9fe]/', /link-local/],
    ['http://[::ffff:0:7f00:1]/', /loopback/],
    ['http://[::ffff:0:a00:1]/', /private/],
    ['http://[2002:7f00:1::]/', /loopback/],
    ['http://[2002:a9fe:a9fe::1]/', /link-local/],
    ['http://[64:ff9b:1::a00:1]/', /private/],
    ['http://[fe80::1]/', /link-local/],
    ['http://[fec0::1]/', /private/],
    ['http://[2001:db8::1]/', /reserved/],
    ['http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/', /reserved/],
    ['http://[::]/', /unspecified/],
    ['http://0.0.0.0/', /unspecified/],
    ['http://192.0.2.1/', /reserved/],
    ['http://240.0.0.1/', /reserved/],
  ])('refuses %s by default', async (url, reason) => {
    await expect(checkOutboundUrl(new URL(url), {}, async () => [])).rejects.toThrow(reason);
  });

  it.each(['93.184.216.34', '2606:2800:220:1:248:1893:25c8:1946', '::ffff:93.184.216.34', '64:ff9b::5db8:d822', '2002:5db8:d822::1'])(
    'allows the public address %s',
    async (address) => {
      await expect(checkOutboundUrl(new URL(`http://${address.includes(':') ? `[${address}]` : address}/`), {}, async () => [])).resolves.toBeUndefined();
    },
  );

  it('judges resolved addresses in any textual form, a zone or a dotted tail included', async () => {
    for (const address of [
      '0:0:0:0:0:ffff:127.0.0.1',
      '0000:0000:0000:0000:0000:0000:0000:0001',
      'fe80::1%eth0',
      '64:ff9b:0:0:0:0:127.0.0.1',
      '::ffff:0:169.254.169.254',
    ]) {
      await expect(
        checkOutboundUrl(new URL('https://partner.example/'), {}, async () => [address]),
        address,
      ).rejects.toThrow(OutboundRefusedError);
    }
  });

  it('checks the addresses a host name resolves to', async () => {
    const resolve = async (host: string) => (host === 'evil.example' ? ['93.184.216.34', '10.0.0.1'] : ['93.184.216.34']);
    await expect(checkOutboundUrl(new URL('https://evil.example/versions'), {}, resolve)).rejects.toThrow(/evil\.example resolves to 10\.0\.0\.1/);
    await expect(checkOutboundUrl(new URL('https://partner.example/versions'), {}, resolve)).resolves.toBeUndefined();
  });

  it('allows loopback and private addresses under the local policy', async () => {
    await expect(checkOutboundUrl(new URL('http://127.0.0.1:3000/ocpi/versions'), LOCAL_OUTBOUND_POLICY)).resolves.toBeUndefined();
    await expect(checkOutboundUrl(new URL('http://10.0.0.7/'), LOCAL_OUTBOUND_POLICY)).resolves.toBeUndefined();
    await expect(checkOutboundUrl(new URL('http://169.254.169.254/'), LOCAL_OUTBOUND_POLICY)).rejects.toThrow(/link-local/);
  });

  it('over HTTP: refuses loopback by default without sending anything', async () => {
    const base = vi.fn(loopbackOnly);
    await expect(createGuardedFetch({}, base)(`${origin}/ok`)).rejects.toBeInstanceOf(OutboundRefusedError);
    expect(base).not.toHaveBeenCalled();
  });

  it('over HTTP: follows a redirect only to an allowed target, checking each hop', async () => {
    const guarded = createGuardedFetch({ allowLoopback: true }, loopbackOnly);
    expect(await (await guarded(`${origin}/redirect-ok`)).json()).toEqual({ ok: true });
    await expect(guarded(`${origin}/redirect-private`)).rejects.toThrow(/10\.1\.2\.3.*private/);
    await expect(guarded(`${origin}/redirect-metadata`)).rejects.toThrow(/link-local/);
  });

  it('over HTTP: stops reading a response larger than the limit', async () => {
    const guarded = createGuardedFetch({ allowLoopback: true, maxResponseBytes: 100_000 }, loopbackOnly);
    await expect(guarded(`${origin}/big`).then((r) => r.text())).rejects.toThrow(/more than 100000 bytes/);
    expect((await (await createGuardedFetch({ allowLoopback: true }, loopbackOnly)(`${origin}/big`)).text()).length).toBe(200_000);
  });

  it('over HTTP: times out a call that does not answer', async () => {
    const hanging = createServer(() => {});
    await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(hanging.address() as AddressInfo).port}/`;
      await expect(createGuardedFetch({ allowLoopback: true, timeoutMs: 100 }, loopbackOnly)(url)).rejects.toThrow(/timeout|abort/i);
    } finally {
      hanging.closeAllConnections();
      hanging.close();
    }
  });

  it('a registration whose partner URL the policy refuses gives 3001 and fetches nothing', async () => {
    const strictFetch = vi.fn(loopbackOnly);
    // B refuses loopback: A's versions URL (on 127.0.0.1) is never called.
    const b = await startHttpTestNode({ parties: [CPO_ROLE], credentials: { fetch: createGuardedFetch({}, strictFetch) } });
    const a = await startHttpTestNode({ parties: [EMSP_ROLE] });
    try {
      const tokenA = (await createRegistrationToken(b.store)).token;
      const failed = await a.registry.register({ versionsUrl: b.versionsUrl, tokenA: partnerToken(tokenA) }).catch((e: unknown) => e);
      expect(failed).toMatchObject({ statusCode: 3001 });
      expect(String((failed as { message: string }).message)).toMatch(/Refused to call .*loopback/);
      expect(strictFetch).not.toHaveBeenCalled();
      // And the initiator side: a strict client refuses to call B's loopback versions URL at all.
      const strict = await startHttpTestNode({ parties: [{ ...EMSP_ROLE, party_id: 'STR' }], fetch: createGuardedFetch({}, strictFetch) });
      try {
        const refused = await strict.registry.register({ versionsUrl: b.versionsUrl, tokenA: partnerToken(tokenA) }).catch((e: unknown) => e);
        expect(refused).toBeInstanceOf(OcpiError);
        expect(refused).toMatchObject({ statusCode: 3001 });
        expect(strictFetch).not.toHaveBeenCalled();
      } finally {
        await strict.close();
      }
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('the client reports a refused URL as a transport failure of kind refused', async () => {
    const { createOcpiClient } = await import('./client/client.js');
    const failed = await createOcpiClient()
      .request({ method: 'GET', url: `${origin}/ok`, token: partnerToken('t'), encoding: 'base64' })
      .catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(OcpiTransportError);
    expect(failed).toMatchObject({ failure: 'refused' });
  });
});
