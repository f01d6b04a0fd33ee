// Test support shared by the packages' test suites (resolved through the vitest alias; not built).

export * from './store/contract.js';
export * from './testing/adapter-contract.js';
export * from './testing/fixtures.js';
export * from './testing/http.js';
export * from './testing/modules-harness.js';
export * from './testing/nodes.js';
export * from './testing/ordered-writes.js';
export * from './testing/things-module.js';
export * from './testing/unstorable-input.js';
