// `ocpi <command> ...`: parses the arguments, runs the command, and turns every failure into a message
// and an exit code (docs/cli.md). Never throws.
import { parseArgs } from 'node:util';
import { isOcpiCallError, OcpiError } from '@ocpi-ts/core';
import type { Command } from './command.js';
import { conformanceCommand } from './commands/conformance.js';
import { convertCommand } from './commands/convert.js';
import { mockCommand } from './commands/mock.js';
import { openApiCommand } from './commands/openapi.js';
import { priceCliCommand } from './commands/price.js';
import { pullCommand } from './commands/pull.js';
import { pushCommand } from './commands/push.js';
import { registerCommand } from './commands/register.js';
import { validateCommand } from './commands/validate.js';
import { versionsCommand } from './commands/versions.js';
import { CliError, type CliIo, ExitCode, styleFor } from './io.js';

export const COMMANDS: readonly Command[] = [
  versionsCommand,
  registerCommand,
  pullCommand,
  pushCommand,
  validateCommand,
  convertCommand,
  conformanceCommand,
  mockCommand,
  priceCliCommand,
  openApiCommand,
];

const HELP = `ocpi: talk OCPI (2.1.1, 2.2.1 or 2.3.0, as negotiated) with a partner, check it (2.2.1), or stand in for one; validate and convert objects of every version

Usage: ocpi <command> [options]   (ocpi <command> --help for its options)

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(12)} ${c.summary}`).join('\n')}

Exit codes: 0 ok, 1 findings (invalid objects, failed checks), 2 bad arguments,
3 the partner could not be used, 4 a local problem (files, credentials). Docs: docs/cli.md`;

/**
 * `--token-a -x1...` as `--token-a=-x1...`: a generated token may start with a dash, which parseArgs
 * would take for an option. A value is joined to a string option unless it is itself a known option.
 */
function joinDashValues(args: readonly string[], command: Command): string[] {
  const known = (arg: string) => arg === '--help' || arg === '-h' || (arg.startsWith('--') && (arg.slice(2).split('=')[0] ?? '') in command.options);
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    const next = args[i + 1];
    const option = arg.startsWith('--') && !arg.includes('=') ? command.options[arg.slice(2)] : undefined;
    if (option?.type === 'string' && next !== undefined && next.startsWith('-') && !known(next)) {
      out.push(`${arg}=${next}`);
      i++;
    } else out.push(arg);
  }
  return out;
}

/** An unexpected failure (a bug): EX_SOFTWARE. */
const INTERNAL = 70;

/** Runs `ocpi` with these arguments; resolves with the exit code. */
export async function run(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(`${HELP}\n`);
    return name === undefined ? ExitCode.USAGE : ExitCode.OK;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    io.stderr.write(`ocpi: unknown command '${name}'\n\n${HELP}\n`);
    return ExitCode.USAGE;
  }
  if (command.runArgs) {
    try {
      return await command.runArgs(rest, io);
    } catch (error) {
      const { message, code } = describe(error);
      io.stderr.write(`${styleFor(io.stderr, io.env).red(`ocpi ${name}:`)} ${message}\n`);
      return code;
    }
  }
  let parsed: { values: Record<string, unknown>; positionals: string[] };
  try {
    parsed = parseArgs({
      args: joinDashValues(rest, command),
      options: { ...command.options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    io.stderr.write(`ocpi ${name}: ${(error as Error).message}\n\n${command.help}\n`);
    return ExitCode.USAGE;
  }
  if (parsed.values.help) {
    io.stdout.write(`${command.help}\n`);
    return ExitCode.OK;
  }
  try {
    return await command.run(parsed.values as never, parsed.positionals, io);
  } catch (error) {
    const { message, code } = describe(error);
    const style = styleFor(io.stderr, io.env);
    io.stderr.write(`${style.red(`ocpi ${name}:`)} ${message}\n`);
    if (parsed.values.json) io.stdout.write(`${JSON.stringify({ error: message, exitCode: code })}\n`);
    return code;
  }
}

function describe(error: unknown): { message: string; code: number } {
  if (error instanceof CliError) return { message: error.message, code: error.exitCode };
  // The partner answered with an OCPI error, gave no usable answer, or its API cannot be used (3xxx).
  if (isOcpiCallError(error)) return { message: error.message, code: ExitCode.PARTNER };
  if (error instanceof OcpiError) return { message: `${error.message} (OCPI status ${error.statusCode})`, code: ExitCode.PARTNER };
  return { message: error instanceof Error ? (error.stack ?? error.message) : String(error), code: INTERNAL };
}
