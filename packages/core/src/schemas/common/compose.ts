/**
 * TypeBox composition for version deltas: an object of one version defined as another's with some
 * properties left out and some set (replaced in place, or added at the end).
 */
import type { ObjectOptions, TObject, TProperties } from '@sinclair/typebox';
import { Type } from '@sinclair/typebox';

export interface ObjectDelta<K extends string, S extends TProperties> {
  /** Properties this version does not have. */
  omit?: readonly K[];
  /** Properties this version adds, or defines otherwise (type, length, cardinality). */
  set?: S;
}

/**
 * `base` with the `delta` applied. Object-level options of `base` (cross-field rules) are not carried
 * over, only its title: give the derived object's own rules in `options`.
 */
// biome-ignore lint/complexity/noBannedTypes: `{}` is the empty set of added properties.
export function derive<P extends TProperties, S extends TProperties = {}, const K extends keyof P & string = never>(
  base: TObject<P>,
  delta: ObjectDelta<K, S>,
  options: ObjectOptions = {},
): TObject<Omit<P, K | keyof S> & S> {
  const omitted = new Set<string>(delta.omit ?? []);
  const set: TProperties = delta.set ?? {};
  const properties: TProperties = {};
  for (const [name, schema] of Object.entries(base.properties)) {
    if (!omitted.has(name)) properties[name] = set[name] ?? schema;
  }
  Object.assign(properties, set);
  return Type.Object(properties, { ...(base.title === undefined ? {} : { title: base.title }), ...options }) as unknown as TObject<Omit<P, K | keyof S> & S>;
}

/**
 * The parts a schema builder is given, as a homomorphic mapped type: inside the builder, `parts.X` keeps
 * the caller's schema type (`P['X']`) instead of widening to the constraint (`TSchema`), so the built
 * objects have precise static types.
 */
export type Parts<P> = { readonly [K in keyof P]: P[K] };
