export * from './ajv.js';
export * from './partition.js';
export * from './precompiled.js';
export * from './precompiled-codegen.js';
export * from './validator.js';
