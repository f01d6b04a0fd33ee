/**
 * Open enums accept values outside their known list (2.3.0 types.asciidoc "OpenEnum type"; the 2.2.1
 * enums the official OpenAPI marks open). `findUnknownEnumValues` lists those values in an object that
 * passed validation, so the server can raise a warning per partner and a strict partner profile can
 * refuse them (`tolerances.ts`).
 */
import type { TSchema } from '@sinclair/typebox';
import { isOpenEnum, knownValues } from './enums.js';
import { schemaWalker } from './schema-walk.js';

/** An open enum value outside the known list. */
export interface UnknownEnumValue {
  /** JSON Pointer of the value in the object (`/evses/0/connectors/0/standard`). */
  pointer: string;
  /** The enum's name (`ConnectorType`). */
  enum: string;
  value: string;
}

const walkOpenEnums = schemaWalker((schema) =>
  isOpenEnum(schema) ? { name: String(schema.title ?? 'enum'), known: new Set(knownValues(schema as TSchema)) } : undefined,
);

/**
 * The open enum values of `value` (valid against `schema`) that are not among the enum's known values,
 * in document order of the schema. Empty when there are none, or when `schema` has no open enum.
 */
export function findUnknownEnumValues(schema: TSchema, value: unknown): UnknownEnumValue[] {
  const found: UnknownEnumValue[] = [];
  walkOpenEnums(schema, value, ({ match, value: item, pointer }) => {
    if (typeof item === 'string' && !match.known.has(item)) found.push({ pointer, enum: match.name, value: item });
  });
  return found;
}
