import type { OcpiServer } from '@ocpi-ts/core';
import { Router as createRouter, type Router } from 'express';

/**
 * An Express router that hands every request to the OCPI core: `app.use(ocpiExpress(server))`.
 * Mount it before any body parser (`express.json()` would consume the body the core reads).
 */
export function ocpiExpress(server: OcpiServer): Router {
  const router = createRouter();
  router.use((req, res, next) => {
    server
      .handle({ method: req.method, url: req.originalUrl, headers: req.headers, body: req, remoteAddress: req.socket.remoteAddress })
      // Node's own writeHead/end: Express's send() and set() would add a charset and an ETag.
      .then((response) => res.writeHead(response.status, response.headers).end(response.body))
      .catch(next);
  });
  return router;
}
