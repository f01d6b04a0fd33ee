import { createAutoValidatorFactory, type ValidationIssue } from '@ocpi-ts/core';
import { type Command, writeJson } from '../command.js';
import { readItems } from '../documents.js';
import { ExitCode, styleFor, usageError } from '../io.js';
import { OBJECT_TYPES, type ObjectType, recognise, typeNamed, typesOf } from '../object-types.js';

interface Finding {
  source: string;
  at: string;
  type: string | undefined;
  id: string | undefined;
  issues: ValidationIssue[];
}

const idOf = (value: unknown): string | undefined => {
  const o = value as { id?: unknown; uid?: unknown } | null;
  const id = o?.id ?? o?.uid;
  return typeof id === 'string' ? id : undefined;
};

export const validateCommand: Command = {
  name: 'validate',
  summary: 'check OCPI objects in files or on stdin: an error per object naming the field',
  help: `ocpi validate [<file>...] [--type <Type>] [--version 2.2.1] [--pointer /path] [--json]

Each file holds one JSON object, a JSON array, an OCPI response envelope, or one object per line
(NDJSON, as 'ocpi pull' writes). No file, or '-': stdin. Every object is checked against the schema of
its type in the OCPI version, and every invalid one is reported with the fields that are wrong.

  --type <Type>      the object type (default: recognised from the object's fields); PATCH bodies and
                     commands need it: LocationPatch, EvsePatch, ConnectorPatch, SessionPatch,
                     TokenPatch, StartSession, ReserveNow, ...
  --version <v>      the OCPI version (default 2.2.1; known: ${Object.keys(OBJECT_TYPES).join(', ')})
  --pointer <ptr>    validate the value at this JSON pointer in each document (e.g. /energy_mix)
  --json             one JSON object on stdout
Exit code 0: all valid; 1: some invalid; 2: bad arguments; 4: a file cannot be read.`,
  options: { type: { type: 'string' }, version: { type: 'string' }, pointer: { type: 'string' }, json: { type: 'boolean' } },
  async run(values, positionals, io) {
    const version = (values.version as string | undefined) ?? '2.2.1';
    if (!OBJECT_TYPES[version]) throw usageError(`--version ${version} is not known; known: ${Object.keys(OBJECT_TYPES).join(', ')}`);
    let named: ObjectType | undefined;
    if (values.type !== undefined) {
      named = typeNamed(version, values.type as string);
      if (!named)
        throw usageError(
          `--type ${values.type} is not an OCPI ${version} type; known: ${typesOf(version)
            .map((t) => t.name)
            .join(', ')}`,
        );
    }
    const factory = createAutoValidatorFactory();
    const sources = positionals.length > 0 ? positionals : ['-'];
    const findings: Finding[] = [];
    const counts = new Map<string, number>();
    let total = 0;
    for await (const item of readItems(sources, io, (values.pointer as string | undefined) ?? '')) {
      total++;
      if (!item.ok) {
        findings.push({ source: item.source, at: item.at, type: undefined, id: undefined, issues: [{ path: '', message: item.message }] });
        continue;
      }
      const type = named ?? recognise(version, item.value);
      if (!type) {
        findings.push({
          source: item.source,
          at: item.at,
          type: undefined,
          id: idOf(item.value),
          issues: [{ path: '', message: 'is not an object of a type that can be recognised: give --type' }],
        });
        continue;
      }
      counts.set(type.name, (counts.get(type.name) ?? 0) + 1);
      const result = factory.compile(type.schema).validate(item.value);
      if (!result.ok) findings.push({ source: item.source, at: item.at, type: type.name, id: idOf(item.value), issues: result.issues });
    }

    if (values.json) {
      writeJson(io, { version, objects: total, types: Object.fromEntries(counts), valid: findings.length === 0, invalid: findings });
    } else {
      const style = styleFor(io.stdout, io.env);
      for (const finding of findings) {
        const what = `${finding.type ?? 'object'}${finding.id === undefined ? '' : ` ${finding.id}`}`;
        io.stdout.write(`${style.red('✗')} ${finding.source}${finding.at} ${what}\n`);
        for (const issue of finding.issues) io.stdout.write(`    ${style.bold(issue.path || '(root)')}: ${issue.message}\n`);
      }
      const kinds = [...counts].map(([name, n]) => `${n} ${name}`).join(', ');
      const summary = `${total} object${total === 1 ? '' : 's'}${kinds ? ` (${kinds})` : ''}, OCPI ${version}: `;
      io.stdout.write(findings.length === 0 ? `${style.green('✓')} ${summary}all valid\n` : `${summary}${style.red(`${findings.length} invalid`)}\n`);
    }
    return findings.length === 0 ? ExitCode.OK : ExitCode.FINDINGS;
  },
};
