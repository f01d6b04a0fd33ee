// One object read by `validate` or `convert`, typed and checked against its version's schema: the
// shared first step of both commands.
import type { createAutoValidatorFactory, ValidationIssue } from '@ocpi-ts/core';
import type { Item } from './documents.js';
import type { OutStream, Style } from './io.js';
import { type ObjectType, recognise } from './object-types.js';

/** An object that is not JSON, not of a known type, or invalid: where it is and which fields are wrong. */
export interface Finding {
  source: string;
  at: string;
  type: string | undefined;
  id: string | undefined;
  issues: ValidationIssue[];
}

export const idOf = (value: unknown): string | undefined => {
  const o = value as { id?: unknown; uid?: unknown } | null;
  const id = o?.id ?? o?.uid;
  return typeof id === 'string' ? id : undefined;
};

type Validators = ReturnType<typeof createAutoValidatorFactory>;

/** The item's type (named, else recognised) and whether it is valid in `version`. */
export function checkItem(
  item: Item,
  version: string,
  named: ObjectType | undefined,
  validators: Validators,
): { ok: true; type: ObjectType; value: unknown } | { ok: false; type: ObjectType | undefined; finding: Finding } {
  const { source, at } = item;
  if (!item.ok) return { ok: false, type: undefined, finding: { source, at, type: undefined, id: undefined, issues: [{ path: '', message: item.message }] } };
  const id = idOf(item.value);
  const type = named ?? recognise(version, item.value);
  if (!type) {
    const issues = [{ path: '', message: 'is not an object of a type that can be recognised: give --type' }];
    return { ok: false, type: undefined, finding: { source, at, type: undefined, id, issues } };
  }
  const result = validators.compile(type.schema).validate(item.value);
  if (!result.ok) return { ok: false, type, finding: { source, at, type: type.name, id, issues: result.issues } };
  return { ok: true, type, value: item.value };
}

/** A finding for people: the object, then each wrong field. */
export function writeFinding(stream: OutStream, style: Style, finding: Finding): void {
  const what = `${finding.type ?? 'object'}${finding.id === undefined ? '' : ` ${finding.id}`}`;
  stream.write(`${style.red('✗')} ${finding.source}${finding.at} ${what}\n`);
  for (const issue of finding.issues) stream.write(`    ${style.bold(issue.path || '(root)')}: ${issue.message}\n`);
}
