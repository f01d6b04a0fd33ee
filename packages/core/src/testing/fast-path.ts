// Test support for the fast read path: a CPO node on the memory store serving its Locations, and the
// envelopes `JSON.stringify` gives for the same data, which the node must answer byte for byte.
import { responseText } from '../envelope.js';
import type { OcpiResponse } from '../http.js';
import { locationsReceiver, locationsSender } from '../modules/locations.js';
import type { Location } from '../schemas/v2.2.1/index.js';
import { createOcpiServer, type OcpiServer } from '../server.js';
import { createMemoryStore } from '../store/memory.js';
import { CPO_ROLE, EMSP_ROLE, tokenHeader } from './fixtures.js';
import { registerTestPartner } from './test-node.js';

/** The eMSP reading the CPO's Locations on the Sender interface. */
export const FAST_PATH_READER = tokenHeader('fast-path-emsp');
/** The CPO's back office, pushing the CPO's own Locations through the Receiver interface. */
export const FAST_PATH_WRITER = tokenHeader('fast-path-backoffice');

/** Location `n` of the CPO: valid 2.2.1, two EVSEs, and text outside ASCII (multi-byte UTF-8). */
export function fastPathLocation(n: number): Location {
  const id = `LOC${n}`;
  const updated = `2024-01-0${1 + (n % 9)}T10:00:0${n % 10}Z`;
  return {
    country_code: CPO_ROLE.country_code,
    party_id: CPO_ROLE.party_id,
    id,
    publish: true,
    name: `Straße ${n} — Café «Zuid» ⚡`,
    address: `Große Allee ${n}`,
    city: 'Köln',
    postal_code: '50667',
    country: 'DEU',
    coordinates: { latitude: '50.937531', longitude: `6.96${String(n).padStart(4, '0')}` },
    parking_type: 'ON_STREET',
    evses: [1, 2].map((e) => ({
      uid: `${id}-E${e}`,
      evse_id: `NL*CPO*E${n}${e}`,
      status: 'AVAILABLE' as const,
      capabilities: ['RFID_READER' as const],
      connectors: [
        {
          id: '1',
          standard: 'IEC_62196_T2' as const,
          format: 'SOCKET' as const,
          power_type: 'AC_3_PHASE' as const,
          max_voltage: 230,
          max_amperage: 32,
          last_updated: updated,
        },
      ],
      directions: [{ language: 'de', text: 'Einfahrt über die Rückseite 🅿️' }],
      last_updated: updated,
    })),
    time_zone: 'Europe/Berlin',
    last_updated: updated,
  };
}

export interface FastPathNode {
  server: OcpiServer;
  /** What the store should hold, in creation order: the tests apply every write to it too. */
  locations: Location[];
}

/**
 * A CPO node (NL/CPO) with `count` Locations pushed through its Receiver by its back office, served on
 * its Sender to a registered eMSP. The sender's pages come from the memory store as UTF-8 bytes.
 */
export async function createFastPathNode(count = 7): Promise<FastPathNode> {
  const store = createMemoryStore();
  await registerTestPartner(store, { id: 'emsp', token: 'fast-path-emsp', roles: [EMSP_ROLE] });
  await registerTestPartner(store, { id: 'backoffice', token: 'fast-path-backoffice', roles: [CPO_ROLE] });
  const server = createOcpiServer({
    baseUrl: 'http://ocpi.test/ocpi',
    parties: [CPO_ROLE],
    store,
    versions: ['2.2.1'],
    modules: [locationsSender(), locationsReceiver()],
  });
  const locations = Array.from({ length: count }, (_, i) => fastPathLocation(i + 1));
  for (const location of locations) {
    const response = await server.handle({
      method: 'PUT',
      url: `/ocpi/2.2.1/receiver/locations/NL/CPO/${location.id}`,
      headers: { authorization: FAST_PATH_WRITER },
      body: JSON.stringify(location),
    });
    if (response.status !== 201) throw new Error(`seeding ${location.id}: ${response.status} ${responseText(response)}`);
  }
  return { server, locations };
}

/** The PATCH of one EVSE's status, as the body the Receiver takes and as the change to the model. */
export function evseStatusPatch(node: FastPathNode, locationId: string, evseUid: string, status: 'CHARGING' | 'AVAILABLE' | 'BLOCKED', lastUpdated: string) {
  return {
    url: `/ocpi/2.2.1/receiver/locations/NL/CPO/${locationId}/${evseUid}`,
    body: JSON.stringify({ status, last_updated: lastUpdated }),
    /** Applies the PATCH to the model as mod_locations says: the EVSE's fields, and the parent's last_updated. */
    apply() {
      const location = node.locations.find((l) => l.id === locationId);
      const evse = location?.evses?.find((e) => e.uid === evseUid);
      if (!location || !evse) throw new Error(`no EVSE ${locationId}/${evseUid} in the model`);
      evse.status = status;
      evse.last_updated = lastUpdated;
      location.last_updated = lastUpdated;
    },
  };
}

/** The timestamp a response's envelope carries. */
export const envelopeTimestamp = (body: string): string => (JSON.parse(body) as { timestamp: string }).timestamp;

/**
 * What the plain path gives: `JSON.stringify` of the envelope `{ data, status_code, status_message,
 * timestamp }` with the objects' data, at the timestamp the answer carries.
 */
export const plainEnvelope = (data: unknown, timestamp: string): string => JSON.stringify({ data, status_code: 1000, status_message: 'Success', timestamp });

/** The response body's bytes (UTF-8 of the text when the core answered text). */
export const responseBytes = (response: Pick<OcpiResponse, 'body'>): Uint8Array =>
  typeof response.body === 'string' ? new TextEncoder().encode(response.body) : response.body;
