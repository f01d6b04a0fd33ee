/**
 * The precompiled validators are ajv's own code, generated at build time: for every schema and every
 * value they must give exactly what the ajv factory gives, issues and messages included. The values
 * are the official OCPI examples and mutated copies of them (a field removed, a field of the wrong
 * type, a string too long), checked against every precompiled schema of the same version.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { KindGuard, type TSchema, Type } from '@sinclair/typebox';
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as v211 from '../schemas/v2.1.1/index.js';
import * as v221 from '../schemas/v2.2.1/index.js';
import { Credentials, Location, LocationPatch, Version, VersionDetails } from '../schemas/v2.2.1/index.js';
import * as v230 from '../schemas/v2.3.0/index.js';
import { createOcpiServer } from '../server.js';
import { createMemoryStore } from '../store/memory.js';
import { exampleJson } from '../testing/example-checks.js';
import { examplesDir } from '../testing/examples.js';
import { CPO_ROLE } from '../testing/fixtures.js';
import { createAjvValidatorFactory, formatIssues } from './ajv.js';
import { validators as generated } from './precompiled.generated.js';
import {
  canGenerateCode,
  createAutoValidatorFactory,
  createPrecompiledValidatorFactory,
  createStandaloneValidatorFactory,
  PrecompiledSchemaMissingError,
  type StandaloneValidateFunction,
} from './precompiled.js';
import { generateStandaloneValidators } from './precompiled-codegen.js';
import { PRECOMPILED_SCHEMAS } from './precompiled-schemas.js';
import type { ValidationResult } from './validator.js';

const ajv = createAjvValidatorFactory();
const precompiled = createPrecompiledValidatorFactory();

/** Each example file of a version's folder, and its `data` when it is a response envelope. */
function exampleValues(folder: string): { name: string; value: unknown }[] {
  const dir = fileURLToPath(examplesDir(folder));
  const values: { name: string; value: unknown }[] = [];
  for (const file of readdirSync(dir).sort()) {
    const value: unknown = exampleJson(readFileSync(`${dir}${file}`, 'utf8'));
    values.push({ name: file, value });
    if (value && typeof value === 'object' && 'data' in value) values.push({ name: `${file} data`, value: value.data });
  }
  return values;
}

/** The examples each version's schemas are compared on: its own (2.3.0's include the Bookings ones). */
const EXAMPLE_FOLDERS: Readonly<Record<string, readonly string[]>> = { '2.1.1': ['2.1.1'], '2.2.1': ['2.2.1'], '2.3.0': ['2.3.0', '2.3.0-bookings'] };

const WRONG_VALUES: unknown[] = [null, 12345, 'x'.repeat(300), true, [], {}, [{}], 'NOT_AN_ENUM_VALUE', '2026-13-45T99:00:00+02:00', 'line\nbreak', -1.5];

/** Copies of `value` with one field removed or replaced, at the top level and one level down. */
function mutationsOf(value: unknown, depth = 0): unknown[] {
  if (Array.isArray(value)) return value.length > 0 ? mutationsOf(value[0], depth).map((first) => [first, ...value.slice(1)]) : [];
  if (!value || typeof value !== 'object') return [];
  const record = value as Record<string, unknown>;
  const result: unknown[] = [];
  for (const key of Object.keys(record)) {
    const { [key]: _removed, ...without } = record;
    result.push(without);
    for (const wrong of WRONG_VALUES) result.push({ ...record, [key]: wrong });
    if (depth < 1) for (const inner of mutationsOf(record[key], depth + 1)) result.push({ ...record, [key]: inner });
  }
  return result;
}

function outcome(result: ValidationResult<unknown>): unknown {
  return result.ok ? 'valid' : { issues: result.issues, message: formatIssues(result.issues) };
}

describe('precompiled validators', () => {
  it('exist for every schema of the table, and the table holds every exported OCPI 2.2.1 schema', () => {
    expect(PRECOMPILED_SCHEMAS.length).toBeGreaterThan(90);
    for (const { key } of PRECOMPILED_SCHEMAS) expect(generated[key], key).toBeTypeOf('function');
    for (const [name, value] of Object.entries(v221)) {
      if (value && typeof value === 'object' && 'type' in value) expect(precompiled.has(value as TSchema), name).toBe(true);
    }
    for (const schema of [Location, LocationPatch, Credentials, VersionDetails]) expect(precompiled.has(schema)).toBe(true);
  });

  it('exist for every exported schema of OCPI 2.1.1 and 2.3.0 too', () => {
    for (const [version, exports] of [
      ['2.1.1', v211],
      ['2.3.0', v230],
    ] as const) {
      const schemas = Object.entries(exports).filter(([, value]) => KindGuard.IsSchema(value));
      expect(schemas.length, version).toBeGreaterThan(60);
      for (const [name, schema] of schemas) expect(precompiled.has(schema as TSchema), `${version}/${name}`).toBe(true);
    }
    expect(precompiled.has(v230.Booking) && precompiled.has(v230.TerminalPatch) && precompiled.has(v211.Location)).toBe(true);
  });

  it('find a schema built again the same way by its structure (the handshake builds its own list of Versions)', () => {
    expect(precompiled.has(Type.Array(Version, { minItems: 1 }))).toBe(true);
    expect(precompiled.has(JSON.parse(JSON.stringify(Location)) as TSchema)).toBe(true);
    expect(precompiled.has(Type.Array(Version, { minItems: 2 }))).toBe(false);
    expect(precompiled.has(Type.Object({ reservation_id: Type.String() }))).toBe(false);
  });

  it('give the same result and messages as ajv for every official example and its mutations, against every schema of its version', () => {
    let compared = 0;
    let invalid = 0;
    const examplesOf = new Map(Object.entries(EXAMPLE_FOLDERS).map(([version, folders]) => [version, folders.flatMap(exampleValues)]));
    for (const { schema, key } of PRECOMPILED_SCHEMAS) {
      const examples = examplesOf.get(key.split('/')[0] ?? '') ?? [];
      expect(examples.length, key).toBeGreaterThan(0);
      const byAjv = ajv.compile(schema);
      const byPrecompiled = precompiled.compile(schema);
      for (const { name, value } of examples) {
        const expected = outcome(byAjv.validate(value));
        expect(outcome(byPrecompiled.validate(value)), `${key} on ${name}`).toEqual(expected);
        compared++;
        // Mutations only where the example is one of this schema's objects: that is where messages matter.
        if (expected !== 'valid') continue;
        for (const mutated of mutationsOf(value)) {
          const mutatedExpected = outcome(byAjv.validate(mutated));
          expect(outcome(byPrecompiled.validate(mutated)), `${key} on a mutation of ${name}`).toEqual(mutatedExpected);
          compared++;
          if (mutatedExpected !== 'valid') invalid++;
        }
      }
    }
    expect(compared).toBeGreaterThan(20_000);
    expect(invalid).toBeGreaterThan(5_000);
    // Three versions' schemas, each compiled by ajv too: slow on a loaded two-core machine.
  }, 90_000);

  it('name the field in the message, as the ajv factory does', () => {
    const result = precompiled.compile(Location).validate({ country_code: 'NL', party_id: 'CPO', id: 'L1', publish: 'yes' });
    expect(result.ok).toBe(false);
    expect(!result.ok && formatIssues(result.issues)).toContain('/publish: must be a boolean');
    expect(!result.ok && result.issues).toContainEqual({ path: '/address', message: 'is required' });
  });

  it('refuse a schema that is not precompiled, naming it', () => {
    const Reservation = Type.Object({ reservation_id: Type.String() }, { title: 'Reservation' });
    expect(() => precompiled.compile(Reservation)).toThrow(PrecompiledSchemaMissingError);
    expect(() => precompiled.compile(Reservation)).toThrow(/'Reservation'.*docs\/edge-runtimes\.md/);
  });
});

describe('createAutoValidatorFactory', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  const Reservation = Type.Object({ reservation_id: Type.String({ maxLength: 36 }) }, { title: 'Reservation' });

  it('uses the precompiled validator for OCPI schemas and ajv for the others where code generation is allowed', () => {
    const auto = createAutoValidatorFactory();
    expect(canGenerateCode()).toBe(true);
    expect(auto.compile(Location)).toBe(auto.compile(Location));
    expect(auto.compile(Location).validate({}).ok).toBe(false);
    expect(auto.compile(Reservation).validate({ reservation_id: 'R1' })).toEqual({ ok: true, value: { reservation_id: 'R1' } });
    expect(auto.compile(Reservation).validate({ reservation_id: 1 })).toEqual({
      ok: false,
      issues: [{ path: '/reservation_id', message: 'must be a string' }],
    });
  });

  it('where code generation is refused, keeps validating OCPI schemas and throws a clear error for the others', () => {
    vi.stubGlobal('Function', function refused() {
      throw new EvalError('Code generation from strings disallowed for this context');
    });
    expect(canGenerateCode()).toBe(false);
    const auto = createAutoValidatorFactory();
    expect(auto.compile(Location).validate({ id: 1 }).ok).toBe(false);
    expect(() => auto.compile(Reservation)).toThrow(/No precompiled validator for schema 'Reservation'.*refuses code generation/);
  });

  it('takes an explicit fallback for the schemas that are not precompiled', () => {
    const fallback = { compile: vi.fn(() => ({ validate: (value: unknown) => ({ ok: true as const, value }) })) };
    const auto = createAutoValidatorFactory({ fallback });
    auto.compile(Location);
    expect(fallback.compile).not.toHaveBeenCalled();
    auto.compile(Reservation);
    expect(fallback.compile).toHaveBeenCalledWith(Reservation);
  });

  it('is the server default, and the server compiles every body schema at start-up, so a missing one stops it there', () => {
    const module = {
      identifier: 'reservations',
      role: 'RECEIVER' as const,
      routes: [{ method: 'PUT' as const, path: [':id'], body: { schema: Reservation, name: 'Reservation' }, handle: async () => ({ data: null }) }],
    };
    const options = { baseUrl: 'https://cpo.example.com/ocpi', parties: [CPO_ROLE], store: createMemoryStore(), versions: ['2.2.1'], modules: [module] };
    expect(() => createOcpiServer(options)).not.toThrow();
    vi.stubGlobal('Function', function refused() {
      throw new EvalError('Code generation from strings disallowed for this context');
    });
    expect(() => createOcpiServer(options)).toThrow(/No precompiled validator for schema 'Reservation'/);
  });
});

describe('precompiling the schemas of a custom module (generateStandaloneValidators)', () => {
  const Reservation = Type.Object(
    {
      reservation_id: Type.String({ maxLength: 36 }),
      evse_uids: Type.Array(Type.String(), { uniqueItems: true }),
      location: Type.Optional(v221.GeoLocation),
      status: v221.SessionStatus,
    },
    { title: 'Reservation' },
  );

  it('emits one self-contained ES module, ajv runtime helpers inlined, that validates with the same messages as ajv', async () => {
    const source = generateStandaloneValidators({ Reservation });
    expect(source).not.toMatch(/\brequire\(|\bimport\b/);
    expect(source).toContain('export const Reservation');
    const dir = mkdtempSync(join(tmpdir(), 'ocpi-standalone-'));
    try {
      const file = join(dir, 'reservation.validators.mjs');
      writeFileSync(file, source);
      const module = (await import(/* @vite-ignore */ pathToFileURL(file).href)) as { Reservation: StandaloneValidateFunction };
      const standalone = createStandaloneValidatorFactory([[Reservation, module.Reservation]]);
      const values = [
        { reservation_id: 'R1', evse_uids: ['E1'], status: 'ACTIVE' },
        { reservation_id: 'x'.repeat(37), evse_uids: ['E1', 'E1'], status: 'SLEEPING', location: { latitude: '1', longitude: 2 } },
        { reservation_id: '😀'.repeat(36), evse_uids: [], status: 'ACTIVE' },
        {},
        null,
      ];
      for (const value of values) expect(outcome(standalone.compile(Reservation).validate(value))).toEqual(outcome(ajv.compile(Reservation).validate(value)));
      expect(outcome(standalone.compile(Reservation).validate(values[1]))).toMatchObject({
        message: expect.stringContaining('/reservation_id: must be at most 36 characters'),
      });
      // The server's auto factory takes it as the fallback for the schemas it does not know.
      const auto = createAutoValidatorFactory({ fallback: standalone });
      expect(auto.compile(Reservation)).toBe(standalone.compile(Reservation));
      expect(() => standalone.compile(Location)).toThrow(PrecompiledSchemaMissingError);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses export names that are not identifiers', () => {
    expect(() => generateStandaloneValidators({ 'my-schema': Reservation })).toThrow(/not a JavaScript identifier/);
  });
});
