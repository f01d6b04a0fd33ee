/**
 * Walks a value along the paths of its schema that lead to the subschemas a matcher picks (open enums,
 * DateTimes), without looking at any other field. The plan is computed once per schema and matcher, so
 * a Location is visited along `/evses/N/connectors/N/standard` and a few others, not field by field.
 */
import type { TSchema } from '@sinclair/typebox';

type SchemaObject = Record<string, unknown>;

interface Plan<T> {
  leaf?: T;
  properties?: Map<string, Plan<T>>;
  items?: Plan<T>;
}

/** A matched value: its JSON Pointer in the walked value, and where it sits (to replace it). */
export interface SchemaLeaf<T> {
  match: T;
  value: unknown;
  pointer: string;
  parent: Record<string, unknown> | unknown[];
  key: string | number;
}

function escapePointer(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

/**
 * A walker over the values of the subschemas `match` picks (it returns what to hand to the visitor, or
 * undefined). Only `properties` and `items` are followed, which is how every OCPI object is built.
 */
export function schemaWalker<T>(match: (schema: SchemaObject) => T | undefined) {
  const plans = new WeakMap<object, Plan<T> | null>();

  function planOf(schema: SchemaObject, seen: Set<object>): Plan<T> | undefined {
    const cached = plans.get(schema);
    if (cached !== undefined) return cached ?? undefined;
    if (seen.has(schema)) return undefined;
    seen.add(schema);
    let plan: Plan<T> | undefined;
    const leaf = match(schema);
    if (leaf !== undefined) {
      plan = { leaf };
    } else {
      const properties = new Map<string, Plan<T>>();
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

  function walk(plan: Plan<T>, value: unknown, pointer: string, visit: (leaf: SchemaLeaf<T>) => void): void {
    if (Array.isArray(value) && plan.items) {
      const items = plan.items;
      for (let index = 0; index < value.length; index++) {
        if (items.leaf !== undefined) visit({ match: items.leaf, value: value[index], pointer: `${pointer}/${index}`, parent: value, key: index });
        else walk(items, value[index], `${pointer}/${index}`, visit);
      }
    }
    if (plan.properties && typeof value === 'object' && value !== null && !Array.isArray(value)) {
      const object = value as Record<string, unknown>;
      for (const [name, inner] of plan.properties) {
        if (!Object.hasOwn(object, name)) continue;
        const at = `${pointer}/${escapePointer(name)}`;
        if (inner.leaf !== undefined) visit({ match: inner.leaf, value: object[name], pointer: at, parent: object, key: name });
        else walk(inner, object[name], at, visit);
      }
    }
  }

  /** Calls `visit` for every value of `value` (of type `schema`) at a matched subschema, in the schema's order. */
  return (schema: TSchema, value: unknown, visit: (leaf: SchemaLeaf<T>) => void): void => {
    const plan = planOf(schema as SchemaObject, new Set());
    if (plan) walk(plan, value, '', visit);
  };
}
