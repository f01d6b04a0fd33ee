// Issue 17's defects, each with the request exactly as reported, run through an adapter over real
// HTTP (part of the adapter contract suite): what partners we did not write send is answered as they
// expect, and every tolerance is counted for the partner that needed it.
import { putOwnObject, STORE_MODULES } from '../modules/common.js';
import { locationsReceiver, locationsSender } from '../modules/locations.js';
import { tokensReceiver } from '../modules/tokens.js';
import type { CredentialsRole } from '../partners/partner.js';
import type { Location } from '../schemas/v2.2.1/index.js';
import { createOcpiServer, type OcpiServer } from '../server.js';
import { createMemoryStore } from '../store/memory.js';
import type { ToleranceCount } from '../tolerances.js';
import { fastPathLocation } from './fast-path.js';
import { CPO_ROLE } from './fixtures.js';
import { registerTestPartner } from './test-node.js';

const BASE_URL = 'http://ocpi.test/ocpi';
/** The EVRoaming Foundation's command-line client registered as this eMSP party. */
const IOT: CredentialsRole = { role: 'EMSP', country_code: 'NL', party_id: 'IOT', business_details: { name: 'EVRoaming client' } };
/** A CPO pushing its Locations into our Receiver. */
const BEC: CredentialsRole = { role: 'CPO', country_code: 'BE', party_id: 'BEC', business_details: { name: 'BeCharged' } };
export const EVROAMING_LOCATIONS = 57;

export interface ToleranceNode {
  server: OcpiServer;
  iot: string;
  bec: string;
}

/** A CPO node (NL/CPO) with 57 Locations, the EVRoaming client (NL/IOT) and a CPO pushing to it (BE/BEC). */
export async function createToleranceNode(): Promise<ToleranceNode> {
  const store = createMemoryStore();
  const iot = await registerTestPartner(store, { id: 'evroaming', token: 'evroaming-token', roles: [IOT] });
  const bec = await registerTestPartner(store, { id: 'bec', token: 'bec-token', roles: [BEC] });
  const server = createOcpiServer({
    baseUrl: BASE_URL,
    parties: [CPO_ROLE],
    store,
    modules: [locationsSender(), locationsReceiver(), tokensReceiver()],
    versions: ['2.2.1'],
  });
  for (let n = 1; n <= EVROAMING_LOCATIONS; n++) await putOwnObject(store, STORE_MODULES.locations, CPO_ROLE, fastPathLocation(n));
  return { server, iot: iot.authorization, bec: bec.authorization };
}

function check(condition: boolean, what: string): void {
  if (!condition) throw new Error(what);
}

const counted = (counts: ToleranceCount[], expected: Partial<ToleranceCount>): number =>
  counts.filter((c) => Object.entries(expected).every(([name, value]) => c[name as keyof ToleranceCount] === value)).reduce((sum, c) => sum + c.count, 0);

/**
 * The EVRoaming Foundation client pulls Locations with its own party as `OCPI-to`: it gets 57 of 57,
 * page by page along `Link`, each answer from our party back to it, each page one `ocpi-to` tolerance.
 */
export async function runEvRoamingPull(origin: string, node: ToleranceNode): Promise<void> {
  const headers = {
    Authorization: node.iot,
    'OCPI-from-country-code': 'NL',
    'OCPI-from-party-id': 'IOT',
    'OCPI-to-country-code': 'NL',
    'OCPI-to-party-id': 'IOT',
  };
  const ids = new Set<string>();
  let url: string | undefined = `${origin}/ocpi/2.2.1/sender/locations?offset=0&limit=16`;
  let pages = 0;
  while (url) {
    const response: Response = await fetch(url, { headers });
    const envelope = (await response.json()) as { status_code: number; status_message?: string; data?: { id: string }[] };
    check(
      response.status === 200 && envelope.status_code === 1000,
      `page ${pages + 1}: HTTP ${response.status}, ${envelope.status_code} ${envelope.status_message}`,
    );
    check(response.headers.get('ocpi-from-party-id') === 'CPO' && response.headers.get('ocpi-to-party-id') === 'IOT', 'answer routed from NL/CPO to NL/IOT');
    for (const location of envelope.data ?? []) ids.add(location.id);
    pages++;
    const next: string | undefined = /<([^>]+)>;\s*rel="next"/.exec(response.headers.get('link') ?? '')?.[1];
    url = next?.replace(BASE_URL, `${origin}/ocpi`);
    check(pages <= 10, 'the Link headers end');
  }
  check(ids.size === EVROAMING_LOCATIONS, `${ids.size} of ${EVROAMING_LOCATIONS} Locations`);
  check(pages === 4, `4 pages of at most 16, got ${pages}`);
  const tolerated = counted(node.server.tolerances.list('evroaming'), { kind: 'ocpi-to', value: 'NL*IOT' });
  check(tolerated === pages, `one ocpi-to tolerance per page, counted ${tolerated}`);
}

/**
 * A Location with a connector `standard: "NACS"` (an open enum value 2.2.1 does not know) and DateTimes
 * with `+00:00`, `+02:00` and microseconds: kept, the DateTimes stored as UTC `Z`, each tolerance counted.
 * An APP_USER Token PUT without `?type=` is stored as APP_USER.
 */
export async function runLenientWrites(origin: string, node: ToleranceNode): Promise<void> {
  const location = { ...fastPathLocation(1), country_code: 'BE', party_id: 'BEC', id: 'NACS1' } as Location;
  const evse = location.evses?.[0];
  check(evse !== undefined, 'the Location has an EVSE');
  const connector = { ...(evse?.connectors[0] as object), standard: 'NACS', last_updated: '2024-03-01T12:00:00.123456+00:00' };
  const sent = {
    ...location,
    evses: [{ ...evse, connectors: [connector], last_updated: '2024-03-01T14:00:00+02:00' }],
    last_updated: '2024-03-01T12:00:00.5+00:00',
  };
  const put = await fetch(`${origin}/ocpi/2.2.1/receiver/locations/BE/BEC/NACS1`, {
    method: 'PUT',
    headers: { authorization: node.bec, 'content-type': 'application/json' },
    body: JSON.stringify(sent),
  });
  const putEnvelope = (await put.json()) as { status_code: number; status_message?: string };
  check(put.status === 201 && putEnvelope.status_code === 1000, `Location PUT: HTTP ${put.status}, ${putEnvelope.status_code} ${putEnvelope.status_message}`);
  const got = await fetch(`${origin}/ocpi/2.2.1/receiver/locations/BE/BEC/NACS1`, { headers: { authorization: node.bec } });
  const stored = ((await got.json()) as { data: typeof sent }).data;
  const storedConnector = stored.evses[0]?.connectors[0] as { standard: string; last_updated: string };
  check(storedConnector.standard === 'NACS', `the connector keeps standard NACS, got ${storedConnector.standard}`);
  check(
    storedConnector.last_updated === '2024-03-01T12:00:00.123Z',
    `microseconds and +00:00 stored as 2024-03-01T12:00:00.123Z, got ${storedConnector.last_updated}`,
  );
  check(stored.evses[0]?.last_updated === '2024-03-01T12:00:00Z', `+02:00 stored as UTC, got ${stored.evses[0]?.last_updated}`);
  check(stored.last_updated === '2024-03-01T12:00:00.5Z', `+00:00 stored as Z, got ${stored.last_updated}`);

  const token = {
    country_code: 'BE',
    party_id: 'BEC',
    uid: 'APP-1',
    type: 'APP_USER',
    contract_id: 'BE-BEC-C12345678-X',
    issuer: 'BeCharged',
    valid: true,
    whitelist: 'ALLOWED',
    last_updated: '2024-03-01T12:00:00Z',
  };
  const tokenPut = await fetch(`${origin}/ocpi/2.2.1/receiver/tokens/BE/BEC/APP-1`, {
    method: 'PUT',
    headers: { authorization: node.bec, 'content-type': 'application/json' },
    body: JSON.stringify(token),
  });
  check(tokenPut.status === 201, `APP_USER Token PUT without ?type=: HTTP ${tokenPut.status}`);
  const tokenGet = await fetch(`${origin}/ocpi/2.2.1/receiver/tokens/BE/BEC/APP-1?type=APP_USER`, { headers: { authorization: node.bec } });
  check(tokenGet.status === 200, `the Token is stored as APP_USER: GET ?type=APP_USER answers HTTP ${tokenGet.status}`);

  const counts = node.server.tolerances.list('bec');
  check(
    counted(counts, { kind: 'open-enum', objectType: 'Location', field: '/evses/*/connectors/*/standard', value: 'NACS' }) === 1,
    'one open-enum tolerance',
  );
  check(counted(counts, { kind: 'date-time', objectType: 'Location' }) === 3, 'three date-time tolerances');
  check(counted(counts, { kind: 'token-type', value: 'APP_USER' }) === 1, 'one token-type tolerance');
}
