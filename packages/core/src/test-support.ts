// Test support for this repository's own suites, beside the public kit (`@ocpi-ts/core/testing`):
// readers of the vendored official examples and helpers that need the repository around them. Resolved
// through the `@ocpi-ts/core/test-support` alias of vitest.config.ts and tsconfig.json; not published.

export { covered, differences } from './testing/conversion-checks.js';
export { type ExampleEntry, type ExampleValue, exampleJson, exampleValues } from './testing/example-checks.js';
export { EXAMPLE_TABLES } from './testing/example-tables.js';
export { example, examplesDir, role } from './testing/examples.js';
export { TEST_SECRET_KEY } from './testing/fixtures.js';
export { type StartServing, serveThrough } from './testing/http.js';
export {
  connect as connectToHub,
  eventually,
  type NetworkNode,
  type NetworkNodeOptions,
  party,
  type SeenRequest,
  startNetworkNode,
} from './testing/hub-network.js';
export { describeHubSweep } from './testing/hub-sweep-cases.js';
export { type ModuleHarness, moduleHarness } from './testing/modules-harness.js';
export * from './testing/nodes.js';
export { describeOrderedWrites } from './testing/ordered-writes.js';
export { describeUnstorableInput } from './testing/unstorable-input.js';
export * from './testing.js';
