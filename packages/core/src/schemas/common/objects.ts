/**
 * A version's table of object types: object type name -> the module it belongs to, its schema, and its
 * PATCH schema where the module has PATCH. The names are the same in every version where the object
 * exists (a 2.1.1 `Location` and a 2.3.0 `Location` are one object type), so conversions and handlers
 * can dispatch on them.
 */
import { KindGuard, type TObject } from '@sinclair/typebox';

export interface ObjectType {
  /** The module's identifier (ModuleID): `locations`, `payments`... */
  module: string;
  schema: TObject;
  /** The PATCH body schema, where the module has PATCH for this object. */
  patch?: TObject;
}

export type ObjectTypes = Readonly<Record<string, ObjectType>>;

/** Object type names per ModuleID. */
export type ModuleObjects = Readonly<Record<string, readonly string[]>>;

/**
 * The object table of a version from its exported schemas (`schemas`) and the object types of each
 * module. A PATCH schema is found by its title (`LocationPatch` for `Location`).
 */
export function objectTypes(schemas: Readonly<Record<string, unknown>>, modules: ModuleObjects): ObjectTypes {
  const patches = new Map<string, TObject>();
  for (const value of Object.values(schemas)) {
    if (KindGuard.IsObject(value) && typeof value.title === 'string' && value.title.endsWith('Patch')) patches.set(value.title, value);
  }
  const table: Record<string, ObjectType> = {};
  for (const [module, names] of Object.entries(modules)) {
    for (const name of names) {
      const schema = schemas[name];
      if (!KindGuard.IsObject(schema)) throw new Error(`Object type ${name} has no object schema`);
      const patch = patches.get(`${schema.title}Patch`);
      table[name] = patch ? { module, schema, patch } : { module, schema };
    }
  }
  return Object.freeze(table);
}
