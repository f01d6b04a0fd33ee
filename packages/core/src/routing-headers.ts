import { OcpiError } from './errors.js';
import type { EventInput } from './module.js';
import { notActedFor } from './partners/hub.js';
import type { PartyRef } from './store/types.js';
import { tolerated } from './tolerances.js';

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

/**
 * Which role of ours answers a module interface: the CPO serves the Locations Sender, the eMSP the
 * Tokens Sender, and so on (mod_*, "Interfaces"). Used to tell which of our parties a request with a
 * wrong `OCPI-to` is for when the platform has several.
 */
const SERVING_ROLE: Readonly<Record<string, { SENDER?: string; RECEIVER?: string }>> = {
  locations: { SENDER: 'CPO', RECEIVER: 'EMSP' },
  sessions: { SENDER: 'CPO', RECEIVER: 'EMSP' },
  cdrs: { SENDER: 'CPO', RECEIVER: 'EMSP' },
  tariffs: { SENDER: 'CPO', RECEIVER: 'EMSP' },
  tokens: { SENDER: 'EMSP', RECEIVER: 'CPO' },
  commands: { SENDER: 'EMSP', RECEIVER: 'CPO' },
  chargingprofiles: { SENDER: 'SCSP', RECEIVER: 'CPO' },
};

export interface RouteRequestInput {
  /** The routing headers as received. */
  routing: RoutingHeaders;
  /** Our parties (normalised) and their roles. */
  ourParties: readonly (PartyRef & { role: string })[];
  /** The calling partner's roles; undefined for a caller that is no partner (a registration token). */
  callerRoles: readonly (PartyRef & { role: string })[] | undefined;
  /** Whether the caller may act for `routing.from` (`node.actsFor`); false when there is none. */
  fromAllowed: boolean;
  /** The module interface asked for. */
  module: { identifier: string; role: string };
}

export interface RoutedRequest {
  /** The routing the handlers see: `to` is the party of ours the request is for (a tolerated one replaced). */
  routing: RoutingHeaders;
  /** The routing headers of the answer (also of a refusal). */
  answer: RoutingHeaders;
  /** Why the request is refused (2001), after the answer's headers are set. */
  refusal?: OcpiError;
  /** A foreign `OCPI-to` answered for our party all the same: the `partner.tolerated` event to emit. */
  tolerated?: EventInput;
}

/**
 * The routing rules of a functional request (transport_and_format, "Message Routing Headers"), in one
 * place:
 *
 * - `OCPI-from` must be a party the caller acts for (a party speaks for itself only; a hub for the
 *   parties it serves, never for any party it names): 2001 otherwise.
 * - `OCPI-to` must be one of our parties. A platform that is not a hub tolerates a wrong one when the
 *   request can only be for one of its parties (it has one, or one plays the role serving the module
 *   interface): real clients send their own party there (the EVRoaming Foundation's client does). A
 *   hub routes by `OCPI-to`, so there a foreign party stays an error.
 * - The answer goes back to whoever sent the request ("Party to Party"), naming only valid parties:
 *   the party of ours addressed (or our only one), the `OCPI-from` party when the caller may act for
 *   it (or its only one); an answer refusing a foreign party never claims to come from it or go to it.
 */
export function routeRequest(input: RouteRequestInput): RoutedRequest {
  const { routing, ourParties, fromAllowed } = input;
  const callerRoles = input.callerRoles ?? [];
  const ours = (party: PartyRef) => ourParties.find((p) => p.country_code === party.country_code && p.party_id === party.party_id);
  let to = routing.to && ours(routing.to) ? routing.to : undefined;
  let refusal: OcpiError | undefined;
  let tolerance: RoutedRequest['tolerated'];
  if (routing.to && !to) {
    const forRequest = intendedParty(input);
    if (forRequest) {
      to = forRequest;
      const given = `${routing.to.country_code}*${routing.to.party_id}`;
      tolerance = tolerated('ocpi-to', `OCPI-to ${given} is not a party on this platform; answered for ${forRequest.country_code}*${forRequest.party_id}`, {
        field: 'OCPI-to-country-code/OCPI-to-party-id',
        value: given,
      });
    } else {
      refusal = OcpiError.invalid(`OCPI-to-country-code/OCPI-to-party-id ${routing.to.country_code}/${routing.to.party_id} is not a party on this platform`);
    }
  }
  const from = routing.from;
  if (!refusal && from && input.callerRoles && !fromAllowed) {
    refusal = OcpiError.invalid(`OCPI-from-country-code/OCPI-from-party-id ${notActedFor(from, callerRoles)}`);
  }
  const only = ourParties.length === 1 ? partyOf(ourParties[0] as PartyRef) : undefined;
  const answer: RoutingHeaders = {
    from: to ?? only,
    to: from && fromAllowed ? from : callerRoles.length === 1 ? partyOf(callerRoles[0] as PartyRef) : undefined,
  };
  return { routing: { from, to: to ?? routing.to }, answer, ...(refusal ? { refusal } : {}), ...(tolerance ? { tolerated: tolerance } : {}) };
}

const partyOf = (party: PartyRef): PartyRef => ({ country_code: party.country_code.toUpperCase(), party_id: party.party_id.toUpperCase() });

/** The one party of ours a request with a foreign `OCPI-to` can be for, on a platform that is not a hub. */
function intendedParty({ ourParties, module }: RouteRequestInput): PartyRef | undefined {
  if (ourParties.some((p) => p.role === 'HUB')) return undefined;
  if (ourParties.length === 1) return partyOf(ourParties[0] as PartyRef);
  const role = SERVING_ROLE[module.identifier]?.[module.role as 'SENDER' | 'RECEIVER'];
  const serving = role ? ourParties.filter((p) => p.role === role) : [];
  return serving.length === 1 ? partyOf(serving[0] as PartyRef) : undefined;
}
