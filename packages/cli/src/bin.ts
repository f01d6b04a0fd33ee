#!/usr/bin/env node
// The `ocpi` executable: the process's streams, environment and signals handed to `run`.
import { run } from './cli.js';

const controller = new AbortController();
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => controller.abort());

const code = await run(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  env: process.env,
  cwd: process.cwd(),
  signal: controller.signal,
});
process.exitCode = code;
// Idle keep-alive connections must not hold the process open once the command is done.
setTimeout(() => process.exit(code), 200).unref();
