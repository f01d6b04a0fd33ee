// Test support: reference nodes in process and as `pnpm serve` child processes, and the temporary
// directories of a test file; `cleanUp` after each test ends them.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createMemoryStore, type OcpiStore } from '@ocpi-ts/core';
import { readConfig } from '../src/config.js';
import { type RunningNode, type StartNodeOptions, startNode } from '../src/node.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const SERVE = join(ROOT, 'examples/node/src/serve.ts');

export interface Served {
  child: ChildProcess;
  versionsUrl: string;
  tokenA: string;
  /** Everything it wrote to stdout and stderr so far. */
  output: () => string;
}

/** Nodes, child processes and directories to clean up after each test (`cleanUp`). */
const nodes: RunningNode[] = [];
const children: ChildProcess[] = [];
const dirs: string[] = [];

/** The reference node's settings for tests: port 0, no log lines. */
export const env = (extra: Record<string, string>) => readConfig({ PORT: '0', OCPI_LOG: 'off', ...extra });

/** Closes `running` with the other nodes after the test. */
export const after = (running: RunningNode): void => {
  nodes.push(running);
};

/** A reference node in this process, on a memory store unless one is given. */
export async function node(
  extra: Record<string, string>,
  options: { store?: OcpiStore; simulation?: StartNodeOptions['simulation'] } = {},
): Promise<RunningNode> {
  const started = await startNode({
    config: env(extra),
    store: options.store ?? createMemoryStore(),
    ...(options.simulation ? { simulation: options.simulation } : {}),
  });
  nodes.push(started);
  return started;
}

export const tempDir = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'ocpi-node-'));
  dirs.push(dir);
  return dir;
};

/** Closes the nodes, kills the children still running; with `dirs`, removes the temporary directories too. */
export async function cleanUp({ dirs: removeDirs = false } = {}): Promise<void> {
  await Promise.allSettled(nodes.splice(0).map((n) => n.close()));
  for (const child of children.splice(0)) child.kill('SIGKILL');
  if (removeDirs) for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** A child process in the repository with the node's quiet settings, its stdout and stderr collected. */
export function spawnNode(command: string, args: string[], extra: Record<string, string>, detached = false): { child: ChildProcess; output: () => string } {
  const child = spawn(command, args, { cwd: ROOT, env: { ...process.env, PORT: '0', OCPI_LOG: 'off', ...extra }, stdio: ['ignore', 'pipe', 'pipe'], detached });
  children.push(child);
  let out = '';
  const collect = (chunk: Buffer) => {
    out += chunk;
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  return { child, output: () => out };
}

/** `pnpm serve` as a child process; resolves with its versions URL and token A once it is ready. */
export function serve(extra: Record<string, string>): Promise<Served> {
  const { child, output } = spawnNode(process.execPath, ['--import', 'tsx', SERVE], extra);
  return new Promise((resolve, reject) => {
    const check = setInterval(() => {
      const versionsUrl = /versions URL: (\S+)/.exec(output())?.[1];
      // A configured token A is not printed back.
      const tokenA = extra.OCPI_TOKEN_A ?? /token A: +(\S+)/.exec(output())?.[1];
      if (versionsUrl && tokenA) {
        clearInterval(check);
        resolve({ child, versionsUrl, tokenA, output });
      }
    }, 50);
    child.once('exit', (code) => {
      clearInterval(check);
      reject(Object.assign(new Error(`serve exited with ${code}: ${output()}`), { code, out: output() }));
    });
  });
}

export const exitOf = (child: ChildProcess): Promise<number | null> =>
  new Promise((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    else child.once('exit', (code) => resolve(code));
  });

/** A port free now. */
export const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });

/**
 * The simplest load balancer: each request to the next node in turn, on a new connection; a node that
 * refuses the connection (down) is skipped, a request that fails on the way gets 502 (not acknowledged).
 */
export async function roundRobinProxy(ports: readonly number[]): Promise<{ url: string; close(): Promise<void> }> {
  let next = 0;
  const forward = (port: number, method: string, path: string, headers: IncomingHttpHeaders, body: Buffer) =>
    new Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
      const out = request({ host: '127.0.0.1', port, method, path, headers, agent: false }, (answer) => {
        const chunks: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => chunks.push(chunk));
        answer.on('end', () => resolve({ status: answer.statusCode ?? 502, headers: answer.headers, body: Buffer.concat(chunks) }));
        answer.on('error', reject);
      });
      out.on('error', reject);
      out.end(body);
    });
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    // Each node once per request, from the next in turn: concurrent requests moving `next` cannot
    // make one request try a dead node twice and skip the live one.
    const first = next++;
    for (let tries = 0; tries < ports.length; tries++) {
      const port = ports[(first + tries) % ports.length] as number;
      try {
        const answer = await forward(port, req.method ?? 'GET', req.url ?? '/', req.headers, body);
        res.writeHead(answer.status, answer.headers);
        res.end(answer.body);
        return;
      } catch (error) {
        if ((error as { code?: string }).code === 'ECONNREFUSED') continue;
        res.writeHead(502);
        res.end();
        return;
      }
    }
    res.writeHead(503);
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
