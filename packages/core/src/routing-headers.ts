import { OcpiError } from './errors.js';
import type { EventInput } from './module.js';
import { notActedFor } from './partners/hub.js';
import { normalizeParty, sameParty } from './store/keys.js';
import type { PartyRef } from './store/types.js';
import { tolerated } from './tolerances.js';

/** The message routing headers (transport_and_format, "Message Routing Headers"). */
export interface RoutingHeaders {
  from: PartyRef | undefined;
  to: PartyRef | undefined;
}

const COUNTRY_CODE = /^[A-Za-z]{2}$/;
const PARTY_ID = /^[A-Za-z0-9]{3}$/;

const HEADER_NAMES = {
  from: { countryHeader: 'ocpi-from-country-code', partyHeader: 'ocpi-from-party-id' },
  to: { countryHeader: 'ocpi-to-country-code', partyHeader: 'ocpi-to-party-id' },
} as const;

/** A header value as given: the first of a repeated header. */
type HeaderValues = Readonly<Record<string, string | readonly string[] | undefined>>;
const firstValue = (value: string | readonly string[] | undefined): string | undefined => (typeof value === 'string' ? value : value?.[0]);

function readPair(headers: HeaderValues, side: 'from' | 'to'): PartyRef | undefined {
  const { countryHeader, partyHeader } = HEADER_NAMES[side];
  const country_code = firstValue(headers[countryHeader])?.trim();
  const party_id = firstValue(headers[partyHeader])?.trim();
  if (!country_code && !party_id) return undefined;
  if (!country_code || !party_id) {
    throw OcpiError.invalid(`Header ${country_code ? partyHeader : countryHeader} is required when ${country_code ? countryHeader : partyHeader} is given`);
  }
  if (!COUNTRY_CODE.test(country_code)) throw OcpiError.invalid(`Header ${countryHeader} must be a 2-letter country code, got '${country_code}'`);
  if (!PARTY_ID.test(party_id)) throw OcpiError.invalid(`Header ${partyHeader} must be a 3-character party id, got '${party_id}'`);
  return { country_code: country_code.toUpperCase(), party_id: party_id.toUpperCase() };
}

/** Reads the routing headers of a request (lower-case names; of a repeated header, the first value). */
export function readRoutingHeaders(headers: HeaderValues): RoutingHeaders {
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
 * Which role serves a module interface: the CPO serves the Locations Sender, the eMSP the Tokens
 * Sender, and so on (mod_*, "Interfaces"); the role calling an interface is the one serving the other
 * interface of the module. Tells which of our parties a request with a wrong `OCPI-to` is for when the
 * platform has several, and which parties a request we send goes to and comes from.
 */
const SERVING_ROLE: Readonly<Record<string, { SENDER: string; RECEIVER: string }>> = {
  locations: { SENDER: 'CPO', RECEIVER: 'EMSP' },
  sessions: { SENDER: 'CPO', RECEIVER: 'EMSP' },
  cdrs: { SENDER: 'CPO', RECEIVER: 'EMSP' },
  tariffs: { SENDER: 'CPO', RECEIVER: 'EMSP' },
  tokens: { SENDER: 'EMSP', RECEIVER: 'CPO' },
  commands: { SENDER: 'EMSP', RECEIVER: 'CPO' },
  chargingprofiles: { SENDER: 'SCSP', RECEIVER: 'CPO' },
  // 2.3.0: mod_payments (the PTP's Sender, the CPO's Receiver); Bookings (the CPO's Sender takes requests).
  payments: { SENDER: 'PTP', RECEIVER: 'CPO' },
  bookings: { SENDER: 'CPO', RECEIVER: 'EMSP' },
};

/** The role serving an interface, and the one calling it (the role serving the module's other interface). */
function rolesOf(module: { identifier: string; role: string }): { serving: string; calling: string } | undefined {
  const roles = SERVING_ROLE[module.identifier];
  if (!roles) return undefined;
  return module.role === 'SENDER' ? { serving: roles.SENDER, calling: roles.RECEIVER } : { serving: roles.RECEIVER, calling: roles.SENDER };
}

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
 *   from the party of ours addressed (or our only one, or without `OCPI-to` the one serving the
 *   interface), to the `OCPI-from` party when the caller may act for it (or its only one, or its
 *   hub); an answer refusing a foreign party never claims to come from it or go to it.
 */
const isOurs = (ourParties: readonly PartyRef[], party: PartyRef): boolean =>
  ourParties.some((p) => p.country_code === party.country_code && p.party_id === party.party_id);

export function routeRequest(input: RouteRequestInput): RoutedRequest {
  const { routing, ourParties, fromAllowed } = input;
  const callerRoles = input.callerRoles ?? [];
  let to = routing.to && isOurs(ourParties, routing.to) ? routing.to : undefined;
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
  const callerHub = callerRoles.find((role) => role.role === 'HUB');
  const only = ourParties.length === 1 ? normalizeParty(ourParties[0] as PartyRef) : undefined;
  const answer: RoutingHeaders = {
    // Without OCPI-to (an Open Routing Request, or a client that sends none), from the one party of ours it can be for.
    from: to ?? only ?? (routing.to ? undefined : intendedParty(input)),
    // Else the caller's only party, or the hub itself (a 2.3.0 hub lists the parties behind it among its roles).
    to: from && fromAllowed ? from : callerRoles.length === 1 ? normalizeParty(callerRoles[0] as PartyRef) : callerHub && normalizeParty(callerHub),
  };
  return { routing: { from, to: to ?? routing.to }, answer, ...(refusal ? { refusal } : {}), ...(tolerance ? { tolerated: tolerance } : {}) };
}

/** The one party of ours a request with a foreign `OCPI-to` can be for, on a platform that is not a hub. */
function intendedParty({ ourParties, module }: RouteRequestInput): PartyRef | undefined {
  if (ourParties.some((p) => p.role === 'HUB')) return undefined;
  if (ourParties.length === 1) return normalizeParty(ourParties[0] as PartyRef);
  const role = rolesOf(module)?.serving;
  const serving = role ? ourParties.filter((p) => p.role === role) : [];
  return serving.length === 1 ? normalizeParty(serving[0] as PartyRef) : undefined;
}

export interface RouteOutboundInput {
  /** The partner's module interface called, e.g. `{ identifier: 'locations', role: 'RECEIVER' }` for a Location push. */
  module: { identifier: string; role: string };
  method: string;
  /** Our parties and their roles. */
  ourParties: readonly (PartyRef & { role?: string })[];
  /** The partner's parties and roles as granted; a HUB role makes it a hub. */
  partnerRoles: readonly (PartyRef & { role: string })[];
  /** The party that owns the object sent (a pushed Location's, Session's, CDR's or Token's country_code/party_id). */
  owner?: PartyRef | undefined;
  /** The party the object is for when it names one: the eMSP of a Session's or CDR's `cdr_token`. */
  destination?: PartyRef | undefined;
  /** The caller's own `OCPI-from` and `OCPI-to`, which win over any choice here. */
  from?: PartyRef | undefined;
  to?: PartyRef | undefined;
  /** A push for every party behind a hub (transport_and_format, "Broadcast Push"); only to a hub, never with GET. */
  broadcast?: boolean | undefined;
  /** A GET of a whole list on a Sender (not one object): to a hub, a "GET All via Hubs". */
  list?: boolean | undefined;
}

/**
 * The routing headers of a request we send (transport_and_format, "Message Routing", the tables of
 * "Overview of required/optional routing headers"), in one place beside `routeRequest`:
 *
 * - `OCPI-from` is the requesting party: the object's owner, else our party in the role that calls
 *   the interface (the eMSP calling a Commands Receiver), else our only or first party.
 * - Party to party, `OCPI-to` is the receiving party: the partner's party the object is for (a
 *   Session's eMSP on a platform hosting several), else its party in the role serving the interface
 *   (the eMSP for a Locations Receiver), else one not in the calling role (an NSP, OTHER), else its first.
 * - Via a hub, `OCPI-to` is the receiving party behind it: the caller's, or the one the object is for;
 *   the hub itself for a Broadcast Push and a GET All; omitted otherwise: an Open Routing Request,
 *   the hub routes by the object.
 */
export function routeOutbound(input: RouteOutboundInput): RoutingHeaders {
  const { ourParties, partnerRoles } = input;
  const roles = rolesOf(input.module);
  const hub = partnerRoles.find((p) => p.role === 'HUB');
  if (input.broadcast && input.method.toUpperCase() === 'GET') {
    throw new TypeError(
      'A GET is never a Broadcast Push (transport_and_format, "Broadcast Push"): name the party in `to`, or leave it out for an Open Routing Request',
    );
  }
  if (input.broadcast && !hub) throw new TypeError('A Broadcast Push goes to a hub: this partner holds no HUB role');
  const from = input.from ?? input.owner ?? (roles && ourParties.find((p) => p.role === roles.calling)) ?? (ourParties.length > 0 ? ourParties[0] : undefined);
  let to: PartyRef | undefined = input.to;
  if (!to && hub) {
    if (input.broadcast || (input.list && input.method.toUpperCase() === 'GET')) to = hub;
    else to = input.destination;
  } else if (!to) {
    const theirs = input.destination && partnerRoles.find((p) => sameParty(p, input.destination as PartyRef));
    to =
      theirs ??
      (roles && partnerRoles.find((p) => p.role === roles.serving)) ??
      (roles && partnerRoles.find((p) => p.role !== roles.calling)) ??
      partnerRoles[0];
  }
  return { from: from && normalizeParty(from), to: to && normalizeParty(to) };
}
