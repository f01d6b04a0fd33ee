import { createWriteStream } from 'node:fs';
import { resolve } from 'node:path';
import { type CliIo, localError } from './io.js';

/** Where lines go: a file (created or truncated), or stdout. Waits when the file cannot keep up. */
export interface LineSink {
  write(line: string): Promise<void>;
  close(): Promise<void>;
}

export async function lineSink(io: CliIo, path: string | undefined): Promise<LineSink> {
  if (path === undefined || path === '-') {
    return { write: async (line) => void io.stdout.write(`${line}\n`), close: async () => undefined };
  }
  const stream = createWriteStream(resolve(io.cwd, path));
  await new Promise<void>((done, fail) => {
    stream.once('open', () => done());
    stream.once('error', (error) => fail(localError(`Cannot write ${path}: ${error.message}`)));
  });
  return {
    async write(line) {
      if (!stream.write(`${line}\n`)) await new Promise<void>((drained) => stream.once('drain', () => drained()));
    },
    close: () =>
      new Promise<void>((done, fail) => stream.end((error?: Error | null) => (error ? fail(localError(`Cannot write ${path}: ${error.message}`)) : done()))),
  };
}
