/**
 * The schemas whose validators are generated at build time (scripts/generate-validators.ts writes
 * `precompiled.generated.js` from this table) and looked up at run time by `createPrecompiledValidatorFactory`.
 * Both sides read the same table, so a schema listed here always has its generated function.
 */
import { KindGuard, type TSchema, Type } from '@sinclair/typebox';
import * as v211 from '../schemas/v2.1.1/index.js';
import * as v221 from '../schemas/v2.2.1/index.js';
import * as v230 from '../schemas/v2.3.0/index.js';

export interface PrecompiledSchema {
  /** `version/ExportName`, e.g. `2.2.1/Location`. */
  key: string;
  /** The key as a JavaScript identifier, the name of the generated export (`v2_2_1_Location`). */
  exportName: string;
  schema: TSchema;
}

/**
 * Schemas the standard modules build from the exported ones without exporting them. Listed here with
 * the same construction, they are precompiled too and found by structure (see `findPrecompiled`).
 */
const v221Derived: Record<string, TSchema> = {
  /** credentials/handshake.ts: the partner's versions list. */
  VersionList: Type.Array(v221.Version, { minItems: 1 }),
};

function entriesOf(version: string, exports: Record<string, unknown>): PrecompiledSchema[] {
  const prefix = `v${version.replace(/\./g, '_')}_`;
  return Object.keys(exports)
    .sort()
    .flatMap((name) => {
      const schema = exports[name];
      return KindGuard.IsSchema(schema) ? [{ key: `${version}/${name}`, exportName: `${prefix}${name}`, schema }] : [];
    });
}

/** Every exported schema of every OCPI version (objects, enums, PATCH bodies, Credentials...), plus the derived ones. */
export const PRECOMPILED_SCHEMAS: readonly PrecompiledSchema[] = [
  ...entriesOf('2.2.1', v221 as Record<string, unknown>),
  ...entriesOf('2.2.1', v221Derived),
  ...entriesOf('2.1.1', v211 as Record<string, unknown>),
  ...entriesOf('2.3.0', v230 as Record<string, unknown>),
];
