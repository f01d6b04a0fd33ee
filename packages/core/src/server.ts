import type { TSchema } from '@sinclair/typebox';
import type { AuditLog } from './audit.js';
import { hashToken, type PresentedToken, readAuthorizationHeader } from './auth/tokens.js';
import { readBody } from './body.js';
import type { ConversionContext } from './edges/convert.js';
import { CANONICAL_VERSION, isOcpiVersion, OCPI_VERSIONS, type VersionEdge, versionEdge } from './edges/edge.js';
import { EncodingCache, type EncodingCacheOptions, pageInVersion, toVersion } from './edges/encodings.js';
import { counterpartRole, facesPartner211, modulePath, ourPartyFacing } from './edges/layout.js';
import { createLossRecorder, type LossRecorder } from './edges/losses.js';
import { type EnvelopeFields, envelopeBody, ocpiTimestamp } from './envelope.js';
import { OcpiError, OcpiStatus } from './errors.js';
import { createEventBus, type OcpiEvent, type OcpiEventBus } from './events.js';
import type { OcpiRequest, OcpiResponse } from './http.js';
import { RateLimiter, type RateLimitOptions, rateLimited } from './limits.js';
import type {
  Caller,
  EventInput,
  HttpMethod,
  InterfaceRole,
  MountedInterface,
  NodeInfo,
  NodeLimits,
  OcpiModule,
  RequestContext,
  RouteAuth,
  RouteDefinition,
} from './module.js';
import { type PaginationOptions, paginationHeaders, parsePagination } from './pagination.js';
import { actsFor, type HubServes, notActedFor } from './partners/hub.js';
import type { CredentialsRole, Partner, Role } from './partners/partner.js';
import { defaultPartnerPolicy, type PartnerPolicy } from './partners/policy.js';
import { type RoutingHeaders, readRoutingHeaders, routeRequest, routingHeaderValues } from './routing-headers.js';
import { assertStorableBody, assertStorableParams } from './storable.js';
import { normalizeParty } from './store/keys.js';
import { observeStore } from './store/observed.js';
import type { OcpiStore, PartyRef } from './store/types.js';
import { acceptBody, ToleranceCounters } from './tolerances.js';
import { createAutoValidatorFactory } from './validation/precompiled.js';
import type { Validator, ValidatorFactory } from './validation/validator.js';
import { compareVersions } from './versions.js';

export interface OcpiServerOptions {
  /** Public URL of the OCPI root, e.g. `https://cpo.example.com/ocpi`. Links and endpoint URLs are built on it. */
  baseUrl: string;
  /** The path prefix requests arrive on; default the path of `baseUrl` (differs behind a rewriting proxy). */
  mountPath?: string;
  /** The roles this platform plays, with their country code, party id and business details. */
  parties: readonly CredentialsRole[];
  store: OcpiStore;
  /**
   * The module interfaces, written once against the canonical model: `[credentialsModule(),
   * locationsSender(...), ...]`. Each is mounted in every served version that has it (2.1.1 has no
   * Charging Profiles or Hub Client Info, only 2.3.0 has Payments and Bookings; a custom module is
   * mounted in every version unless its `versions` say otherwise).
   */
  modules: readonly OcpiModule[];
  /** The OCPI versions served; default every version ocpi-ts has: 2.3.0, 2.2.1 and 2.1.1. */
  versions?: readonly string[];
  /** Where the log lines go (a conversion's losses, once per partner, object type and field); default `console.warn`. */
  log?: (line: string) => void;
  /** The loss report to share with a client of ours (`createOcpiClient({ losses })`); default one of the server's own over `events` and `log`. */
  losses?: LossRecorder;
  /** Bounds of the encodings of stored objects in other versions the server keeps (default 20,000 and 64 MiB). */
  encodings?: EncodingCacheOptions;
  pagination?: Partial<PaginationOptions>;
  /** Largest request body accepted, in bytes (default 1 MiB); larger gets HTTP 413. */
  bodyLimit?: number;
  /**
   * How long a request body may take to arrive, in ms (default 30 s); slower gets HTTP 408 and the
   * connection is closed. Whatever the framework's own timeouts (Fastify has none by default), a
   * slowly trickled body holds a request no longer than this.
   */
  bodyTimeoutMs?: number;
  /**
   * Bounds on what partners make the node keep; a write beyond them gets 2001 saying which. Defaults:
   * objects up to `bodyLimit` bytes (what one request may carry), 5,000 charging periods per Session,
   * 100 endpoints and 100 roles per partner.
   */
  limits?: Partial<NodeLimits>;
  /**
   * Compiles body schemas. Default `createAutoValidatorFactory()`: the validators precompiled at build time
   * for the OCPI schemas, ajv for other schemas where the runtime allows code generation.
   */
  validators?: ValidatorFactory;
  /** Requests per second per partner and per client address, answered with HTTP 429 beyond. Off by default. */
  rateLimits?: RateLimitOptions;
  /** Counts authentication failures into the audit log (`createAuditLog`). */
  audit?: AuditLog;
  /** Where events go (objects written, partners registered, commands, failed callbacks). Default a new bus. */
  events?: OcpiEventBus;
  /** Called with every unexpected error (a handler that threw): for logs and metrics. */
  onError?: (error: unknown, request: OcpiRequest) => void;
  /**
   * Which roles a partner may hold, decided before a registration or credentials update is saved, on
   * either side of the handshake. Default `defaultPartnerPolicy()`: no partner becomes a HUB.
   */
  partnerPolicy?: PartnerPolicy;
  /**
   * The parties a hub partner serves besides those it pushed ClientInfo of (`hubServesParty`): a hub
   * acts for those only (OCPI-from, client-owned URLs, CDRs).
   */
  hubServes?: HubServes;
}

export interface OcpiServer {
  /** Answers one request. Never rejects: every failure becomes an OCPI envelope. */
  handle(request: OcpiRequest): Promise<OcpiResponse>;
  readonly node: NodeInfo;
  readonly bodyLimit: number;
  /** What partners sent that was tolerated, counted per partner and kind (`partner.tolerated` events carry the details). */
  readonly tolerances: ToleranceCounters;
  /** The module interfaces mounted in a served version (none for another), as routed: what `openApi(server, version)` describes. */
  mounted(version: string): readonly MountedInterface[];
}

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);
const METHODS = new Set<string>(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']);

interface MountedModule {
  version: string;
  edge: VersionEdge;
  module: OcpiModule;
  /** The module's routes that exist in this version. */
  routes: readonly RouteDefinition[];
  segments: string[];
  /** Its public URL: the configured base URL, the version and the module's path. */
  url: string;
}

/** What converting a request body needs: whose it is, and the context of the conversion. */
interface ConversionInput {
  partnerId: string | undefined;
  origin: { requestId: string; correlationId: string };
  context: ConversionContext;
}

type Target =
  | { kind: 'versions' }
  | { kind: 'version-details'; version: string }
  | { kind: 'route'; mounted: MountedModule; route: RouteDefinition; params: Record<string, string>; rest: string[] }
  | { kind: 'method-not-allowed'; allowed: string[]; message: string; auth: RouteAuth }
  /** `auth` undefined: a path no module serves, answered 404 before authentication, whatever the token. */
  | { kind: 'not-found'; message: string; auth: RouteAuth | undefined };

function firstHeader(value: string | readonly string[] | undefined): string | undefined {
  return typeof value === 'string' ? value : value?.[0];
}

/**
 * A request or correlation id to echo: as sent when it is 1 to 255 printable ASCII characters, else a
 * new one. Bytes beyond ASCII reach each framework differently (latin-1 or UTF-8) and would be echoed
 * differently; an id that is only echoed back is better replaced than mangled.
 */
function echoedId(value: string | readonly string[] | undefined): string {
  const id = firstHeader(value)?.trim();
  return id && /^[\x20-\x7e]{1,255}$/.test(id) ? id : crypto.randomUUID();
}

type RequestHeaders = OcpiRequest['headers'];

/**
 * The headers with lower-case names, whatever the caller handed over: Node lower-cases them, a
 * hand-built request or another runtime may not (RFC 9110: field names are case-insensitive). The one
 * place the core looks at names as given; everything after reads lower-case names.
 */
function lowerCaseHeaders(headers: RequestHeaders): RequestHeaders {
  let lowerCased = true;
  for (const name in headers) {
    if (name !== name.toLowerCase()) {
      lowerCased = false;
      break;
    }
  }
  if (lowerCased) return headers;
  const names = Object.keys(headers);
  const lower: Record<string, string | readonly string[] | undefined> = {};
  for (const name of names) {
    const key = name.toLowerCase();
    if (lower[key] === undefined) lower[key] = headers[name];
  }
  return lower;
}

/** Whether `segments` begins with `prefix`. */
function startsWith(segments: readonly string[], prefix: readonly string[]): boolean {
  if (segments.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (segments[i] !== prefix[i]) return false;
  return true;
}

function matchPath(pattern: readonly string[], segments: readonly string[]): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  if (segments.length > pattern.length) return undefined;
  for (let i = 0; i < pattern.length; i++) {
    const part = pattern[i] as string;
    const segment = segments[i];
    const optional = part.endsWith('?');
    if (segment === undefined) {
      if (optional) continue;
      return undefined;
    }
    if (part.startsWith(':')) params[part.slice(1, optional ? -1 : undefined)] = segment;
    else if (part !== segment) return undefined;
  }
  return params;
}

/** Whether a route exists in a version: the object types it takes and answers are in that version. */
function routeExists(route: RouteDefinition, edge: VersionEdge): boolean {
  if (route.body?.type !== undefined && !edge.schemaOf(route.body.type, route.body.patch ?? false)) return false;
  return typeof route.gives !== 'string' || edge.schemaOf(route.gives) !== undefined;
}

/** The edge of the version a request is for, once known: its status codes are the answer's. */
interface Answering {
  edge?: VersionEdge | undefined;
}

/** A status code the requested version does not have becomes its generic one (2.1.1 has no 2004). */
const statusIn = (answering: Answering, code: number): number => answering.edge?.statusCode(code) ?? code;

/** What every RequestContext has in common, on its prototype: building a context per request creates no closure. */
const CONTEXT_METHODS: Pick<RequestContext, 'partner' | 'param'> = {
  get partner(): Partner {
    const { caller } = this as unknown as RequestContext;
    if (caller.kind !== 'partner') throw OcpiError.unauthorized('This endpoint needs a registered partner');
    return caller.partner;
  },
  param(this: RequestContext, name: string): string {
    const value = this.params[name];
    if (value === undefined) throw OcpiError.invalid(`Path parameter ${name} is missing`);
    return value;
  },
};

export function createOcpiServer(options: OcpiServerOptions): OcpiServer {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const mountPath = (options.mountPath ?? new URL(baseUrl).pathname).replace(/\/+$/, '');
  const mountSegments = mountPath.split('/').filter(Boolean);
  const paginationOptions: PaginationOptions = { defaultLimit: 50, maxLimit: 100, ...options.pagination };
  const bodyLimit = options.bodyLimit ?? 1024 * 1024;
  const bodyTimeoutMs = options.bodyTimeoutMs ?? 30_000;
  const validators = options.validators ?? createAutoValidatorFactory();
  const validatorCache = new WeakMap<object, Validator<unknown>>();
  const store = options.store;
  const partnerLimiter = options.rateLimits?.perPartner ? new RateLimiter(options.rateLimits.perPartner) : undefined;
  const addressLimiter = options.rateLimits?.perAddress ? new RateLimiter(options.rateLimits.perAddress) : undefined;
  const ourParties = options.parties.map((p) => ({ ...p, ...normalizeParty(p) }));
  const tolerances = new ToleranceCounters();

  const versions = [...(options.versions ?? OCPI_VERSIONS)].sort(compareVersions).reverse();
  for (const version of versions) if (!isOcpiVersion(version)) throw new Error(`OCPI ${version} is not a version ocpi-ts serves (${OCPI_VERSIONS.join(', ')})`);
  const mounted = new Map<string, MountedModule[]>();
  for (const version of versions) {
    const edge = versionEdge(version);
    const list: MountedModule[] = [];
    for (const module of options.modules) {
      if (module.versions ? !module.versions.includes(version) : !edge.hasModule(module.identifier)) continue;
      const routes = module.routes.filter((route) => routeExists(route, edge));
      if (routes.length === 0) continue;
      const path = modulePath(module, version);
      if (list.some((m) => m.segments.join('/') === path)) throw new Error(`Two modules of OCPI ${version} are mounted at '${path}'`);
      const segments = path.split('/').filter(Boolean);
      list.push({ version, edge, module, routes, segments, url: `${baseUrl}/${version}/${segments.map(encodeURIComponent).join('/')}` });
    }
    // Longest path first, so `sender/locations` wins over a custom module mounted at `sender`.
    list.sort((a, b) => b.segments.length - a.segments.length);
    mounted.set(version, list);
  }
  const events = options.events ?? createEventBus();
  const losses = options.losses ?? createLossRecorder({ events, ...(options.log ? { log: options.log } : {}) });
  const encodings = new EncodingCache(options.encodings);
  /** The role our side plays towards 2.1.1 partners that have not said theirs: our first party's. */
  const ourFirstRole: Role | undefined = ourParties[0]?.role;

  const versionUrl = (version: string) => `${baseUrl}/${version}`;

  const node: NodeInfo = {
    baseUrl,
    parties: ourParties,
    store,
    versions,
    versionsUrl: `${baseUrl}/versions`,
    events,
    losses,
    moduleUrl(version, identifier, role) {
      const found = mounted.get(version)?.find((m) => m.module.identifier === identifier && m.module.role === role);
      return found?.url;
    },
    endpoints(version, partnerRole) {
      const edge = isOcpiVersion(version) ? versionEdge(version) : undefined;
      const facing = partnerRole ?? counterpartRole(ourFirstRole);
      return (mounted.get(version) ?? [])
        .filter((m) => edge?.endpointRoles !== false || facesPartner211(m.module, facing as Role))
        .sort((a, b) => options.modules.indexOf(a.module) - options.modules.indexOf(b.module))
        .map((m) => ({
          identifier: m.module.identifier,
          // For credentials the role has no function; the spec advises SENDER (version_information_endpoint).
          role: m.module.identifier === 'credentials' ? ('SENDER' as InterfaceRole) : m.module.role,
          url: m.url,
        }));
    },
    validator: (schema) => validatorFor(schema) as never,
    partnerPolicy: options.partnerPolicy ?? defaultPartnerPolicy(),
    limits: { objectBytes: bodyLimit, chargingPeriods: 5000, partnerEndpoints: 100, partnerRoles: 100, ...options.limits },
    actsFor: (partner, party) => actsFor(store, partner, party, options.hubServes),
  };

  // No module here: 404 naming the path, before any token is looked at.
  const noModule = (message: string): Target => ({ kind: 'not-found', message, auth: undefined });

  /** The mounted module a path below the version is in: the first (longest) whose segments start it. */
  function moduleAt(modules: readonly MountedModule[], rest: readonly string[]): MountedModule | undefined {
    for (const m of modules) if (startsWith(rest, m.segments)) return m;
    return undefined;
  }

  function resolve(method: string, segments: string[], rawPath: string): Target {
    if (segments.length === 1 && segments[0] === 'versions') {
      return method === 'GET'
        ? { kind: 'versions' }
        : { kind: 'method-not-allowed', allowed: ['GET'], message: 'The versions endpoint only supports GET', auth: 'partner-or-registration' };
    }
    const [version, ...rest] = segments;
    if (version === undefined) return noModule(`No OCPI endpoint at '${rawPath}'; the versions endpoint is ${node.versionsUrl}`);
    const modules = mounted.get(version);
    if (!modules) return noModule(`Unknown OCPI version '${version}'; this platform supports ${versions.join(', ')}`);
    if (rest.length === 0) {
      return method === 'GET'
        ? { kind: 'version-details', version }
        : { kind: 'method-not-allowed', allowed: ['GET'], message: 'The version details endpoint only supports GET', auth: 'partner-or-registration' };
    }
    const found = moduleAt(modules, rest);
    if (!found) return noModule(`No module at '${rest.join('/')}' in OCPI ${version}; its endpoints are listed at ${versionUrl(version)}`);
    const below = rest.slice(found.segments.length);
    // The route of the method, or every route of the path (to say which methods it allows).
    const methods = new Set<string>();
    for (const route of found.routes) {
      const params = matchPath(route.path, below);
      if (!params) continue;
      if (route.method === method) return { kind: 'route', mounted: found, route, params, rest: below };
      methods.add(route.method);
    }
    const moduleAuth = found.routes[0]?.auth ?? 'partner';
    if (methods.size === 0) return { kind: 'not-found', message: `No ${found.module.identifier} endpoint at '${below.join('/')}'`, auth: moduleAuth };
    const allowed = [...methods];
    return {
      kind: 'method-not-allowed',
      allowed,
      message: `Method ${method} is not supported here by the ${found.module.identifier} ${found.module.role} interface; allowed: ${allowed.join(', ')}`,
      auth: moduleAuth,
    };
  }

  // The readings of an Authorization header and their SHA-256 are a pure function of it, and Web Crypto's
  // digest (async, off the thread) costs more than the rest of serving a page: recent headers keep theirs
  // (per server, bounded). Partners and registration tokens are still looked up on every request.
  const hashedHeaders = new Map<string, Promise<(PresentedToken & { hash: string })[]>>();
  function hashedReadings(authorization: string): Promise<(PresentedToken & { hash: string })[]> {
    let hashed = hashedHeaders.get(authorization);
    if (!hashed) {
      if (hashedHeaders.size >= 1024) hashedHeaders.clear();
      hashed = Promise.all(readAuthorizationHeader(authorization).map(async (reading) => ({ ...reading, hash: await hashToken(reading.token) })));
      hashedHeaders.set(authorization, hashed);
    }
    return hashed;
  }

  /**
   * `edge`: the version requested. A partner sends its token as its version says (raw in 2.1.1, Base64
   * from 2.2 on) or as it always did (`tokenEncoding`): a 2.1.1 partner moving to 2.2.1 sends Base64 on
   * the 2.2.1 credentials endpoint and version details. The versions endpoint, which has no version, takes the partner's own.
   */
  async function authenticate(authorization: string | undefined, auth: RouteAuth, edge: VersionEdge | undefined): Promise<Caller> {
    const readings = authorization ? await hashedReadings(authorization) : [];
    if (readings.length === 0) {
      throw OcpiError.unauthorized(authorization ? 'Authorization header must be "Token <base64 credentials token>"' : 'Authorization header is missing');
    }
    // The store finds a token by its hash (in a form of its own: a SQL store keys it, see SecretsAtRest).
    for (const reading of readings) {
      const partner = await store.partners.findByTokenHash(reading.hash);
      if (!partner) continue;
      if (partner.tokenEncoding !== reading.encoding && edge?.tokenEncoding !== reading.encoding) continue;
      if (partner.status === 'SUSPENDED') throw OcpiError.unauthorized('This partner is suspended');
      if (partner.status === 'UNREGISTERED') continue;
      // A handshake we started, or roles held for the operator: only our versions and credentials meanwhile.
      if (partner.status === 'PENDING' && auth !== 'partner-or-registration')
        throw OcpiError.unauthorized('The registration with this partner is not complete yet');
      if (partner.status === 'AWAITING_APPROVAL' && auth !== 'partner-or-registration')
        throw OcpiError.unauthorized("Your registration waits for the approval of this platform's operator");
      return { kind: 'partner', partner, encoding: reading.encoding, token: reading.token };
    }
    for (const reading of readings) {
      const registrationToken = await store.registrationTokens.findByHash(reading.hash);
      if (!registrationToken) continue;
      if (registrationToken.revokedAt || registrationToken.usedAt) continue;
      if (registrationToken.expiresAt && Date.parse(registrationToken.expiresAt) <= Date.now()) continue;
      // transport_and_format, "Authorization header": token A on any other module gets 401.
      if (auth !== 'partner-or-registration') throw OcpiError.unauthorized('A registration token is only accepted on the versions and credentials endpoints');
      return { kind: 'registration', registrationToken, token: reading.token, encoding: reading.encoding };
    }
    throw OcpiError.unauthorized('Unknown credentials token');
  }

  function validatorFor(schema: object): Validator<unknown> {
    let validator = validatorCache.get(schema);
    if (!validator) {
      validator = validators.compile(schema as never) as Validator<unknown>;
      validatorCache.set(schema, validator);
    }
    return validator;
  }

  /** The schema a body is validated against in a version: its object type's there, or the module's own. */
  function bodySchema(body: NonNullable<RouteDefinition['body']>, edge: VersionEdge): TSchema {
    if (body.schema) return body.schema;
    const schema = edge.schemaOf(body.type, body.patch ?? false);
    if (!schema) throw new Error(`OCPI ${edge.version} has no ${body.type}${body.patch ? ' PATCH' : ''}`);
    return schema;
  }

  /**
   * The body: parsed, validated against the version's schema, and converted to the canonical model
   * (what the version cannot say is left as the canonical model's defaults, reported as losses; what
   * the canonical model cannot keep is refused with 2001 naming it).
   */
  async function readJsonBody(
    request: OcpiRequest,
    route: RouteDefinition,
    edge: VersionEdge,
    convert: () => ConversionInput,
    caller: Caller,
    record: (event: EventInput) => void,
  ): Promise<unknown> {
    if (!BODY_METHODS.has(route.method)) return undefined;
    const read = await readBody(request.body, bodyLimit, bodyTimeoutMs);
    if (read.ok || read.reason !== 'timeout') bodiesRead.add(request);
    if (!read.ok) {
      if (read.reason === 'too_large') throw new OcpiError(`Request body is larger than ${bodyLimit} bytes`, { reason: 'payload_too_large' });
      if (read.reason === 'timeout') {
        throw new OcpiError(`Request body did not arrive within ${bodyTimeoutMs} ms`, { reason: 'request_timeout' });
      }
      throw new OcpiError('Request body is not valid UTF-8', { reason: 'bad_request' });
    }
    const name = route.body?.name ?? route.body?.type ?? 'object';
    if (read.text.trim() === '') {
      // status_codes: "When a message does not contain a valid JSON string, the HTTP error 400 - Bad
      // request MUST be returned"; an empty body is no JSON at all.
      if (route.body && route.body.required !== false) throw new OcpiError(`Request body is required: a ${name}`, { reason: 'bad_request' });
      return undefined;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(read.text);
    } catch {
      // The parser's own message differs between engines (V8, JavaScriptCore): the answer must not.
      throw new OcpiError('Request body is not valid JSON', { reason: 'bad_request' });
    }
    if (!route.body) {
      assertStorableBody(read.text, parsed, name);
      return parsed;
    }
    // One step accepts what partners send: DateTimes normalised, validated, unknown open-enum values
    // reported (issue 17); then the version's object is converted to the canonical model.
    const schema = bodySchema(route.body, edge);
    const quirks = caller.kind === 'partner' ? caller.partner.quirks : undefined;
    for (const event of acceptBody({ schema, name, body: parsed, validator: validatorFor(schema), quirks })) record(event);
    assertStorableBody(read.text, parsed, name);
    if (route.body.type === undefined) return parsed;
    const input = convert();
    const converted = edge.toCanonical(route.body.type, parsed, { patch: route.body.patch ?? false, context: input.context });
    if (converted.losses.length > 0) {
      losses.record(
        { partnerId: input.partnerId, version: edge.version, objectType: route.body.type, direction: 'from-partner', losses: converted.losses },
        input.origin,
      );
    }
    if (!converted.ok) {
      const fields = converted.losses.map((loss) => `${loss.pointer || '/'}: ${loss.reason}`).join('; ');
      throw OcpiError.invalid(`Invalid ${name}: it cannot be kept as OCPI ${edge.version} gives it (${fields})`);
    }
    return converted.value;
  }

  async function checkOwner(caller: Caller, params: Record<string, string>): Promise<PartyRef> {
    const country_code = params.country_code ?? '';
    const party_id = params.party_id ?? '';
    const owner = normalizeParty({ country_code, party_id });
    // transport_and_format, "Client Owned Object Push", Errors: a URL with another party's
    // country_code/party_id may be answered with 404, so other parties' objects stay invisible.
    // A hub pushes for the parties it serves (transport_and_format, "Broadcast Push": the URL keeps the original party).
    if (caller.kind !== 'partner' || !(await node.actsFor(caller.partner, owner))) {
      throw OcpiError.notFound(notActedFor(owner, caller.kind === 'partner' ? caller.partner.roles : []));
    }
    return owner;
  }

  /**
   * What converting a partner's object to the canonical model needs beyond the object (2.1.1 names no
   * owner and no role): the owner in the URL or the partner's own party, our party facing it, its role.
   */
  function conversionContext(partnerRoles: readonly CredentialsRole[], owner: PartyRef | undefined, addressed: PartyRef | undefined): ConversionContext {
    const theirs = partnerRoles[0];
    const partnerRole = theirs?.role ?? counterpartRole(ourFirstRole);
    return {
      owner: owner ?? (theirs && normalizeParty(theirs)),
      ourParty: ourPartyFacing(ourParties, partnerRole, addressed),
      partnerRole,
    };
  }

  async function dispatch(
    request: OcpiRequest,
    ids: { requestId: string; correlationId: string },
    headers: Record<string, string>,
    events: OcpiEvent[],
    answering: Answering,
  ) {
    const questionMark = request.url.indexOf('?');
    const rawPath = questionMark === -1 ? request.url : request.url.slice(0, questionMark);
    const query = new URLSearchParams(questionMark === -1 ? '' : request.url.slice(questionMark + 1));
    let segments: string[];
    try {
      segments = rawPath.split('/').filter(Boolean);
      // Most paths hold no escape: decoding each segment is then a copy.
      if (rawPath.includes('%')) segments = segments.map(decodeURIComponent);
    } catch {
      throw new OcpiError(`Path '${rawPath}' is not valid percent-encoding`, { reason: 'bad_request' });
    }
    const method = request.method.toUpperCase();
    const underMount = startsWith(segments, mountSegments);
    const target: Target = underMount
      ? METHODS.has(method)
        ? resolve(method, segments.slice(mountSegments.length), rawPath)
        : { kind: 'method-not-allowed', allowed: [...METHODS], message: `Method ${method} is not used by OCPI`, auth: 'partner' }
      : { kind: 'not-found', message: `No OCPI endpoint at '${rawPath}'; the versions endpoint is ${node.versionsUrl}`, auth: undefined };

    if (addressLimiter && request.remoteAddress) {
      const taken = addressLimiter.take(request.remoteAddress);
      if (!taken.ok) throw rateLimited(taken.retryAfterSeconds, `address ${request.remoteAddress}`);
    }
    if (target.kind === 'not-found' && target.auth === undefined) throw OcpiError.notFound(target.message);
    const auth: RouteAuth =
      target.kind === 'versions' || target.kind === 'version-details'
        ? 'partner-or-registration'
        : target.kind === 'route'
          ? (target.route.auth ?? 'partner')
          : (target.auth ?? 'partner');
    const edge =
      target.kind === 'route'
        ? target.mounted.edge
        : target.kind === 'version-details' && isOcpiVersion(target.version)
          ? versionEdge(target.version)
          : undefined;
    answering.edge = edge;
    // Version details have a version: a 2.1.1 partner moving to 2.2.1 reads ours with its token in Base64.
    let caller: Caller;
    try {
      caller = await authenticate(firstHeader(request.headers.authorization), auth, edge);
    } catch (error) {
      if (error instanceof OcpiError && error.reason === 'unauthorized') options.audit?.authFailure(request.remoteAddress, error.message);
      throw error;
    }
    if (partnerLimiter && caller.kind === 'partner') {
      const taken = partnerLimiter.take(caller.partner.id);
      if (!taken.ok) throw rateLimited(taken.retryAfterSeconds, 'this partner');
    }

    if (target.kind === 'not-found') throw OcpiError.notFound(target.message);
    if (target.kind === 'method-not-allowed') throw OcpiError.methodNotAllowed(target.message, target.allowed);
    if (target.kind === 'versions') {
      return { data: versions.map((version) => ({ version, url: versionUrl(version) })) };
    }
    if (target.kind === 'version-details') {
      const partnerRole = caller.kind === 'partner' ? caller.partner.roles[0]?.role : undefined;
      const endpoints = node.endpoints(target.version, partnerRole);
      // 2.1.1 endpoints have no role (version_information_endpoint 2.1.1, Endpoint class).
      const listed = edge?.endpointRoles === false ? endpoints.map(({ identifier, url }) => ({ identifier, url })) : endpoints;
      return { data: { version: target.version, endpoints: listed } };
    }

    const { mounted: found, route, params } = target;
    const partnerId = caller.kind === 'partner' ? caller.partner.id : undefined;
    const partnerRoles = caller.kind === 'partner' ? caller.partner.roles : [];
    const origin = { partnerId, requestId: ids.requestId, correlationId: ids.correlationId };
    const record = (event: EventInput) => {
      events.push({ ...origin, ...event } as OcpiEvent);
    };
    // Configuration modules carry no routing headers; 2.1.1 has none at all.
    const functional = !found.module.configuration && found.edge.routingHeaders;
    let routing: RoutingHeaders = { from: undefined, to: undefined };
    if (functional) {
      const received = readRoutingHeaders(request.headers);
      const fromAllowed = received.from !== undefined && caller.kind === 'partner' && (await node.actsFor(caller.partner, received.from));
      const routed = routeRequest({
        // A hub's module routes by OCPI-to itself: only OCPI-from is checked here.
        routing: found.module.relays ? { from: received.from, to: undefined } : received,
        ourParties,
        callerRoles: caller.kind === 'partner' ? caller.partner.roles : undefined,
        fromAllowed,
        module: found.module,
      });
      Object.assign(headers, routingHeaderValues(routed.answer));
      if (routed.refusal) throw routed.refusal;
      if (routed.tolerated) record(routed.tolerated);
      routing = found.module.relays ? { from: routed.routing.from, to: received.to } : routed.routing;
    }
    assertStorableParams(params);
    const owner = route.clientOwned ? await checkOwner(caller, params) : undefined;
    const pagination = route.paginated ? parsePagination(query, paginationOptions) : undefined;
    const body = BODY_METHODS.has(route.method)
      ? await readJsonBody(
          request,
          route,
          found.edge,
          () => ({ partnerId, origin: ids, context: conversionContext(partnerRoles, owner, routing.to) }),
          caller,
          record,
        )
      : undefined;

    // Per-request view of the node, only when someone listens: shared config is never written.
    const requestNode: NodeInfo = node.events.active ? { ...node, store: observeStore(store, record) } : node;
    const context: RequestContext = Object.assign(Object.create(CONTEXT_METHODS) as RequestContext, {
      request,
      method: method as HttpMethod,
      version: found.version,
      edge: found.edge,
      module: found.module,
      params,
      query,
      body,
      caller,
      owner,
      pagination,
      requestId: ids.requestId,
      correlationId: ids.correlationId,
      routing,
      node: requestNode,
      emit: record,
    });
    const result = await route.handle(context);
    const items = Array.isArray(result.data) ? result.data : [];
    const returned = items.length;
    const gives = typeof route.gives === 'function' ? route.gives(context) : route.gives;
    if (gives !== undefined && result.data !== undefined && result.data !== null) {
      const converting = { edge: found.edge, type: gives, store, losses, partnerId, origin: ids, cache: encodings };
      // A page the store keeps (the same frozen array until its module changes) is encoded once.
      const page = Array.isArray(result.data) ? await pageInVersion(result.data, converting) : undefined;
      if (page) result.data = page;
      else if (found.edge.version !== CANONICAL_VERSION) {
        result.data = Array.isArray(result.data) ? await toVersion(result.data, converting) : (await toVersion([result.data], converting, true))[0];
      }
    }
    if (pagination) {
      Object.assign(
        headers,
        paginationHeaders({
          publicUrl: target.rest.length === 0 ? found.url : `${found.url}${target.rest.map((s) => `/${encodeURIComponent(s)}`).join('')}`,
          query,
          pagination,
          // Objects the version cannot express are left out of the page, not of the list: the next page starts after them.
          returned,
          total: result.total ?? returned,
        }),
      );
    }
    return result;
  }

  /** Requests whose body the core read to its end (or past its limit, dropping the rest). */
  const bodiesRead = new WeakSet<OcpiRequest>();

  function respond(request: OcpiRequest, status: number, headers: Record<string, string>, fields: EnvelopeFields): OcpiResponse {
    // A body answered before it was read (no token, a refusal, a timeout) would keep the connection
    // busy while it trickles in: the connection closes with the answer.
    const unread =
      !bodiesRead.has(request) && (Number(firstHeader(request.headers['content-length']) ?? 0) > 0 || request.headers['transfer-encoding'] !== undefined);
    return { status, headers: unread ? { ...headers, connection: 'close' } : headers, body: envelopeBody(fields) };
  }

  async function handle(given: OcpiRequest): Promise<OcpiResponse> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    const timestamp = ocpiTimestamp();
    const lowerCased = lowerCaseHeaders(given.headers);
    const request = lowerCased === given.headers ? given : { ...given, headers: lowerCased };
    try {
      const requestId = echoedId(request.headers['x-request-id']);
      const correlationId = echoedId(request.headers['x-correlation-id']);
      headers['x-request-id'] = requestId;
      headers['x-correlation-id'] = correlationId;
      const events: OcpiEvent[] = [];
      const answering: Answering = {};
      try {
        const result = await dispatch(request, { requestId, correlationId }, headers, events, answering);
        Object.assign(headers, result.headers);
        return respond(request, result.httpStatus ?? 200, headers, {
          data: result.data,
          statusCode: statusIn(answering, result.statusCode ?? OcpiStatus.SUCCESS),
          statusMessage: result.statusMessage ?? 'Success',
          timestamp,
        });
      } catch (error) {
        if (error instanceof OcpiError) {
          Object.assign(headers, error.headers);
          return respond(request, error.httpStatus, headers, {
            data: error.data,
            statusCode: statusIn(answering, error.statusCode),
            statusMessage: error.message,
            timestamp,
          });
        }
        options.onError?.(error, request);
        return respond(request, 500, headers, {
          statusCode: OcpiStatus.SERVER_ERROR,
          statusMessage: `Internal server error (X-Request-ID ${requestId})`,
          timestamp,
        });
      } finally {
        // The answer is decided: what the request changed is emitted now, delivered in later tasks.
        for (const event of events) {
          if (event.type === 'partner.tolerated') tolerances.record(event);
          node.events.emit(event);
        }
      }
    } catch {
      // Only a failing onError hook gets here.
      return respond(request, 500, headers, { statusCode: OcpiStatus.SERVER_ERROR, statusMessage: 'Internal server error', timestamp });
    }
  }

  // Body schemas are compiled now: one that cannot be compiled here (not precompiled, on a runtime that
  // refuses code generation) stops the server at start-up with an error naming it, not a request later.
  for (const list of mounted.values()) {
    for (const { edge, routes } of list) for (const route of routes) if (route.body) validatorFor(bodySchema(route.body, edge));
  }

  const mountedInterfaces = (version: string): MountedInterface[] =>
    (mounted.get(version) ?? [])
      .map(({ module, routes, segments }) => ({ module, routes, path: segments.join('/') }))
      .sort((a, b) => options.modules.indexOf(a.module) - options.modules.indexOf(b.module));

  return { handle, node, bodyLimit, tolerances, mounted: mountedInterfaces };
}
