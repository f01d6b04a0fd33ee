import {
  createMemoryStore,
  createOcpiClient,
  createOcpiServer,
  createPartnerRegistry,
  credentialsModule,
  LOCAL_OUTBOUND_POLICY,
  type Location,
  partnerToken,
} from '@ocpi-ts/core';
import { ocpiFastify } from '@ocpi-ts/fastify';
import Fastify from 'fastify';

// What the CPO gave us out of band; the CPO runs on this machine, hence the local outbound policy.
const versionsUrl = process.env.CPO_VERSIONS_URL ?? 'http://127.0.0.1:3000/ocpi/versions';
const tokenA = partnerToken(process.env.CPO_TOKEN_A ?? '');
const port = Number(process.env.PORT ?? 3001);
const outbound = LOCAL_OUTBOUND_POLICY;

// The eMSP serves its own versions and credentials: the CPO calls them back during the handshake.
const emsp = createOcpiServer({
  baseUrl: `http://127.0.0.1:${port}/ocpi`,
  parties: [{ role: 'EMSP', country_code: 'DE', party_id: 'MSP', business_details: { name: 'Example eMSP' } }],
  store: createMemoryStore(),
  modules: [credentialsModule({ outbound })],
});
const app = Fastify();
await app.register(ocpiFastify, { server: emsp, prefix: '/ocpi' });
await app.listen({ host: '127.0.0.1', port });

// POST our credentials to the CPO with token A; each side then holds a new token for the other.
const cpo = await createPartnerRegistry({ node: emsp.node, outbound }).register({ versionsUrl, tokenA });
const client = createOcpiClient({ parties: emsp.node.parties, outbound }).forPartner(cpo);
const page = await client.get<Location[]>('locations', 'SENDER', [], { query: { limit: 10 } });
console.log(`registered with ${cpo.roles[0]?.country_code}*${cpo.roles[0]?.party_id} on OCPI ${cpo.version}`);
console.log(`a page of ${page.data.length} of ${page.headers.get('x-total-count')} locations: ${page.data.map((l) => l.id).join(', ')}`);
await app.close();
