/**
 * OpenAPI 3.1 `components.schemas` of an OCPI version, generated from its TypeBox schemas: one
 * component per named schema (its `title`: `Location`, `ConnectorType`, `LocationPatch`...), nested
 * named schemas as `$ref`s to their components. OpenAPI 3.1 schemas are JSON Schema 2020-12, so:
 * - a closed enum (a union of literals) becomes `{ type: 'string', enum: [...] }`;
 * - an open enum keeps its rule for unknown values, its known values in `examples`, and is marked
 *   `x-ocpi-open-enum: true` (the official description writes `format: open-enum` with a closed `enum`);
 * - draft-07 `dependencies` becomes `dependentRequired`;
 * - the validator's message annotations (`x-ocpi-messages`) are left out.
 * The whole document of a served version, with its `paths`, is `openApi(server, version)` (openapi-document.ts).
 */
import type { TSchema } from '@sinclair/typebox';
import { KindGuard } from '@sinclair/typebox';
import { MESSAGES_KEYWORD } from './common/basic.js';
import { isClosedEnum, knownValues } from './common/enums.js';
import * as v211 from './v2.1.1/index.js';
import * as v221 from './v2.2.1/index.js';
import * as v230 from './v2.3.0/index.js';

export type OpenApiSchema = Record<string, unknown>;

/** The OCPI versions whose object model ocpi-ts has. */

import type { OcpiVersion } from '../edges/edge.js';

const EXPORTS: Readonly<Record<OcpiVersion, Readonly<Record<string, unknown>>>> = { '2.1.1': v211, '2.2.1': v221, '2.3.0': v230 };

/** `components` of the OpenAPI 3.1 description of `version`: its schemas. */
export function openApiComponents(version: OcpiVersion): { schemas: Record<string, OpenApiSchema> } {
  return { schemas: openApiSchemas(Object.values(EXPORTS[version]).filter((value): value is TSchema => KindGuard.IsSchema(value))) };
}

/**
 * One schema for use in an OpenAPI document: a `$ref` to its component when it is titled, inline
 * otherwise; with `inline`, written out whole, its named parts too (no `$ref`).
 */
export const openApiSchema = (schema: TSchema, options: { inline?: boolean } = {}): OpenApiSchema =>
  convert(schema, false, options.inline ?? false) as OpenApiSchema;

/**
 * Components for `schemas` and the named schemas inside them, keyed by title. Two different schemas
 * with one title cannot share a component: that throws, naming the title.
 */
export function openApiSchemas(schemas: readonly TSchema[]): Record<string, OpenApiSchema> {
  const byTitle = new Map<string, { text: string; schema: TSchema }>();
  const add = (schema: TSchema): void => {
    const title = schema.title;
    if (typeof title !== 'string') return;
    const text = JSON.stringify(schema);
    const known = byTitle.get(title);
    if (known) {
      if (known.text !== text) throw new Error(`Two different schemas are titled '${title}'`);
      return;
    }
    byTitle.set(title, { text, schema });
    visit(schema, add);
  };
  for (const schema of schemas) {
    if (typeof schema.title === 'string') add(schema);
    else visit(schema, add);
  }
  const components: Record<string, OpenApiSchema> = {};
  for (const title of [...byTitle.keys()].sort()) {
    const entry = byTitle.get(title);
    if (entry) components[title] = convert(entry.schema, true) as OpenApiSchema;
  }
  return components;
}

/** Calls `found` with each sub-schema of `schema` (not `schema` itself). */
function visit(schema: unknown, found: (schema: TSchema) => void): void {
  if (typeof schema !== 'object' || schema === null) return;
  for (const [keyword, value] of Object.entries(schema)) {
    if (isData(keyword)) continue;
    if (keyword === 'properties' && typeof value === 'object' && value !== null) {
      for (const property of Object.values(value)) {
        found(property as TSchema);
        visit(property, found);
      }
    } else if (Array.isArray(value)) {
      for (const item of value) {
        if (KindGuard.IsSchema(item)) found(item);
        visit(item, found);
      }
    } else if (KindGuard.IsSchema(value)) {
      found(value);
      visit(value, found);
    } else visit(value, found);
  }
}

/** Keywords whose values are data, not schemas. */
function isData(keyword: string): boolean {
  return ['examples', 'const', 'enum', 'required', 'dependencies'].includes(keyword) || keyword.startsWith('x-');
}

function convert(schema: unknown, root = false, inline = false): unknown {
  if (Array.isArray(schema)) return schema.map((item) => convert(item, false, inline));
  if (typeof schema !== 'object' || schema === null) return schema;
  const source = schema as Record<string, unknown>;
  if (!root && !inline && typeof source.title === 'string') return { $ref: `#/components/schemas/${source.title}` };
  if (isClosedEnum(source)) {
    const { anyOf: _branches, ...rest } = source;
    return { ...withoutAnnotations(rest), type: 'string', enum: knownValues(source as unknown as TSchema) };
  }
  const result: Record<string, unknown> = {};
  for (const [keyword, value] of Object.entries(withoutAnnotations(source))) {
    if (keyword === 'dependencies') result.dependentRequired = value;
    else if (keyword === 'properties')
      result.properties = Object.fromEntries(Object.entries(value as object).map(([name, property]) => [name, convert(property, false, inline)]));
    else result[keyword] = isData(keyword) ? value : convert(value, false, inline);
  }
  return result;
}

function withoutAnnotations(schema: Record<string, unknown>): Record<string, unknown> {
  const { [MESSAGES_KEYWORD]: _messages, ...rest } = JSON.parse(JSON.stringify(schema)) as Record<string, unknown>;
  return rest;
}
