// The write baseline, run as a child process: a hand-written node:http server that checks the token in
// a Map, reads the body and stores it with one bare `INSERT ... ON CONFLICT DO UPDATE` of the same JSON
// through the same driver as the node's store (postgres.js, or PGlite on a data directory of its own):
// no validation, no merge, no ordering, no read model. Prints `{"port":N}` when ready.
//   node write-baseline.mjs <postgres-url | pglite-dir> <authorization>
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PGlite } from '@electric-sql/pglite';
import { ocpiTimestamp } from '@ocpi-ts/core';
import postgres from 'postgres';

const [target, authorization] = process.argv.slice(2) as [string, string];
const tokens = new Map([[authorization, true]]);

const TABLE = `CREATE TABLE IF NOT EXISTS bare_objects (
  module text NOT NULL, owner_cc text NOT NULL, owner_pid text NOT NULL, id text NOT NULL,
  json text NOT NULL, last_updated timestamptz NOT NULL, PRIMARY KEY (module, owner_cc, owner_pid, id))`;
const UPSERT = `INSERT INTO bare_objects (module, owner_cc, owner_pid, id, json, last_updated) VALUES ($1, $2, $3, $4, $5, now())
  ON CONFLICT (module, owner_cc, owner_pid, id) DO UPDATE SET json = EXCLUDED.json, last_updated = EXCLUDED.last_updated`;

let upsert: (params: string[]) => Promise<unknown>;
if (/^postgres(ql)?:/.test(target)) {
  // As the node's store: a pool of 10, prepared statements.
  const sql = postgres(target, { max: 10, onnotice: () => {} });
  await sql.unsafe(TABLE);
  upsert = (params) => sql.unsafe(UPSERT, params, { prepare: true });
} else {
  // As the embedded store: durable commits, 32 MB of shared buffers.
  const db = await PGlite.create(target, { relaxedDurability: false, postgresqlconf: ['shared_buffers=32MB'] });
  await db.exec(TABLE);
  upsert = (params) => db.query(UPSERT, params);
}

const ok = JSON.stringify({ status_code: 1000, status_message: 'Success', timestamp: ocpiTimestamp() });

async function handle(req: IncomingMessage, res: ServerResponse) {
  if (!tokens.has(String(req.headers.authorization))) {
    res.writeHead(401, { 'content-type': 'application/json' }).end('{"status_code":2000}');
    return;
  }
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const json = Buffer.concat(chunks).toString('utf8');
  // /ocpi/2.2.1/receiver/{module}/{cc}/{pid}/{id}[/{evse}] for PUT and PATCH; the CDR's own id for POST.
  const parts = (req.url ?? '').split('?')[0]?.split('/') ?? [];
  const module = parts[4] ?? '';
  const [cc, pid, id] =
    req.method === 'POST' ? ['NL', 'BEN', String((JSON.parse(json) as { id: string }).id)] : [parts[5] ?? '', parts[6] ?? '', parts.slice(7).join('/')];
  await upsert([module, cc, pid, id, json]);
  res.writeHead(200, { 'content-type': 'application/json' }).end(ok);
}

const server = createServer((req, res) => {
  handle(req, res).catch((error: unknown) => res.writeHead(500).end(String(error)));
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`);
process.on('SIGTERM', () => process.exit(0));
