// The hub: an OCPI node whose functional modules route instead of store (transport_and_format,
// "Message Routing"). Each module interface it mounts forwards a request to the party its `OCPI-to`
// names and relays the answer; `OCPI-to` set to the hub itself is a Broadcast Push (or, for a GET on
// a Sender interface, a GET All over the connected parties); without `OCPI-to` the hub finds the
// receiver in the object (Open Routing Request). What the hub keeps (ClientInfo, relayed callback
// URLs, the broadcasts owed, which party owns which Token, Location, Session and Terminal) lives in the store,
// so several hub nodes can share one database.
import { formatOcpiDateTime } from '../date-time.js';
import { CANONICAL_VERSION, versionEdge } from '../edges/edge.js';
import { OcpiError, OcpiStatus } from '../errors.js';
import type { OcpiEventBus } from '../events.js';
import type { HandlerResult, HttpMethod, InterfaceRole, NodeInfo, OcpiModule, RequestContext, RouteDefinition } from '../module.js';
import { assertValid, audienceOf, STORE_MODULES } from '../modules/common.js';
import { type HubClientInfoSenderHandler, hubClientInfoReceiver, hubClientInfoSender } from '../modules/hub-client-info.js';
import { createGuardedFetch, type OutboundPolicy } from '../outbound.js';
import type { Outbox, OutboxDelivery } from '../outbox.js';
import { parsePagination } from '../pagination.js';
import { holdsParty, isHub } from '../partners/hub.js';
import type { CredentialsRole, Partner } from '../partners/partner.js';
import type { RoutingHeaders } from '../routing-headers.js';
import type { ClientInfo, ConnectionStatus } from '../schemas/v2.2.1/index.js';
import { normalizeParty, partyString, sameParty } from '../store/keys.js';
import type { ObjectKey, OcpiStore, PartyRef, StoredObject } from '../store/types.js';
import { endpointOf, findReceiver, type Receiver, receivesBroadcastFrom, setClientStatus } from './connections.js';
import { createForwarder, type Forwarded } from './forward.js';
import { type GetAllSource, getAllPage } from './get-all.js';
import { HUB_MODULES, type SweepOptions, type SweepResult, sweepHubRecords } from './sweep.js';

export { HUB_MODULES };

/** The functional modules the hub routes (2.2.1 and 2.3.0; 2.1.1 has no routing headers). */
export const HUB_ROUTED_MODULES = ['locations', 'sessions', 'cdrs', 'tariffs', 'tokens', 'commands', 'chargingprofiles', 'payments', 'bookings'] as const;
/** Modules that exist from 2.3.0 on (mod_payments; 2.3.0-bookings mod_bookings). */
const ONLY_230 = new Set(['payments', 'bookings']);
/** Receiver URLs that start with the owner's `/{country_code}/{party_id}` (transport_and_format, "Client Owned Object Push"; mod_bookings Receiver). */
const CLIENT_OWNED = new Set(['locations', 'sessions', 'tariffs', 'tokens', 'bookings']);
/** The lists below a Sender interface, besides its own URL, that a GET All via the hub may ask for. */
const LIST_PATHS: Readonly<Record<string, readonly string[]>> = {
  payments: ['terminals', 'financial-advice-confirmations'],
  bookings: ['booking_locations'],
};
/**
 * Data meant for every party, with the object a broadcast carries by URL depth below
 * {country_code}/{party_id} (id, EVSE uid, connector id); Sessions and CDRs are one party's, never
 * broadcast (transport_and_format, "Broadcast Push").
 */
const BROADCAST_OBJECTS: Record<string, readonly string[]> = { locations: ['Location', 'EVSE', 'Connector'], tariffs: ['Tariff'], tokens: ['Token'] };
const BROADCASTABLE = new Set(Object.keys(BROADCAST_OBJECTS));
const PUSH_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const METHODS: readonly HttpMethod[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];
/** Up to six path segments below a module URL: every OCPI URL layout fits. */
const SEGMENTS = ['s0', 's1', 's2', 's3', 's4', 's5'] as const;
const RESULTS_PATH = 'hub-results';
/** How long a callback record stays once its result went on. */
const RESULT_KEPT_MS = 10 * 60_000;

export interface HubOptions {
  /** The outbound HTTP, used as it is; default `globalThis.fetch` behind `outbound`. */
  fetch?: typeof fetch;
  /** What the parties' URLs may reach (default: no loopback or private addresses). */
  outbound?: OutboundPolicy;
  /** How long a forwarded request may take before the hub answers 4002 (default 30 s). */
  timeoutMs?: number;
  /** Default Hub Client Info Sender and Receiver (the hub's list, and other hubs' pushes); false leaves them out. */
  clientInfo?: boolean;
  /** How many parties a GET All via the hub asks at once (default 8), each within `timeoutMs`. */
  getAllConcurrency?: number;
  /**
   * The periodic sweep of the hub's records that are done or expired (sweep.ts), started by `attach`:
   * every `intervalMs` (default 10 minutes); false: none (call `hub.sweep()` yourself).
   */
  sweep?: (SweepOptions & { intervalMs?: number }) | false;
}

export interface Hub {
  /** The routing modules, for `createOcpiServer({ modules: [credentialsModule(), ...hub.modules] })`. */
  modules: OcpiModule[];
  /** What the hub's outbox delivers: broadcasts and ClientInfo (anything else goes to `fallback`). */
  deliver(fallback?: OutboxDelivery): OutboxDelivery;
  /**
   * Connects the hub to its node and outbox: ClientInfo follows partners' registrations, and every
   * change of it is pushed to the connected parties. Call once the server is created.
   */
  attach(node: NodeInfo, outbox: Outbox): () => void;
  /** Removes the hub's records that are done or expired now (what the periodic sweep does); answers how many of each. */
  sweep(): Promise<SweepResult>;
}

interface Broadcast {
  /** The partners it is queued for: done once none of them is owed it any more. */
  receivers: string[];
  version: string;
  identifier: string;
  method: string;
  path: string[];
  query: string;
  body?: string;
  from: PartyRef;
  correlationId: string;
  last_updated: string;
}

interface Callback {
  responseUrl: string;
  /** The partner that sent the request, to whom the result goes. */
  senderPartnerId: string;
  /** The partner the request was forwarded to: the only one that may post the result. */
  receiverPartnerId: string;
  routing: { from: PartyRef; to: PartyRef };
  last_updated: string;
}

interface RouteRecord {
  party: PartyRef;
  /** For a Session: the eMSP of its token. */
  emsp?: PartyRef;
  last_updated: string;
}

const hubPartyOf = (node: NodeInfo): CredentialsRole => node.parties.find((p) => p.role === 'HUB') ?? (node.parties[0] as CredentialsRole);
const named = (party: PartyRef) => `${party.country_code}*${party.party_id}`;
const hubStatus = (code: number, message: string) => new OcpiError(message, { statusCode: code });

function partyIn(value: unknown): PartyRef | undefined {
  const o = value as { country_code?: unknown; party_id?: unknown } | undefined;
  return typeof o?.country_code === 'string' && typeof o.party_id === 'string' ? normalizeParty(o as PartyRef) : undefined;
}

export function createHub(options: HubOptions = {}): Hub {
  const forwarder = createForwarder({ fetch: options.fetch ?? createGuardedFetch(options.outbound), timeoutMs: options.timeoutMs ?? 30_000 });
  let attached: { node: NodeInfo; outbox: Outbox } | undefined;
  const outboxOf = () => {
    if (!attached) throw new Error('The hub is not attached to its node (hub.attach(server.node, outbox))');
    return attached.outbox;
  };

  // --- ClientInfo -----------------------------------------------------------------------------

  /** Sets a partner's parties to a status, and queues each change for every connected party. */
  async function setStatus(store: OcpiStore, node: NodeInfo, partner: Partner, status: ConnectionStatus): Promise<void> {
    const hub = hubPartyOf(node);
    for (const role of partner.roles) {
      if (role.role === 'HUB') continue;
      const changed = await setClientStatus(store, hub, role, status);
      if (changed) await pushClientInfo(store, hub, changed, undefined);
    }
  }

  async function pushClientInfo(store: OcpiStore, owner: PartyRef, info: ClientInfo, except: string | undefined) {
    const key: ObjectKey = { module: 'hubclientinfo', owner: normalizeParty(owner), id: partyString(info) };
    for (const partner of await store.partners.list()) {
      if (partner.status !== 'REGISTERED' || partner.id === except || !endpointOf(partner, 'hubclientinfo', 'RECEIVER')) continue;
      await outboxOf().enqueue(partner, key);
    }
  }

  /** A forwarded request failed for want of the party (4002, 4003): it is OFFLINE until it answers again. */
  async function noteOutcome(context: RequestContext, receiver: Partner, error: unknown) {
    const failed = error instanceof OcpiError && (error.statusCode === OcpiStatus.HUB_TIMEOUT || error.statusCode === OcpiStatus.HUB_CONNECTION_PROBLEM);
    if (receiver.status === 'REGISTERED') await setStatus(context.node.store, context.node, receiver, failed ? 'OFFLINE' : 'CONNECTED');
  }

  // --- forwarding -------------------------------------------------------------------------------

  /** Forwards to a receiver, noting whether it answered; the answer's routing headers per "Party to Party via Hub". */
  async function forwardTo(context: RequestContext, receiver: Receiver, url: string, body: string | undefined, routing: RoutingHeaders): Promise<Forwarded> {
    try {
      const forwarded = await forwarder.forward({
        partner: receiver.partner,
        method: context.method,
        url,
        body,
        routing,
        correlationId: context.correlationId,
      });
      await noteOutcome(context, receiver.partner, undefined);
      return forwarded;
    } catch (error) {
      await noteOutcome(context, receiver.partner, error);
      throw error;
    }
  }

  /** The receiving party's answer as the hub's: its status, body and paging, with its URLs turned into the hub's. */
  function relayed(forwarded: Forwarded, partnerUrl: string, hubUrl: string, answer: RoutingHeaders): HandlerResult {
    const headers: Record<string, string> = {};
    const rewrite = (url: string) => (url.startsWith(partnerUrl) ? hubUrl + url.slice(partnerUrl.length) : undefined);
    for (const name of ['x-total-count', 'x-limit']) {
      const value = forwarded.headers.get(name);
      if (value !== null) headers[name] = value;
    }
    const link = forwarded.headers.get('link')?.match(/<([^>]*)>\s*;\s*rel="?next"?/);
    const next = link?.[1] && rewrite(link[1]);
    if (next) headers.link = `<${next}>; rel="next"`;
    const location = forwarded.headers.get('location');
    const relayedLocation = location && rewrite(location);
    if (relayedLocation) headers.location = relayedLocation;
    if (answer.from) Object.assign(headers, { 'ocpi-from-country-code': answer.from.country_code, 'ocpi-from-party-id': answer.from.party_id });
    if (answer.to) Object.assign(headers, { 'ocpi-to-country-code': answer.to.country_code, 'ocpi-to-party-id': answer.to.party_id });
    const { envelope } = forwarded;
    return {
      data: envelope.data,
      httpStatus: forwarded.httpStatus,
      statusCode: envelope.status_code,
      statusMessage: typeof envelope.status_message === 'string' ? envelope.status_message : '',
      headers,
    };
  }

  const pathOf = (context: RequestContext): string[] => SEGMENTS.map((name) => context.params[name]).filter((s): s is string => s !== undefined);
  const urlBelow = (base: string, path: readonly string[], query: string) =>
    `${base}${path.map((s) => `/${encodeURIComponent(s)}`).join('')}${query ? `?${query}` : ''}`;

  /** The party the caller speaks for: `OCPI-from` (checked by the server), or its only party. */
  function requester(context: RequestContext): PartyRef {
    if (context.routing.from) return context.routing.from;
    const own = context.partner.roles.filter((r) => r.role !== 'HUB');
    if (own.length === 1) return normalizeParty(own[0] as PartyRef);
    throw OcpiError.invalid('OCPI-from-country-code/OCPI-from-party-id are required: the hub must know which of your parties sends this');
  }

  // --- Open Routing Requests --------------------------------------------------------------------

  const routeKey = (hub: PartyRef, kind: string, id: string): ObjectKey => ({ module: HUB_MODULES.routes, owner: normalizeParty(hub), id: `${kind}:${id}` });

  async function routeRecord(context: RequestContext, kind: string, id: unknown): Promise<RouteRecord | undefined> {
    if (typeof id !== 'string') return undefined;
    return (await context.node.store.objects.get<RouteRecord>(routeKey(hubPartyOf(context.node), kind, id)))?.data;
  }

  /**
   * The receiver named by the object itself (transport_and_format, "Open Routing Request"): a CDR or
   * Session goes to the eMSP of its token, a real-time authorization to the Token's owner, a command
   * to the owner of its Location or Session. Owners of Tokens, Locations and Sessions are the ones seen
   * going through the hub.
   */
  async function receiverInObject(context: RequestContext, path: readonly string[], body: Record<string, unknown> | undefined): Promise<PartyRef | undefined> {
    const { identifier, role } = context.module;
    const { method } = context;
    if (role === 'RECEIVER' && identifier === 'cdrs' && method === 'POST') return partyIn(body?.cdr_token);
    if (role === 'RECEIVER' && identifier === 'sessions' && (method === 'PUT' || method === 'PATCH')) {
      return partyIn(body?.cdr_token) ?? (await routeRecord(context, 'session', path[2]))?.emsp;
    }
    if (role === 'SENDER' && identifier === 'tokens' && method === 'POST' && path[1] === 'authorize')
      return (await routeRecord(context, 'token', path[0]))?.party;
    if (role === 'RECEIVER' && identifier === 'commands' && method === 'POST') {
      if (typeof body?.session_id === 'string') return (await routeRecord(context, 'session', body.session_id))?.party;
      return (await routeRecord(context, 'location', body?.location_id))?.party;
    }
    if (role === 'RECEIVER' && identifier === 'chargingprofiles') return (await routeRecord(context, 'session', path[0]))?.party;
    // mod_payments: a Terminal the PTP posts names its CPO (country_code/party_id, "an alternative to the
    // customer reference"); the CPO's updates of a Terminal go to the PTP that posted it through the hub.
    if (role === 'RECEIVER' && identifier === 'payments' && method === 'POST' && path[0] === 'terminals') return partyIn(body);
    if (role === 'SENDER' && identifier === 'payments' && method !== 'GET' && path[0] === 'terminals' && path[1] !== undefined && path[1] !== 'activate')
      return (await routeRecord(context, 'terminal', path[1]))?.party;
    // mod_bookings: a BookingRequest goes to the CPO of its Location; a Booking pushed to the eMSP of its token.
    if (role === 'SENDER' && identifier === 'bookings' && method === 'POST' && path.length === 0)
      return (await routeRecord(context, 'location', body?.location_id))?.party;
    if (role === 'RECEIVER' && identifier === 'bookings' && (method === 'PUT' || method === 'PATCH') && path.length === 3) {
      const tokens = body?.booking_tokens;
      return Array.isArray(tokens) ? partyIn(tokens[0]) : undefined;
    }
    return undefined;
  }

  /** Notes the owner of a Token, Location or Session pushed through the hub, and the PTP of a Terminal it posted to a CPO. */
  async function remember(context: RequestContext, path: readonly string[], body: Record<string, unknown> | undefined, from: PartyRef) {
    const { identifier, role } = context.module;
    const hub = hubPartyOf(context.node);
    const last_updated = formatOcpiDateTime();
    if (identifier === 'payments' && role === 'RECEIVER' && context.method === 'POST' && path[0] === 'terminals' && typeof body?.terminal_id === 'string') {
      await context.node.store.objects.put(routeKey(hub, 'terminal', body.terminal_id), { data: { party: from, last_updated } });
      return;
    }
    if (role !== 'RECEIVER' || context.method !== 'PUT' || path.length < 3) return;
    const kind = identifier === 'tokens' ? 'token' : identifier === 'locations' ? 'location' : identifier === 'sessions' ? 'session' : undefined;
    if (!kind || (kind === 'location' && path.length > 3)) return;
    const party = normalizeParty({ country_code: path[0] as string, party_id: path[1] as string });
    const emsp = kind === 'session' ? partyIn(body?.cdr_token) : undefined;
    const record: RouteRecord = { party, ...(emsp ? { emsp } : {}), last_updated };
    await context.node.store.objects.put(routeKey(hub, kind, path[2] as string), { data: record });
  }

  // --- the request handlers --------------------------------------------------------------------

  async function relay(context: RequestContext): Promise<HandlerResult> {
    const { node, module, method } = context;
    const hub = hubPartyOf(node);
    const from = requester(context);
    const path = pathOf(context);
    const query = context.query.toString();
    const body = context.body as Record<string, unknown> | undefined;
    // A party pushes and reads its own client-owned objects only: the URL names the sender.
    if (module.role === 'RECEIVER' && CLIENT_OWNED.has(module.identifier) && path.length >= 2) {
      const owner = normalizeParty({ country_code: path[0] as string, party_id: path[1] as string });
      if (!sameParty(owner, from)) throw OcpiError.notFound(`${owner.country_code}/${owner.party_id} is not the party sending this (OCPI-from ${named(from)})`);
    }
    // The object pushed is the sender's own (a CDR names its CPO in the body only; a BookingRequest its eMSP).
    const sendersOwn =
      (module.role === 'RECEIVER' && (CLIENT_OWNED.has(module.identifier) || module.identifier === 'cdrs')) ||
      (module.role === 'SENDER' && module.identifier === 'bookings' && method === 'POST');
    const owner = sendersOwn ? partyIn(body) : undefined;
    if (owner && !sameParty(owner, from)) {
      throw OcpiError.invalid(`The ${module.identifier} object belongs to ${named(owner)}, not to the party sending it (OCPI-from ${named(from)})`);
    }
    const addressed = context.routing.to;
    const toHub = addressed !== undefined && sameParty(addressed, hub);
    const list = path.length === 0 || (path.length === 1 && (LIST_PATHS[module.identifier] ?? []).includes(path[0] as string));
    if (toHub && method === 'GET' && module.role === 'SENDER' && list) return getAll(context, from, path);
    const to = addressed && !toHub ? addressed : await receiverInObject(context, path, body);
    if (!to) {
      if (PUSH_METHODS.has(method) && module.role === 'RECEIVER' && BROADCASTABLE.has(module.identifier)) return broadcast(context, from, path, query);
      if (toHub) {
        throw OcpiError.invalid(
          `A ${method} on the ${module.identifier} ${module.role} interface cannot be broadcast (transport_and_format, "Broadcast Push"); name its receiver in OCPI-to-country-code/OCPI-to-party-id`,
        );
      }
      throw hubStatus(
        OcpiStatus.HUB_UNKNOWN_RECEIVER,
        `The hub cannot tell the receiver of this ${module.identifier} request: set OCPI-to-country-code/OCPI-to-party-id`,
      );
    }
    const receiver = await findReceiver(node.store, to);
    if (!receiver) throw hubStatus(OcpiStatus.HUB_UNKNOWN_RECEIVER, `Unknown receiver: ${named(to)} is not connected to this hub`);
    const target = receiver.partner;
    if (target.status !== 'REGISTERED') {
      throw hubStatus(OcpiStatus.HUB_CONNECTION_PROBLEM, `${named(to)} is not connected to this hub (its registration is ${target.status.toLowerCase()})`);
    }
    if (target.version !== context.version) {
      throw hubStatus(
        OcpiStatus.HUB_ERROR,
        `${named(to)} speaks OCPI ${target.version ?? 'an unknown version'} with this hub, not ${context.version}: the hub relays objects unchanged, so both parties must use one version`,
      );
    }
    const endpoint = endpointOf(target, module.identifier, module.role);
    if (!endpoint) throw hubStatus(OcpiStatus.HUB_ERROR, `${named(to)} does not implement the ${module.identifier} ${module.role} interface`);
    const hubUrl = node.moduleUrl(context.version, module.identifier, module.role) as string;
    const forwardedBody = await withRelayedResponseUrl(context, body, target, { from, to });
    const forwardedQuery = await relayedQueryResponseUrl(context, target, { from, to });
    const forwarded = await forwardTo(context, receiver, urlBelow(endpoint, path, forwardedQuery ?? query), forwardedBody, { from, to });
    if (forwarded.envelope.status_code < 2000) await remember(context, path, body, from);
    return relayed(forwarded, endpoint, hubUrl, { from: to, to: from });
  }

  /**
   * A Broadcast Push is answered before any receiver sees it (the outbox delivers it later, and keeps a
   * receiver's refusal as final), so the hub checks the object itself: an invalid one is refused to its
   * sender with 2001 naming the fields, instead of being accepted and then refused by every receiver.
   */
  function assertBroadcastable(context: RequestContext, path: readonly string[]): void {
    const { module, method } = context;
    const type = BROADCAST_OBJECTS[module.identifier]?.[path.length - 3];
    if (!type) {
      throw OcpiError.invalid(
        `A broadcast ${method} goes to {country_code}/{party_id}/{id} of the ${module.identifier} Receiver${module.identifier === 'locations' ? ' (or an EVSE or Connector below it)' : ''}`,
      );
    }
    if (method === 'DELETE') return; // mod_tariffs "DELETE Method": no body
    const patch = method === 'PATCH';
    const name = `${type}${patch ? ' PATCH' : ''}`;
    if (context.body === undefined) throw OcpiError.invalid(`A broadcast ${method} carries a ${name}; the body is empty`);
    const schema = versionEdge(context.version).schemaOf(type, patch);
    if (schema) assertValid(context, schema, context.body, name);
  }

  /** A Broadcast Push: answered at once, delivered by the outbox to every receiver (later to one that is down). */
  async function broadcast(context: RequestContext, from: PartyRef, path: string[], query: string): Promise<HandlerResult> {
    assertBroadcastable(context, path);
    const { node, module } = context;
    const hub = hubPartyOf(node);
    const senderRole = context.partner.roles.find((r) => sameParty(r, from))?.role ?? (module.identifier === 'tokens' ? 'EMSP' : 'CPO');
    const receivers = (await node.store.partners.list()).filter(
      (partner) =>
        partner.status === 'REGISTERED' &&
        partner.id !== context.partner.id &&
        partner.version === context.version &&
        endpointOf(partner, module.identifier, 'RECEIVER') !== undefined &&
        partner.roles.some((r) => receivesBroadcastFrom(senderRole, r.role)),
    );
    const record: Broadcast = {
      receivers: receivers.map((partner) => partner.id),
      version: context.version,
      identifier: module.identifier,
      method: context.method,
      path,
      query,
      ...(context.body !== undefined ? { body: JSON.stringify(context.body) } : {}),
      from,
      correlationId: context.correlationId,
      last_updated: formatOcpiDateTime(),
    };
    const key: ObjectKey = { module: HUB_MODULES.broadcasts, owner: normalizeParty(hub), id: crypto.randomUUID() };
    await node.store.objects.put(key, { data: record });
    for (const partner of receivers) await outboxOf().enqueue(partner, key);
    await remember(context, path, context.body as Record<string, unknown> | undefined, from);
    const count = receivers.length;
    return { statusMessage: `Broadcast to ${count} connected ${count === 1 ? 'party' : 'parties'}` };
  }

  /** GET All via Hubs: one paginated list over the Sender interfaces of the connected parties, oldest party first (get-all.ts). */
  async function getAll(context: RequestContext, from: PartyRef, path: readonly string[]): Promise<HandlerResult> {
    const { node, module } = context;
    const pagination = parsePagination(context.query, { defaultLimit: 50, maxLimit: 100 });
    const sources: GetAllSource[] = [];
    const partners = (await node.store.partners.list()).sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
    for (const partner of partners) {
      const url = endpointOf(partner, module.identifier, 'SENDER');
      const party = partner.roles.find((r) => r.role !== 'HUB') ?? partner.roles[0];
      if (partner.status !== 'REGISTERED' || partner.id === context.partner.id || partner.version !== context.version || !url || !party) continue;
      sources.push({ partner, party: normalizeParty(party), url });
    }
    const page = await getAllPage({
      sources,
      query: context.query,
      pagination,
      concurrency: options.getAllConcurrency ?? 8,
      // Each party is asked on the requester's behalf (TO the party, FROM the requester): its own visibility rules apply.
      fetchPage: (source, query) =>
        forwardTo(context, { partner: source.partner, party: source.party }, urlBelow(source.url, path, query.toString()), undefined, {
          from,
          to: source.party,
        }),
    });
    const headers: Record<string, string> = { 'x-total-count': String(page.total), 'x-limit': String(pagination.limit) };
    if (page.next)
      headers.link = `<${urlBelow(node.moduleUrl(context.version, module.identifier, 'SENDER') as string, path, page.next.toString())}>; rel="next"`;
    const statusMessage =
      page.unavailable.length === 0
        ? undefined
        : `Not listed: ${page.unavailable.join('; ')}${page.next ? '; asked again on the next page, from where it was' : ''}`;
    return { data: page.items, headers, ...(statusMessage ? { statusMessage } : {}) };
  }

  // --- callbacks (response_url) ----------------------------------------------------------------

  async function callbackUrl(context: RequestContext, responseUrl: string, target: Partner, routing: { from: PartyRef; to: PartyRef }): Promise<string> {
    const { node } = context;
    const id = crypto.randomUUID();
    const record: Callback = {
      responseUrl,
      senderPartnerId: context.partner.id,
      receiverPartnerId: target.id,
      routing,
      // Kept a day: results of reservations come late.
      last_updated: formatOcpiDateTime(Date.now() + 86_400_000),
    };
    await node.store.objects.put({ module: HUB_MODULES.callbacks, owner: normalizeParty(hubPartyOf(node)), id }, { data: record });
    return `${node.moduleUrl(context.version, context.module.identifier, 'SENDER')}/${RESULTS_PATH}/${id}`;
  }

  /** The body forwarded: as received, with its `response_url` (Commands, Charging Profiles) replaced by the hub's. */
  async function withRelayedResponseUrl(
    context: RequestContext,
    body: Record<string, unknown> | undefined,
    target: Partner,
    routing: { from: PartyRef; to: PartyRef },
  ) {
    if (body === undefined) return undefined;
    if (typeof body.response_url !== 'string' || !hasSender(context)) return JSON.stringify(body);
    return JSON.stringify({ ...body, response_url: await callbackUrl(context, body.response_url, target, routing) });
  }

  /** A GET of Charging Profiles names its `response_url` in the query. */
  async function relayedQueryResponseUrl(context: RequestContext, target: Partner, routing: { from: PartyRef; to: PartyRef }) {
    const responseUrl = context.query.get('response_url');
    if (responseUrl === null || !hasSender(context)) return undefined;
    const query = new URLSearchParams(context.query);
    query.set('response_url', await callbackUrl(context, responseUrl, target, routing));
    return query.toString();
  }

  const hasSender = (context: RequestContext) => context.node.moduleUrl(context.version, context.module.identifier, 'SENDER') !== undefined;

  /**
   * The record of a hub `response_url`. Another hub node may have written it an instant ago: on a
   * shared database its announcement reaches this node's read model within milliseconds, so a miss
   * is looked at again for up to a second (a result can come back faster than that).
   */
  async function callbackRecord(store: OcpiStore, key: ObjectKey): Promise<Callback | undefined> {
    if (!/^[0-9a-f-]{36}$/i.test(key.id)) return undefined;
    for (let attempt = 0; ; attempt++) {
      const record = (await store.objects.get<Callback>(key))?.data;
      if (record || attempt === 20) return record;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** A result posted to a hub `response_url`: forwarded to the original one, only from the party the request went to. */
  async function relayResult(context: RequestContext): Promise<HandlerResult> {
    const { node } = context;
    const key = { module: HUB_MODULES.callbacks, owner: normalizeParty(hubPartyOf(node)), id: context.param('relay') };
    const record = await callbackRecord(node.store, key);
    if (!record || record.receiverPartnerId !== context.partner.id) throw OcpiError.notFound('No result is expected at this URL from you');
    const sender = await node.store.partners.get(record.senderPartnerId);
    if (sender?.status !== 'REGISTERED')
      throw hubStatus(OcpiStatus.HUB_CONNECTION_PROBLEM, 'The party that asked for this result is no longer connected to this hub');
    const receiver: Receiver = { partner: sender, party: record.routing.from };
    const routing = { from: record.routing.to, to: record.routing.from };
    const forwarded = await forwardTo(context, receiver, record.responseUrl, context.body === undefined ? undefined : JSON.stringify(context.body), routing);
    // Taken: the record is done. It stays a few minutes for a party that posts the same result again
    // (its answer got lost), then the sweep removes it.
    if (forwarded.envelope.status_code < 2000) {
      await node.store.objects.update<Callback>(key, (current) =>
        current ? { data: { ...current.data, last_updated: formatOcpiDateTime(Date.now() + RESULT_KEPT_MS) } } : undefined,
      );
    }
    return relayed(forwarded, record.responseUrl, record.responseUrl, { from: routing.to, to: routing.from });
  }

  // --- the modules -----------------------------------------------------------------------------

  const relayRoutes = (): RouteDefinition[] => METHODS.map((method) => ({ method, path: SEGMENTS.map((s) => `:${s}?`), openApi: false, handle: relay }));
  const modules: OcpiModule[] = [];
  for (const identifier of HUB_ROUTED_MODULES) {
    for (const role of ['SENDER', 'RECEIVER'] as InterfaceRole[]) {
      const results: RouteDefinition[] =
        role === 'SENDER' && (identifier === 'commands' || identifier === 'chargingprofiles')
          ? [{ method: 'POST', path: [RESULTS_PATH, ':relay'], openApi: false, handle: relayResult }]
          : [];
      const versions = ONLY_230.has(identifier) ? ['2.3.0'] : ['2.2.1', '2.3.0'];
      modules.push({ identifier, role, relays: true, versions, routes: [...results, ...relayRoutes()] });
    }
  }
  // The list a party pulls holds what the pushes tell it: the hub's own parties and those behind the
  // hubs connected to it (the ClientInfo they pushed, owned by them in the store).
  const everyClientInfo: HubClientInfoSenderHandler = {
    list: ({ context, dateFrom, dateTo, offset, limit }) =>
      context.node.store.objects.listJson({ module: STORE_MODULES.hubClientInfo, visibleTo: audienceOf(context), dateFrom, dateTo, offset, limit }),
  };
  if (options.clientInfo !== false) modules.push(hubClientInfoSender(everyClientInfo), hubClientInfoReceiver());

  // --- the outbox's deliveries -------------------------------------------------------------------

  /**
   * Whether the outbox tries a delivery again: a server error (3xxx), or HTTP 401. A party that just
   * registered with the hub has not stored the hub's answer yet when the first pushes reach it (the hub
   * queues them as it saves the registration), so it does not know the hub's token for a moment.
   */
  const triedAgain = (forwarded: Forwarded) => forwarded.envelope.status_code >= 3000 || forwarded.httpStatus === 401;

  async function deliverBroadcast(partner: Partner, object: StoredObject) {
    const record = object.data as Broadcast;
    const endpoint = endpointOf(partner, record.identifier, 'RECEIVER');
    const party = partner.roles.find((r) => r.role !== 'HUB') ?? partner.roles[0];
    if (!endpoint || !party || !attached) return;
    const hub = hubPartyOf(attached.node);
    // Broadcast request, hub to receiving platform: TO the receiving party, FROM the hub.
    const forwarded = await forwarder.forward({
      partner,
      method: record.method,
      url: urlBelow(endpoint, record.path, record.query),
      body: record.body,
      routing: { from: normalizeParty(hub), to: normalizeParty(party) },
      correlationId: record.correlationId,
    });
    // A refusal (2xxx) stays one; a server error (3xxx), or a 401, is tried again later.
    if (triedAgain(forwarded)) throw new Error(`${named(party)} answered ${forwarded.envelope.status_code}: ${forwarded.envelope.status_message ?? ''}`);
  }

  async function deliverClientInfo(partner: Partner, object: StoredObject, fallback: OutboxDelivery | undefined) {
    const info = object.data as ClientInfo;
    const endpoint = endpointOf(partner, 'hubclientinfo', 'RECEIVER');
    if (!endpoint) return fallback?.(partner, object);
    // Stored canonical (2.3.0); a 2.2.1 party gets its version's ClientInfo, and none of a role it has no
    // word for (a PTP): the loss is recorded, as for every object we send.
    const edge = versionEdge(partner.version ?? CANONICAL_VERSION);
    const converted = edge.fromCanonical<ClientInfo>('ClientInfo', info);
    if (converted.losses.length > 0 && attached) {
      const report = { partnerId: partner.id, version: edge.version, objectType: 'ClientInfo', direction: 'to-partner' as const, losses: converted.losses };
      attached.node.losses.record(report);
    }
    if (!converted.ok) return;
    const forwarded = await forwarder.forward({
      partner,
      method: 'PUT',
      url: urlBelow(endpoint, [info.country_code, info.party_id], ''),
      body: JSON.stringify(converted.value),
      // Hub Client Info is a configuration module: no routing headers.
      routing: { from: undefined, to: undefined },
      correlationId: crypto.randomUUID(),
    });
    if (triedAgain(forwarded)) throw new Error(`ClientInfo refused with ${forwarded.envelope.status_code}: ${forwarded.envelope.status_message ?? ''}`);
  }

  async function sweep(): Promise<SweepResult> {
    if (!attached) throw new Error('The hub is not attached to its node (hub.attach(server.node, outbox))');
    return sweepHubRecords(attached.node.store, hubPartyOf(attached.node), options.sweep || {});
  }

  return {
    modules,
    deliver(fallback) {
      return async (partner, object) => {
        if (object.key.module === HUB_MODULES.broadcasts) return deliverBroadcast(partner, object);
        if (object.key.module === 'hubclientinfo') return deliverClientInfo(partner, object, fallback);
        if (!fallback) throw new Error(`The hub delivers no ${object.key.module}`);
        return fallback(partner, object);
      };
    },
    attach(node, outbox) {
      attached = { node, outbox };
      const { store } = node;
      const events: OcpiEventBus = node.events;
      const hub = hubPartyOf(node);
      const offs = [
        events.on('partner.registered', async (event) => {
          const partner = await store.partners.get(event.partnerId);
          if (!partner) return;
          await setStatus(store, node, partner, 'CONNECTED');
          // The newcomer learns every party the hub connects.
          // The newcomer learns every party the hub connects, its own and those of the hubs connected to it.
          if (!endpointOf(partner, 'hubclientinfo', 'RECEIVER')) return;
          for (const info of (await store.objects.list<ClientInfo>({ module: 'hubclientinfo', offset: 0, limit: 10_000 })).items) {
            if (!holdsParty(partner, info.key.owner)) await outbox.enqueue(partner, info.key);
          }
        }),
        events.on('partner.updated', async (event) => {
          const partner = await store.partners.get(event.partnerId);
          if (partner?.status === 'REGISTERED') await setStatus(store, node, partner, 'CONNECTED');
        }),
        events.on('partner.unregistered', async (event) => {
          const partner = await store.partners.get(event.partnerId);
          if (partner) await setStatus(store, node, partner, 'SUSPENDED');
        }),
        // A party behind another hub connected to this one: its ClientInfo goes on to this hub's parties.
        events.on('object.created', (event) => relayClientInfo(event)),
        events.on('object.updated', (event) => relayClientInfo(event)),
      ];
      async function relayClientInfo(event: { module: string; owner: PartyRef; object?: unknown; partnerId: string | undefined }) {
        if (event.module !== 'hubclientinfo' || sameParty(event.owner, hub) || !event.object) return;
        const source = event.partnerId ? await store.partners.get(event.partnerId) : undefined;
        if (!source || !isHub(source.roles) || !holdsParty(source, event.owner)) return;
        await pushClientInfo(store, event.owner, event.object as ClientInfo, source.id);
      }
      const sweeping = options.sweep === false ? undefined : setInterval(() => void sweep().catch(() => undefined), options.sweep?.intervalMs ?? 600_000);
      (sweeping as { unref?: () => void } | undefined)?.unref?.();
      return () => {
        clearInterval(sweeping);
        for (const off of offs) off();
      };
    },
    sweep,
  };
}
