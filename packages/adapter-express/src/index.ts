import type { OcpiServer } from '@ocpi-ts/core';
import type { RequestHandler } from 'express';

/**
 * An Express middleware that hands every request to the OCPI core: `app.use(ocpiExpress(server))`.
 * Mount it before any body parser (`express.json()` would consume the body the core reads). A plain
 * middleware, not a Router: the core routes, and a nested Router cost a tenth of a page's CPU.
 */
export function ocpiExpress(server: OcpiServer): RequestHandler {
  return (req, res, next) => {
    server
      .handle({ method: req.method, url: req.originalUrl, headers: req.headers, body: req, remoteAddress: req.socket.remoteAddress })
      .then((response) => {
        // The core's headers only: not Express's X-Powered-By (app.disable('x-powered-by') is the app's to set).
        res.removeHeader('x-powered-by');
        // Node's own writeHead/end: Express's send() and set() would add a charset and an ETag.
        res.writeHead(response.status, response.headers).end(response.body);
      })
      .catch(next);
  };
}
