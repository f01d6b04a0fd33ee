// One server of the HTTP benchmark, run as a child process: `node http-server.mjs <framework> <variant>`.
// Loads the scenario's Locations, listens on 127.0.0.1 (port 0) and prints `{"port":N}` when ready.
//   framework: fastify | hono | express | node
//   variant:   ours      the adapter (node: node:http straight into handle()) over the OCPI core
//              stringify baseline (a): token in a Map, slice the page, JSON.stringify of the envelope
//              buffers   baseline (b): token in a Map, concatenate the page's pre-encoded Buffers
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { type OcpiServer, ocpiTimestamp } from '@ocpi-ts/core';
import { ocpiExpress } from '@ocpi-ts/express';
import { ocpiFastify } from '@ocpi-ts/fastify';
import { ocpiHono } from '@ocpi-ts/hono';
import express from 'express';
import Fastify from 'fastify';
import { Hono } from 'hono';
import { demoLocations } from '../../examples/node/src/seed.js';
import { AUTHORIZATION, BASE_URL, type BenchNode, CPO, EMSP, memoryNode, PAGE_LIMIT, type PageScenario, pageHeadersFor } from './scenario.js';

const FRAMEWORKS = ['fastify', 'hono', 'express', 'node'] as const;
const VARIANTS = ['ours', 'stringify', 'buffers'] as const;
type Framework = (typeof FRAMEWORKS)[number];
type Variant = (typeof VARIANTS)[number];

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string | Buffer;
}

type Baseline = (url: string, authorization: string | undefined) => Answer;

const unauthorized = (): Answer => ({
  status: 401,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ status_code: 2000, status_message: 'Unknown credentials token', timestamp: ocpiTimestamp() }),
});

/** The page a baseline serves: offset and limit from the query, as the core reads them. */
function pageOf(url: string, total: number): { offset: number; limit: number } {
  const query = new URLSearchParams(url.slice(url.indexOf('?') + 1));
  const offset = Math.min(Number(query.get('offset') ?? 0), total);
  return { offset, limit: Math.min(Number(query.get('limit') ?? PAGE_LIMIT), 100) };
}

/** Baseline (a): the hand-written handler most servers have, `JSON.stringify` of the envelope. */
function stringifyBaseline(scenario: PageScenario): Baseline {
  const { locations } = scenario;
  const tokens = new Map([[scenario.authorization, scenario.emsp]]);
  return (url, authorization) => {
    if (!tokens.get(authorization ?? '')) return unauthorized();
    const { offset, limit } = pageOf(url, locations.length);
    const data = locations.slice(offset, offset + limit);
    const body = JSON.stringify({ data, status_code: 1000, status_message: 'Success', timestamp: ocpiTimestamp() });
    return { status: 200, headers: pageHeadersFor(scenario, locations.length, offset, limit), body };
  };
}

/** Baseline (b): the fastest hand-written handler, concatenating each Location's pre-encoded bytes. */
function buffersBaseline(scenario: PageScenario): Baseline {
  const { locations } = scenario;
  const tokens = new Map([[scenario.authorization, scenario.emsp]]);
  const encoded = locations.map((location) => Buffer.from(JSON.stringify(location)));
  const open = Buffer.from('{"data":[');
  const comma = Buffer.from(',');
  return (url, authorization) => {
    if (!tokens.get(authorization ?? '')) return unauthorized();
    const { offset, limit } = pageOf(url, locations.length);
    const parts: Buffer[] = [open];
    const end = Math.min(offset + limit, encoded.length);
    for (let i = offset; i < end; i++) {
      if (i > offset) parts.push(comma);
      parts.push(encoded[i] as Buffer);
    }
    parts.push(Buffer.from(`],"status_code":1000,"status_message":"Success","timestamp":"${ocpiTimestamp()}"}`));
    return { status: 200, headers: pageHeadersFor(scenario, locations.length, offset, limit), body: Buffer.concat(parts) };
  };
}

/**
 * The baselines of the `pnpm serve` benchmark serve what the node seeds (the demo's Locations) to the
 * partner registered with it: BENCH_SERVE is JSON {"seedLocations", "baseUrl", "authorization", "emsp"}.
 */
function serveScenario(settings: string): PageScenario {
  const { seedLocations, baseUrl, authorization, emsp } = JSON.parse(settings) as {
    seedLocations: number;
    baseUrl: string;
    authorization: string;
    emsp: PageScenario['emsp'];
  };
  const cpo = { country_code: 'NL', party_id: 'CPO' };
  return { locations: demoLocations(seedLocations, { ...cpo, name: 'Demo' }), authorization, baseUrl, cpo, emsp };
}

const header = (value: string | string[] | undefined): string | undefined => (Array.isArray(value) ? value[0] : value);

/** node:http straight into the core, as `serveOverHttp` of the core's test support does. */
const nodeOurs = (server: OcpiServer) => (req: IncomingMessage, res: ServerResponse) => {
  void server
    .handle({ method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, body: req, remoteAddress: req.socket.remoteAddress })
    .then((response) => res.writeHead(response.status, response.headers).end(response.body));
};

const nodeBaseline = (baseline: Baseline) => (req: IncomingMessage, res: ServerResponse) => {
  const answer = baseline(req.url ?? '/', header(req.headers.authorization));
  res.writeHead(answer.status, answer.headers).end(answer.body);
};

async function listen(framework: Framework, variant: Variant): Promise<number> {
  const serveSettings = process.env.BENCH_SERVE;
  if (serveSettings && variant === 'ours') throw new Error('BENCH_SERVE runs the baselines only: the node is `pnpm serve`');
  const node = serveSettings ? undefined : await memoryNode();
  const scenario: PageScenario = serveSettings
    ? serveScenario(serveSettings)
    : { locations: (node as BenchNode).locations, authorization: AUTHORIZATION, baseUrl: BASE_URL, cpo: CPO, emsp: EMSP };
  const baseline = variant === 'stringify' ? stringifyBaseline(scenario) : variant === 'buffers' ? buffersBaseline(scenario) : undefined;
  const host = '127.0.0.1';
  if (framework === 'fastify') {
    const app = Fastify();
    if (baseline) {
      app.get('/ocpi/2.2.1/sender/locations', (request, reply) => {
        const answer = baseline(request.url, header(request.headers.authorization));
        // As the adapter does: send the bytes as they are, with no charset added to the Content-Type.
        reply
          .code(answer.status)
          .headers(answer.headers)
          .serializer((body: unknown) => body as string)
          .send(answer.body);
      });
    } else {
      await app.register(ocpiFastify, { server: (node as BenchNode).server, prefix: '/ocpi' });
    }
    await app.listen({ host, port: 0 });
    return (app.server.address() as AddressInfo).port;
  }
  if (framework === 'hono') {
    let fetch: (request: Request) => Response | Promise<Response>;
    if (baseline) {
      const app = new Hono();
      app.get('/ocpi/2.2.1/sender/locations', (c) => {
        const answer = baseline(c.req.url, c.req.header('authorization'));
        return c.body(
          typeof answer.body === 'string' ? answer.body : new Uint8Array(answer.body.buffer as ArrayBuffer, answer.body.byteOffset, answer.body.length),
          answer.status as 200,
          answer.headers,
        );
      });
      fetch = app.fetch;
    } else {
      fetch = ocpiHono((node as BenchNode).server).fetch;
    }
    const listener = await new Promise<ReturnType<typeof serve>>((resolve) => {
      const s = serve({ fetch, hostname: host, port: 0 }, () => resolve(s));
    });
    return (listener.address() as AddressInfo).port;
  }
  if (framework === 'express') {
    const app = express();
    if (baseline) {
      app.get('/ocpi/2.2.1/sender/locations', (req, res) => {
        const answer = baseline(req.originalUrl, header(req.headers.authorization));
        // As the adapter does: Node's own writeHead/end (Express's send() would add an ETag and a charset).
        res.writeHead(answer.status, answer.headers).end(answer.body);
      });
    } else {
      app.use(ocpiExpress((node as BenchNode).server));
    }
    const listener = await new Promise<ReturnType<typeof app.listen>>((resolve) => {
      const s = app.listen(0, host, () => resolve(s));
    });
    return (listener.address() as AddressInfo).port;
  }
  const server = createServer(baseline ? nodeBaseline(baseline) : nodeOurs((node as BenchNode).server));
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return (server.address() as AddressInfo).port;
}

const [framework, variant] = process.argv.slice(2) as [Framework, Variant];
if (!FRAMEWORKS.includes(framework) || !VARIANTS.includes(variant)) {
  console.error(`usage: http-server <${FRAMEWORKS.join('|')}> <${VARIANTS.join('|')}>`);
  process.exit(2);
}
const port = await listen(framework, variant);
process.stdout.write(`${JSON.stringify({ port })}\n`);
// A clean exit on SIGTERM, so `node --cpu-prof` writes its profile.
process.on('SIGTERM', () => process.exit(0));
