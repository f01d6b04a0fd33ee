// Starts the CPO example in each runtime on a free port on 127.0.0.1 and tells when it answers.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import { Miniflare } from 'miniflare';
import { buildCpo } from '../../edge-shared/cpo.js';
import { bundle } from './bundle.js';
import { CODEGEN_PROBE_PATH } from './codegen-probe.js';
import { EXAMPLES, REPO_ROOT } from './sources.js';

export interface RunningNode {
  /** `http://127.0.0.1:PORT` */
  origin: string;
  /** From start to the first answer of the versions endpoint, in ms (bundling not included). */
  startupMs: number;
  /** Other things the runtime offers the tests (workerd: the code generation probe). */
  probe?: () => Promise<unknown>;
  stop(): Promise<void>;
}

const requireHere = createRequire(import.meta.url);

/**
 * The runtime's own executable, put in its npm package by the package's postinstall (root package.json,
 * `pnpm.onlyBuiltDependencies`): started directly, not through the `.bin` shim, which would stay between
 * the test and the server as a parent process (and cost the shim's own start-up).
 */
function runtimeBinary(packageName: string, file: string): string {
  const path = join(dirname(requireHere.resolve(`${packageName}/package.json`)), file);
  if (!existsSync(path)) throw new Error(`${path} is missing: did the postinstall of '${packageName}' run? (pnpm.onlyBuiltDependencies)`);
  return path;
}

/** Polls the versions endpoint until anything answers (401 included: the node is up). */
async function waitUntilAnswering(origin: string, deadline: number, failed: () => string | undefined): Promise<void> {
  for (;;) {
    const failure = failed();
    if (failure) throw new Error(failure);
    try {
      await fetch(`${origin}/ocpi/versions`, { signal: AbortSignal.timeout(2_000) });
      return;
    } catch {
      if (Date.now() > deadline) throw new Error(`${origin} did not answer in time`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

/** Process groups still running: killed if the test process exits without stopping them (a crash, a timeout). */
const running = new Set<number>();
process.once('exit', () => {
  for (const pid of running) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // Gone already.
    }
  }
});

/** Spawns a server process that prints `listening on http://HOST:PORT`, and waits until it answers. */
async function startProcess(name: string, command: string, args: string[], options: { cwd: string; env: Record<string, string> }): Promise<RunningNode> {
  const started = Date.now();
  const child: ChildProcess = spawn(command, args, {
    cwd: options.cwd,
    env: { ...process.env, NO_COLOR: '1', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    // A process group of its own: stop() signals the whole group, whatever the runtime started.
    detached: true,
  });
  if (child.pid !== undefined) running.add(child.pid);
  let output = '';
  let exited: string | undefined;
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.on('exit', (code, signal) => {
    exited = `${name} exited (${signal ?? code}) before answering:\n${output}`;
  });
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, signal);
    } catch {
      // The group is gone already.
    }
  };
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return signalGroup('SIGKILL');
    const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    signalGroup('SIGTERM');
    const timer = setTimeout(() => signalGroup('SIGKILL'), 5_000);
    await gone;
    clearTimeout(timer);
    if (child.pid !== undefined) running.delete(child.pid);
  };
  try {
    const deadline = started + 45_000;
    let origin: string | undefined;
    while (!origin) {
      if (exited) throw new Error(exited);
      if (Date.now() > deadline) throw new Error(`${name} printed no 'listening on' line in time:\n${output}`);
      const match = /listening on http:\/\/([^/\s]+)\//.exec(output);
      if (match) origin = `http://${match[1]}`;
      else await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await waitUntilAnswering(origin, deadline, () => exited);
    return { origin, startupMs: Date.now() - started, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The example on Node, in this process: Hono on @hono/node-server, as an operator on Node would run it. */
export async function startNode(baseUrl: string): Promise<RunningNode> {
  const started = Date.now();
  const { app } = await buildCpo({ baseUrl });
  const { server, port } = await new Promise<{ server: ReturnType<typeof serve>; port: number }>((resolve) => {
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => resolve({ server, port: info.port }));
  });
  const origin = `http://127.0.0.1:${port}`;
  await waitUntilAnswering(origin, Date.now() + 10_000, () => undefined);
  return {
    origin,
    startupMs: Date.now() - started,
    stop: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}

/**
 * `bun run examples/edge-bun/server.ts`: Bun runs the TypeScript example itself. The tsconfig override
 * (its `paths`, applied to every file) resolves the workspace packages to their sources, no build needed.
 */
export function startBun(baseUrl: string): Promise<RunningNode> {
  const tsconfig = fileURLToPath(new URL('../tsconfig.json', import.meta.url));
  return startProcess('bun', runtimeBinary('bun', 'bin/bun.exe'), ['run', `--tsconfig-override=${tsconfig}`, EXAMPLES.bun], {
    cwd: REPO_ROOT,
    env: { PORT: '0', OCPI_BASE_URL: baseUrl },
  });
}

/** `deno run` on an esbuild bundle of examples/edge-deno/server.ts, in a folder of its own (no package.json around). */
export async function startDeno(baseUrl: string): Promise<RunningNode> {
  const dir = mkdtempSync(join(tmpdir(), 'ocpi-edge-deno-'));
  const file = join(dir, 'server.js');
  writeFileSync(file, await bundle(EXAMPLES.deno, ['deno']));
  const node = await startProcess('deno', runtimeBinary('deno', 'deno'), ['run', '--no-prompt', '--allow-net=127.0.0.1', '--allow-env', file], {
    cwd: dir,
    env: { PORT: '0', OCPI_BASE_URL: baseUrl, DENO_NO_UPDATE_CHECK: '1', DENO_DIR: join(dir, 'deno-dir') },
  });
  return {
    ...node,
    async stop() {
      await node.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const COMPATIBILITY_DATE = '2026-07-01';

/**
 * The example worker in workerd through Miniflare, in a test-only build that adds the code generation
 * probe (codegen-probe-worker.ts). No nodejs_compat flag: no Node API at all.
 */
export async function startWorkerd(baseUrl: string): Promise<RunningNode> {
  const script = await bundle(fileURLToPath(new URL('./codegen-probe-worker.ts', import.meta.url)), ['workerd', 'worker', 'browser']);
  const started = Date.now();
  const mf = new Miniflare({
    host: '127.0.0.1',
    port: 0,
    modules: true,
    script,
    compatibilityDate: COMPATIBILITY_DATE,
    bindings: { OCPI_BASE_URL: baseUrl },
  });
  try {
    const origin = (await mf.ready).origin;
    await waitUntilAnswering(origin, Date.now() + 45_000, () => undefined);
    return {
      origin,
      startupMs: Date.now() - started,
      probe: async () => (await fetch(`${origin}${CODEGEN_PROBE_PATH}`)).json(),
      stop: () => mf.dispose(),
    };
  } catch (error) {
    await mf.dispose();
    throw error;
  }
}
