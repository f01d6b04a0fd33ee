// Issue 14 item 5: the outbound policy checked at connect, so DNS rebinding cannot reach a private address.
import type { LookupAddress } from 'node:dns';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createGuardedFetch, OutboundRefusedError } from '@ocpi-ts/core';
import { Agent, fetch as undiciFetch } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { connectGuardedFetch, type Lookup } from '../src/outbound-fetch.js';

let server: Server | undefined;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

/** An internal service on 127.0.0.1, counting the requests that reach it. */
async function internalService(): Promise<{ port: number; hits: () => number }> {
  let hits = 0;
  server = createServer((_request, response) => {
    hits++;
    response.end('{"secret":"internal"}');
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port, hits: () => hits };
}

/** A resolver that answers a public address first, then the loopback one: a rebinding DNS server. */
function rebindingLookup(): { lookup: Lookup; calls: () => number } {
  let calls = 0;
  const lookup: Lookup = (_hostname, options, callback) => {
    const address = calls++ === 0 ? '93.184.215.14' : '127.0.0.1';
    if ((options as { all?: boolean }).all) callback(null, [{ address, family: 4 } as LookupAddress]);
    else callback(null, address, 4);
  };
  return { lookup, calls: () => calls };
}

describe('the outbound policy at connect time (Node)', () => {
  it('a name that resolves to a public address for the check and a private one for the connection is refused at connect', async () => {
    const internal = await internalService();
    const dns = rebindingLookup();
    const guarded = connectGuardedFetch({}, dns.lookup);
    try {
      const error = await guarded.fetch(`http://rebind.example:${internal.port}/`).catch((e: unknown) => e);
      expect(dns.calls()).toBe(2); // the check, then the connection
      const cause = (error as { cause?: unknown }).cause;
      expect(cause).toBeInstanceOf(OutboundRefusedError);
      expect(String((cause as Error).message)).toMatch(/rebind\.example resolved to 127\.0\.0\.1 at connect: it is a loopback address/);
      expect(internal.hits()).toBe(0);
    } finally {
      await guarded.close();
    }
  });

  it('without the connect-time check, the same resolver reaches the internal service (the gap it closes)', async () => {
    const internal = await internalService();
    const dns = rebindingLookup();
    const agent = new Agent({ connect: { lookup: dns.lookup } });
    const resolve = (hostname: string) =>
      new Promise<string[]>((done) => dns.lookup(hostname, { all: true }, (_e, a) => done((a as LookupAddress[]).map((x) => x.address))));
    const base = ((input: string, init?: RequestInit) => undiciFetch(input, { ...(init as object), dispatcher: agent } as never)) as unknown as typeof fetch;
    const checkedBeforeOnly = createGuardedFetch({ resolve }, base);
    try {
      const response = await checkedBeforeOnly(`http://rebind.example:${internal.port}/`);
      expect(await response.text()).toContain('internal');
      expect(internal.hits()).toBe(1);
    } finally {
      await agent.close();
    }
  });

  it('the local policy lets a name resolving to loopback through, at check and at connect', async () => {
    const internal = await internalService();
    const lookup: Lookup = (_hostname, options, callback) =>
      (options as { all?: boolean }).all ? callback(null, [{ address: '127.0.0.1', family: 4 }]) : callback(null, '127.0.0.1', 4);
    const guarded = connectGuardedFetch({ allowLoopback: true, allowPrivate: true }, lookup);
    try {
      expect((await guarded.fetch(`http://partner.local.test:${internal.port}/`)).status).toBe(200);
      expect(internal.hits()).toBe(1);
    } finally {
      await guarded.close();
    }
  });
});
