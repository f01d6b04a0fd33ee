/**
 * Enumerations as schemas, closed and open, and the helpers that derive one version's enum from
 * another's (2.3.0 adds values to 2.2.1's, 2.1.1 has fewer): the values of an enum are written once.
 *
 * - A closed enum is a union of string literals (`anyOf` of `const` in JSON Schema); its static type is
 *   the union of the values.
 * - An open enum (2.3.0 types.asciidoc "OpenEnum type"; in 2.2.1 the enums the official OpenAPI marks
 *   `open-enum`, issue 17) accepts any string within the type's rules. The known values are kept in
 *   `examples` (and in the static type, `Known | (string & {})`, for editor completion), and the schema
 *   is marked with `x-ocpi-open-enum`, so `findUnknownEnumValues` can report a value outside them.
 */

import type { StringOptions, TLiteral, TSchema, TUnion, TUnsafe } from '@sinclair/typebox';
import { Type } from '@sinclair/typebox';
import { MESSAGES_KEYWORD, STRING_PATTERN } from './basic.js';

type LiteralTuple<T extends readonly string[]> = { -readonly [K in keyof T]: TLiteral<T[K] & string> };

/** Marks an open enum's schema (an annotation: validators ignore it). */
export const OPEN_ENUM_KEYWORD = 'x-ocpi-open-enum';

/** A closed string enum: `anyOf` of `{ const }`, static type the union of the values. */
export function StringEnum<const T extends readonly [string, string, ...string[]]>(values: T, options: StringOptions = {}): TUnion<LiteralTuple<T>> {
  return Type.Union(
    values.map((value) => Type.Literal(value)),
    options,
  ) as unknown as TUnion<LiteralTuple<T>>;
}

/** The schema type of an open enum whose known values are `T`. */
export type TOpenEnum<T extends string> = TUnsafe<T | (string & {})>;

/**
 * An open string enum with its own rule for unknown values (`pattern`): ModuleID and VersionNumber.
 * The known values are listed in `examples` and kept in the static type (`Known | (string & {})`).
 */
export function OpenStringEnum<const T extends readonly string[]>(known: T, options: StringOptions & { pattern: string }): TOpenEnum<T[number]> {
  return Type.Unsafe<T[number] | (string & {})>(Type.String({ examples: [...known], [OPEN_ENUM_KEYWORD]: true, ...options }));
}

/**
 * An OpenEnum (2.3.0 types.asciidoc): the known values, or any other non-empty printable string of at
 * most 255 characters. The spec gives unknown values no length; the bound keeps one partner's value
 * from being arbitrarily large.
 */
export function OpenEnum<const T extends readonly string[]>(known: T, options: StringOptions & { title: string }): TOpenEnum<T[number]> {
  return OpenStringEnum(known, {
    minLength: 1,
    maxLength: 255,
    pattern: STRING_PATTERN,
    [MESSAGES_KEYWORD]: { pattern: 'must not contain control characters (line breaks, tabs...)' },
    ...options,
  });
}

/** Whether `schema` is an open enum (made by `OpenEnum` or `OpenStringEnum`). */
export function isOpenEnum(schema: unknown): boolean {
  return typeof schema === 'object' && schema !== null && (schema as Record<string, unknown>)[OPEN_ENUM_KEYWORD] === true;
}

/** Whether `schema` is a closed enum (a union of string literals). */
export function isClosedEnum(schema: unknown): boolean {
  const anyOf = typeof schema === 'object' && schema !== null ? (schema as { anyOf?: unknown }).anyOf : undefined;
  return Array.isArray(anyOf) && anyOf.length > 0 && anyOf.every((branch) => typeof branch === 'object' && branch !== null && typeof branch.const === 'string');
}

/** The values an enum schema knows: the literals of a closed enum, the known values of an open one. */
export function knownValues(schema: TSchema): string[] {
  if (isOpenEnum(schema)) return [...((schema as { examples?: string[] }).examples ?? [])];
  if (isClosedEnum(schema)) return (schema.anyOf as { const: string }[]).map((branch) => branch.const);
  throw new Error(`'${String(schema.title)}' is not an enum schema`);
}

/** How one version's enum differs from another's. */
export interface EnumDelta {
  /** Values this version adds (2.3.0: ConnectorType MCS and SAE_J3400...). */
  add?: readonly string[];
  /** Values this version does not have (2.1.1 has fewer Capabilities...). */
  remove?: readonly string[];
  /** Open in this version (2.3.0 OpenEnum), or closed (the default). */
  open?: boolean;
}

/**
 * An enum derived from `base` (same title): values added or removed, opened or closed. Its static type
 * follows: the base's values without the removed ones, plus the added ones.
 */
export function deriveEnum<B extends string, const A extends readonly string[] = [], const R extends readonly B[] = []>(
  base: TSchema & { static: B },
  delta: { add?: A; remove?: R; open: true },
): TOpenEnum<Exclude<B, R[number]> | A[number]>;
export function deriveEnum<B extends string, const A extends readonly string[] = [], const R extends readonly B[] = []>(
  base: TSchema & { static: B },
  delta: { add?: A; remove?: R; open?: false },
): TUnion<TLiteral<Exclude<B, R[number]> | A[number]>[]>;
export function deriveEnum(base: TSchema, delta: EnumDelta): TSchema {
  const removed = new Set(delta.remove ?? []);
  const values = [...knownValues(base).filter((value) => !removed.has(value)), ...(delta.add ?? [])];
  const title = String(base.title);
  // An open base keeps its own rule for unknown values (ModuleID's, VersionNumber's pattern).
  if (delta.open) return isOpenEnum(base) ? { ...base, examples: values } : OpenEnum(values, { title });
  return StringEnum(values as unknown as [string, string], { title });
}
