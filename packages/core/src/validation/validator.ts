import type { Static, TSchema } from '@sinclair/typebox';

/** One problem found in a value, with the JSON path to it (`/evses/0/uid`, `` for the root). */
export interface ValidationIssue {
  path: string;
  message: string;
}

export type ValidationResult<T> = { ok: true; value: T } | { ok: false; issues: ValidationIssue[] };

/** A compiled check of one schema. Never throws. */
export interface Validator<T> {
  validate(value: unknown): ValidationResult<T>;
}

/**
 * Compiles schemas into validators. The default uses ajv's code generation; edge runtimes that
 * refuse `new Function` use another implementation behind the same interface.
 */
export interface ValidatorFactory {
  compile<S extends TSchema>(schema: S): Validator<Static<S>>;
}
