import type { OcpiServer } from '@ocpi-ts/core';
import { fromWebRequest, toWebResponse } from '@ocpi-ts/core/fetch';
import { Hono } from 'hono';

/**
 * A Hono app that hands every request to the OCPI core: serve it as is (`export default ocpiHono(server)`
 * on Bun, Deno or Workers) or mount it in an app with `app.route('/', ocpiHono(server))`.
 */
export function ocpiHono(server: OcpiServer): Hono {
  const app = new Hono();
  app.all('*', async (c) => toWebResponse(await server.handle(fromWebRequest(c.req.raw))));
  return app;
}
