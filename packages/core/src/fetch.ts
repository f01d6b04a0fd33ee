import type { OcpiRequest, OcpiResponse } from './http.js';
import type { OcpiServer } from './server.js';

/** A Web `Request` as the core's request: the body stays a stream for the core to read within its limit. */
export function fromWebRequest(request: Request, remoteAddress?: string): OcpiRequest {
  const headers: Record<string, string> = {};
  request.headers.forEach((value, name) => {
    headers[name] = value;
  });
  // GET and HEAD have no body: not asking for it spares runtimes that build the body stream lazily (Hono's Node server).
  const body = request.method === 'GET' || request.method === 'HEAD' ? null : request.body;
  return { method: request.method, url: pathAndQuery(request.url), headers, body, remoteAddress };
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
