import { describeAdapterContract } from '@ocpi-ts/core/testing';
import Fastify from 'fastify';
import { describe, it } from 'vitest';
import { ocpiFastify, ocpiFrameworkErrors } from './index.js';

describeAdapterContract(
  {
    name: 'fastify',
    async start(server) {
      const app = Fastify({ frameworkErrors: ocpiFrameworkErrors(server) });
      await app.register(ocpiFastify, { server, prefix: '/ocpi' });
      const origin = await app.listen({ host: '127.0.0.1', port: 0 });
      return { origin, close: () => app.close() };
    },
  },
  { describe, it },
);
