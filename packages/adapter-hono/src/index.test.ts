import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { describeAdapterContract } from '@ocpi-ts/core/testing';
import { ocpiHono } from './index.js';

describeAdapterContract({
  name: 'hono',
  async start(server) {
    const listener = await new Promise<ReturnType<typeof serve>>((resolve) => {
      const s = serve({ fetch: ocpiHono(server).fetch, hostname: '127.0.0.1', port: 0 }, () => resolve(s));
    });
    const { port } = listener.address() as AddressInfo;
    return { origin: `http://127.0.0.1:${port}`, close: () => new Promise<void>((resolve) => listener.close(() => resolve())) };
  },
});
