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

/** Serves an OcpiServer on 127.0.0.1, port 0, the way `start` does (an adapter's harness): `{ origin, close }`. */
export type StartServing = (server: OcpiServer) => Promise<{ origin: string; close(): Promise<void> }>;

/**
 * As `serveOverHttp`, through whatever `start` serves with (a framework adapter). The server is
 * built from the origin once listening; until then a request is answered 503 by the stand-in handed
 * to `start`, which passes everything else on to the server built.
 */
export async function serveThrough(start: StartServing, build: (origin: string) => OcpiServer): Promise<ServedOverHttp> {
  let target: OcpiServer | undefined;
  const built = () => {
    if (!target) throw new Error('The server is not built yet: it needs the origin it listens on');
    return target;
  };
  const standIn: OcpiServer = {
    handle: (request) => (target ? target.handle(request) : Promise.resolve({ status: 503, headers: {}, body: '' })),
    get node() {
      return built().node;
    },
    get bodyLimit() {
      return built().bodyLimit;
    },
    get tolerances() {
      return built().tolerances;
    },
    mounted: (version) => built().mounted(version),
  };
  const running = await start(standIn);
  target = build(running.origin);
  return { origin: running.origin, server: target, close: () => running.close() };
}

interface NodeSocket {
  write(data: string | Uint8Array): boolean;
  end(): void;
  destroy(): void;
  on(event: 'data', listener: (chunk: Uint8Array) => void): void;
  on(event: 'close' | 'end', listener: () => void): void;
  on(event: 'error', listener: (error: Error) => void): void;
}
interface NodeNet {
  connect(port: number, host: string, listener: () => void): NodeSocket;
}

export interface RawExchange {
  status: number;
  /** Header names lower-cased, values as latin-1 text (byte for byte). */
  headers: Record<string, string>;
  body: string;
  /** Whether the server closed the connection after answering. */
  closed: boolean;
  /** Milliseconds from the first byte sent to the answer. */
  ms: number;
}

/**
 * Sends bytes over a plain TCP connection, exactly as given (header bytes beyond ASCII, bodies
 * trickled slowly), and reads one HTTP/1.1 answer. `trickle` is sent piece by piece, `intervalMs` apart,
 * until the answer comes. Resolves after the answer and a short wait to see whether the server closes.
 */
export async function rawHttp(
  origin: string,
  head: Uint8Array | string,
  options: { trickle?: readonly string[]; intervalMs?: number; timeoutMs?: number } = {},
): Promise<RawExchange> {
  const { connect } = (await import('node:net' as string)) as NodeNet;
  const { hostname, port } = new URL(origin);
  return new Promise((resolve, reject) => {
    const started = Date.now();
    let received = new Uint8Array(0);
    let answered: Omit<RawExchange, 'closed'> | undefined;
    let closed = false;
    const timers: ReturnType<typeof setTimeout>[] = [];
    const finish = () => {
      for (const timer of timers) clearTimeout(timer);
      socket.destroy();
      if (answered) resolve({ ...answered, closed });
      else reject(new Error(`no answer from ${origin}: ${new TextDecoder('latin1').decode(received)}`));
    };
    const socket = connect(Number(port), hostname, () => {
      socket.write(head);
      (options.trickle ?? []).forEach((piece, i) => {
        timers.push(setTimeout(() => !answered && !closed && socket.write(piece), (i + 1) * (options.intervalMs ?? 100)));
      });
    });
    timers.push(setTimeout(finish, options.timeoutMs ?? 10_000));
    socket.on('error', () => {});
    socket.on('data', (chunk) => {
      const joined = new Uint8Array(received.byteLength + chunk.byteLength);
      joined.set(received);
      joined.set(chunk, received.byteLength);
      received = joined;
      const text = new TextDecoder('latin1').decode(received);
      const end = text.indexOf('\r\n\r\n');
      if (end === -1 || answered) return;
      const [statusLine = '', ...lines] = text.slice(0, end).split('\r\n');
      const headers: Record<string, string> = {};
      for (const line of lines) headers[line.slice(0, line.indexOf(':')).toLowerCase()] = line.slice(line.indexOf(':') + 1).trim();
      const length = Number(headers['content-length'] ?? Number.NaN);
      const chunked = /chunked/i.test(headers['transfer-encoding'] ?? '');
      const body = text.slice(end + 4);
      if (Number.isFinite(length) && body.length < length) return;
      if (chunked && !body.endsWith('0\r\n\r\n')) return;
      const content = chunked ? dechunk(body) : Number.isFinite(length) ? body.slice(0, length) : body;
      answered = { status: Number(statusLine.split(' ')[1]), headers, body: content, ms: Date.now() - started };
      timers.push(setTimeout(finish, 300));
    });
    socket.on('close', () => {
      closed = true;
      if (answered) finish();
    });
  });
}

/** The content of a chunked body (RFC 9112, section 7.1). */
function dechunk(body: string): string {
  let content = '';
  for (let at = 0; ; ) {
    const lineEnd = body.indexOf('\r\n', at);
    const size = Number.parseInt(body.slice(at, lineEnd), 16);
    if (!(size > 0)) return content;
    content += body.slice(lineEnd + 2, lineEnd + 2 + size);
    at = lineEnd + 2 + size + 2;
  }
}
