// Processes the benchmarks start and watch: `pnpm serve` nodes pinned to the server core, the
// registration of a partner with them, their resident memory, the throwaway PostgreSQL's databases.
// PostgreSQL itself is not pinned: a database has CPU of its own (pinned beside the node, every
// query's write woke its backend on the node's core).
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
// From the sources, as the test node is (it is repository test support, not in the built package).
import { generateSecretKey } from '../../packages/core/src/auth/secrets.js';
import { type CredentialsRole, partnerToken } from '../../packages/core/src/partners/partner.js';
import { startHttpTestNode } from '../../packages/core/src/testing/nodes.js';

const here = dirname(fileURLToPath(import.meta.url));
export const repo = join(here, '..', '..');
export const pinned = process.env.BENCH_PINNED === '1';

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** The process of `pid` and every process below it. */
function tree(pid: number): number[] {
  const parents = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const list = parents.get(ppid) ?? [];
      list.push(Number(entry));
      parents.set(ppid, list);
    } catch {
      // gone meanwhile
    }
  }
  const all = [pid];
  for (let i = 0; i < all.length; i++) all.push(...(parents.get(all[i] as number) ?? []));
  return all;
}

const statusField = (pid: number, field: string): number => {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
};

/** CPU time (user + system) used so far by `pid` and every process below it, in microseconds. */
export function treeCpu(pid: number): number {
  let total = 0;
  for (const p of tree(pid)) {
    try {
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      total += (Number(fields[11]) + Number(fields[12])) * (1e6 / 100);
    } catch {
      // gone meanwhile
    }
  }
  return total;
}

/** CPU time used so far by the PostgreSQL server's processes (every `postgres:` process), in microseconds. */
export function postgresCpu(): number {
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (!readFileSync(`/proc/${entry}/cmdline`, 'utf8').startsWith('postgres')) continue;
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      total += (Number(fields[11]) + Number(fields[12])) * (1e6 / 100);
    } catch {
      // gone meanwhile
    }
  }
  return total;
}

/** Resident memory of the largest process under `pid` (the node itself, below pnpm and tsx): now and at its peak. */
export function serverMemory(pid: number): { rss: number; peak: number } {
  let best = { rss: 0, peak: 0 };
  for (const p of tree(pid)) {
    const rss = statusField(p, 'VmRSS');
    if (rss > best.rss) best = { rss, peak: statusField(p, 'VmHWM') };
  }
  return best;
}

export interface ChildServer {
  child: ChildProcess;
  port: number;
  stop(): Promise<void>;
}

/**
 * Starts one of the bench's own server scripts (`http-server.mjs`, `write-baseline.mjs`) on core 1
 * when pinning is on; it prints `{"port":N}` on its first line when ready.
 */
export async function startChildServer(script: string, args: string[], env: Record<string, string | undefined> = process.env): Promise<ChildServer> {
  const command = [script, ...args];
  const child = pinned
    ? spawn('taskset', ['-c', '1', process.execPath, ...command], { stdio: ['ignore', 'pipe', 'inherit'], env })
    : spawn(process.execPath, command, { stdio: ['ignore', 'pipe', 'inherit'], env });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split('\n')[0];
      if (out.includes('\n') && line) resolve((JSON.parse(line) as { port: number }).port);
    });
    child.once('exit', (code) => reject(new Error(`${script} ${args.join(' ')} exited with ${code}`)));
  });
  const stop = async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    await exited;
  };
  return { child, port, stop };
}

export interface NodeProcess {
  pid: number;
  port: number;
  versionsUrl: string;
  /** The node's public OCPI URL (`.../ocpi`). */
  baseUrl: string;
  stop(): Promise<void>;
}

export interface NodeSettings {
  role: 'CPO' | 'EMSP';
  adapter: 'fastify' | 'hono' | 'express';
  port: number;
  tokenA: string;
  seedLocations?: number;
  /** Unset: the embedded store in a fresh temporary directory. */
  databaseUrl?: string;
}

/** The key a node on PostgreSQL seals tokens with (required there; the embedded store makes its own). */
const SERVE_SECRET_KEY = generateSecretKey();

/**
 * Starts `pnpm serve` as a user does (validators generated, TypeScript run by tsx, the access log on;
 * its output goes to /dev/null), pinned to core 1, and waits until it accepts token A.
 */
export async function startServe(settings: NodeSettings): Promise<NodeProcess> {
  const dataDir = settings.databaseUrl ? undefined : mkdtempSync(join(tmpdir(), 'ocpi-bench-serve-'));
  const publicUrl = `http://127.0.0.1:${settings.port}`;
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    PORT: String(settings.port),
    OCPI_PUBLIC_URL: publicUrl,
    OCPI_ROLE: settings.role,
    OCPI_ADAPTER: settings.adapter,
    OCPI_TOKEN_A: settings.tokenA,
    OCPI_SEED_LOCATIONS: String(settings.seedLocations ?? 0),
    ...(dataDir ? { OCPI_DATA_DIR: join(dataDir, 'data') } : { OCPI_DATABASE_URL: settings.databaseUrl as string, OCPI_SECRET_KEY: SERVE_SECRET_KEY }),
  };
  delete env.OCPI_TEST_DATABASE_URL;
  if (dataDir) delete env.OCPI_DATABASE_URL;
  // BENCH_SERVE_PROFILE=<dir>: the same node started by node itself with --cpu-prof (Node refuses it in NODE_OPTIONS).
  const profile = process.env.BENCH_SERVE_PROFILE;
  const serve = profile
    ? [process.execPath, '--cpu-prof', `--cpu-prof-dir=${profile}`, '--conditions=ocpi-ts-source', '--import', 'tsx', 'examples/node/src/serve.ts']
    : ['pnpm', '-s', 'serve'];
  const command = pinned ? ['taskset', ['-c', '1', ...serve]] : [serve[0], serve.slice(1)];
  const child: ChildProcess = spawn(command[0] as string, command[1] as string[], { cwd: repo, env, stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.pid) {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        // already gone
      }
      const killer = setTimeout(() => child.pid && process.kill(-child.pid, 'SIGKILL'), 15_000);
      await exited;
      clearTimeout(killer);
    }
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  };
  const versionsUrl = `${publicUrl}/ocpi/versions`;
  const deadline = Date.now() + 300_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`pnpm serve exited with ${child.exitCode}: ${stderr}`);
    try {
      const answer = await fetch(versionsUrl, { headers: { authorization: `Token ${btoa(settings.tokenA)}` } });
      if (answer.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`pnpm serve not ready after 300 s: ${stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return { pid: child.pid as number, port: settings.port, versionsUrl, baseUrl: `${publicUrl}/ocpi`, stop };
}

/**
 * Registers with a node as a partner would (the credentials handshake with token A, from a small node
 * of our own on 127.0.0.1) and returns the `Authorization` header for the token the node gave us.
 */
export async function register(node: NodeProcess, tokenA: string, role: CredentialsRole): Promise<{ authorization: string; close(): Promise<void> }> {
  const ours = await startHttpTestNode({ parties: [role], modules: [], versions: ['2.2.1'] });
  const partner = await ours.registry.register({ versionsUrl: node.versionsUrl, tokenA: partnerToken(tokenA) });
  if (!partner.outboundToken) throw new Error('registration gave no token');
  return { authorization: `Token ${btoa(partner.outboundToken)}`, close: ours.close };
}

/** A fresh database on the throwaway server (OCPI_TEST_DATABASE_URL); dropped by `drop()`. */
export async function freshDatabase(name: string): Promise<{ url: string; drop(): Promise<void> }> {
  const base = process.env.OCPI_TEST_DATABASE_URL;
  if (!base) throw new Error('OCPI_TEST_DATABASE_URL is not set: run through scripts/with-postgres.sh');
  const admin = postgres(base, { max: 1, onnotice: () => {} });
  await admin.unsafe(`DROP DATABASE IF EXISTS ${name}`);
  await admin.unsafe(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const again = postgres(base, { max: 1, onnotice: () => {} });
      await again.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await again.end();
    },
  };
}
