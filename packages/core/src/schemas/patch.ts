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
  const properties: TProperties = {};
  for (const [key, property] of Object.entries(schema.properties)) {
    properties[key] = key === 'last_updated' ? property : Type.Optional(property);
  }
  const title = `${schema.title ?? 'Object'}Patch`;
  return Type.Object(properties, { title, ...options }) as unknown as TPatch<T>;
}
