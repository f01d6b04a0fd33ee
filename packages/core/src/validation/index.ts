export * from './ajv.js';
export * from './partition.js';
export * from './precompiled.js';
export * from './validator.js';
