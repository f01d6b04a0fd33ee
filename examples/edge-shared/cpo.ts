/**
 * The CPO node that the Bun, Deno and Cloudflare Workers examples serve: Locations SENDER (the CPO's
 * own Locations) and RECEIVER (what other CPOs push), on the in-memory store, seeded with one partner
 * and five Locations. Each runtime's example is a few lines on top of `buildCpo`.
 *
 * The store is the in-memory one: per process on Bun and Deno, per isolate on Workers (an isolate can
 * be recycled at any time, and several run side by side). For anything real, pass a store that
 * implements `OcpiStore` (packages/core/src/store/types.ts) on shared storage: see docs/edge-runtimes.md.
 */
import {
  type CredentialsRole,
  createMemoryStore,
  createOcpiServer,
  hashToken,
  type Location,
  locationsReceiver,
  locationsSender,
  type OcpiServer,
  type OcpiStore,
  type Partner,
  putOwnObject,
  STORE_MODULES,
} from '@ocpi-ts/core';
import { ocpiHono } from '@ocpi-ts/hono';
import type { Hono } from 'hono';

/** The operator of this node. */
export const CPO: CredentialsRole = { role: 'CPO', country_code: 'NL', party_id: 'EDG', business_details: { name: 'Edge Example CPO' } };

/** The one registered partner: an eMSP, and a CPO that pushes its Locations to our Receiver. */
export const PARTNER_ROLES: CredentialsRole[] = [
  { role: 'EMSP', country_code: 'DE', party_id: 'MSP', business_details: { name: 'Example eMSP' } },
  { role: 'CPO', country_code: 'DE', party_id: 'CPX', business_details: { name: 'Example roaming CPO' } },
];

/** The partner's token (the one it sends as `Authorization: Token <base64>`). A demo value: never in production. */
export const DEMO_PARTNER_TOKEN = 'edge-example-partner-token';

export interface CpoOptions {
  /** Public URL of the OCPI root, e.g. `https://cpo.example.com/ocpi` (Link headers and endpoint URLs use it). */
  baseUrl: string;
  /** Default a fresh in-memory store. */
  store?: OcpiStore;
  /** Default `DEMO_PARTNER_TOKEN`. */
  partnerToken?: string;
}

export interface Cpo {
  app: Hono;
  server: OcpiServer;
  store: OcpiStore;
}

const SEED_TIME = '2026-01-01T00:00:00Z';
const CITIES = ['Amsterdam', 'Rotterdam', 'Utrecht', 'Den Haag', 'Eindhoven'];

/** Five valid, deterministic Locations of the CPO (the same bytes on every runtime). */
export function seedLocations(): Location[] {
  return CITIES.map((city, i) => {
    const id = `LOC${i + 1}`;
    return {
      country_code: CPO.country_code,
      party_id: CPO.party_id,
      id,
      publish: true,
      name: `Edge ${city}`,
      address: `Stationsplein ${i + 1}`,
      city,
      postal_code: `10${i}1 AB`,
      country: 'NLD',
      coordinates: { latitude: `52.${37000 + i}`, longitude: `4.${89000 + i}` },
      evses: [
        {
          uid: `${id}-1`,
          evse_id: `NL*EDG*E${i + 1}`,
          status: 'AVAILABLE',
          connectors: [
            { id: '1', standard: 'IEC_62196_T2', format: 'SOCKET', power_type: 'AC_3_PHASE', max_voltage: 230, max_amperage: 32, last_updated: SEED_TIME },
          ],
          last_updated: SEED_TIME,
        },
      ],
      time_zone: 'Europe/Amsterdam',
      last_updated: SEED_TIME,
    };
  });
}

/** Builds the node and seeds its store (async: tokens are hashed with Web Crypto). */
export async function buildCpo(options: CpoOptions): Promise<Cpo> {
  const store = options.store ?? createMemoryStore();
  const server = createOcpiServer({
    baseUrl: options.baseUrl,
    parties: [CPO],
    store,
    versions: ['2.2.1'],
    modules: [locationsSender(), locationsReceiver()],
  });
  const partner: Partner = {
    id: 'demo-partner',
    status: 'REGISTERED',
    roles: PARTNER_ROLES,
    version: '2.2.1',
    endpoints: [],
    inboundTokenHash: await hashToken(options.partnerToken ?? DEMO_PARTNER_TOKEN),
    tokenEncoding: 'base64',
    createdAt: SEED_TIME,
    updatedAt: SEED_TIME,
  };
  await store.partners.save(partner);
  for (const location of seedLocations()) await putOwnObject(store, STORE_MODULES.locations, CPO, location);
  return { app: ocpiHono(server), server, store };
}
