import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { OcpiServer } from '@ocpi-ts/core';
import { ocpiExpress } from '@ocpi-ts/express';
import { ocpiFastify, ocpiFrameworkErrors } from '@ocpi-ts/fastify';
import { ocpiHono } from '@ocpi-ts/hono';
import express from 'express';
import Fastify from 'fastify';
import { Hono } from 'hono';
import type { NodeConfig } from './config.js';

export interface Listening {
  port: number;
  /**
   * Stops accepting connections and waits for in-flight requests to finish; after `graceMs` the
   * connections still open (a body trickling in, a client that never reads) are closed.
   */
  close(graceMs: number): Promise<void>;
}

interface NodeServer {
  close(cb: (error?: Error) => void): unknown;
  closeIdleConnections(): void;
  closeAllConnections(): void;
}

/** Runs `close`, and closes every connection of `server` once `graceMs` passed without it finishing. */
async function withGrace(server: NodeServer, graceMs: number, close: () => Promise<void>): Promise<void> {
  const force = setTimeout(() => server.closeAllConnections(), graceMs);
  try {
    await close();
  } finally {
    clearTimeout(force);
  }
}

const HEALTH_PATH = '/health';

/** Serves the node through the configured adapter, with a health endpoint outside the OCPI paths. */
export async function listen(server: OcpiServer, config: Pick<NodeConfig, 'adapter' | 'host' | 'port'>, health: () => unknown): Promise<Listening> {
  switch (config.adapter) {
    case 'fastify': {
      // Fastify never times out a request by default (requestTimeout 0); the core bounds OCPI bodies, this the rest.
      const app = Fastify({ forceCloseConnections: 'idle', requestTimeout: 120_000, frameworkErrors: ocpiFrameworkErrors(server) });
      app.get(HEALTH_PATH, async () => health());
      await app.register(ocpiFastify, { server, prefix: '/ocpi' });
      await app.listen({ host: config.host, port: config.port });
      return { port: (app.server.address() as AddressInfo).port, close: (graceMs) => withGrace(app.server, graceMs, () => app.close()) };
    }
    case 'hono': {
      const app = new Hono();
      app.get(HEALTH_PATH, (c) => c.json(health()));
      app.route('/', ocpiHono(server));
      const listener = await new Promise<ReturnType<typeof serve>>((resolve) => {
        const s = serve({ fetch: app.fetch, hostname: config.host, port: config.port }, () => resolve(s));
      });
      return {
        port: (listener.address() as AddressInfo).port,
        close: (graceMs) => withGrace(listener as NodeServer, graceMs, () => closeNodeServer(listener)),
      };
    }
    case 'express': {
      const app = express();
      app.disable('x-powered-by');
      app.get(HEALTH_PATH, (_req, res) => {
        res.json(health());
      });
      app.use(ocpiExpress(server));
      const listener = await new Promise<import('node:http').Server>((resolve, reject) => {
        const s = app.listen(config.port, config.host, (error?: Error) => (error ? reject(error) : resolve(s)));
      });
      return { port: (listener.address() as AddressInfo).port, close: (graceMs) => withGrace(listener, graceMs, () => closeNodeServer(listener)) };
    }
  }
}

/** Finishes in-flight requests, then closes idle keep-alive connections so close() resolves. */
function closeNodeServer(listener: { close(cb: (error?: Error) => void): unknown; closeIdleConnections?: () => void }): Promise<void> {
  return new Promise((resolve, reject) => {
    listener.close((error) => (error ? reject(error) : resolve()));
    listener.closeIdleConnections?.();
  });
}
