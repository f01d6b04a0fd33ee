/**
 * The official examples of one OCPI version, checked against that version's schemas, and mutations of
 * them (a required field removed, a closed enum value replaced, a string one character too long, an
 * open enum value replaced) checked to be rejected on the mutated field, or, for an open enum, accepted
 * and reported by `findUnknownEnumValues`. Each version's `examples.test.ts` gives its table of example
 * files and calls `describeExamples`.
 *
 * How an example file is taken: JSON as it is. The 2.1.1 blocks (vendor/ocpi/examples/2.1.1, copied
 * from the chapters' code blocks) may start with a `PUT To URL: ...` or `PATCH To URL: ...` line, which
 * is dropped (the URL says which object a PATCH is for: the table names the schema); a block that is a
 * fragment (`"energy_mix": {...}`, a property of an enclosing object) is wrapped in braces and read as
 * that object, and the table points at the property with `at`.
 */
import type { TSchema } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import { isClosedEnum, isOpenEnum } from '../schemas/common/enums.js';
import { findUnknownEnumValues } from '../schemas/common/unknown-enum-values.js';
import { createAjvValidatorFactory } from '../validation/ajv.js';
import type { ValidationIssue } from '../validation/validator.js';
import { examplesDir, readVendorText, vendorExists, vendorFiles } from './examples.js';

/** How to read one example file. */
export type ExampleEntry =
  /** The file is one object (or, with `at`, holds one under that JSON pointer). */
  | { kind: 'object'; schema: TSchema; at?: string }
  /** The file is a JSON array of objects. */
  | { kind: 'list'; schema: TSchema }
  /** The file is a PATCH body. */
  | { kind: 'patch'; schema: TSchema }
  /** The file is a response envelope whose `data` is one object or a list (none for an error). */
  | { kind: 'envelope'; envelope: TSchema; schema?: TSchema; list?: boolean }
  /** The example contradicts the spec text (`rule` says where): rejected with (at least) these issue paths. */
  | { kind: 'invalid'; schema: TSchema; paths: string[]; rule: string };

const factory = createAjvValidatorFactory();

/** An example the spec text makes invalid (`rule` says where), rejected naming at least `paths`. */
export const rejected = (schema: TSchema, rule: string, ...paths: string[]): ExampleEntry => ({ kind: 'invalid', schema, paths, rule });

/** The text of an example as JSON: the `METHOD To URL:` line dropped, a fragment wrapped in braces. */
export function exampleJson(text: string): unknown {
  const body = text.replace(/^\s*[A-Z]+ To URL:[^\n]*\n/, '').trim();
  return JSON.parse(body.startsWith('"') ? `{${body}}` : body);
}

function pointerGet(value: unknown, pointer: string): unknown {
  if (pointer === '') return value;
  return pointer
    .slice(1)
    .split('/')
    .reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], value);
}

function issueList(issues: ValidationIssue[]): string {
  return issues.map((issue) => `${issue.path}: ${issue.message}`).join('\n');
}

/** One validation target inside an example file: a schema and the value to check against it. */
interface Target {
  label: string;
  schema: TSchema;
  value: unknown;
}

function targets(content: unknown, entry: ExampleEntry): Target[] {
  switch (entry.kind) {
    case 'object':
      return [{ label: entry.at ?? '', schema: entry.schema, value: pointerGet(content, entry.at ?? '') }];
    case 'patch':
      return [{ label: '', schema: entry.schema, value: content }];
    case 'list':
      return (content as unknown[]).map((item, index) => ({ label: `[${index}]`, schema: entry.schema, value: item }));
    case 'envelope': {
      const { schema } = entry;
      const data = (content as { data?: unknown }).data;
      const dataTargets = !schema
        ? []
        : entry.list
          ? (data as unknown[]).map((item, index) => ({ label: `/data/${index}`, schema, value: item }))
          : [{ label: '/data', schema, value: data }];
      return [{ label: 'envelope', schema: entry.envelope, value: content }, ...dataTargets];
    }
    case 'invalid':
      return [];
  }
}

type Key = string | number;

interface Mutation {
  kind: 'required' | 'enum' | 'maxLength' | 'openEnum';
  /** Where the mutated field is in the value. */
  keys: Key[];
  /** For `maxLength`: the limit to exceed. */
  limit?: number;
  /** For `openEnum`: the unknown value to set. */
  unknown?: string;
}

type JsonSchema = Record<string, unknown>;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Walks the schema alongside the value and lists the mutations applicable to the present fields. */
function mutations(schema: JsonSchema, value: unknown, keys: Key[] = []): Mutation[] {
  const found: Mutation[] = [];
  const properties = schema.properties as Record<string, JsonSchema> | undefined;
  if (properties && isPlainObject(value)) {
    for (const name of (schema.required as string[] | undefined) ?? []) {
      if (name in value) found.push({ kind: 'required', keys: [...keys, name] });
    }
    for (const [name, property] of Object.entries(properties)) {
      if (name in value) found.push(...mutations(property, value[name], [...keys, name]));
    }
  }
  if (schema.type === 'array' && schema.items && Array.isArray(value)) {
    value.forEach((item, index) => {
      found.push(...mutations(schema.items as JsonSchema, item, [...keys, index]));
    });
  }
  if (typeof value === 'string' && isClosedEnum(schema)) found.push({ kind: 'enum', keys });
  if (typeof value === 'string' && isOpenEnum(schema)) found.push({ kind: 'openEnum', keys, unknown: unknownValueFor(schema) });
  if (schema.type === 'string' && typeof schema.maxLength === 'number' && typeof value === 'string') {
    found.push({ kind: 'maxLength', keys, limit: schema.maxLength });
  }
  return found;
}

function pointer(keys: Key[]): string {
  return keys.map((key) => `/${String(key).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

/** A value no enum knows, valid under the open enum's rule (VersionNumber wants digits). */
function unknownValueFor(schema: JsonSchema): string {
  const candidates = ['NOT_A_VALUE', '9.9.9'];
  const pattern = typeof schema.pattern === 'string' ? new RegExp(schema.pattern, 'u') : undefined;
  return candidates.find((candidate) => !pattern || pattern.test(candidate)) ?? 'NOT_A_VALUE';
}

function applyMutation(value: unknown, mutation: Mutation): unknown {
  const copy = structuredClone(value);
  const parentKeys = mutation.keys.slice(0, -1);
  const last = mutation.keys[mutation.keys.length - 1];
  if (last === undefined) throw new Error('mutation of the root');
  const parent = parentKeys.reduce<unknown>((node, key) => (node as Record<Key, unknown>)[key], copy) as Record<Key, unknown>;
  switch (mutation.kind) {
    case 'required':
      delete parent[last];
      break;
    case 'enum':
      parent[last] = 'NOT_A_VALUE';
      break;
    case 'openEnum':
      parent[last] = mutation.unknown;
      break;
    case 'maxLength': {
      const original = String(parent[last]);
      const limit = mutation.limit ?? 0;
      parent[last] = original.length > 0 ? original.padEnd(limit + 1, original) : 'x'.repeat(limit + 1);
      break;
    }
  }
  return copy;
}

/** What a mutation came to: '' when as expected, else why not. */
function checkMutation(target: Target, mutation: Mutation): string {
  const path = pointer(mutation.keys);
  const mutated = applyMutation(target.value, mutation);
  const result = factory.compile(target.schema).validate(mutated);
  if (mutation.kind === 'openEnum') {
    if (!result.ok) return `${target.label}${path}: open enum value was rejected\n${issueList(result.issues)}`;
    const reported = findUnknownEnumValues(target.schema, mutated);
    return reported.some((unknown) => unknown.pointer === path && unknown.value === mutation.unknown) ? '' : `${target.label}${path}: not reported as unknown`;
  }
  if (result.ok) return `${target.label}${path}: ${mutation.kind} mutation was accepted`;
  if (!result.issues.some((issue) => issue.path === path)) return `${target.label}${path}: no issue on the field; got\n${issueList(result.issues)}`;
  return '';
}

/** One valid object of an example file: its schema, whether it is a PATCH body, and where it is in the file. */
export interface ExampleValue {
  file: string;
  label: string;
  schema: TSchema;
  patch: boolean;
  value: unknown;
}

/** The objects of a folder's valid examples (envelopes unwrapped, lists split): what conversions are tested on. */
export function exampleValues(folder: string, table: Readonly<Record<string, ExampleEntry>>): ExampleValue[] {
  const dir = examplesDir(folder);
  return Object.entries(table).flatMap(([file, entry]) =>
    targets(exampleJson(readVendorText(new URL(file, dir))), entry)
      .filter((target) => target.label !== 'envelope')
      .map((target) => ({ file, label: target.label, schema: target.schema, patch: entry.kind === 'patch', value: target.value })),
  );
}

export interface ExampleChecks {
  /** Fewest mutations expected in total (a guard against a generator that silently finds nothing). */
  minMutations: number;
}

/** Registers the example and mutation tests of one version's example folder (`2.1.1`, `2.3.0-bookings`...). */
export function describeExamples(folder: string, table: Readonly<Record<string, ExampleEntry>>, checks: ExampleChecks): void {
  const dir = examplesDir(folder);
  const read = (file: string): unknown => exampleJson(readVendorText(new URL(file, dir)));

  describe(`OCPI ${folder} official examples`, () => {
    it('finds the examples directory', () => {
      expect(vendorExists(dir), dir.href).toBe(true);
    });

    it('maps every example file to a schema, and every table entry to a file', () => {
      const files = vendorFiles(dir).map((url) => url.href.slice(dir.href.length));
      expect(files.length).toBeGreaterThan(0);
      expect(files.filter((file) => !(file in table))).toEqual([]);
      expect(Object.keys(table).filter((file) => !files.includes(file))).toEqual([]);
    });

    for (const [file, entry] of Object.entries(table)) {
      if (entry.kind === 'invalid') {
        it(`${file} is rejected (${entry.rule}), naming ${entry.paths.join(', ')}`, () => {
          const result = factory.compile(entry.schema).validate(read(file));
          expect(result.ok).toBe(false);
          if (result.ok) return;
          const paths = result.issues.map((issue) => issue.path);
          for (const path of entry.paths) expect(paths, issueList(result.issues)).toContain(path);
        });
        continue;
      }
      it(`${file} validates`, () => {
        const list = targets(read(file), entry);
        expect(list.length).toBeGreaterThan(0);
        for (const target of list) {
          const result = factory.compile(target.schema).validate(target.value);
          expect(result.ok ? '' : `${target.label}\n${issueList(result.issues)}`).toBe('');
        }
      });
    }
  });

  describe(`mutations of the OCPI ${folder} official examples are rejected on the mutated field (open enums: accepted and reported)`, () => {
    const kinds = ['required', 'enum', 'maxLength', 'openEnum'] as const;
    let total = 0;
    // Without the examples directory the test above fails; do not crash collection here.
    const available = vendorExists(dir);
    for (const [file, entry] of Object.entries(table)) {
      const list = available ? targets(read(file), entry) : [];
      for (const kind of kinds) {
        const cases = list.flatMap((target) =>
          mutations(target.schema as unknown as JsonSchema, target.value)
            .filter((mutation) => mutation.kind === kind)
            .map((mutation) => ({ target, mutation })),
        );
        if (cases.length === 0) continue;
        total += cases.length;
        it(`${file}: ${cases.length} × ${kind}`, () => {
          expect(cases.map(({ target, mutation }) => checkMutation(target, mutation)).filter(Boolean)).toEqual([]);
        });
      }
    }

    it('generates a meaningful number of mutations', () => {
      expect(total).toBeGreaterThan(checks.minMutations);
    });
  });
}
