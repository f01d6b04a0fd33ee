// Every entry point of the packed packages through require(): CommonJS users (Node 20's require of
// an ESM-only package fails with ERR_PACKAGE_PATH_NOT_EXPORTED).
const assert = require('node:assert');

assert.strictEqual(typeof require('@ocpi-ts/core').createOcpiServer, 'function');
assert.strictEqual(typeof require('@ocpi-ts/core/fetch').toFetchHandler, 'function');
assert.strictEqual(typeof require('@ocpi-ts/core/testing').createTestNode, 'function');
assert.strictEqual(typeof require('@ocpi-ts/fastify').ocpiFastify, 'function');
assert.strictEqual(typeof require('@ocpi-ts/hono').ocpiHono, 'function');
assert.strictEqual(typeof require('@ocpi-ts/express').ocpiExpress, 'function');
assert.strictEqual(typeof require('@ocpi-ts/postgres').createEmbeddedStore, 'function');
assert.strictEqual(typeof require('@ocpi-ts/tariffs').priceSession, 'function');
assert.strictEqual(typeof require('@ocpi-ts/cli').runConformance, 'function');
console.log('require(): every entry point');
