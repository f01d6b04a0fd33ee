// `ocpi price`: the tariff engine's command (@ocpi-ts/tariffs), mounted as it is. It parses its own
// arguments (repeatable --tariff, --cdr as a synonym of --session), so it takes them unparsed.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { PRICE_USAGE, priceCommand } from '@ocpi-ts/tariffs';
import type { Command } from '../command.js';
import type { ExitCode } from '../io.js';

export const priceCliCommand: Command = {
  name: 'price',
  summary: 'price a Session or CDR with its Tariffs, with the breakdown',
  help: PRICE_USAGE,
  options: {},
  async run() {
    throw new Error('ocpi price takes its arguments unparsed (runArgs)');
  },
  async runArgs(args, io) {
    return (await priceCommand(args, {
      readFile: (path) => readFile(resolve(io.cwd, path), 'utf8'),
      stdout: (text) => io.stdout.write(text),
      stderr: (text) => io.stderr.write(text),
    })) as ExitCode;
  },
};
