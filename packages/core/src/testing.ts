// `@ocpi-ts/core/testing`: the public testing kit. A test node in one call, registered test partners,
// requests through handle() that come back parsed, and the adapter contract suite. Depends on no test
// runner; runs wherever the core does (the contract suite needs `fetch` and a listening adapter).

export { type AdapterHarness, describeAdapterContract, type RunningServer, type TestRunner } from './testing/adapter-contract.js';
export { CPO_ROLE, EMSP_ROLE, tokenHeader } from './testing/fixtures.js';
export * from './testing/test-node.js';
