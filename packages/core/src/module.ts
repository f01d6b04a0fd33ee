import type { Static, TSchema } from '@sinclair/typebox';
import type { VersionEdge } from './edges/edge.js';
import type { LossRecorder } from './edges/losses.js';
import type { EventOrigin, OcpiEvent, OcpiEventBus } from './events.js';
import type { OcpiRequest } from './http.js';
import type { Pagination } from './pagination.js';
import type { CredentialsRole, Partner, RegistrationToken, TokenEncoding } from './partners/partner.js';
import type { PartnerPolicy } from './partners/policy.js';
import type { InterfaceRole } from './schemas/v2.3.0/index.js';

export type { InterfaceRole };

import type { RoutingHeaders } from './routing-headers.js';
import type { OcpiStore, PartyRef } from './store/types.js';
import type { Validator } from './validation/validator.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** Who may call a route. */
export type RouteAuth =
  /** a registered partner's credentials token (the default) */
  | 'partner'
  /** a registered partner's token, or a registration token (token A): versions and credentials only */
  | 'partner-or-registration';

/**
 * The body a route takes: a standard object type, validated against the requested version's schema
 * and converted to the canonical model before the handler (`{ type: 'Location' }`, a PATCH body with
 * `patch: true`), or a schema of the module's own, served as given in every version (custom modules).
 */
export type BodySpec = {
  /** Whether a request without a body is refused with HTTP 400 (default true): status_codes, no valid JSON. */
  required?: boolean;
  /** A name for messages: `Invalid Location: /name: is required` (default the type). */
  name?: string;
} & ({ type: string; patch?: boolean; schema?: undefined } | { schema: TSchema; type?: undefined; patch?: undefined });

export interface RouteDefinition {
  method: HttpMethod;
  /**
   * Path segments below the module URL. `:name` captures a segment, `:name?` an optional trailing
   * one, anything else must match literally: `[':country_code', ':party_id', ':location_id', ':evse_uid?']`.
   */
  path: readonly string[];
  /**
   * The first two segments are the `country_code` and `party_id` of the object's owner
   * (transport_and_format, "Client Owned Object Push"); they must be one of the caller's roles.
   */
  clientOwned?: boolean;
  /** A list with `offset`/`limit`/`date_from`/`date_to` and the pagination headers. */
  paginated?: boolean;
  body?: BodySpec;
  /**
   * The object type the route answers (each item of a list): the handler answers canonical objects,
   * the server writes them in the requested version. A function for routes whose answer depends on the
   * URL (a Location, an EVSE or a Connector). Without it, the data is sent as the handler gives it.
   */
  gives?: string | ((context: RequestContext) => string | undefined);
  /**
   * The object type of the data where the handler writes it in the requested version itself (the
   * credentials module: its 2.2.1 Credentials keep a HUB role the canonical model has not): described
   * in the OpenAPI document, not converted. A route answering canonical objects says `gives` instead.
   */
  answers?: string;
  auth?: RouteAuth;
  /** `false` for a route that only refuses (an unknown command type's 404): left out of the OpenAPI description. */
  openApi?: false;
  handle(context: RequestContext): HandlerResult | Promise<HandlerResult>;
}

/** One module interface of one OCPI version, e.g. Locations SENDER. Custom modules use the same shape. */
export interface OcpiModule {
  /** The ModuleID in version details: `locations`, or a custom one such as `nltnm-reservations`. */
  identifier: string;
  role: InterfaceRole;
  /** URL path below the version URL; default `{role}/{identifier}` in lower case, `credentials` for credentials. */
  path?: string;
  /**
   * Configuration modules (credentials, hubclientinfo) are platform to platform: routing headers
   * SHALL NOT be used with them (transport_and_format, "Message Routing Headers").
   */
  configuration?: boolean;
  /**
   * A hub's module: it routes each request to the party its `OCPI-to` names (or decides the
   * receiver itself), so the server checks `OCPI-from` only and leaves `OCPI-to` to the module.
   */
  relays?: boolean;
  /**
   * The OCPI versions that have this module (default every version the node serves). A route whose body
   * or answer is an object type a version lacks is not mounted there (2.1.1 has no CANCEL_RESERVATION).
   */
  versions?: readonly string[];
  routes: readonly RouteDefinition[];
}

/** A module interface as mounted in one version: the routes that exist there, its path below the version URL (`sender/locations`). */
export interface MountedInterface {
  module: OcpiModule;
  routes: readonly RouteDefinition[];
  path: string;
}

export type Caller =
  /** `token`: the credentials token the partner presented (ours, issued to it). */
  | { kind: 'partner'; partner: Partner; encoding: TokenEncoding; token: string }
  | { kind: 'registration'; registrationToken: RegistrationToken; token: string; encoding: TokenEncoding };

/** What the node knows about itself, shared by every request. Never mutated per request. */
export interface NodeInfo {
  /** Public URL of the OCPI root, from configuration (never from Host or X-Forwarded-*). */
  baseUrl: string;
  /** The roles this platform plays. */
  parties: readonly CredentialsRole[];
  store: OcpiStore;
  /** The OCPI versions served, highest first. */
  versions: readonly string[];
  /** The public URL of the versions endpoint. */
  versionsUrl: string;
  /** The public URL of a module interface in a version, or undefined when it is not mounted. */
  moduleUrl(version: string, identifier: string, role: InterfaceRole): string | undefined;
  /** Where events go: operators subscribe with `events.on(...)`. */
  events: OcpiEventBus;
  /**
   * The endpoints of a version, as in its version details. In 2.1.1 an endpoint has no role: the one
   * a partner sees follows from its role (given as `partnerRole`; default the counterpart of our first party).
   */
  endpoints(version: string, partnerRole?: string): { identifier: string; role: InterfaceRole; url: string }[];
  /** Where conversions report what they could not carry (see edges/losses.ts). */
  losses: LossRecorder;
  /** Decides which roles a partner may hold, before a registration or credentials update is saved. */
  partnerPolicy: PartnerPolicy;
  /** How large what partners make us keep may grow (`createOcpiServer({ limits })`). */
  limits: NodeLimits;
  /**
   * Whether a partner may act for a party (in `OCPI-from-*`, the URL of a client-owned object, a CDR
   * it posts): one of its own roles, or, for a hub, a party it serves (see `hubServesParty`).
   */
  actsFor(partner: Partner, party: PartyRef): Promise<boolean>;
  /**
   * The node's compiled validator for a schema (its `ValidatorFactory`, cached per schema): for checks
   * a handler makes beyond the route's body, e.g. the object that results from applying a PATCH.
   */
  validator<S extends TSchema>(schema: S): Validator<Static<S>>;
}

/** Bounds on what a partner can make the node keep, so no partner can make it slow for the others. */
export interface NodeLimits {
  /** Largest stored object a write may produce (a PATCH or an EVSE merged into a Location), in bytes of JSON. */
  objectBytes: number;
  /** Most charging periods a Session may have (PATCHes add to them). */
  chargingPeriods: number;
  /** Most endpoints a partner's version details may list (its record is read on every request it makes). */
  partnerEndpoints: number;
  /** Most roles a Credentials object may name. */
  partnerRoles: number;
}

export interface RequestContext {
  request: OcpiRequest;
  method: HttpMethod;
  /** The OCPI version requested; `edge` has its rules. The body and what the handler answers are canonical (2.3.0). */
  version: string;
  edge: VersionEdge;
  module: OcpiModule;
  /** Decoded path captures. */
  params: Readonly<Record<string, string>>;
  query: URLSearchParams;
  /** The parsed body: validated against the version's schema and converted to the canonical model (custom schemas: as given); undefined without one. */
  body: unknown;
  caller: Caller;
  /** The authenticated partner; throws on routes that accept registration tokens when none is registered. */
  partner: Partner;
  /** The owner from the URL of a client-owned route, upper-cased. */
  owner: PartyRef | undefined;
  /** Present on paginated routes. */
  pagination: Pagination | undefined;
  requestId: string;
  correlationId: string;
  routing: RoutingHeaders;
  node: NodeInfo;
  /**
   * Records an event to emit once the answer is decided; the request's partner and ids fill the
   * origin. Writes through `node.store` that change an object are recorded by themselves.
   */
  emit(event: EventInput): void;
  /** A path capture that the route guarantees; throws when absent. */
  param(name: string): string;
}

export interface HandlerResult {
  /** The `data` of the envelope; may hold `JsonText` values, which are spliced in unparsed. */
  data?: unknown;
  /** HTTP status, default 200; 201 when an object was created. */
  httpStatus?: number;
  /** OCPI status code, default 1000. */
  statusCode?: number;
  statusMessage?: string;
  headers?: Record<string, string>;
  /** On paginated routes: every object matching the query (`X-Total-Count`). */
  total?: number;
}

/** An event without its origin, which the request fills in. */
export type EventInput = OcpiEvent extends infer E ? (E extends OcpiEvent ? Omit<E, keyof EventOrigin> & Partial<EventOrigin> : never) : never;
