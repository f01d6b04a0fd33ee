/**
 * Open enums accept values outside their known list (2.3.0 types.asciidoc "OpenEnum type"; the 2.2.1
 * enums the official OpenAPI marks open). `findUnknownEnumValues` lists those values in an object that
 * passed validation, so the server can raise a warning per partner and a strict partner profile can
 * refuse them (issue 17).
 *
 * The walk follows a plan computed once per schema: only the paths that lead to an open enum, so a
 * Location is checked along `/evses/N/connectors/N/standard` and a few others, not field by field.
 */
import type { TSchema } from '@sinclair/typebox';
import { isOpenEnum, knownValues } from './enums.js';

/** An open enum value outside the known list. */
export interface UnknownEnumValue {
  /** JSON Pointer of the value in the object (`/evses/0/connectors/0/standard`). */
  pointer: string;
  /** The enum's name (`ConnectorType`). */
  enum: string;
  value: string;
}

interface Plan {
  open?: { name: string; known: ReadonlySet<string> };
  properties?: Map<string, Plan>;
  items?: Plan;
}

type SchemaObject = Record<string, unknown>;

const plans = new WeakMap<object, Plan | null>();

function planOf(schema: SchemaObject, seen: Set<object> = new Set()): Plan | undefined {
  const cached = plans.get(schema);
  if (cached !== undefined) return cached ?? undefined;
  if (seen.has(schema)) return undefined;
  seen.add(schema);
  let plan: Plan | undefined;
  if (isOpenEnum(schema)) {
    plan = { open: { name: String(schema.title ?? 'enum'), known: new Set(knownValues(schema as TSchema)) } };
  } else {
    const properties = new Map<string, Plan>();
    for (const [name, property] of Object.entries((schema.properties as Record<string, SchemaObject> | undefined) ?? {})) {
      const inner = planOf(property, seen);
      if (inner) properties.set(name, inner);
    }
    const items = schema.items && typeof schema.items === 'object' ? planOf(schema.items as SchemaObject, seen) : undefined;
    if (properties.size > 0 || items) plan = { ...(properties.size > 0 ? { properties } : {}), ...(items ? { items } : {}) };
  }
  seen.delete(schema);
  plans.set(schema, plan ?? null);
  return plan;
}

function escapePointer(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

function walk(plan: Plan, value: unknown, pointer: string, found: UnknownEnumValue[]): void {
  if (plan.open) {
    if (typeof value === 'string' && !plan.open.known.has(value)) found.push({ pointer, enum: plan.open.name, value });
    return;
  }
  if (plan.items && Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) walk(plan.items, value[index], `${pointer}/${index}`, found);
  }
  if (plan.properties && typeof value === 'object' && value !== null && !Array.isArray(value)) {
    for (const [name, inner] of plan.properties) {
      if (Object.hasOwn(value, name)) walk(inner, (value as Record<string, unknown>)[name], `${pointer}/${escapePointer(name)}`, found);
    }
  }
}

/**
 * The open enum values of `value` (valid against `schema`) that are not among the enum's known values,
 * in document order of the schema. Empty when there are none, or when `schema` has no open enum.
 */
export function findUnknownEnumValues(schema: TSchema, value: unknown): UnknownEnumValue[] {
  const plan = planOf(schema as SchemaObject);
  if (!plan) return [];
  const found: UnknownEnumValue[] = [];
  walk(plan, value, '', found);
  return found;
}
