/**
 * PATCH bodies. transport_and_format "PATCH": a PATCH carries only the fields to update. Every module
 * that accepts PATCH (Locations, Sessions, Tokens) adds: "Any request to the PATCH method SHALL
 * contain the `last_updated` field."
 *
 * `patchOf(schema)` makes every property optional except `last_updated`, which stays required. The
 * property schemas are reused as they are, so a nested object or array that is present is validated
 * in full (e.g. `charging_periods` items must be complete ChargingPeriods). Unknown properties are
 * allowed, as in the full objects.
 *
 * Object-level cross-field rules of the full schema (`allOf`, `anyOf`, `dependencies`, e.g. "credit
 * requires credit_reference_id") are NOT copied: a partial object cannot be judged against them.
 * Validate the merged object against the full schema after applying a PATCH.
 *
 * `partialPatchOf(schema)` is the same without the `last_updated` rule, for the modules whose text does
 * not make it: every 2.1.1 PATCH, and 2.3.0 Payments' Terminal.
 */

import type { ObjectOptions, TObject, TOptionalWithFlag, TProperties, TSchema } from '@sinclair/typebox';
import { Type } from '@sinclair/typebox';

type PatchProperties<P extends TProperties> = {
  [K in keyof P]: K extends 'last_updated' ? P[K] : TOptionalWithFlag<P[K], true>;
};

/** The schema type produced by `patchOf`: all properties optional but `last_updated`. */
export type TPatch<T extends TObject> = TObject<PatchProperties<T['properties']>>;

/** A PATCH body schema for `schema` (which must have a `last_updated` property). */
export function patchOf<T extends TObject<TProperties & { last_updated: TSchema }>>(schema: T, options: ObjectOptions = {}): TPatch<T> {
  return optionalBut(schema, 'last_updated', options) as unknown as TPatch<T>;
}

/** The schema type produced by `partialPatchOf`: every property optional. */
export type TPartialPatch<T extends TObject> = TObject<{ [K in keyof T['properties']]: TOptionalWithFlag<T['properties'][K], true> }>;

/** A PATCH body schema for `schema` where every property is optional. */
export function partialPatchOf<T extends TObject>(schema: T, options: ObjectOptions = {}): TPartialPatch<T> {
  return optionalBut(schema, undefined, options) as unknown as TPartialPatch<T>;
}

function optionalBut(schema: TObject, required: string | undefined, options: ObjectOptions): TObject {
  const properties: TProperties = {};
  for (const [key, property] of Object.entries(schema.properties)) {
    properties[key] = key === required ? property : Type.Optional(property);
  }
  const title = `${schema.title ?? 'Object'}Patch`;
  return Type.Object(properties, { title, ...options });
}
