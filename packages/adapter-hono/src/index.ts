import type { OcpiRequest, OcpiServer } from '@ocpi-ts/core';
import { fromWebRequest, toWebResponse } from '@ocpi-ts/core/fetch';
import { Hono } from 'hono';

/**
 * The headers Node parsed, when the app is served by @hono/node-server (its `c.env.incoming`): the same
 * headers fastify and Express hand over, without building the Web `Headers` from them per request.
 */
function nodeHeaders(env: unknown): OcpiRequest['headers'] | undefined {
  const headers = (env as { incoming?: { headers?: unknown } } | undefined)?.incoming?.headers;
  return typeof headers === 'object' && headers !== null ? (headers as OcpiRequest['headers']) : undefined;
}

/**
 * A Hono app that hands every request to the OCPI core: serve it as is (`export default ocpiHono(server)`
 * on Bun, Deno or Workers) or mount it in an app with `app.route('/', ocpiHono(server))`.
 */
export function ocpiHono(server: OcpiServer): Hono {
  const app = new Hono();
  app.all('*', async (c) => toWebResponse(await server.handle(fromWebRequest(c.req.raw, undefined, nodeHeaders(c.env)))));
  return app;
}
