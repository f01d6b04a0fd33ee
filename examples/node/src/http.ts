import type { AddressInfo } from 'node:net';
import type { serve } from '@hono/node-server';
import type { OcpiServer } from '@ocpi-ts/core';
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

/** A page the node serves outside the OCPI paths: `GET /health`, `GET /metrics`. */
export interface LocalPage {
  path: string;
  /** `authorization`: the request's Authorization header (pages for the operator only check it). */
  answer(authorization: string | undefined): Promise<{ status: number; contentType: string; body: string }>;
}

/**
 * Serves the node through the configured adapter, with its local pages (health, metrics) outside the
 * OCPI paths. Only the configured framework is loaded: loading all three cost a start-up a few hundred
 * milliseconds.
 */
export async function listen(server: OcpiServer, config: Pick<NodeConfig, 'adapter' | 'host' | 'port'>, pages: readonly LocalPage[]): Promise<Listening> {
  switch (config.adapter) {
    case 'fastify': {
      const [{ default: Fastify }, { ocpiFastify, ocpiFrameworkErrors }] = await Promise.all([import('fastify'), import('@ocpi-ts/fastify')]);
      // Fastify never times out a request by default (requestTimeout 0); the core bounds OCPI bodies, this the rest.
      const app = Fastify({ forceCloseConnections: 'idle', requestTimeout: 120_000, frameworkErrors: ocpiFrameworkErrors(server) });
      for (const page of pages) {
        app.get(page.path, async (request, reply) => {
          const { status, contentType, body } = await page.answer(request.headers.authorization);
          return reply.code(status).type(contentType).send(body);
        });
      }
      await app.register(ocpiFastify, { server, prefix: '/ocpi' });
      await app.listen({ host: config.host, port: config.port });
      return { port: (app.server.address() as AddressInfo).port, close: (graceMs) => withGrace(app.server, graceMs, () => app.close()) };
    }
    case 'hono': {
      const [{ serve }, { Hono }, { ocpiHono }] = await Promise.all([import('@hono/node-server'), import('hono'), import('@ocpi-ts/hono')]);
      const app = new Hono();
      for (const page of pages) {
        app.get(page.path, async (c) => {
          const { status, contentType, body } = await page.answer(c.req.header('authorization'));
          return c.body(body, status as 200, { 'content-type': contentType });
        });
      }
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
      const [{ default: express }, { ocpiExpress }] = await Promise.all([import('express'), import('@ocpi-ts/express')]);
      const app = express();
      app.disable('x-powered-by');
      for (const page of pages) {
        app.get(page.path, async (req, res) => {
          const { status, contentType, body } = await page.answer(req.headers.authorization);
          res.status(status).type(contentType).send(body);
        });
      }
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
