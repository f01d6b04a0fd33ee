// Test support: serves an OcpiServer over real HTTP on 127.0.0.1 with node:http. The core's
// typecheck has no Node types (`"types": []`), so the few node:http shapes used here are declared
// locally and the module is imported by a non-literal specifier.
import type { OcpiRequest } from '../http.js';
import type { OcpiServer } from '../server.js';

interface NodeRequest extends AsyncIterable<Uint8Array> {
  method?: string;
  url?: string;
  headers: Record<string, string | string[] | undefined>;
  socket: { remoteAddress?: string };
}
interface NodeResponse {
  writeHead(status: number, headers?: Record<string, string>): NodeResponse;
  end(body?: string | Uint8Array): void;
}
interface NodeHttpServer {
  listen(port: number, host: string, callback: () => void): void;
  address(): { port: number } | string | null;
  close(callback: (error?: Error) => void): void;
  closeAllConnections(): void;
}
interface NodeHttp {
  createServer(listener: (request: NodeRequest, response: NodeResponse) => void): NodeHttpServer;
}

export interface ServedOverHttp {
  /** e.g. `http://127.0.0.1:43121` */
  origin: string;
  /** The server answering (built from the origin when a factory was given). */
  server: OcpiServer;
  close(): Promise<void>;
}

/** A node:http request as the core takes it: the body stays the raw stream. */
function toOcpiRequest(request: NodeRequest): OcpiRequest {
  return { method: request.method ?? 'GET', url: request.url ?? '/', headers: request.headers, body: request, remoteAddress: request.socket.remoteAddress };
}

/**
 * Listens on 127.0.0.1, port 0, and forwards every request to `server.handle`. Give the server, or a
 * function building it from the origin: a node's base URL must be its real origin, known only once
 * listening.
 */
export async function serveOverHttp(server: OcpiServer | ((origin: string) => OcpiServer)): Promise<ServedOverHttp> {
  const { createServer } = (await import('node:http' as string)) as NodeHttp;
  let target: OcpiServer | undefined = typeof server === 'function' ? undefined : server;
  const http = createServer((request, response) => {
    if (!target) {
      response.writeHead(503).end();
      return;
    }
    void target.handle(toOcpiRequest(request)).then((result) => response.writeHead(result.status, result.headers).end(result.body));
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const address = http.address();
  const origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  if (typeof server === 'function') target = server(origin);
  return {
    origin,
    server: target as OcpiServer,
    close: () =>
      new Promise<void>((resolve, reject) => {
        http.close((error) => (error ? reject(error) : resolve()));
        // Keep-alive connections of the client (undici) would hold close() open.
        http.closeAllConnections();
      }),
  };
}
