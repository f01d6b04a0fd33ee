import type { OcpiRequest, OcpiResponse } from './http.js';
import type { OcpiServer } from './server.js';

/**
 * A Web `Request` as the core's request: the body stays a stream for the core to read within its limit.
 * `headers`: the same headers already parsed by the server the request came through, when it has them
 * (Node's, under @hono/node-server): reading the Web `Headers` would build them a second time.
 */
export function fromWebRequest(request: Request, remoteAddress?: string, headers?: OcpiRequest['headers']): OcpiRequest {
  return { method: request.method, url: pathAndQuery(request.url), headers: headers ?? webHeaders(request.headers), body: bodyOf(request), remoteAddress };
}

function webHeaders(given: Headers): Record<string, string> {
  const headers: Record<string, string> = {};
  given.forEach((value, name) => {
    headers[name] = value;
  });
  return headers;
}

function bodyOf(request: Request): OcpiRequest['body'] {
  // GET and HEAD have no body: not asking for it spares runtimes that build the body stream lazily (Hono's Node server).
  return request.method === 'GET' || request.method === 'HEAD' ? null : request.body;
}

/**
 * The path and query of `Request.url`: an absolute URL the runtime already parsed and serialized
 * (normalized), so it is cut, not parsed again on every request.
 */
function pathAndQuery(url: string): string {
  const scheme = url.indexOf('://');
  const path = scheme === -1 ? -1 : url.indexOf('/', scheme + 3);
  if (path === -1) {
    const parsed = new URL(url);
    return `${parsed.pathname}${parsed.search}`;
  }
  const fragment = url.indexOf('#', path);
  return fragment === -1 ? url.slice(path) : url.slice(path, fragment);
}

/** The core's response as a Web `Response`. */
export function toWebResponse(response: OcpiResponse): Response {
  return new Response(response.body, { status: response.status, headers: response.headers });
}

/** A `(Request) => Promise<Response>` handler for Bun, Deno, Workers and any fetch-based server. */
export function toFetchHandler(server: OcpiServer): (request: Request) => Promise<Response> {
  return async (request) => toWebResponse(await server.handle(fromWebRequest(request)));
}
