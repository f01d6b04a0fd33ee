// The README's "Mount it" flow: the CPO example serves, the eMSP example registers with its token A
// and reads a page of Locations. Used by the repository's README test and, in a fresh project on the
// packed packages, by scripts/check-packages.sh (run directly: exits 1 when the flow fails).
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { pathToFileURL } from 'node:url';

export interface ReadmeFlow {
  cpoOutput: string;
  emspOutput: string;
  emspExitCode: number | null;
}

const freePort = () =>
  new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });

/** Runs `file` with tsx; resolves with its output once `until` matches it, or when it exits. */
function start(file: string, cwd: string, env: Record<string, string>, until: RegExp) {
  const child = spawn(process.execPath, ['--import', 'tsx', file], { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const done = new Promise<{ output: string; code: number | null }>((resolve) => {
    const read = (chunk: Buffer) => {
      output += chunk;
      if (until.test(output)) resolve({ output, code: null });
    };
    child.stdout?.on('data', read);
    child.stderr?.on('data', read);
    child.once('exit', (code) => resolve({ output, code }));
  });
  return { child, done };
}

/** `cpo` and `emsp` are the example files, relative to `cwd`. The CPO is stopped at the end. */
export async function runReadmeFlow(options: { cwd: string; cpo: string; emsp: string }): Promise<ReadmeFlow> {
  const [cpoPort, emspPort] = [await freePort(), await freePort()];
  const cpo = start(options.cpo, options.cwd, { PORT: String(cpoPort), OCPI_LOCAL_PARTNERS: '1' }, /token A: \S+\n/);
  let cpoChild: ChildProcess | undefined = cpo.child;
  try {
    const { output: cpoOutput } = await cpo.done;
    const tokenA = /token A: (\S+)/.exec(cpoOutput)?.[1] ?? '';
    const env = { PORT: String(emspPort), CPO_VERSIONS_URL: `http://127.0.0.1:${cpoPort}/ocpi/versions`, CPO_TOKEN_A: tokenA };
    const emsp = await start(options.emsp, options.cwd, env, /(?!)/).done;
    return { cpoOutput, emspOutput: emsp.output, emspExitCode: emsp.code };
  } finally {
    cpoChild?.kill('SIGKILL');
    cpoChild = undefined;
  }
}

/** What the flow must print: registered on 2.3.0 (the highest version both serve) with the CPO, and its one Location. */
export function readmeFlowProblems(flow: ReadmeFlow): string[] {
  const problems: string[] = [];
  if (!/versions URL: http:\/\/127\.0\.0\.1:\d+\/ocpi\/versions/.test(flow.cpoOutput)) problems.push(`the CPO printed no versions URL:\n${flow.cpoOutput}`);
  if (flow.emspExitCode !== 0) problems.push(`the eMSP exited with ${flow.emspExitCode}:\n${flow.emspOutput}`);
  if (!flow.emspOutput.includes('registered with NL*EXA on OCPI 2.3.0')) problems.push(`the eMSP did not register:\n${flow.emspOutput}`);
  if (!flow.emspOutput.includes('a page of 1 of 1 locations: GARAGE1')) problems.push(`the eMSP read no page of Locations:\n${flow.emspOutput}`);
  return problems;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const flow = await runReadmeFlow({ cwd: process.cwd(), cpo: 'cpo.ts', emsp: 'emsp.ts' });
  const problems = readmeFlowProblems(flow);
  for (const problem of problems) console.error(problem);
  if (problems.length === 0) console.log(flow.emspOutput.trim());
  process.exit(problems.length === 0 ? 0 : 1);
}
