/**
 * The default `ValidatorFactory`: ajv 8 code generation, all errors reported, no coercion, no default
 * filling, no removal of unknown properties (OCPI objects from partners may carry extensions; they are
 * allowed and kept untouched).
 *
 * ajv errors are mapped to `ValidationIssue`s: `path` is the JSON pointer of the offending field (for a
 * missing property, the pointer of that property) and `message` states the rule in plain words. A
 * union of literals (an OCPI enum) yields one "must be one of ..." issue instead of one issue per
 * literal. Schemas may carry the `x-ocpi-messages` annotation (keyword name -> message) to replace the
 * generic wording, e.g. "must match DateTime format (RFC 3339)" instead of the regular expression.
 */

import type { Static, TSchema } from '@sinclair/typebox';
import type { ErrorObject, Options, ValidateFunction } from 'ajv';
import AjvModule from 'ajv';
import type { ValidationIssue, ValidationResult, Validator, ValidatorFactory } from './validator.js';

// ajv is CommonJS: `module.exports = Ajv` with `exports.default = Ajv`. Depending on the loader (Node
// ESM, vitest, a bundler with esModule interop) the default import is the class or the exports object.
type AjvClass = typeof AjvModule;
const Ajv: AjvClass = (AjvModule as unknown as { default?: AjvClass }).default ?? AjvModule;

/** Annotation keyword carrying per-keyword messages in schemas (same name as `MESSAGES_KEYWORD` in schemas/common/basic.ts). */
const MESSAGES_KEYWORD = 'x-ocpi-messages';

/** Annotation keyword marking open enums (`OPEN_ENUM_KEYWORD` in schemas/common/enums.ts). */
const OPEN_ENUM_KEYWORD = 'x-ocpi-open-enum';

export type ValidationMode = 'strict' | 'lenient';

export interface AjvValidatorFactoryOptions {
  /**
   * `strict`: data we accept from requests and send ourselves. `lenient`: data read from partners.
   * Both apply exactly the same schema checks; in lenient mode callers keep the valid items of a list
   * and report the invalid ones one by one (see `partitionValid`). The mode is exposed on the factory
   * so callers can pick their policy from it.
   */
  mode?: ValidationMode;
}

export interface AjvValidatorFactory extends ValidatorFactory {
  readonly mode: ValidationMode;
}

/**
 * The ajv options of every OCPI validator. The build-time code generation of the precompiled
 * validators (scripts/generate-validators.ts) uses the same options and keywords, so both report
 * the same errors.
 */
export const AJV_OPTIONS = {
  allErrors: true,
  verbose: true, // keeps `parentSchema` on errors, needed for enum lists and custom messages
  coerceTypes: false,
  useDefaults: false,
  removeAdditional: false,
  strictSchema: true,
  strictNumbers: true,
  strictTypes: false,
  strictTuples: false,
  strictRequired: false,
} as const satisfies Options;

/** The annotation keywords ajv must know (strict mode refuses unknown keywords). */
export const AJV_KEYWORDS: readonly string[] = [MESSAGES_KEYWORD, OPEN_ENUM_KEYWORD];

export function createAjvValidatorFactory(options: AjvValidatorFactoryOptions = {}): AjvValidatorFactory {
  const mode = options.mode ?? 'strict';
  const ajv = new Ajv({ ...AJV_OPTIONS });
  for (const keyword of AJV_KEYWORDS) ajv.addKeyword(keyword);
  const cache = new WeakMap<TSchema, Validator<unknown>>();

  return {
    mode,
    compile<S extends TSchema>(schema: S): Validator<Static<S>> {
      const cached = cache.get(schema);
      if (cached) return cached as Validator<Static<S>>;
      const check: ValidateFunction = ajv.compile(schema);
      const validator: Validator<Static<S>> = {
        validate(value: unknown): ValidationResult<Static<S>> {
          if (check(value)) return { ok: true, value: value as Static<S> };
          return { ok: false, issues: toIssues(check.errors ?? []) };
        },
      };
      cache.set(schema, validator as Validator<unknown>);
      return validator;
    },
  };
}

/**
 * One line for humans, e.g. `/evses/0/uid: is required; /name: must be at most 255 characters`.
 * Used as the OCPI `status_message` of a 2001 response. At most `limit` issues are spelled out.
 */
export function formatIssues(issues: readonly ValidationIssue[], limit = 10): string {
  const shown = issues.slice(0, Math.max(1, limit)).map((issue) => `${issue.path || '(root)'}: ${issue.message}`);
  const rest = issues.length - shown.length;
  return rest > 0 ? `${shown.join('; ')}; (+${rest} more)` : shown.join('; ');
}

// ---------------------------------------------------------------------------------------------
// ajv error -> ValidationIssue
// ---------------------------------------------------------------------------------------------

type SchemaObject = Record<string, unknown>;

/** Maps ajv errors to issues, collapsing unions and dropping `if` noise; duplicates removed. */
export function toIssues(errors: readonly ErrorObject[]): ValidationIssue[] {
  const issues = mapErrors(errors);
  const seen = new Set<string>();
  return issues.filter((issue) => {
    const key = `${issue.path}\u0000${issue.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function isUnion(error: ErrorObject): boolean {
  return error.keyword === 'anyOf' || error.keyword === 'oneOf';
}

function pathWithin(path: string, base: string): boolean {
  return path === base || path.startsWith(`${base}/`);
}

/** Errors raised inside the branches of the union error `union`. */
function inUnion(error: ErrorObject, union: ErrorObject): boolean {
  return error !== union && error.schemaPath.startsWith(`${union.schemaPath}/`) && pathWithin(error.instancePath, union.instancePath);
}

function mapErrors(errors: readonly ErrorObject[]): ValidationIssue[] {
  const unions = errors.filter(isUnion);
  // Outermost unions own every error raised in their branches (nested unions included).
  const outer = unions.filter((union) => !unions.some((other) => inUnion(union, other)));
  const owned = new Set<ErrorObject>();
  for (const union of outer) for (const error of errors) if (inUnion(error, union)) owned.add(error);

  const issues: ValidationIssue[] = [];
  for (const error of errors) {
    if (owned.has(error)) continue;
    if (isUnion(error)) {
      issues.push(
        ...unionIssues(
          error,
          errors.filter((e) => inUnion(e, error)),
        ),
      );
      continue;
    }
    // `if` only says "must match then/else"; the failing then/else keyword is reported on its own.
    if (error.keyword === 'if') continue;
    issues.push(errorIssue(error));
  }
  return issues;
}

function unionIssues(union: ErrorObject, branchErrors: ErrorObject[]): ValidationIssue[] {
  const branches = union.schema;
  if (Array.isArray(branches)) {
    const schemas = branches as SchemaObject[];
    // A union of literals: an OCPI enum.
    if (schemas.length > 0 && schemas.every((branch) => 'const' in branch)) {
      const values = schemas.map((branch) => String(branch.const));
      return [{ path: union.instancePath, message: customMessage(union, 'enum') ?? `must be one of ${values.join(', ')}` }];
    }
    // "At least one of these properties" (e.g. PublishTokenType: uid, visual_number or group_id).
    if (schemas.length > 0 && schemas.every((branch) => isRequiredOnly(branch))) {
      const names = schemas.flatMap((branch) => branch.required as string[]);
      return [
        {
          path: union.instancePath,
          message: customMessage(union, union.keyword) ?? `must have at least one of ${names.join(', ')}`,
        },
      ];
    }
  }
  // Other unions: report the branch that came closest (fewest errors, preferring branches whose type
  // matched), with its own errors mapped recursively.
  const prefix = `${union.schemaPath}/`;
  const byBranch = new Map<string, ErrorObject[]>();
  for (const error of branchErrors) {
    const branch = error.schemaPath.slice(prefix.length).split('/')[0] ?? '';
    const list = byBranch.get(branch) ?? [];
    list.push(error);
    byBranch.set(branch, list);
  }
  const typeMismatch = (list: ErrorObject[]) => list.some((error) => error.keyword === 'type' && error.instancePath === union.instancePath);
  const candidates = [...byBranch.values()].sort((a, b) => Number(typeMismatch(a)) - Number(typeMismatch(b)) || a.length - b.length);
  const best = candidates[0];
  if (!best || typeMismatch(best)) {
    return [{ path: union.instancePath, message: customMessage(union, union.keyword) ?? 'has an unexpected type or shape' }];
  }
  return mapErrors(best);
}

function isRequiredOnly(schema: SchemaObject): boolean {
  const keys = Object.keys(schema);
  return keys.length === 1 && keys[0] === 'required' && Array.isArray(schema.required);
}

function customMessage(error: ErrorObject, keyword: string): string | undefined {
  const parent = error.parentSchema as SchemaObject | undefined;
  const messages = parent?.[MESSAGES_KEYWORD];
  if (messages && typeof messages === 'object') {
    const message = (messages as Record<string, unknown>)[keyword];
    if (typeof message === 'string') return message;
  }
  return undefined;
}

function pointerSegment(name: string): string {
  return name.replace(/~/g, '~0').replace(/\//g, '~1');
}

const TYPE_NAMES: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  integer: 'an integer',
  boolean: 'a boolean',
  object: 'an object',
  array: 'an array',
  null: 'null',
};

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

function errorIssue(error: ErrorObject): ValidationIssue {
  const params = error.params as Record<string, unknown>;
  const custom = customMessage(error, error.keyword);
  const at = (message: string): ValidationIssue => ({ path: error.instancePath, message: custom ?? message });

  switch (error.keyword) {
    case 'required':
      return {
        path: `${error.instancePath}/${pointerSegment(String(params.missingProperty))}`,
        message: custom ?? 'is required',
      };
    case 'dependencies':
    case 'dependentRequired':
      return {
        path: `${error.instancePath}/${pointerSegment(String(params.missingProperty))}`,
        message: custom ?? `is required when ${String(params.property)} is set`,
      };
    case 'additionalProperties':
      return {
        path: `${error.instancePath}/${pointerSegment(String(params.additionalProperty))}`,
        message: custom ?? 'is not allowed',
      };
    case 'type': {
      const types = Array.isArray(params.type) ? (params.type as string[]) : [String(params.type)];
      return at(`must be ${types.map((type) => TYPE_NAMES[type] ?? type).join(' or ')}`);
    }
    case 'maxLength':
      return at(`must be at most ${plural(Number(params.limit), 'character')}`);
    case 'minLength':
      return at(Number(params.limit) === 1 ? 'must not be empty' : `must be at least ${plural(Number(params.limit), 'character')}`);
    case 'pattern':
      return at(`must match pattern ${String(params.pattern)}`);
    case 'format':
      return at(`must be a valid ${String(params.format)}`);
    case 'maxItems':
      return at(Number(params.limit) === 0 ? 'must be empty' : `must contain at most ${plural(Number(params.limit), 'item')}`);
    case 'minItems':
      return at(`must contain at least ${plural(Number(params.limit), 'item')}`);
    case 'uniqueItems':
      return at('must not contain duplicate items');
    case 'minimum':
      return at(`must be at least ${String(params.limit)}`);
    case 'maximum':
      return at(`must be at most ${String(params.limit)}`);
    case 'exclusiveMinimum':
      return at(`must be greater than ${String(params.limit)}`);
    case 'exclusiveMaximum':
      return at(`must be less than ${String(params.limit)}`);
    case 'multipleOf':
      return at(`must be a multiple of ${String(params.multipleOf)}`);
    case 'const':
      return at(`must be ${JSON.stringify(params.allowedValue)}`);
    case 'enum': {
      const values = Array.isArray(params.allowedValues) ? (params.allowedValues as unknown[]) : [];
      return at(`must be one of ${values.map((value) => String(value)).join(', ')}`);
    }
    case 'not':
      return at('must not match the excluded values');
    default:
      return at(error.message ?? 'is invalid');
  }
}
