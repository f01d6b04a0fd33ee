import { createAutoValidatorFactory } from '@ocpi-ts/core';
import { checkItem, type Finding, writeFinding } from '../checked.js';
import { type Command, writeJson } from '../command.js';
import { readItems } from '../documents.js';
import { ExitCode, styleFor } from '../io.js';
import { type ObjectType, typeOption, VERSIONS, versionOption } from '../object-types.js';

export const validateCommand: Command = {
  name: 'validate',
  summary: 'check OCPI objects in files or on stdin: an error per object naming the field',
  help: `ocpi validate [<file>...] [--type <Type>] [--version 2.1.1|2.2.1|2.3.0] [--pointer /path] [--json]

Each file holds one JSON object, a JSON array, an OCPI response envelope, or one object per line
(NDJSON, as 'ocpi pull' writes). No file, or '-': stdin. Every object is checked against the schema of
its type in the OCPI version, and every invalid one is reported with the fields that are wrong.

  --type <Type>      the object type (default: recognised from the object's fields); PATCH bodies and
                     commands need it: LocationPatch, EvsePatch, ConnectorPatch, SessionPatch,
                     TokenPatch, TariffPatch (2.1.1), StartSession, ReserveNow, ...
  --version <v>      the OCPI version whose schemas apply (default 2.2.1; known: ${VERSIONS.join(', ')})
  --pointer <ptr>    validate the value at this JSON pointer in each document (e.g. /energy_mix)
  --json             one JSON object on stdout
Exit code 0: all valid; 1: some invalid; 2: bad arguments; 4: a file cannot be read.`,
  options: { type: { type: 'string' }, version: { type: 'string' }, pointer: { type: 'string' }, json: { type: 'boolean' } },
  async run(values, positionals, io) {
    const version = versionOption((values.version as string | undefined) ?? '2.2.1', '--version');
    const named: ObjectType | undefined = values.type === undefined ? undefined : typeOption(version, values.type as string);
    const factory = createAutoValidatorFactory();
    const sources = positionals.length > 0 ? positionals : ['-'];
    const findings: Finding[] = [];
    const counts = new Map<string, number>();
    let total = 0;
    for await (const item of readItems(sources, io, (values.pointer as string | undefined) ?? '')) {
      total++;
      const checked = checkItem(item, version, named, factory);
      if (checked.type) counts.set(checked.type.name, (counts.get(checked.type.name) ?? 0) + 1);
      if (!checked.ok) findings.push(checked.finding);
    }

    if (values.json) {
      writeJson(io, { version, objects: total, types: Object.fromEntries(counts), valid: findings.length === 0, invalid: findings });
    } else {
      const style = styleFor(io.stdout, io.env);
      for (const finding of findings) writeFinding(io.stdout, style, finding);
      const kinds = [...counts].map(([name, n]) => `${n} ${name}`).join(', ');
      const summary = `${total} object${total === 1 ? '' : 's'}${kinds ? ` (${kinds})` : ''}, OCPI ${version}: `;
      io.stdout.write(findings.length === 0 ? `${style.green('✓')} ${summary}all valid\n` : `${summary}${style.red(`${findings.length} invalid`)}\n`);
    }
    return findings.length === 0 ? ExitCode.OK : ExitCode.FINDINGS;
  },
};
