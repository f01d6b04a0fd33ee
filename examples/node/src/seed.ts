import type { CDR, Location, Tariff, Token } from '@ocpi-ts/core';

/** A small deterministic pseudo-random generator (mulberry32), so every run seeds the same data. */
export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const CITIES = [
  { city: 'Amsterdam', postal: '1011', lat: 52.3676, lon: 4.9041, streets: ['Damrak', 'Rokin', 'Prinsengracht', 'Keizersgracht', 'Nieuwmarkt'] },
  { city: 'Rotterdam', postal: '3011', lat: 51.9244, lon: 4.4777, streets: ['Coolsingel', 'Witte de Withstraat', 'Blaak', 'Kruiskade'] },
  { city: 'Utrecht', postal: '3511', lat: 52.0907, lon: 5.1214, streets: ['Oudegracht', 'Biltstraat', 'Amsterdamsestraatweg', 'Vredenburg'] },
  { city: 'Den Haag', postal: '2511', lat: 52.0705, lon: 4.3007, streets: ['Lange Voorhout', 'Spui', 'Laan van Meerdervoort', 'Grote Marktstraat'] },
  { city: 'Eindhoven', postal: '5611', lat: 51.4416, lon: 5.4697, streets: ['Stratumseind', 'Kanaalstraat', 'Vestdijk', 'Emmasingel'] },
];

export const DEMO_TARIFF_ID = 'AC-STANDARD';
export const DEMO_DC_TARIFF_ID = 'DC-FAST';
/** The seeded data carries a fixed last_updated, so reruns produce identical objects. */
export const SEED_TIME = '2026-01-01T00:00:00Z';

/** `count` realistic, valid, deterministic OCPI Locations (canonical model, 2.3.0) of a CPO, with AC and DC EVSEs. */
export function demoLocations(count: number, party: { country_code: string; party_id: string; name: string }): Location[] {
  const next = random(221);
  const locations: Location[] = [];
  for (let n = 1; n <= count; n++) {
    const place = CITIES[(n - 1) % CITIES.length]!;
    const street = place.streets[Math.floor(next() * place.streets.length)]!;
    const id = `LOC${String(n).padStart(5, '0')}`;
    const fast = n % 4 === 0;
    const evseCount = fast ? 2 : 1 + Math.floor(next() * 3);
    const evses = Array.from({ length: evseCount }, (_, i) => {
      const uid = `${id}-E${i + 1}`;
      return {
        uid,
        evse_id: `${party.country_code}*${party.party_id}*E${String(n).padStart(5, '0')}${i + 1}`,
        status: 'AVAILABLE' as const,
        capabilities: fast ? ['REMOTE_START_STOP_CAPABLE' as const] : ['RFID_READER' as const, 'REMOTE_START_STOP_CAPABLE' as const, 'RESERVABLE' as const],
        connectors: fast
          ? [
              {
                id: '1',
                standard: 'IEC_62196_T2_COMBO' as const,
                format: 'CABLE' as const,
                power_type: 'DC' as const,
                max_voltage: 920,
                max_amperage: 200,
                max_electric_power: 150000,
                tariff_ids: [DEMO_DC_TARIFF_ID],
                last_updated: SEED_TIME,
              },
              {
                id: '2',
                standard: 'CHADEMO' as const,
                format: 'CABLE' as const,
                power_type: 'DC' as const,
                max_voltage: 500,
                max_amperage: 125,
                max_electric_power: 50000,
                tariff_ids: [DEMO_DC_TARIFF_ID],
                last_updated: SEED_TIME,
              },
            ]
          : [
              {
                id: '1',
                standard: 'IEC_62196_T2' as const,
                format: 'SOCKET' as const,
                power_type: 'AC_3_PHASE' as const,
                max_voltage: 230,
                max_amperage: 32,
                max_electric_power: 22000,
                tariff_ids: [DEMO_TARIFF_ID],
                last_updated: SEED_TIME,
              },
            ],
        physical_reference: String(i + 1),
        floor_level: '0',
        last_updated: SEED_TIME,
      };
    });
    locations.push({
      country_code: party.country_code,
      party_id: party.party_id,
      id,
      publish: true,
      name: `${party.name} ${place.city} ${street}`,
      address: `${street} ${1 + Math.floor(next() * 200)}`,
      city: place.city,
      postal_code: `${place.postal} ${String.fromCharCode(65 + (n % 26))}${String.fromCharCode(65 + ((n * 7) % 26))}`,
      country: 'NLD',
      coordinates: { latitude: (place.lat + (next() - 0.5) / 20).toFixed(6), longitude: (place.lon + (next() - 0.5) / 20).toFixed(6) },
      parking_type: fast ? 'ALONG_MOTORWAY' : 'ON_STREET',
      evses,
      operator: { name: party.name },
      facilities: fast ? ['RESTAURANT', 'WIFI'] : ['CAFE'],
      time_zone: 'Europe/Amsterdam',
      opening_times: { twentyfourseven: true },
      charging_when_closed: true,
      energy_mix: { is_green_energy: true },
      last_updated: SEED_TIME,
    } as Location);
  }
  return locations;
}

/** The tariffs the demo locations refer to. */
export function demoTariffs(party: { country_code: string; party_id: string }): Tariff[] {
  return [
    {
      country_code: party.country_code,
      party_id: party.party_id,
      id: DEMO_TARIFF_ID,
      currency: 'EUR',
      type: 'REGULAR',
      tariff_alt_text: [{ language: 'en', text: 'EUR 0.35 per kWh, EUR 0.50 start fee' }],
      elements: [
        { price_components: [{ type: 'FLAT', price: 0.5, vat: 21, step_size: 1 }] },
        { price_components: [{ type: 'ENERGY', price: 0.35, vat: 21, step_size: 1 }] },
      ],
      tax_included: 'NO',
      last_updated: SEED_TIME,
    },
    {
      country_code: party.country_code,
      party_id: party.party_id,
      id: DEMO_DC_TARIFF_ID,
      currency: 'EUR',
      type: 'REGULAR',
      tariff_alt_text: [{ language: 'en', text: 'EUR 0.59 per kWh' }],
      elements: [{ price_components: [{ type: 'ENERGY', price: 0.59, vat: 21, step_size: 1 }] }],
      tax_included: 'NO',
      last_updated: SEED_TIME,
    },
  ] as Tariff[];
}

/** The eMSP's driver tokens: an app user, two RFID cards, one of them blocked. */
export function demoTokens(party: { country_code: string; party_id: string }): Token[] {
  const token = (uid: string, type: 'APP_USER' | 'RFID', valid: boolean, name: string) =>
    ({
      country_code: party.country_code,
      party_id: party.party_id,
      uid,
      type,
      contract_id: `${party.country_code}-${party.party_id}-C${uid.slice(-6).toUpperCase()}`,
      visual_number: name,
      issuer: 'Demo eMSP',
      valid,
      whitelist: 'ALLOWED',
      language: 'en',
      last_updated: SEED_TIME,
    }) as Token;
  return [
    token('APP0000001', 'APP_USER', true, 'Demo app'),
    token('RFID000001', 'RFID', true, 'Card 1'),
    token('RFID000002', 'RFID', false, 'Card 2 (blocked)'),
  ];
}

export type { CDR };
