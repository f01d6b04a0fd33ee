import { authorizationHeader } from '../auth/tokens.js';
import { formatOcpiDateTime, parseOcpiDateTime } from '../date-time.js';
import type { ConversionContext, ConversionResult } from '../edges/convert.js';
import { CANONICAL_VERSION, isOcpiVersion, versionEdge } from '../edges/edge.js';
import { toVersion } from '../edges/encodings.js';
import { createLossRecorder, type LossRecorder } from '../edges/losses.js';
import { OcpiError, OcpiStatus } from '../errors.js';
import { createEventBus } from '../events.js';
import type { HttpMethod, InterfaceRole, NodeInfo } from '../module.js';
import { createGuardedFetch, type OutboundPolicy, OutboundRefusedError } from '../outbound.js';
import type { Partner, PartnerToken, TokenEncoding } from '../partners/partner.js';
import { routeOutbound, routingHeaderValues } from '../routing-headers.js';
import type { CommandType } from '../schemas/v2.2.1/index.js';
import type {
  AuthorizationInfo,
  Booking,
  BookingLocation,
  BookingRequest,
  CancelReservation,
  CDR,
  CommandResponse,
  CommandResult,
  FinancialAdviceConfirmation,
  Location,
  LocationReferences,
  NewTerminal,
  ReserveNow,
  Session,
  StartSession,
  StopSession,
  Tariff,
  Terminal,
  TerminalActivation,
  TerminalPatch,
  Token,
  TokenType,
  UnlockConnector,
} from '../schemas/v2.3.0/index.js';
import { normalizeParty } from '../store/keys.js';
import type { OcpiStore, PartyRef } from '../store/types.js';
import type { Validator } from '../validation/validator.js';
import type { CommandResultReceiver } from './command-results.js';
import { OcpiClientError, OcpiTransportError } from './errors.js';
import { type CrawlOptions, crawl, type InvalidPageItem, type PageResponse } from './paginate.js';
import { readSyncWatermark, writeSyncWatermark } from './sync-state.js';

export interface OcpiClientOptions {
  /**
   * Default `globalThis.fetch` (undici on Node, with keep-alive) behind the outbound policy; a
   * `fetch` given here is used as it is.
   */
  fetch?: typeof fetch;
  /** What partner-given URLs may reach (default: no loopback, private, link-local or metadata addresses). */
  outbound?: OutboundPolicy;
  /** Per request, default 30 s; a timeout fails with `OcpiTransportError` 'timeout'. */
  timeoutMs?: number;
  /**
   * Our parties, with their roles (`node.parties`): the default `OCPI-from-*` of a functional module
   * call is the owner of the object sent, else our party in the role calling that interface (see `routeOutbound`).
   */
  parties?: readonly (PartyRef & { role?: string })[];
  /** Where the Locations that 2.1.1 Sessions and CDRs embed are read (our node's store); without it they cannot be sent to a 2.1.1 partner. */
  store?: OcpiStore;
  /** Where what a partner's version cannot carry is reported (`node.losses`); default a recorder of its own that logs. */
  losses?: LossRecorder;
}

export type QueryInput = URLSearchParams | Readonly<Record<string, string | number | Date | undefined>>;

/** One OCPI call, with the token the partner issued to us (an `OurToken` does not compile here). */
export interface OcpiCall {
  method: HttpMethod;
  url: string;
  token: PartnerToken;
  encoding: TokenEncoding;
  body?: unknown;
  query?: QueryInput | undefined;
  /**
   * `OCPI-from-*` / `OCPI-to-*`: for functional modules only; configuration modules (versions,
   * credentials, hubclientinfo) SHALL NOT carry them (transport_and_format, "Message Routing Headers").
   */
  routing?: { from?: PartyRef | undefined; to?: PartyRef | undefined } | undefined;
  /** Default a new UUID. */
  correlationId?: string | undefined;
  signal?: AbortSignal | undefined;
}

/** A successful answer (HTTP 2xx, OCPI status 1xxx), unwrapped. */
export interface OcpiResult<T> {
  data: T;
  statusCode: number;
  statusMessage: string | undefined;
  /** The envelope's timestamp: the partner's clock. */
  timestamp: string | undefined;
  httpStatus: number;
  headers: Headers;
  url: string;
  requestId: string;
  correlationId: string;
}

export interface CallOptions {
  query?: QueryInput;
  correlationId?: string;
  /** `OCPI-from-*`: default the owner of the object sent, else our party in the role calling the interface (`routeOutbound`). */
  from?: PartyRef;
  /**
   * `OCPI-to-*`: default the partner's party the object is for, else its party in the role serving
   * the interface. To a hub: the party behind it the request is for; without one, an Open Routing
   * Request (a GET of a whole list: a GET All via the hub).
   */
  to?: PartyRef;
  /** To a hub: a Broadcast Push, `OCPI-to` the hub itself (transport_and_format, "Broadcast Push"). Not with GET. */
  broadcast?: boolean;
  signal?: AbortSignal;
}

export interface PaginateOptions extends Omit<CallOptions, 'query'> {
  /** Filters of the list, kept on every page (`Link` carries them). */
  query?: Readonly<Record<string, string | number | Date | undefined>>;
  dateFrom?: Date;
  dateTo?: Date;
  /** Objects per page to ask for; the partner's `X-Limit` caps it. */
  limit?: number;
  /** Checks every item as the partner sent it (in its version, before the conversion to the canonical model). */
  validator?: Validator<unknown>;
  /** Lenient mode: invalid items (and items the canonical model cannot keep) are reported here one by one and the valid ones still yielded. */
  onInvalid?: (invalid: InvalidPageItem) => void;
  maxPages?: number;
  /** Called with every page used. */
  onPage?: (page: PageResponse) => void;
}

export interface ResyncOptions extends Omit<PaginateOptions, 'dateFrom'> {
  /** Where the watermark is kept (objects store, module `ocpi-sync-state`). */
  store: OcpiStore;
  /** Pull from here instead of the stored watermark. */
  since?: Date;
  /** Default SENDER (pulling the partner's data). */
  role?: InterfaceRole;
  /** Subtracted from the partner's clock at the start of the pull, against clock skew; default 60 s. */
  overlapMs?: number;
}

export interface CommandBodies {
  CANCEL_RESERVATION: CancelReservation;
  RESERVE_NOW: ReserveNow;
  START_SESSION: StartSession;
  STOP_SESSION: StopSession;
  UNLOCK_CONNECTOR: UnlockConnector;
}

/** A command body; `response_url` may be left out when a receiver is given to make one. */
export type CommandRequest<C extends CommandType> = Omit<CommandBodies[C], 'response_url'> & { response_url?: string };

export interface SendCommandOptions extends CallOptions {
  /**
   * Builds the `response_url` on our node and waits for the CommandResult posted there; `onResult` sees
   * every result, the later ones of a reservation included (CANCELED_RESERVATION).
   */
  results?: { receiver: CommandResultReceiver; node: NodeInfo; timeoutMs?: number; onResult?: (result: CommandResult) => void };
}

export interface SentCommand {
  /** The Receiver's synchronous answer. */
  response: CommandResponse;
  /** With a receiver and an ACCEPTED response: the asynchronous CommandResult (TIMEOUT when none came). */
  result: Promise<CommandResult> | undefined;
  /** With a receiver and an ACCEPTED response: the last result, once no more are accepted (a reservation's end). */
  ended?: Promise<CommandResult>;
}

/** A partner's modules, resolved from its stored endpoints (module identifier and interface role). */
export interface PartnerClient {
  readonly partner: Partner;
  /** The URL of the partner's module interface; 3003 `OcpiError` when the partner does not offer it. */
  endpoint(moduleId: string, role: InterfaceRole): string;
  get<T = unknown>(moduleId: string, role: InterfaceRole, path?: readonly string[], options?: CallOptions): Promise<OcpiResult<T>>;
  delete<T = unknown>(moduleId: string, role: InterfaceRole, path?: readonly string[], options?: CallOptions): Promise<OcpiResult<T>>;
  post<T = unknown>(moduleId: string, role: InterfaceRole, path: readonly string[], body: unknown, options?: CallOptions): Promise<OcpiResult<T>>;
  put<T = unknown>(moduleId: string, role: InterfaceRole, path: readonly string[], body: unknown, options?: CallOptions): Promise<OcpiResult<T>>;
  patch<T = unknown>(moduleId: string, role: InterfaceRole, path: readonly string[], body: unknown, options?: CallOptions): Promise<OcpiResult<T>>;
  /** Every object of a paginated list, page after page (`date_from` the epoch when the list requires one: `DATE_FROM_REQUIRED`). */
  paginate<T = unknown>(moduleId: string, role: InterfaceRole, options?: PaginateOptions): AsyncGenerator<T>;
  /**
   * Pulls what changed since the last successful pull (transport_and_format, "Offline behaviour"):
   * `date_from` is the stored watermark (none before the first pull, the epoch for lists that require
   * it); the watermark moves only when the whole list was read.
   */
  resync<T = unknown>(moduleId: string, options: ResyncOptions): AsyncGenerator<T>;
  /** PUT to the partner's locations RECEIVER at `/{country_code}/{party_id}/{id}`. */
  pushLocation(location: Location, options?: CallOptions): Promise<OcpiResult<unknown>>;
  pushSession(session: Session, options?: CallOptions): Promise<OcpiResult<unknown>>;
  pushTariff(tariff: Tariff, options?: CallOptions): Promise<OcpiResult<unknown>>;
  /** PUT to the partner's tokens RECEIVER at `/{country_code}/{party_id}/{uid}?type=...`. */
  pushToken(token: Token, options?: CallOptions): Promise<OcpiResult<unknown>>;
  /**
   * A CPO asks for real-time authorization: POST to the partner's tokens SENDER at `/{uid}/authorize?type=`.
   * A Token naming its owner (country_code/party_id) goes to that eMSP party, through a hub too (the
   * destination follows from the object); without one, to a hub it is an Open Routing Request.
   */
  authorizeToken(
    token: { uid: string; type: TokenType; country_code?: string; party_id?: string },
    location?: LocationReferences,
    options?: CallOptions,
  ): Promise<OcpiResult<AuthorizationInfo>>;
  /** POST to the partner's cdrs RECEIVER; answers the `Location` header (the CDR's URL there). */
  postCdr(cdr: CDR, options?: CallOptions): Promise<{ location: string | undefined; result: OcpiResult<unknown> }>;
  /** POST to the partner's commands RECEIVER at `/{command}`. */
  sendCommand<C extends CommandType>(command: C, body: CommandRequest<C>, options?: SendCommandOptions): Promise<SentCommand>;
  /** A PTP creates a Terminal on the CPO's system: POST to the partner's payments RECEIVER at `/terminals` (201 when new). */
  postTerminal(terminal: NewTerminal, options?: CallOptions): Promise<OcpiResult<unknown>>;
  /** A PTP posts a Financial Advice Confirmation: POST to the partner's payments RECEIVER at `/financial-advice-confirmations`. */
  postFinancialAdviceConfirmation(confirmation: FinancialAdviceConfirmation, options?: CallOptions): Promise<OcpiResult<unknown>>;
  /** A CPO asks the PTP to activate a Terminal: POST to the partner's payments SENDER at `/terminals/activate`; answers the Terminal when the PTP gives it. */
  activateTerminal(activation: TerminalActivation, options?: CallOptions): Promise<OcpiResult<Terminal | undefined>>;
  /** A CPO updates a Terminal: PUT to the partner's payments SENDER at `/terminals/{terminal_id}`. */
  updateTerminal(terminal: Terminal, options?: CallOptions): Promise<OcpiResult<unknown>>;
  /** A CPO assigns Locations or EVSEs to a Terminal (`{ location_ids }`): PATCH to the partner's payments SENDER. */
  patchTerminal(terminalId: string, patch: TerminalPatch, options?: CallOptions): Promise<OcpiResult<unknown>>;
  /** A CPO deactivates a Terminal: POST to the partner's payments SENDER at `/terminals/{terminal_id}/deactivate`. */
  deactivateTerminal(terminalId: string, options?: CallOptions): Promise<OcpiResult<unknown>>;
  /**
   * An eMSP requests a booking: POST to the partner's bookings SENDER. The same `request_id` changes
   * the booking, with `canceled` it cancels it. Answers the Booking; `statusMessage` says how it went.
   */
  requestBooking(request: BookingRequest, options?: CallOptions): Promise<OcpiResult<Booking>>;
  /** PUT to the partner's bookings RECEIVER at `/{country_code}/{party_id}/booking_locations/{id}`. */
  pushBookingLocation(location: BookingLocation, options?: CallOptions): Promise<OcpiResult<unknown>>;
  /** PUT to the partner's bookings RECEIVER at `/{country_code}/{party_id}/{id}`. */
  pushBooking(booking: Booking, options?: CallOptions): Promise<OcpiResult<unknown>>;
}

export interface OcpiClient {
  /** One call; throws `OcpiClientError` (OCPI error status) or `OcpiTransportError` (no usable answer). */
  request<T = unknown>(call: OcpiCall): Promise<OcpiResult<T>>;
  /** Every item of a paginated list starting at `call.url` (see `crawl` for the rules). */
  paginate<T = unknown>(
    call: Omit<OcpiCall, 'method' | 'body'>,
    options?: Omit<PaginateOptions, keyof CallOptions> & Pick<CrawlOptions<T>, 'convert'>,
  ): AsyncGenerator<T>;
  forPartner(partner: Partner): PartnerClient;
}

/** The object type of each command's body. */
const COMMAND_BODY_TYPES: Readonly<Record<CommandType, string>> = {
  CANCEL_RESERVATION: 'CancelReservation',
  RESERVE_NOW: 'ReserveNow',
  START_SESSION: 'StartSession',
  STOP_SESSION: 'StopSession',
  UNLOCK_CONNECTOR: 'UnlockConnector',
};

/**
 * The object type of the paginated list at a module's root (the Sender's GET, or the Receiver's for
 * hubclientinfo): what `paginate` converts a partner's items from. Other lists (Payments' terminals,
 * Bookings') exist only in the canonical version; a custom module's items pass as they came.
 */
const LIST_OBJECT_TYPES: Readonly<Record<string, string>> = {
  locations: 'Location',
  sessions: 'Session',
  cdrs: 'CDR',
  tariffs: 'Tariff',
  tokens: 'Token',
  hubclientinfo: 'ClientInfo',
};

/** Modules whose calls carry no routing headers (transport_and_format, "Message Routing Headers"). */
const CONFIGURATION_MODULES = new Set(['versions', 'credentials', 'hubclientinfo']);

/**
 * Lists whose Sender interface requires `date_from` (mod_sessions "GET Method", Request Parameters:
 * date_from is "yes" in 2.1.1, 2.2.1 and 2.3.0; every other list has it optional). A pull of one
 * without a date of its own starts at the epoch, so a strict Sender does not refuse it.
 */
export const DATE_FROM_REQUIRED: ReadonlySet<string> = new Set(['sessions']);

function queryString(query: QueryInput | undefined): URLSearchParams {
  if (query instanceof URLSearchParams) return query;
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query ?? {})) {
    if (value === undefined) continue;
    // date_from is inclusive: rounding down to the second never loses an object.
    params.set(name, value instanceof Date ? formatOcpiDateTime(value) : String(value));
  }
  return params;
}

function withQuery(url: string, query: QueryInput | undefined): string {
  const params = queryString(query);
  if ([...params.keys()].length === 0) return url;
  const parsed = new URL(url);
  for (const [name, value] of params) parsed.searchParams.set(name, value);
  return parsed.toString();
}

const snippet = (text: string): string => {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 120 ? `${flat.slice(0, 120)}...` : flat;
};

interface Envelope {
  data?: unknown;
  status_code: number;
  status_message?: unknown;
  timestamp?: unknown;
}

const isEnvelope = (value: unknown): value is Envelope =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && Number.isInteger((value as Envelope).status_code);

const headerNumber = (headers: Headers, name: string): number | undefined => {
  const raw = headers.get(name);
  if (raw === null || !/^\s*\d+\s*$/.test(raw)) return undefined;
  return Number(raw);
};

/** The OCPI client: every outbound call of a node goes through it. */
export function createOcpiClient(options: OcpiClientOptions = {}): OcpiClient {
  const fetchImpl = options.fetch ?? createGuardedFetch(options.outbound);
  const timeoutMs = options.timeoutMs ?? 30_000;
  const ourParties = (options.parties ?? []).map((party) => ({ ...normalizeParty(party), ...(party.role ? { role: party.role } : {}) }));
  const losses = options.losses ?? createLossRecorder({ events: createEventBus() });

  async function request<T>(call: OcpiCall): Promise<OcpiResult<T>> {
    const { method } = call;
    const url = withQuery(call.url, call.query);
    const requestId = crypto.randomUUID();
    const correlationId = call.correlationId ?? crypto.randomUUID();
    const headers: Record<string, string> = {
      authorization: authorizationHeader(call.token, call.encoding),
      accept: 'application/json',
      'x-request-id': requestId,
      'x-correlation-id': correlationId,
    };
    if (call.routing) {
      const from = call.routing.from && normalizeParty(call.routing.from);
      const to = call.routing.to && normalizeParty(call.routing.to);
      Object.assign(headers, routingHeaderValues({ from, to }));
    }
    let body: string | undefined;
    if (call.body !== undefined) {
      body = JSON.stringify(call.body);
      headers['content-type'] = 'application/json';
    }
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = call.signal ? AbortSignal.any([call.signal, timeout]) : timeout;
    const transport = (failure: 'network' | 'timeout', error: unknown): OcpiTransportError =>
      new OcpiTransportError({
        failure,
        method,
        url,
        detail: failure === 'timeout' ? `no answer within ${timeoutMs} ms` : `request failed: ${describeFailure(error)}`,
        cause: error,
      });

    let response: Response;
    let text: string;
    try {
      response = await fetchImpl(url, { method, headers, ...(body === undefined ? {} : { body }), signal });
      text = await response.text();
    } catch (error) {
      if (error instanceof OutboundRefusedError) throw new OcpiTransportError({ failure: 'refused', method, url, detail: error.message, cause: error });
      throw transport(timeout.aborted ? 'timeout' : 'network', error);
    }

    let parsed: unknown;
    let json = true;
    try {
      parsed = JSON.parse(text);
    } catch {
      json = false;
    }
    const httpStatus = response.status;
    if (!isEnvelope(parsed)) {
      const shown = text.trim() === '' ? 'an empty body' : `'${snippet(text)}'`;
      if (!response.ok)
        throw new OcpiTransportError({ failure: 'http', method, url, httpStatus, detail: `HTTP ${httpStatus} without an OCPI envelope: ${shown}` });
      throw new OcpiTransportError({
        failure: json ? 'bad-envelope' : 'not-json',
        method,
        url,
        httpStatus,
        detail: json ? `the answer is JSON but not an OCPI response (no integer status_code): ${shown}` : `the answer is not JSON: ${shown}`,
      });
    }
    const statusMessage = typeof parsed.status_message === 'string' ? parsed.status_message : undefined;
    if (!response.ok || parsed.status_code < 1000 || parsed.status_code >= 2000) {
      throw new OcpiClientError({ method, url, httpStatus, statusCode: parsed.status_code, statusMessage, data: parsed.data });
    }
    return {
      data: parsed.data as T,
      statusCode: parsed.status_code,
      statusMessage,
      timestamp: typeof parsed.timestamp === 'string' ? parsed.timestamp : undefined,
      httpStatus,
      headers: response.headers,
      url,
      requestId,
      correlationId,
    };
  }

  function paginate<T>(
    call: Omit<OcpiCall, 'method' | 'body'>,
    crawlOptions: Omit<PaginateOptions, keyof CallOptions> & Pick<CrawlOptions<T>, 'convert'> = {},
  ): AsyncGenerator<T> {
    const correlationId = call.correlationId ?? crypto.randomUUID();
    const query = queryString(call.query);
    if (crawlOptions.dateFrom) query.set('date_from', formatOcpiDateTime(crawlOptions.dateFrom));
    if (crawlOptions.dateTo) query.set('date_to', formatOcpiDateTime(crawlOptions.dateTo));
    if (crawlOptions.limit !== undefined) query.set('limit', String(crawlOptions.limit));
    const fetchPage = async (url: string): Promise<PageResponse> => {
      const result = await request<unknown>({ ...call, method: 'GET', url, query: undefined, correlationId });
      return {
        url,
        data: result.data,
        total: headerNumber(result.headers, 'x-total-count'),
        limit: headerNumber(result.headers, 'x-limit'),
        link: result.headers.get('link'),
        timestamp: result.timestamp,
      };
    };
    return crawl(fetchPage, withQuery(call.url, query), {
      validator: crawlOptions.validator,
      convert: crawlOptions.convert,
      onInvalid: crawlOptions.onInvalid,
      maxPages: crawlOptions.maxPages,
      onPage: crawlOptions.onPage,
    });
  }

  function forPartner(partner: Partner): PartnerClient {
    if (partner.outboundToken === undefined) throw new Error(`Partner ${partner.id} (${partner.status}) has no credentials token to call it with`);
    const token: PartnerToken = partner.outboundToken;
    const encoding = partner.tokenEncoding;
    // The typed calls take and answer the canonical model (2.3.0) and speak the partner's version.
    const edge = versionEdge(isOcpiVersion(partner.version) ? partner.version : CANONICAL_VERSION);

    /** A canonical object in the partner's version; 2001 (OcpiError) when the version cannot express it. */
    async function outgoing(type: string, value: unknown): Promise<unknown> {
      if (edge.version === CANONICAL_VERSION) return value;
      const [converted] = await toVersion([value], { edge, type, store: options.store, losses, partnerId: partner.id }, true);
      return converted;
    }

    // What converting the partner's objects needs where its version does not say (2.1.1 names no owner
    // and no role): the owner is the partner's own party, our party our first.
    const theirs = partner.roles[0];
    const context: ConversionContext = { owner: theirs && normalizeParty(theirs), ourParty: ourParties[0], partnerRole: theirs?.role };

    /** The partner's object as the canonical model, its losses reported. */
    function toCanonical<T>(type: string, value: unknown): ConversionResult<T> {
      const converted = edge.toCanonical<T>(type, value, { context });
      if (converted.losses.length > 0) {
        losses.record({ partnerId: partner.id, version: edge.version, objectType: type, direction: 'from-partner', losses: converted.losses });
      }
      return converted;
    }

    /** The partner's answer as the canonical model (as it came when it cannot be kept: the caller sees the partner's words). */
    function incoming<T>(type: string, value: unknown): T {
      if (edge.version === CANONICAL_VERSION || value === undefined || value === null) return value as T;
      const converted = toCanonical<T>(type, value);
      return converted.ok ? converted.value : (value as T);
    }

    /** A list item of a module as the canonical model; one the canonical model cannot keep is an invalid item, its losses the issues. */
    function listItemConverter<T>(moduleId: string): CrawlOptions<T>['convert'] {
      const type = LIST_OBJECT_TYPES[moduleId];
      if (edge.version === CANONICAL_VERSION || type === undefined) return undefined;
      return (item) => {
        const converted = toCanonical<T>(type, item);
        if (converted.ok) return { ok: true, value: converted.value };
        const issues = converted.losses.map((loss) => ({ path: loss.pointer, message: `cannot be kept from OCPI ${edge.version}: ${loss.reason}` }));
        return { ok: false, issues };
      };
    }

    function endpoint(moduleId: string, role: InterfaceRole): string {
      // The role of the credentials endpoint has no function (version_information_endpoint, Endpoint class).
      const found = partner.endpoints.find((e) => e.identifier === moduleId && (moduleId === 'credentials' || e.role === role));
      if (!found) {
        throw OcpiError.status(
          OcpiStatus.NO_MATCHING_ENDPOINTS,
          `Partner ${partner.id} has no ${moduleId} ${role} endpoint in OCPI ${partner.version ?? '(no version)'}`,
        );
      }
      return found.url;
    }

    const urlOf = (moduleId: string, role: InterfaceRole, path: readonly string[] = []) =>
      [endpoint(moduleId, role).replace(/\/+$/, ''), ...path.map(encodeURIComponent)].join('/');

    /** What the routing of a call follows from besides the caller's options: the object sent (`routeOutbound`). */
    interface Sent {
      owner?: PartyRef | undefined;
      destination?: PartyRef | undefined;
      list?: boolean;
    }
    const partyOf = (object: { country_code?: string; party_id?: string } | undefined): PartyRef | undefined =>
      object?.country_code && object.party_id ? { country_code: object.country_code, party_id: object.party_id } : undefined;

    // 2.1.1 has no routing headers (nor hubs); configuration modules carry none.
    const routingFor = (method: HttpMethod, moduleId: string, role: InterfaceRole, options: CallOptions, sent: Sent = {}) =>
      CONFIGURATION_MODULES.has(moduleId) || !edge.routingHeaders
        ? undefined
        : routeOutbound({
            module: { identifier: moduleId, role },
            method,
            ourParties,
            partnerRoles: partner.roles,
            ...sent,
            from: options.from,
            to: options.to,
            broadcast: options.broadcast,
          });

    async function call<T>(
      method: HttpMethod,
      moduleId: string,
      role: InterfaceRole,
      path: readonly string[],
      body: unknown,
      options: CallOptions = {},
      sent: Sent = {},
    ) {
      return request<T>({
        method,
        url: urlOf(moduleId, role, path),
        token,
        encoding,
        body,
        query: options.query,
        routing: routingFor(method, moduleId, role, options, sent),
        correlationId: options.correlationId,
        signal: options.signal,
      });
    }

    async function* paginatePartner<T>(moduleId: string, role: InterfaceRole, options: PaginateOptions = {}): AsyncGenerator<T> {
      const { query, correlationId, from, to, broadcast, signal, ...crawlOptions } = options;
      const quirks = partner.quirks ?? {};
      // A partner whose Sender refuses lists without date_from (quirk) gets one on every list, as Sessions do.
      const needsDateFrom = DATE_FROM_REQUIRED.has(moduleId) || quirks.dateFromRequired === true;
      if (role === 'SENDER' && needsDateFrom && !crawlOptions.dateFrom && query?.date_from === undefined) crawlOptions.dateFrom = new Date(0);
      // A partner that fails on large pages (quirk): ask for no more than it serves.
      if (quirks.maxPageSize !== undefined) crawlOptions.limit = Math.min(crawlOptions.limit ?? quirks.maxPageSize, quirks.maxPageSize);
      yield* paginate<T>(
        {
          url: urlOf(moduleId, role),
          token,
          encoding,
          query,
          routing: routingFor('GET', moduleId, role, { ...(from ? { from } : {}), ...(to ? { to } : {}), ...(broadcast ? { broadcast } : {}) }, { list: true }),
          correlationId,
          signal,
        },
        { ...crawlOptions, convert: listItemConverter<T>(moduleId) },
      );
    }

    async function* resync<T>(moduleId: string, options: ResyncOptions): AsyncGenerator<T> {
      const { store, since, role = 'SENDER', overlapMs = 60_000, onPage, ...rest } = options;
      const dateFrom = since ?? (await readSyncWatermark(store, partner.id, moduleId, role));
      const startedAt = Date.now();
      let partnerClock: number | undefined;
      yield* paginatePartner<T>(moduleId, role, {
        ...rest,
        ...(dateFrom ? { dateFrom } : {}),
        onPage(page) {
          if (partnerClock === undefined && page.timestamp !== undefined) partnerClock = parseOcpiDateTime(page.timestamp);
          onPage?.(page);
        },
      });
      // Reached only when every page was read: the next pull starts where this one started,
      // on the partner's clock (its first envelope timestamp), minus a margin. A partner whose clock
      // is off (quirk clockSkewSeconds) stamps objects off too: the margin grows by that much.
      const skewMs = (partner.quirks?.clockSkewSeconds ?? 0) * 1000;
      await writeSyncWatermark(store, partner.id, moduleId, role, new Date((partnerClock ?? startedAt + skewMs) - overlapMs - Math.abs(skewMs)));
    }

    /** PUT of a client-owned object at `/{country_code}/{party_id}/{id}`: from its owner, to the party it is for (`destination`) or the partner's receiving party. */
    const pushOwned = (
      moduleId: string,
      object: { country_code: string; party_id: string },
      id: string,
      body: unknown,
      options: CallOptions = {},
      destination?: PartyRef,
    ) => call<unknown>('PUT', moduleId, 'RECEIVER', [object.country_code, object.party_id, id], body, options, { owner: partyOf(object), destination });

    /** A command to the partner's Commands Receiver, in its version; its CommandResponse as the canonical one. */
    async function postCommand(command: CommandType, body: unknown, callOptions: CallOptions): Promise<CommandResponse> {
      // START_SESSION and RESERVE_NOW carry the eMSP's Token: its owner is the requesting party.
      const owner = partyOf((body as { token?: { country_code?: string; party_id?: string } }).token);
      const sent = await call<unknown>('POST', 'commands', 'RECEIVER', [command], await outgoing(COMMAND_BODY_TYPES[command], body), callOptions, { owner });
      return incoming<CommandResponse>('CommandResponse', sent.data);
    }

    async function sendCommand<C extends CommandType>(command: C, body: CommandRequest<C>, options: SendCommandOptions = {}): Promise<SentCommand> {
      const { results, ...callOptions } = options;
      if (body.response_url !== undefined) return { response: await postCommand(command, body, callOptions), result: undefined };
      if (!results) throw new TypeError('sendCommand needs a response_url in the body, or options.results to make one');
      const reservation = body as Partial<ReserveNow & CancelReservation>;
      const expiresAt = command === 'RESERVE_NOW' && reservation.expiry_date ? parseOcpiDateTime(reservation.expiry_date) : undefined;
      // The result comes in the partner's version: its response_url is on our endpoint of that version where we serve one.
      const served = results.node.moduleUrl(edge.version, 'commands', 'SENDER') !== undefined;
      const pending = results.receiver.expect({
        node: results.node,
        command,
        partnerId: partner.id,
        ...(served ? { version: edge.version } : {}),
        ...(results.timeoutMs === undefined ? {} : { timeoutMs: results.timeoutMs }),
        ...(results.onResult ? { onResult: results.onResult } : {}),
        ...(expiresAt === undefined ? {} : { expiresAt: new Date(expiresAt) }),
        ...(reservation.reservation_id === undefined ? {} : { reservationId: reservation.reservation_id }),
      });
      try {
        await pending.registered;
        const response = await postCommand(command, { ...body, response_url: pending.responseUrl }, callOptions);
        // mod_commands: the CommandResult only follows an ACCEPTED CommandResponse.
        if (response?.result !== 'ACCEPTED') {
          pending.cancel();
          return { response, result: undefined };
        }
        return { response, result: pending.result, ended: pending.ended };
      } catch (error) {
        pending.cancel();
        throw error;
      }
    }

    return {
      partner,
      endpoint,
      get: (moduleId, role, path = [], options) => call('GET', moduleId, role, path, undefined, options),
      delete: (moduleId, role, path = [], options) => call('DELETE', moduleId, role, path, undefined, options),
      post: (moduleId, role, path, body, options) => call('POST', moduleId, role, path, body, options),
      put: (moduleId, role, path, body, options) => call('PUT', moduleId, role, path, body, options),
      patch: (moduleId, role, path, body, options) => call('PATCH', moduleId, role, path, body, options),
      paginate: paginatePartner,
      resync,
      pushLocation: async (location, options) => pushOwned('locations', location, location.id, await outgoing('Location', location), options),
      pushSession: async (session, options) =>
        pushOwned('sessions', session, session.id, await outgoing('Session', session), options, partyOf(session.cdr_token)),
      pushTariff: async (tariff, options) => pushOwned('tariffs', tariff, tariff.id, await outgoing('Tariff', tariff), options),
      pushToken: async (token, options = {}) =>
        pushOwned('tokens', token, token.uid, await outgoing('Token', token), {
          ...options,
          query: { type: token.type, ...Object.fromEntries(queryString(options.query)) },
        }),
      async authorizeToken(token, location, options = {}) {
        const query = { type: token.type, ...Object.fromEntries(queryString(options.query)) };
        const body = location === undefined ? undefined : await outgoing('LocationReferences', location);
        const result = await call<unknown>('POST', 'tokens', 'SENDER', [token.uid, 'authorize'], body, { ...options, query }, { destination: partyOf(token) });
        return { ...result, data: incoming<AuthorizationInfo>('AuthorizationInfo', result.data) };
      },
      async postCdr(cdr, options = {}) {
        const result = await call<unknown>('POST', 'cdrs', 'RECEIVER', [], await outgoing('CDR', cdr), options, {
          owner: partyOf(cdr),
          destination: partyOf(cdr.cdr_token),
        });
        return { location: result.headers.get('location') ?? undefined, result };
      },
      sendCommand,
      postTerminal: (terminal, options) => call('POST', 'payments', 'RECEIVER', ['terminals'], terminal, options),
      postFinancialAdviceConfirmation: (confirmation, options) =>
        call('POST', 'payments', 'RECEIVER', ['financial-advice-confirmations'], confirmation, options),
      activateTerminal: (activation, options) => call<Terminal | undefined>('POST', 'payments', 'SENDER', ['terminals', 'activate'], activation, options),
      updateTerminal: (terminal, options) => call('PUT', 'payments', 'SENDER', ['terminals', terminal.terminal_id], terminal, options),
      patchTerminal: (terminalId, patch, options) => call('PATCH', 'payments', 'SENDER', ['terminals', terminalId], patch, options),
      deactivateTerminal: (terminalId, options) => call('POST', 'payments', 'SENDER', ['terminals', terminalId, 'deactivate'], undefined, options),
      requestBooking: (request, options) => call<Booking>('POST', 'bookings', 'SENDER', [], request, options, { owner: partyOf(request) }),
      pushBookingLocation: (location, options = {}) =>
        call('PUT', 'bookings', 'RECEIVER', [location.country_code, location.party_id, 'booking_locations', location.id], location, options, {
          owner: partyOf(location),
        }),
      pushBooking: (booking, options) => pushOwned('bookings', booking, booking.id, booking, options),
    };
  }

  return { request, paginate, forPartner };
}

/** The message of a fetch failure with its cause (undici puts the network error there). */
function describeFailure(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as { cause?: unknown }).cause;
  const code = (cause as { code?: unknown } | undefined)?.code;
  return cause instanceof Error ? `${error.message} (${typeof code === 'string' ? `${code}: ` : ''}${cause.message})` : error.message;
}
