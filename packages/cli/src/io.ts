// What a command reads and writes, handed in: the real process in `bin.ts`, captured streams in tests.

/** A stream a command writes to. */
export interface OutStream {
  write(text: string): unknown;
  /** True on a terminal: progress bars and colour only then. */
  isTTY?: boolean | undefined;
  columns?: number | undefined;
}

export interface CliIo {
  stdout: OutStream;
  stderr: OutStream;
  /** Standard input, for `validate` and `push` without files (`-`). */
  stdin: AsyncIterable<string | Uint8Array>;
  env: Readonly<Record<string, string | undefined>>;
  /** Where relative paths are resolved. */
  cwd: string;
  /** Aborted on SIGINT/SIGTERM: long-running commands (`mock`) stop then. */
  signal?: AbortSignal | undefined;
}

/** Exit codes, documented in docs/cli.md: scripts can tell findings from usage and partner problems. */
export const ExitCode = {
  /** Everything passed. */
  OK: 0,
  /** The command ran and found problems: invalid objects, failed conformance checks. */
  FINDINGS: 1,
  /** Bad arguments or options. */
  USAGE: 2,
  /** The partner could not be used: unreachable, timed out, or answered with an OCPI error. */
  PARTNER: 3,
  /** A local problem: a file that cannot be read or written, a missing credentials profile. */
  LOCAL: 4,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** A failure a command reports with a message and an exit code (no stack trace). */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export const usageError = (message: string): CliError => new CliError(message, ExitCode.USAGE);
export const localError = (message: string): CliError => new CliError(message, ExitCode.LOCAL);

/** Colour codes when the stream is a terminal (and NO_COLOR is unset), or FORCE_COLOR asks for them. */
export interface Style {
  enabled: boolean;
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
  dim(text: string): string;
  bold(text: string): string;
}

export function styleFor(stream: OutStream, env: CliIo['env']): Style {
  const forced = env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0';
  const enabled = forced || (stream.isTTY === true && env.NO_COLOR === undefined && env.TERM !== 'dumb');
  const wrap = (open: number, close: number) => (text: string) => (enabled ? `\u001b[${open}m${text}\u001b[${close}m` : text);
  return { enabled, red: wrap(31, 39), green: wrap(32, 39), yellow: wrap(33, 39), dim: wrap(2, 22), bold: wrap(1, 22) };
}

const COLOUR_CODE = new RegExp(`${String.fromCharCode(27)}\\[\\d+m`, 'g');

/** Rows as aligned columns (the header row first). */
export function table(rows: readonly (readonly string[])[]): string {
  const visible = (text: string) => text.replace(COLOUR_CODE, '').length;
  const widths: number[] = [];
  for (const row of rows) {
    for (const [i, cell] of row.entries()) widths[i] = Math.max(widths[i] ?? 0, visible(cell));
  }
  return rows
    .map((row) =>
      row
        .map((cell, i) => (i === row.length - 1 ? cell : cell + ' '.repeat((widths[i] ?? 0) - visible(cell))))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
