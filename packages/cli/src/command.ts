import type { CliIo, ExitCode } from './io.js';

export type OptionSpec = { type: 'string' | 'boolean'; short?: string; multiple?: boolean };
export type Values = Record<string, string | boolean | string[] | undefined>;

/** One subcommand of `ocpi`. */
export interface Command {
  name: string;
  /** One line for `ocpi --help`. */
  summary: string;
  /** The full help text of `ocpi <name> --help`. */
  help: string;
  options: Record<string, OptionSpec>;
  run(values: Values, positionals: string[], io: CliIo): Promise<ExitCode>;
}

/** Writes a value as one line of JSON to stdout (`--json`). */
export const writeJson = (io: CliIo, value: unknown): void => {
  io.stdout.write(`${JSON.stringify(value)}\n`);
};
