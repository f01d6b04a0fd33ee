import type { AddressInfo } from 'node:net';
import { describeAdapterContract } from '@ocpi-ts/core/testing';
import express from 'express';
import { describe, it } from 'vitest';
import { ocpiExpress } from './index.js';

describeAdapterContract(
  {
    name: 'express',
    async start(server) {
      const app = express();
      app.use(ocpiExpress(server));
      const listener = await new Promise<import('node:http').Server>((resolve) => {
        const s = app.listen(0, '127.0.0.1', () => resolve(s));
      });
      const { port } = listener.address() as AddressInfo;
      return { origin: `http://127.0.0.1:${port}`, close: () => new Promise<void>((resolve) => listener.close(() => resolve())) };
    },
  },
  { describe, it },
);
