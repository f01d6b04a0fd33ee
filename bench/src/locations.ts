// Deterministic, valid OCPI 2.2.1 Locations for the benchmarks: "full" ones (two EVSEs with up to two
// connectors each, directions, images, opening hours, energy mix: about 2.7 KB of JSON each, so a page
// of 50 is about 133 KB) and "compact" ones (one or two EVSEs, about 1 KB) for the million-row stores.
import type { Location } from '@ocpi-ts/core';
// The demo seed's generator and places: the benchmark's Locations are the same kind, only richer.
import { CITIES, random } from '../../examples/node/src/seed.js';

export interface Party {
  country_code: string;
  party_id: string;
  name: string;
}

/** Every location's `last_updated` is this instant plus its number in seconds, so `date_from` can cut anywhere. */
export const BASE_TIME = Date.parse('2025-01-01T00:00:00Z');

export const lastUpdatedOf = (n: number): string => `${new Date(BASE_TIME + n * 1000).toISOString().slice(0, 19)}Z`;

export const locationId = (n: number): string => `LOC${String(n).padStart(7, '0')}`;

const coordinate = (value: number) => value.toFixed(6);

/** Location number `n` (1-based): `full` with 2 to 4 EVSEs and their details, otherwise compact. */
export function benchLocation(n: number, party: Party, full = true): Location {
  const next = random(n * 7919);
  const place = CITIES[(n - 1) % CITIES.length]!;
  const street = place.streets[Math.floor(next() * place.streets.length)]!;
  const id = locationId(n);
  const updated = lastUpdatedOf(n);
  const fast = n % 4 === 0;
  const lat = place.lat + (next() - 0.5) / 20;
  const lon = place.lon + (next() - 0.5) / 20;
  const evseCount = full ? 2 : fast ? 2 : 1;
  const evses = Array.from({ length: evseCount }, (_, i) => {
    const dc = fast && i < 2;
    const connectors = dc
      ? [
          { id: '1', standard: 'IEC_62196_T2_COMBO', format: 'CABLE', power_type: 'DC', max_voltage: 920, max_amperage: 200, max_electric_power: 150000 },
          ...(full
            ? [{ id: '2', standard: 'CHADEMO', format: 'CABLE', power_type: 'DC', max_voltage: 500, max_amperage: 125, max_electric_power: 50000 }]
            : []),
        ]
      : [{ id: '1', standard: 'IEC_62196_T2', format: 'SOCKET', power_type: 'AC_3_PHASE', max_voltage: 230, max_amperage: 32, max_electric_power: 22000 }];
    return {
      uid: `${id}-E${i + 1}`,
      evse_id: `${party.country_code}*${party.party_id}*E${String(n).padStart(7, '0')}${i + 1}`,
      status: i % 3 === 1 ? 'CHARGING' : 'AVAILABLE',
      capabilities: dc ? ['REMOTE_START_STOP_CAPABLE', 'CHARGING_PROFILE_CAPABLE'] : ['RFID_READER', 'REMOTE_START_STOP_CAPABLE', 'RESERVABLE'],
      connectors: connectors.map((c) => ({
        ...c,
        tariff_ids: [dc ? 'DC-FAST' : 'AC-STANDARD'],
        last_updated: updated,
      })),
      floor_level: '0',
      ...(full
        ? {
            physical_reference: String(i + 1),
            directions: [{ language: 'nl', text: `Laadpaal ${i + 1}, links naast de ingang van de parkeerplaats` }],
            parking_restrictions: ['EV_ONLY'],
          }
        : { physical_reference: String(i + 1) }),
      last_updated: updated,
    };
  });
  const location = {
    country_code: party.country_code,
    party_id: party.party_id,
    id,
    publish: true,
    name: `${party.name} ${place.city} ${street}`,
    address: `${street} ${1 + Math.floor(next() * 200)}`,
    city: place.city,
    postal_code: `${place.postal} ${String.fromCharCode(65 + (n % 26))}${String.fromCharCode(65 + ((n * 7) % 26))}`,
    country: 'NLD',
    coordinates: { latitude: coordinate(lat), longitude: coordinate(lon) },
    parking_type: fast ? 'ALONG_MOTORWAY' : 'ON_STREET',
    evses,
    operator: { name: party.name, ...(full ? { website: 'https://cpo.example.com' } : {}) },
    facilities: fast ? ['RESTAURANT', 'WIFI', 'CAFE'] : ['CAFE'],
    time_zone: 'Europe/Amsterdam',
    ...(full
      ? {
          related_locations: [
            { latitude: coordinate(lat + 0.0004), longitude: coordinate(lon - 0.0003), name: { language: 'en', text: 'Entrance of the car park' } },
          ],
          directions: [{ language: 'nl', text: `Rijd de parkeerplaats aan de ${street} op; de laadpalen staan rechts.` }],
          opening_times: fast
            ? { twentyfourseven: true }
            : {
                twentyfourseven: false,
                regular_hours: [1, 2, 3, 4, 5, 6].map((weekday) => ({ weekday, period_begin: '07:00', period_end: weekday === 6 ? '18:00' : '23:00' })),
              },
          charging_when_closed: !fast,
          images: [{ url: `https://cpo.example.com/img/${id}.jpg`, thumbnail: `https://cpo.example.com/img/${id}-s.jpg`, category: 'LOCATION', type: 'jpeg' }],
          energy_mix: {
            is_green_energy: true,
            energy_sources: [
              { source: 'WIND', percentage: 60 },
              { source: 'SOLAR', percentage: 40 },
            ],
            supplier_name: 'Groene Stroom NV',
            energy_product_name: 'Wind en Zon',
          },
        }
      : { opening_times: { twentyfourseven: true } }),
    last_updated: updated,
  };
  return location as Location;
}

/** Locations `from` to `from + count - 1`. */
export function benchLocations(count: number, party: Party, full = true, from = 1): Location[] {
  return Array.from({ length: count }, (_, i) => benchLocation(from + i, party, full));
}
