// Test support: runs `ocpi` in process with captured streams (not part of the package).
import { run } from './cli.js';
import type { CliIo } from './io.js';

export interface Captured {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `ocpi ...args`; stdin is the given text. Streams are not terminals unless `tty`. */
export async function ocpi(
  args: string[],
  options: { stdin?: string; tty?: boolean; env?: Record<string, string>; cwd?: string; signal?: AbortSignal; onStdout?: (text: string) => void } = {},
): Promise<Captured> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: {
      write: (text: string) => {
        stdout += text;
        options.onStdout?.(stdout);
      },
      isTTY: options.tty,
    },
    stderr: { write: (text: string) => (stderr += text), isTTY: options.tty },
    stdin: (async function* () {
      if (options.stdin !== undefined) yield options.stdin;
    })(),
    env: { HOME: '/nonexistent', ...options.env },
    cwd: options.cwd ?? process.cwd(),
    signal: options.signal,
  };
  const code = await run(args, io);
  return { code, stdout, stderr };
}
