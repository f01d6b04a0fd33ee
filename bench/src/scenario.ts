// The one scenario every measurement shares: a CPO node serving its Locations to one registered eMSP.
import {
  createMemoryStore,
  createOcpiServer,
  hashToken,
  type Location,
  locationsReceiver,
  locationsSender,
  type OcpiRequest,
  type OcpiServer,
  type OcpiStore,
  ocpiTimestamp,
  putOwnObject,
  STORE_MODULES,
} from '@ocpi-ts/core';
import { benchLocations, type Party } from './locations.js';

export const CPO: Party = { country_code: 'NL', party_id: 'CPO', name: 'Bench CPO' };
export const EMSP = { role: 'EMSP' as const, country_code: 'DE', party_id: 'MSP', business_details: { name: 'Bench eMSP' } };
export const EMSP_TOKEN = 'bench-emsp-token-0123456789abcdef';
export const AUTHORIZATION = `Token ${btoa(EMSP_TOKEN)}`;
export const BASE_URL = 'http://127.0.0.1/ocpi';

export const LOCATIONS = Number(process.env.BENCH_LOCATIONS ?? 10_000);
export const PAGE_OFFSET = Math.floor(LOCATIONS / 2);
export const PAGE_LIMIT = 50;
export const PAGE_PATH = `/ocpi/2.2.1/sender/locations?offset=${PAGE_OFFSET}&limit=${PAGE_LIMIT}`;
/** The same page in the canonical version (stored bytes as they are) and in 2.1.1 (converted, cached). */
export const PAGE_PATHS_BY_VERSION = {
  '2.3.0': `/ocpi/2.3.0/sender/locations?offset=${PAGE_OFFSET}&limit=${PAGE_LIMIT}`,
  '2.2.1': PAGE_PATH,
  '2.1.1': `/ocpi/2.1.1/cpo/locations?offset=${PAGE_OFFSET}&limit=${PAGE_LIMIT}`,
} as const;

/** The versions a page is measured in (versions.ts, over HTTP), 2.2.1 the reference. */
export const PAGE_VERSIONS = ['2.3.0', '2.2.1', '2.1.1'] as const;
export type PageVersion = (typeof PAGE_VERSIONS)[number];

/** The request headers of the measured GET (fixed ids, so every server answers the same headers). */
export const GET_HEADERS = { authorization: AUTHORIZATION, 'x-request-id': 'bench-request', 'x-correlation-id': 'bench-correlation' };

export const getPageRequest = (): OcpiRequest => ({ method: 'GET', url: PAGE_PATH, headers: GET_HEADERS });

/** Registers the eMSP directly in the store, as a completed credentials handshake would. */
export async function addBenchPartner(store: OcpiStore): Promise<void> {
  const now = new Date().toISOString();
  await store.partners.save({
    id: 'bench-emsp',
    status: 'REGISTERED',
    roles: [EMSP],
    version: '2.2.1',
    endpoints: [],
    inboundTokenHash: await hashToken(EMSP_TOKEN),
    tokenEncoding: 'base64',
    createdAt: now,
    updatedAt: now,
  });
}

export function benchServer(store: OcpiStore): OcpiServer {
  return createOcpiServer({
    baseUrl: BASE_URL,
    parties: [{ role: 'CPO', country_code: CPO.country_code, party_id: CPO.party_id, business_details: { name: CPO.name } }],
    store,
    // Every version: the page is measured in each (the 2.2.1 one is the reference).
    versions: ['2.3.0', '2.2.1', '2.1.1'],
    modules: [locationsSender(), locationsReceiver()],
  });
}

export interface BenchNode {
  server: OcpiServer;
  store: OcpiStore;
  locations: Location[];
}

/** A node on the memory store holding `count` full Locations of the CPO, put through the store API. */
export async function memoryNode(count = LOCATIONS): Promise<BenchNode> {
  const store = createMemoryStore();
  await addBenchPartner(store);
  const locations = benchLocations(count, CPO);
  for (const location of locations) await putOwnObject(store, STORE_MODULES.locations, CPO, location);
  return { server: benchServer(store), store, locations };
}

/** What the baselines serve: Locations, the token they accept, and how the node answers (its URL, its parties). */
export interface PageScenario {
  locations: Location[];
  authorization: string;
  /** The node's public OCPI URL (`.../ocpi`): Link headers are built on it. */
  baseUrl: string;
  cpo: { country_code: string; party_id: string };
  emsp: { country_code: string; party_id: string };
}

/** The response headers of a page of Locations, as the core answers them (the baselines send the same). */
export function pageHeadersFor(
  scenario: Omit<PageScenario, 'locations' | 'authorization'>,
  total: number,
  offset: number,
  limit: number,
): Record<string, string> {
  const next = offset + limit;
  return {
    'content-type': 'application/json',
    'x-request-id': GET_HEADERS['x-request-id'],
    'x-correlation-id': GET_HEADERS['x-correlation-id'],
    'ocpi-from-country-code': scenario.cpo.country_code,
    'ocpi-from-party-id': scenario.cpo.party_id,
    'ocpi-to-country-code': scenario.emsp.country_code,
    'ocpi-to-party-id': scenario.emsp.party_id,
    'x-total-count': String(total),
    'x-limit': String(limit),
    ...(next < total ? { link: `<${scenario.baseUrl}/2.2.1/sender/locations?offset=${next}&limit=${limit}>; rel="next"` } : {}),
  };
}

/** The response headers of the measured page of the in-memory scenario. */
export const pageHeaders = (total: number): Record<string, string> =>
  pageHeadersFor({ baseUrl: BASE_URL, cpo: CPO, emsp: EMSP }, total, PAGE_OFFSET, PAGE_LIMIT);

/** The page as `JSON.stringify` of the whole envelope: what baseline (a) sends. */
export const stringifyEnvelope = (data: unknown, timestamp = ocpiTimestamp()): string =>
  JSON.stringify({ data, status_code: 1000, status_message: 'Success', timestamp });

export const normalizeTimestamp = (body: string): string => body.replace(/"timestamp":"[^"]*"/, '"timestamp":"T"');
