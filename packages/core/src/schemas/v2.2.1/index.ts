/** The OCPI 2.2.1 object model as TypeBox schemas (each schema and its static type share one name). */

export type { TPartialPatch, TPatch } from '../patch.js';
export { partialPatchOf, patchOf } from '../patch.js';
export * from './cdrs.js';
export * from './charging-profiles.js';
export * from './commands.js';
export * from './credentials.js';
export * from './enums.js';
export * from './hub-client-info.js';
export * from './locations.js';
export * from './objects.js';
export * from './patches.js';
export * from './response.js';
export * from './sessions.js';
export * from './tariffs.js';
export * from './tokens.js';
export * from './types.js';
export * from './versions.js';
