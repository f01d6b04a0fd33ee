// Every entry point of the packed packages through import().
import assert from 'node:assert';

assert.strictEqual(typeof (await import('@ocpi-ts/core')).createOcpiServer, 'function');
assert.strictEqual(typeof (await import('@ocpi-ts/core/fetch')).toFetchHandler, 'function');
assert.strictEqual(typeof (await import('@ocpi-ts/core/testing')).createTestNode, 'function');
assert.strictEqual(typeof (await import('@ocpi-ts/fastify')).ocpiFastify, 'function');
assert.strictEqual(typeof (await import('@ocpi-ts/hono')).ocpiHono, 'function');
assert.strictEqual(typeof (await import('@ocpi-ts/express')).ocpiExpress, 'function');
assert.strictEqual(typeof (await import('@ocpi-ts/postgres')).createEmbeddedStore, 'function');
assert.strictEqual(typeof (await import('@ocpi-ts/tariffs')).priceSession, 'function');
assert.strictEqual(typeof (await import('@ocpi-ts/cli')).runConformance, 'function');
console.log('import(): every entry point');
