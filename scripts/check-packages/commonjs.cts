// A CommonJS TypeScript file: its imports compile to require() and take the packages' .d.cts types
// (an ESM-only package gives TS1479 here).
import { createMemoryStore, createOcpiServer, locationsSender } from '@ocpi-ts/core';
import { createTestNode } from '@ocpi-ts/core/testing';
import { ocpiExpress } from '@ocpi-ts/express';

const server = createOcpiServer({
  baseUrl: 'https://cpo.example.com/ocpi',
  parties: [{ role: 'CPO', country_code: 'NL', party_id: 'EXA', business_details: { name: 'Example CPO' } }],
  store: createMemoryStore(),
  modules: [locationsSender()],
});
export const router = ocpiExpress(server);
export const node = createTestNode({ modules: [locationsSender()] });
