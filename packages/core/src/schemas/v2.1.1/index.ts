/**
 * The OCPI 2.1.1 object model as TypeBox schemas (each schema and its static type share one name),
 * under the same names as 2.2.1's and 2.3.0's where the object exists. Most objects are deltas of the
 * shared definitions (schemas/common/) over 2.1.1's enums and classes.
 */

export type { TPartialPatch } from '../patch.js';
export { partialPatchOf } from '../patch.js';
export * from '../v2.2.1/response.js';
export * from './cdrs.js';
export * from './enums.js';
export * from './locations.js';
export * from './objects.js';
export * from './parties.js';
export * from './patches.js';
export * from './tariffs.js';
export * from './tokens.js';
export * from './types.js';
