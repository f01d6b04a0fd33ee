// Types of precompiled.generated.js, which scripts/generate-validators.ts writes (build and test setup)
// and git ignores. Committed, so the core typechecks before the first build.
import type { ErrorObject } from 'ajv';

/** An ajv standalone validate function: returns whether `data` is valid and leaves the errors on `errors`. */
export interface PrecompiledValidateFunction {
  (data: unknown): boolean;
  errors?: ErrorObject[] | null;
}

/** Validate functions by schema key (`version/ExportName`, see `PRECOMPILED_SCHEMAS`). */
export declare const validators: Readonly<Record<string, PrecompiledValidateFunction>>;
