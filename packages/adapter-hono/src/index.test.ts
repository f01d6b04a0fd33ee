import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { OcpiServer } from '@ocpi-ts/core';
import { createTestNode, describeAdapterContract, TEST_BASE_URL } from '@ocpi-ts/core/testing';
import { describe, expect, it } from 'vitest';
import { ocpiHono } from './index.js';

async function start(server: OcpiServer) {
  const listener = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: ocpiHono(server).fetch, hostname: '127.0.0.1', port: 0 }, () => resolve(s));
  });
  const { port } = listener.address() as AddressInfo;
  return { origin: `http://127.0.0.1:${port}`, close: () => new Promise<void>((resolve) => listener.close(() => resolve())) };
}

describeAdapterContract({ name: 'hono', start }, { describe, it });

describe('the Hono app served as is', () => {
  it('answers GET / with 404 pointing to the versions URL, whatever the token', async () => {
    const node = createTestNode({ modules: [] });
    const partner = await node.addPartner();
    const running = await start(node.server);
    try {
      for (const authorization of [partner.authorization, 'Token bm90LWEtdG9rZW4=', undefined]) {
        const res = await fetch(`${running.origin}/`, { headers: authorization ? { authorization } : {} });
        expect(res.status).toBe(404);
        expect((await res.json()).status_message).toBe(`No OCPI endpoint at '/'; the versions endpoint is ${TEST_BASE_URL}/versions`);
      }
    } finally {
      await running.close();
    }
  });
});
