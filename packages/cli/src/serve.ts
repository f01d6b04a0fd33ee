// Serves an OCPI node on node:http: the request goes to `handle` with its raw body, the answer is
// written back unchanged (what the adapters do, without a framework: the CLI needs nothing more).
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { OcpiRequest, OcpiResponse } from '@ocpi-ts/core';

export type Handle = (request: OcpiRequest) => Promise<OcpiResponse>;

export interface Served {
  /** e.g. `http://127.0.0.1:43121` */
  origin: string;
  port: number;
  close(): Promise<void>;
}

const toOcpiRequest = (request: IncomingMessage): OcpiRequest => ({
  method: request.method ?? 'GET',
  url: request.url ?? '/',
  headers: request.headers,
  body: request,
  remoteAddress: request.socket.remoteAddress,
});

/** Listens on `host:port` (port 0: any free one) and answers every request with `handle`. */
export async function serve(handle: Handle, options: { host?: string; port?: number } = {}): Promise<Served> {
  const host = options.host ?? '127.0.0.1';
  const server: Server = createServer((request, response) => {
    handle(toOcpiRequest(request)).then(
      (answer) => response.writeHead(answer.status, answer.headers).end(answer.body),
      () => response.writeHead(500, { 'content-type': 'text/plain' }).end('Internal server error'),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
