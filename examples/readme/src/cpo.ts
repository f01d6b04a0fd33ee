import {
  createMemoryStore,
  createOcpiServer,
  createRegistrationToken,
  credentialsModule,
  LOCAL_OUTBOUND_POLICY,
  type Location,
  locationsSender,
  putOwnObject,
  STORE_MODULES,
} from '@ocpi-ts/core';
import { ocpiFastify, ocpiFrameworkErrors } from '@ocpi-ts/fastify';
import Fastify from 'fastify';

const port = Number(process.env.PORT ?? 3000);
const cpo = { country_code: 'NL', party_id: 'EXA' };
// Partners on this machine (a demo, a test) need the local outbound policy: the default refuses
// loopback and private addresses, so a partner cannot point the node at its own network.
const outbound = process.env.OCPI_LOCAL_PARTNERS === '1' ? LOCAL_OUTBOUND_POLICY : {};

const store = createMemoryStore();
const ocpi = createOcpiServer({
  baseUrl: `http://127.0.0.1:${port}/ocpi`, // the public URL: links and endpoints are built on it
  parties: [{ role: 'CPO', ...cpo, business_details: { name: 'Example CPO' } }],
  store,
  // credentials: the handshake partners register with; locations: what they read.
  modules: [credentialsModule({ outbound }), locationsSender()],
});

// Our own Locations, served by the Locations Sender's default handler.
const garage: Location = {
  ...cpo,
  id: 'GARAGE1',
  publish: true,
  address: 'Stationsplein 1',
  city: 'Utrecht',
  country: 'NLD',
  coordinates: { latitude: '52.089444', longitude: '5.110278' },
  time_zone: 'Europe/Amsterdam',
  last_updated: '2024-01-01T00:00:00Z',
};
await putOwnObject(store, STORE_MODULES.locations, cpo, garage);

// frameworkErrors: URLs Fastify's router refuses before any plugin (bad percent-encoding) get the core's answer too.
const app = Fastify({ frameworkErrors: ocpiFrameworkErrors(ocpi) });
await app.register(ocpiFastify, { server: ocpi, prefix: '/ocpi' });
await app.listen({ host: '127.0.0.1', port });

// Token A (CREDENTIALS_TOKEN_A): give it to a new partner with the versions URL, out of band. It is
// shown once (the store keeps its hash) and dies when the partner registers with it.
const { token } = await createRegistrationToken(store, { label: 'Example eMSP' });
console.log(`versions URL: ${ocpi.node.versionsUrl}`);
console.log(`token A: ${token}`);
