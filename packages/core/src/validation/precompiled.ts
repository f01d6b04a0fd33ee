/**
 * Validators without run-time code generation, for runtimes that refuse `new Function` (Cloudflare
 * Workers / workerd; some locked-down Deno and browser setups).
 *
 * Every schema of `PRECOMPILED_SCHEMAS` (all exported OCPI schemas, PATCH bodies and Credentials
 * included) is compiled by ajv at build time into `precompiled.generated.js`. A schema is looked up
 * by identity, then by structure (the same construction elsewhere, e.g. `Type.Array(Version)`), and
 * its errors go through the same `toIssues` as the ajv factory: same options, same code, same messages.
 *
 * `createAutoValidatorFactory` (the server's default) uses the precompiled validator when there is
 * one, and ajv for other schemas (an operator's custom module) where code generation is allowed;
 * where it is refused, compiling such a schema throws `PrecompiledSchemaMissingError`.
 */
import type { Static, TSchema } from '@sinclair/typebox';
import { createAjvValidatorFactory, toIssues, type ValidationMode } from './ajv.js';
import { validators as generated, type PrecompiledValidateFunction } from './precompiled.generated.js';
import { PRECOMPILED_SCHEMAS } from './precompiled-schemas.js';
import type { ValidationResult, Validator, ValidatorFactory } from './validator.js';

export interface PrecompiledValidatorFactoryOptions {
  /** As for the ajv factory: exposed for callers to pick their policy; the checks are the same. */
  mode?: ValidationMode;
}

export interface PrecompiledValidatorFactory extends ValidatorFactory {
  readonly mode: ValidationMode;
  /** Whether `schema` has a precompiled validator (by identity or by structure). */
  has(schema: TSchema): boolean;
}

/** Thrown when a schema has no precompiled validator (and, from the auto factory, the runtime refuses code generation). */
export class PrecompiledSchemaMissingError extends Error {
  constructor(
    readonly schemaTitle: string,
    readonly codeGenerationRefused = false,
  ) {
    super(
      `No precompiled validator for schema '${schemaTitle}'` +
        (codeGenerationRefused ? ', and this runtime refuses code generation (new Function), so ajv cannot compile it here' : '') +
        '. Precompile it at build time with ajv standalone code and give it to createAutoValidatorFactory({ fallback: ' +
        'createStandaloneValidatorFactory(...) }) as the `validators` of createOcpiServer (docs/edge-runtimes.md, "Custom modules").',
    );
    this.name = 'PrecompiledSchemaMissingError';
  }
}

const byIdentity = new WeakMap<object, PrecompiledValidateFunction>();
for (const { key, schema } of PRECOMPILED_SCHEMAS) {
  const validate = generated[key];
  if (validate) byIdentity.set(schema, validate);
}

/** JSON text of each precompiled schema -> its function; built on the first identity miss. */
let byStructure: Map<string, PrecompiledValidateFunction> | undefined;

function findPrecompiled(schema: TSchema): PrecompiledValidateFunction | undefined {
  const found = byIdentity.get(schema);
  if (found) return found;
  if (!byStructure) {
    byStructure = new Map();
    for (const { key, schema: known } of PRECOMPILED_SCHEMAS) {
      const validate = generated[key];
      if (validate) byStructure.set(JSON.stringify(known), validate);
    }
  }
  let text: string;
  try {
    text = JSON.stringify(schema);
  } catch {
    return undefined;
  }
  const validate = byStructure.get(text);
  if (validate) byIdentity.set(schema, validate);
  return validate;
}

/** An ajv standalone validate function: whether `data` is valid, with the errors left on `errors`. */
export type StandaloneValidateFunction = PrecompiledValidateFunction;

function validatorOf<T>(validate: PrecompiledValidateFunction): Validator<T> {
  return {
    validate(value: unknown): ValidationResult<T> {
      if (validate(value)) return { ok: true, value: value as T };
      return { ok: false, issues: toIssues(validate.errors ?? []) };
    },
  };
}

/**
 * A factory over validate functions you precompiled yourself with ajv's standalone code (for a custom
 * module's schemas, see docs/edge-runtimes.md): `[schema, validateFunction]` pairs, looked up by schema
 * identity. Errors are mapped like the built-in ones. Pass it as the `fallback` of `createAutoValidatorFactory`.
 */
export function createStandaloneValidatorFactory(
  table: Iterable<readonly [TSchema, StandaloneValidateFunction]>,
  options: PrecompiledValidatorFactoryOptions = {},
): PrecompiledValidatorFactory {
  const functions = new Map<TSchema, StandaloneValidateFunction>(table);
  const cache = new WeakMap<TSchema, Validator<unknown>>();
  return {
    mode: options.mode ?? 'strict',
    has: (schema) => functions.has(schema),
    compile<S extends TSchema>(schema: S): Validator<Static<S>> {
      let validator = cache.get(schema);
      if (!validator) {
        const validate = functions.get(schema);
        if (!validate) throw new PrecompiledSchemaMissingError(schemaTitle(schema));
        validator = validatorOf(validate);
        cache.set(schema, validator);
      }
      return validator as Validator<Static<S>>;
    },
  };
}

const schemaTitle = (schema: TSchema): string => (typeof schema.title === 'string' ? schema.title : JSON.stringify(schema).slice(0, 80));

/** Only the precompiled schemas: compiling any other schema throws `PrecompiledSchemaMissingError`. */
export function createPrecompiledValidatorFactory(options: PrecompiledValidatorFactoryOptions = {}): PrecompiledValidatorFactory {
  const cache = new WeakMap<TSchema, Validator<unknown>>();
  return {
    mode: options.mode ?? 'strict',
    has: (schema) => findPrecompiled(schema) !== undefined,
    compile<S extends TSchema>(schema: S): Validator<Static<S>> {
      let validator = cache.get(schema);
      if (!validator) {
        const validate = findPrecompiled(schema);
        if (!validate) throw new PrecompiledSchemaMissingError(schemaTitle(schema));
        validator = validatorOf(validate);
        cache.set(schema, validator);
      }
      return validator as Validator<Static<S>>;
    },
  };
}

/** Whether this runtime lets code be generated from strings (`new Function`); workerd says no. */
export function canGenerateCode(): boolean {
  try {
    return new Function('return true')() === true;
  } catch {
    return false;
  }
}

export interface AutoValidatorFactoryOptions extends PrecompiledValidatorFactoryOptions {
  /** For schemas without a precompiled validator; default ajv where code generation is allowed. */
  fallback?: ValidatorFactory;
}

/**
 * The server's default: the precompiled validator when the schema has one (no compilation at start-up,
 * works everywhere), else the fallback (ajv, compiled on first use). Without an explicit fallback, on a
 * runtime that refuses code generation, compiling a schema that is not precompiled throws
 * `PrecompiledSchemaMissingError` naming the schema.
 */
export function createAutoValidatorFactory(options: AutoValidatorFactoryOptions = {}): PrecompiledValidatorFactory {
  const mode = options.mode ?? 'strict';
  const precompiled = createPrecompiledValidatorFactory({ mode });
  let fallback = options.fallback;
  return {
    mode,
    has: precompiled.has,
    compile<S extends TSchema>(schema: S): Validator<Static<S>> {
      if (precompiled.has(schema)) return precompiled.compile(schema);
      if (!fallback) {
        if (!canGenerateCode()) throw new PrecompiledSchemaMissingError(schemaTitle(schema), true);
        fallback = createAjvValidatorFactory({ mode });
      }
      return fallback.compile(schema);
    },
  };
}
