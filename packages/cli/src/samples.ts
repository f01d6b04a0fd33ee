// Valid OCPI 2.2.1 objects made up for a party: the mock partner's data, and what the conformance
// runner pushes to a partner's receivers. Deterministic for an index, so reruns produce the same.
import { type PartyRef, type v221, versionEdge } from '@ocpi-ts/core';

type CDR = v221.CDR;
type CdrToken = v221.CdrToken;
type Location = v221.Location;
type Session = v221.Session;
type Tariff = v221.Tariff;
type Token = v221.Token;

/** A sample as the canonical model (2.3.0) a node's store keeps. */
export function canonical<T = unknown>(type: string, sample: unknown): T {
  const converted = versionEdge('2.2.1').toCanonical<T>(type, sample);
  if (!converted.ok) throw new Error(`A sample ${type} cannot be kept: ${converted.losses.map((loss) => loss.reason).join('; ')}`);
  return converted.value;
}

/** An OCPI DateTime, seconds precision. */
export const ocpiTime = (time: number | Date = Date.now()): string => `${new Date(time).toISOString().slice(0, 19)}Z`;

const CITIES = [
  { city: 'Amsterdam', postal: '1011', lat: 52.3676, lon: 4.9041 },
  { city: 'Utrecht', postal: '3511', lat: 52.0907, lon: 5.1214 },
  { city: 'Eindhoven', postal: '5611', lat: 51.4416, lon: 5.4697 },
];

export const SAMPLE_TARIFF_ID = 'STANDARD';

/** A Location with one or two EVSEs (every third one DC); ids `{prefix}{n}`. */
export function sampleLocation(owner: PartyRef, n: number, lastUpdated: string, prefix = 'LOC'): Location {
  const place = CITIES[n % CITIES.length] as (typeof CITIES)[number];
  const id = `${prefix}${String(n).padStart(5, '0')}`;
  const dc = n % 3 === 0;
  const evses = Array.from({ length: dc ? 1 : 2 }, (_, i) => ({
    uid: `${id}-${i + 1}`,
    evse_id: `${owner.country_code}*${owner.party_id}*E${String(n).padStart(5, '0')}${i + 1}`,
    status: 'AVAILABLE' as const,
    capabilities: ['REMOTE_START_STOP_CAPABLE' as const, 'RESERVABLE' as const],
    connectors: [
      {
        id: '1',
        standard: dc ? ('IEC_62196_T2_COMBO' as const) : ('IEC_62196_T2' as const),
        format: dc ? ('CABLE' as const) : ('SOCKET' as const),
        power_type: dc ? ('DC' as const) : ('AC_3_PHASE' as const),
        max_voltage: dc ? 920 : 230,
        max_amperage: dc ? 200 : 32,
        tariff_ids: [SAMPLE_TARIFF_ID],
        last_updated: lastUpdated,
      },
    ],
    last_updated: lastUpdated,
  }));
  return {
    country_code: owner.country_code,
    party_id: owner.party_id,
    id,
    publish: true,
    name: `${place.city} ${n}`,
    address: `Stationsplein ${1 + (n % 200)}`,
    city: place.city,
    postal_code: `${place.postal} AB`,
    country: 'NLD',
    coordinates: { latitude: (place.lat + (n % 100) / 10_000).toFixed(6), longitude: (place.lon + (n % 100) / 10_000).toFixed(6) },
    evses,
    time_zone: 'Europe/Amsterdam',
    last_updated: lastUpdated,
  };
}

export function sampleTariff(owner: PartyRef, id: string, lastUpdated: string): Tariff {
  return {
    country_code: owner.country_code,
    party_id: owner.party_id,
    id,
    currency: 'EUR',
    elements: [{ price_components: [{ type: 'ENERGY', price: 0.35, vat: 21, step_size: 1 }] }],
    last_updated: lastUpdated,
  };
}

/** An APP_USER Token of an eMSP party, uid `{prefix}{n}`. */
export function sampleToken(owner: PartyRef, n: number, lastUpdated: string, prefix = 'APP'): Token {
  const uid = `${prefix}${String(n).padStart(6, '0')}`;
  return {
    country_code: owner.country_code,
    party_id: owner.party_id,
    uid,
    type: 'APP_USER',
    contract_id: `${owner.country_code}${owner.party_id}C${String(n).padStart(6, '0')}`,
    issuer: `${owner.country_code}*${owner.party_id}`,
    valid: true,
    whitelist: 'ALLOWED',
    last_updated: lastUpdated,
  };
}

export const cdrTokenOf = (token: Token): CdrToken => ({
  country_code: token.country_code,
  party_id: token.party_id,
  uid: token.uid,
  type: token.type,
  contract_id: token.contract_id,
});

/** What a Session and its CDR share: owner, id, times, the driver's token. */
const charge = (cpo: PartyRef, id: string, token: CdrToken, at: string) => ({
  country_code: cpo.country_code,
  party_id: cpo.party_id,
  id,
  start_date_time: at,
  end_date_time: at,
  cdr_token: token,
  auth_method: 'COMMAND' as const,
  currency: 'EUR',
  last_updated: at,
});

/** A finished Session of a CPO at a Location, for a driver's token. */
export function sampleSession(cpo: PartyRef, id: string, token: CdrToken, location: Location, lastUpdated: string): Session {
  const evse = location.evses?.[0];
  return {
    ...charge(cpo, id, token, lastUpdated),
    kwh: 11.5,
    location_id: location.id,
    evse_uid: evse?.uid ?? '1',
    connector_id: evse?.connectors[0]?.id ?? '1',
    status: 'COMPLETED',
  };
}

/** The CDR of a Session of `sampleSession`. */
export function sampleCdr(cpo: PartyRef, id: string, token: CdrToken, location: Location, lastUpdated: string): CDR {
  const evse = location.evses?.[0];
  const connector = evse?.connectors[0];
  return {
    ...charge(cpo, id, token, lastUpdated),
    cdr_location: {
      id: location.id,
      address: location.address,
      city: location.city,
      country: location.country,
      coordinates: location.coordinates,
      evse_uid: evse?.uid ?? '1',
      evse_id: evse?.evse_id ?? `${cpo.country_code}*${cpo.party_id}*E1`,
      connector_id: connector?.id ?? '1',
      connector_standard: connector?.standard ?? 'IEC_62196_T2',
      connector_format: connector?.format ?? 'SOCKET',
      connector_power_type: connector?.power_type ?? 'AC_3_PHASE',
    },
    charging_periods: [{ start_date_time: lastUpdated, dimensions: [{ type: 'ENERGY', volume: 11.5 }] }],
    total_cost: { excl_vat: 4.03, incl_vat: 4.87 },
    total_energy: 11.5,
    total_time: 1,
  };
}
