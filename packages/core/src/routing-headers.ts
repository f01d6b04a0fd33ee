import { OcpiError } from './errors.js';
import type { PartyRef } from './store/types.js';

/** The message routing headers (transport_and_format, "Message Routing Headers"). */
export interface RoutingHeaders {
  from: PartyRef | undefined;
  to: PartyRef | undefined;
}

const COUNTRY_CODE = /^[A-Za-z]{2}$/;
const PARTY_ID = /^[A-Za-z0-9]{3}$/;

function readPair(headers: Readonly<Record<string, string | undefined>>, side: 'from' | 'to'): PartyRef | undefined {
  const countryHeader = `ocpi-${side}-country-code`;
  const partyHeader = `ocpi-${side}-party-id`;
  const country_code = headers[countryHeader]?.trim();
  const party_id = headers[partyHeader]?.trim();
  if (!country_code && !party_id) return undefined;
  if (!country_code || !party_id) {
    throw OcpiError.invalid(`Header ${country_code ? partyHeader : countryHeader} is required when ${country_code ? countryHeader : partyHeader} is given`);
  }
  if (!COUNTRY_CODE.test(country_code)) throw OcpiError.invalid(`Header ${countryHeader} must be a 2-letter country code, got '${country_code}'`);
  if (!PARTY_ID.test(party_id)) throw OcpiError.invalid(`Header ${partyHeader} must be a 3-character party id, got '${party_id}'`);
  return { country_code: country_code.toUpperCase(), party_id: party_id.toUpperCase() };
}

export function readRoutingHeaders(headers: Readonly<Record<string, string | undefined>>): RoutingHeaders {
  return { from: readPair(headers, 'from'), to: readPair(headers, 'to') };
}

/** The routing headers of a message, lower-cased names. */
export function routingHeaderValues(routing: RoutingHeaders): Record<string, string> {
  const headers: Record<string, string> = {};
  if (routing.from) {
    headers['ocpi-from-country-code'] = routing.from.country_code;
    headers['ocpi-from-party-id'] = routing.from.party_id;
  }
  if (routing.to) {
    headers['ocpi-to-country-code'] = routing.to.country_code;
    headers['ocpi-to-party-id'] = routing.to.party_id;
  }
  return headers;
}
