/**
 * The OCPI 2.3.0 object model as TypeBox schemas (each schema and its static type share one name),
 * Payments and Bookings included: the canonical model of ocpi-ts (docs/versions.md). Objects that did
 * not change since 2.2.1 are the same schemas (Charging Profiles, the response envelope, several
 * classes); the others are built from the same definitions with 2.3.0's parts (schemas/common/).
 */

export type { TPartialPatch, TPatch } from '../patch.js';
export { partialPatchOf, patchOf } from '../patch.js';
export * from '../v2.2.1/charging-profiles.js';
export * from '../v2.2.1/response.js';
export * from './bookings.js';
export * from './cdrs.js';
export * from './enums.js';
export * from './locations.js';
export * from './objects.js';
export * from './parties.js';
export * from './patches.js';
export * from './payments.js';
export * from './tariffs.js';
export * from './tokens.js';
export * from './types.js';
