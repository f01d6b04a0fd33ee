/**
 * Validates every official OCPI 2.2.1 example (ocpi-spec/2.2.1/examples) against the schemas, then
 * derives mutations from the examples (required field removed, enum value replaced, string one
 * character too long) and checks that each one is rejected with an issue on the mutated field.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { TSchema } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import { EXAMPLES_2_2_1 } from '../../testing/examples.js';
import { createAjvValidatorFactory } from '../../validation/ajv.js';
import type { ValidationIssue } from '../../validation/validator.js';
import {
  AnyResponseEnvelope,
  CDR,
  ConnectorPatch,
  Credentials,
  DisplayText,
  EnergyMix,
  EVSE,
  EvsePatch,
  Hours,
  Location,
  LocationPatch,
  Session,
  SessionPatch,
  Tariff,
  Token,
  TokenPatch,
  Version,
  VersionDetails,
} from './index.js';

const EXAMPLES_DIR = fileURLToPath(EXAMPLES_2_2_1);

const factory = createAjvValidatorFactory();

/** How to read one example file. */
type Entry =
  /** The file is one object (or, with `at`, holds one under that JSON pointer). */
  | { kind: 'object'; schema: TSchema; at?: string }
  /** The file is a JSON array of objects. */
  | { kind: 'list'; schema: TSchema }
  /** The file is a PATCH body. */
  | { kind: 'patch'; schema: TSchema }
  /** The file is a response envelope whose `data` is one object or a list. */
  | { kind: 'envelope'; schema: TSchema; list: boolean }
  /** The example contradicts the spec text: it must be rejected with (at least) these issue paths. */
  | { kind: 'invalid'; schema: TSchema; paths: string[] };

const EXAMPLES: Record<string, Entry> = {
  'cdr_example.json': { kind: 'object', schema: CDR },
  'credentials_example.json': { kind: 'object', schema: Credentials },
  'credentials_example2.json': { kind: 'object', schema: Credentials },
  'credentials_example3.json': { kind: 'object', schema: Credentials },
  'credentials_example4.json': { kind: 'object', schema: Credentials },
  // The EnergyMix examples are included in the spec from line 2 on: the file wraps the object.
  'location_energymix_example_complete.json': { kind: 'object', schema: EnergyMix, at: '/energy_mix' },
  'location_energymix_example_energy_provider.json': { kind: 'object', schema: EnergyMix, at: '/energy_mix' },
  'location_energymix_example_simple.json': { kind: 'object', schema: EnergyMix, at: '/energy_mix' },
  'location_example.json': { kind: 'object', schema: Location },
  'location_example_parking_garage_opening_hours.json': { kind: 'object', schema: Location },
  'location_example_uc2_destination_charger.json': { kind: 'object', schema: Location },
  'location_example_uc3_destination_charger_not_published.json': { kind: 'object', schema: Location },
  'location_example_uc4_limited_visibility.json': { kind: 'object', schema: Location },
  'location_example_uc5_home_charge_point.json': { kind: 'object', schema: Location },
  'location_hours_247_open_exception_closing.json': { kind: 'object', schema: Hours },
  'location_hours_opening_hours_with_exceptional_closing.json': { kind: 'object', schema: Hours },
  'location_hours_opening_hours_with_exceptional_opening.json': { kind: 'object', schema: Hours },
  // PATCH .../locations/NL/TNM/1012
  'location_patch_example_location.json': { kind: 'patch', schema: LocationPatch },
  // PATCH .../locations/NL/TNM/1012/3256 and .../1012/3255 (EVSE URLs)
  'location_patch_example_remove_evse.json': { kind: 'patch', schema: EvsePatch },
  'location_patch_example_status.json': { kind: 'patch', schema: EvsePatch },
  // PATCH .../locations/NL/TNM/1012/3255/2 (Connector URL)
  'location_patch_example_tariff.json': { kind: 'patch', schema: ConnectorPatch },
  // "To add an EVSE, simply put the full object ... including all its required fields": the example's
  // Connector lacks power_type, max_voltage, max_amperage and last_updated, and physical_reference is
  // a number where the EVSE table says string(16).
  'location_put_example_add_evse.json': {
    kind: 'invalid',
    schema: EVSE,
    paths: ['/connectors/0/power_type', '/connectors/0/max_voltage', '/connectors/0/max_amperage', '/connectors/0/last_updated', '/physical_reference'],
  },
  'location_regularhours_example.json': { kind: 'object', schema: Hours, at: '/opening_times' },
  'session_example_1_simple_start.json': { kind: 'object', schema: Session },
  'session_example_2_short_finished.json': { kind: 'object', schema: Session },
  'session_patch_example_charging_period.json': { kind: 'patch', schema: SessionPatch },
  'session_patch_example_total_cost.json': { kind: 'patch', schema: SessionPatch },
  'tariff_10_025kwh_parking_start.json': { kind: 'object', schema: Tariff },
  'tariff_11_not_possible_alt_text.json': { kind: 'object', schema: Tariff },
  'tariff_12_025kwh_min_price.json': { kind: 'object', schema: Tariff },
  'tariff_13_simple_3hour_5parking.json': { kind: 'object', schema: Tariff },
  'tariff_14_step_size.json': { kind: 'object', schema: Tariff },
  'tariff_15_reservation_5_euro_per_hour.json': { kind: 'object', schema: Tariff },
  'tariff_16_reservation_2_euro_fee_5_euro_per_hour.json': { kind: 'object', schema: Tariff },
  'tariff_17_reservation_with_expire_fee.json': { kind: 'object', schema: Tariff },
  'tariff_18_reservation_with_expire_time.json': { kind: 'object', schema: Tariff },
  'tariff_1_simple_2hour.json': { kind: 'object', schema: Tariff },
  'tariff_2_alt_text.json': { kind: 'object', schema: Tariff },
  'tariff_3_alt_url.json': { kind: 'object', schema: Tariff },
  'tariff_4_complex.json': { kind: 'object', schema: Tariff },
  'tariff_5_free_of_charge.json': { kind: 'object', schema: Tariff },
  'tariff_6_025kwh_start_max_price.json': { kind: 'object', schema: Tariff },
  'tariff_8_simple_025kwh.json': { kind: 'object', schema: Tariff },
  'tariff_9_025kwh_start.json': { kind: 'object', schema: Tariff },
  // PUT of a Tariff: the Tariff table makes last_updated required (card. 1); the example has none.
  'tariff_put_example.json': { kind: 'invalid', schema: Tariff, paths: ['/last_updated'] },
  'tariffrestriction_example_max_duration.json': { kind: 'object', schema: Tariff },
  'tariffrestriction_example_max_power.json': { kind: 'object', schema: Tariff },
  'token_example_1_app_user.json': { kind: 'object', schema: Token },
  'token_example_2_full_rfid.json': { kind: 'object', schema: Token },
  'token_patch_example.json': { kind: 'patch', schema: TokenPatch },
  'token_put_example.json': { kind: 'object', schema: Token },
  'transport_and_format_get_token_example.json': { kind: 'envelope', schema: Token, list: false },
  'transport_and_format_get_token_list_example.json': { kind: 'envelope', schema: Token, list: true },
  'transport_and_format_version_details_example.json': { kind: 'envelope', schema: VersionDetails, list: false },
  'transport_and_format_version_info_example.json': { kind: 'envelope', schema: Version, list: true },
  'type_displaytext_example.json': { kind: 'object', schema: DisplayText },
  'version_details_example.json': { kind: 'object', schema: VersionDetails },
  'version_details_example2.json': { kind: 'object', schema: VersionDetails },
  'versions_info_example.json': { kind: 'list', schema: Version },
};

function readExample(file: string): unknown {
  return JSON.parse(readFileSync(`${EXAMPLES_DIR}${file}`, 'utf8'));
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

/** The targets of an example that is expected to be valid (envelopes are split into envelope + data). */
function targets(file: string, entry: Entry): Target[] {
  const content = readExample(file);
  switch (entry.kind) {
    case 'object':
      return [{ label: entry.at ?? '', schema: entry.schema, value: pointerGet(content, entry.at ?? '') }];
    case 'patch':
      return [{ label: '', schema: entry.schema, value: content }];
    case 'list':
      return (content as unknown[]).map((item, index) => ({ label: `[${index}]`, schema: entry.schema, value: item }));
    case 'envelope': {
      const data = (content as { data?: unknown }).data;
      const dataTargets = entry.list
        ? (data as unknown[]).map((item, index) => ({ label: `/data/${index}`, schema: entry.schema, value: item }))
        : [{ label: '/data', schema: entry.schema, value: data }];
      return [{ label: 'envelope', schema: AnyResponseEnvelope, value: content }, ...dataTargets];
    }
    case 'invalid':
      return [];
  }
}

describe('OCPI 2.2.1 official examples', () => {
  it('finds the examples directory', () => {
    expect(existsSync(EXAMPLES_DIR), EXAMPLES_DIR).toBe(true);
  });

  it('maps every example file to a schema, and every table entry to a file', () => {
    const files = readdirSync(EXAMPLES_DIR).filter((file) => file.endsWith('.json'));
    expect(files.length).toBeGreaterThan(0);
    expect(files.filter((file) => !(file in EXAMPLES))).toEqual([]);
    expect(Object.keys(EXAMPLES).filter((file) => !files.includes(file))).toEqual([]);
    expect(readdirSync(EXAMPLES_DIR).filter((file) => !file.endsWith('.json'))).toEqual([]);
  });

  for (const [file, entry] of Object.entries(EXAMPLES)) {
    if (entry.kind === 'invalid') {
      it(`${file} is rejected (it contradicts the spec text), naming ${entry.paths.join(', ')}`, () => {
        const result = factory.compile(entry.schema).validate(readExample(file));
        expect(result.ok).toBe(false);
        if (result.ok) return;
        const paths = result.issues.map((issue) => issue.path);
        for (const path of entry.paths) expect(paths, issueList(result.issues)).toContain(path);
      });
      continue;
    }
    it(`${file} validates`, () => {
      const list = targets(file, entry);
      expect(list.length).toBeGreaterThan(0);
      for (const target of list) {
        const result = factory.compile(target.schema).validate(target.value);
        expect(result.ok ? '' : `${target.label}\n${issueList(result.issues)}`).toBe('');
      }
    });
  }
});

// ---------------------------------------------------------------------------------------------
// Mutations derived from the examples
// ---------------------------------------------------------------------------------------------

type Key = string | number;

interface Mutation {
  kind: 'required' | 'enum' | 'maxLength';
  /** Where the mutated field is in the value. */
  keys: Key[];
  /** For `maxLength`: the limit to exceed. */
  limit?: number;
}

type JsonSchema = Record<string, unknown>;

function isLiteralUnion(schema: JsonSchema): boolean {
  return Array.isArray(schema.anyOf) && (schema.anyOf as JsonSchema[]).every((branch) => 'const' in branch);
}

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
  if (isLiteralUnion(schema) && typeof value === 'string') found.push({ kind: 'enum', keys });
  if (schema.type === 'string' && typeof schema.maxLength === 'number' && typeof value === 'string') {
    found.push({ kind: 'maxLength', keys, limit: schema.maxLength });
  }
  return found;
}

function pointer(keys: Key[]): string {
  return keys.map((key) => `/${String(key).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
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
    case 'maxLength': {
      const original = String(parent[last]);
      const limit = mutation.limit ?? 0;
      parent[last] = original.length > 0 ? original.padEnd(limit + 1, original) : 'x'.repeat(limit + 1);
      break;
    }
  }
  return copy;
}

describe('mutations of the official examples are rejected on the mutated field', () => {
  const kinds = ['required', 'enum', 'maxLength'] as const;
  let total = 0;
  // Without the examples directory the test above fails; do not crash collection here.
  const available = existsSync(EXAMPLES_DIR);
  for (const [file, entry] of Object.entries(EXAMPLES)) {
    const list = available ? targets(file, entry) : [];
    for (const kind of kinds) {
      const cases = list.flatMap((target) =>
        mutations(target.schema as unknown as JsonSchema, target.value)
          .filter((mutation) => mutation.kind === kind)
          .map((mutation) => ({ target, mutation })),
      );
      if (cases.length === 0) continue;
      total += cases.length;
      it(`${file}: ${cases.length} × ${kind}`, () => {
        const failures: string[] = [];
        for (const { target, mutation } of cases) {
          const path = pointer(mutation.keys);
          const result = factory.compile(target.schema).validate(applyMutation(target.value, mutation));
          if (result.ok) failures.push(`${target.label}${path}: ${mutation.kind} mutation was accepted`);
          else if (!result.issues.some((issue) => issue.path === path)) {
            failures.push(`${target.label}${path}: no issue on the field; got\n${issueList(result.issues)}`);
          }
        }
        expect(failures).toEqual([]);
      });
    }
  }

  it('generates a meaningful number of mutations', () => {
    expect(total).toBeGreaterThan(500);
  });
});
