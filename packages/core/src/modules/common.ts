/**
 * Pieces every standard module shares: the handler-interface pattern, list requests and pages, the
 * store-backed defaults' helpers, the id and owner checks of client-owned pushes, and 201-vs-200.
 *
 * The pattern, per module and interface: a typed handler interface the operator implements (e.g.
 * `TokensSenderHandler`), a factory that binds it to the transport (`tokensSender(handler?)` returns an
 * `OcpiModule`), and a store-backed default (`storeTokensSender`) used when no handler is given. The
 * factory does the protocol work (URL parsing, id checks, 201/200, 404, pagination); a handler only
 * answers the business question. A handler method receives the decoded arguments and a
 * `HandlerRequest` (who is asking, and the full request context), and may return objects as `JsonText`
 * to skip serializing them again.
 */
import type { TSchema } from '@sinclair/typebox';
import type { JsonText } from '../envelope.js';
import { OcpiError } from '../errors.js';
import type { HandlerResult, RequestContext, RouteDefinition } from '../module.js';
import type { Partner } from '../partners/partner.js';
import { normalizeParty, parseOcpiDateTime, partyString } from '../store/keys.js';
import type { ObjectKey, OcpiStore, PartyRef, StoredObject, UpdateOutcome } from '../store/types.js';
import { formatIssues } from '../validation/ajv.js';

/** The `module` names under which the standard modules keep their objects in the store. */
export const STORE_MODULES = {
  locations: 'locations',
  sessions: 'sessions',
  /** Charging preferences accepted by the Sessions sender default, keyed like their Session. */
  chargingPreferences: 'charging_preferences',
  cdrs: 'cdrs',
  tariffs: 'tariffs',
  tokens: 'tokens',
  hubClientInfo: 'hubclientinfo',
  commands: 'commands',
  chargingProfiles: 'chargingprofiles',
  /** Payments (2.3.0): a PTP's Terminals, keyed by `terminal_id`. */
  terminals: 'terminals',
  /** Payments (2.3.0): a PTP's Financial Advice Confirmations. */
  financialAdviceConfirmations: 'financial_advice_confirmations',
  /** Bookings (2.3.0): a CPO's BookingLocations, their Calendars inside. */
  bookingLocations: 'booking_locations',
  /** Bookings (2.3.0): Bookings, owned by the CPO. */
  bookings: 'bookings',
} as const;

export type StoreModule = (typeof STORE_MODULES)[keyof typeof STORE_MODULES];

/**
 * What every handler method returns: the value, or a promise of it. One convention for every module's
 * handler interface, so a handler that needs no I/O stays synchronous and an `async` one fits as well.
 */
export type MaybePromise<T> = T | Promise<T>;

/** Who is asking, and the request as the core parsed it. Every handler method receives one. */
export interface HandlerRequest {
  /** The authenticated partner. */
  partner: Partner;
  context: RequestContext;
}

/** A request on a client-owned URL (`/{country_code}/{party_id}/...`) of a receiver interface. */
export interface OwnedRequest extends HandlerRequest {
  /** The owner from the URL, upper-cased; the core checked it is one of the caller's roles. */
  owner: PartyRef;
}

/** A paginated GET of a sender interface (transport_and_format, "Paginated Request"). */
export interface ListRequest extends HandlerRequest {
  offset: number;
  /** The effective limit, already capped by the server maximum. */
  limit: number;
  /** `last_updated >= dateFrom` */
  dateFrom: Date | undefined;
  /** `last_updated < dateTo` */
  dateTo: Date | undefined;
}

/** One page of a list: the objects (pre-serialized `JsonText` preferred) and how many match in all. */
export interface Page<T> {
  items: (T | JsonText)[];
  /** Every object matching the query, ignoring offset and limit (`X-Total-Count`). */
  total: number;
}

/** What a handler returns for one object: the object, its stored JSON, or undefined when unknown (404). */
export type Found<T> = T | JsonText | undefined;

/**
 * The result of a write: `created` answers HTTP 201, `updated`, `unchanged` and `outdated` HTTP 200
 * (status_codes.asciidoc: 201 when the object was newly created). `outdated`: older than the stored
 * object, acknowledged but not applied (see `isOutdated`).
 */
export type WriteResult = 'created' | 'updated' | 'unchanged' | 'outdated';

export function handlerRequest(context: RequestContext): HandlerRequest {
  return { partner: context.partner, context };
}

export function ownedRequest(context: RequestContext): OwnedRequest {
  if (!context.owner) throw new Error('ownedRequest() needs a clientOwned route');
  return { partner: context.partner, context, owner: context.owner };
}

export function listRequest(context: RequestContext): ListRequest {
  const page = context.pagination;
  if (!page) throw new Error('listRequest() needs a paginated route');
  return { partner: context.partner, context, offset: page.offset, limit: page.limit, dateFrom: page.dateFrom, dateTo: page.dateTo };
}

/** The result of a paginated route: the core adds `X-Total-Count`, `X-Limit` and `Link` from it. */
export const pageResult = <T>(page: Page<T>): HandlerResult => ({ data: page.items, total: page.total });

/** HTTP 201 for a created object, 200 otherwise. */
export const writeResult = (result: WriteResult, extra: Omit<HandlerResult, 'httpStatus'> = {}): HandlerResult =>
  result === 'created' ? { ...extra, httpStatus: 201 } : extra;

/** Maps a store update to a write result (an update that deleted or found nothing is a programming error). */
export function writeResultOf(outcome: UpdateOutcome<unknown>): WriteResult {
  if (outcome.kind === 'created' || outcome.kind === 'updated' || outcome.kind === 'unchanged') return outcome.kind;
  throw new Error(`Unexpected store outcome '${outcome.kind}' for a write`);
}

/** The data of a single-object GET, or HTTP 404 naming what is unknown. */
export function foundResult<T>(found: Found<T>, what: string): HandlerResult {
  if (found === undefined) throw OcpiError.notFound(`${what} is not known`);
  return { data: found };
}

/** JSON with object keys sorted, so equal objects compare equal whatever their key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** CiStrings compare case-insensitively (types.asciidoc, CiString). */
export const sameCiString = (a: string, b: string): boolean => a.toUpperCase() === b.toUpperCase();

/**
 * An id in the body must name the object of the URL: 2001 otherwise (transport_and_format,
 * "Client Owned Object Push", Errors). An absent id (a PATCH need not repeat it) passes.
 */
export function assertSameId(field: string, inUrl: string, inBody: unknown): void {
  if (inBody === undefined) return;
  if (typeof inBody !== 'string' || !sameCiString(inUrl, inBody)) {
    throw OcpiError.invalid(`${field} '${String(inBody)}' in the body differs from '${inUrl}' in the URL`);
  }
}

/**
 * `country_code`/`party_id` of a pushed object SHALL equal those of the URL (e.g. mod_locations,
 * "PUT Method", Request Parameters): 2001 otherwise. Absent fields (in a PATCH) pass.
 */
export function assertSameOwner(object: { country_code?: unknown; party_id?: unknown }, owner: PartyRef): void {
  assertSameId('country_code', owner.country_code, object.country_code);
  assertSameId('party_id', owner.party_id, object.party_id);
}

/** Checks a value against a schema with the node's validator: a 2001 error naming the fields, or undefined. */
export function validationError<S extends TSchema>(context: RequestContext, schema: S, value: unknown, name: string): OcpiError | undefined {
  const result = context.node.validator(schema).validate(value);
  return result.ok ? undefined : OcpiError.invalid(`Invalid ${name}: ${formatIssues(result.issues)}`, { errors: result.issues });
}

/** Like `validationError`, but throws the error. */
export function assertValid<S extends TSchema>(context: RequestContext, schema: S, value: unknown, name: string): void {
  const error = validationError(context, schema, value, name);
  if (error) throw error;
}

/** 2001 when an object a write would store is larger than the node keeps (`limits.objectBytes`). */
export function sizeError(context: RequestContext, object: unknown, name: string): OcpiError | undefined {
  const limit = context.node.limits.objectBytes;
  const json = JSON.stringify(object);
  const bytes = json.length * 3 <= limit ? json.length : new TextEncoder().encode(json).byteLength;
  if (bytes <= limit) return undefined;
  return OcpiError.invalid(`${name} would be ${bytes} bytes, more than the ${limit} bytes this platform keeps of one object; nothing was changed`);
}

/**
 * Ordered writes: whether a write stamped `received` (its `last_updated`) is older than what is
 * stored, stamped `stored`. Partners push over parallel connections, so a PUT or PATCH may arrive
 * after a newer one; applying it would leave the older state. Older is acknowledged but not applied;
 * equal or newer is applied. A missing or unreadable stamp is never older.
 */
export function isOutdated(received: unknown, stored: unknown): boolean {
  const at = (value: unknown) => (typeof value === 'string' ? parseOcpiDateTime(value) : undefined);
  const receivedAt = at(received);
  const storedAt = at(stored);
  return receivedAt !== undefined && storedAt !== undefined && receivedAt < storedAt;
}

/** Emits `object.outdated` for a write that was not applied (the reference node logs it; count per partner from `partnerId`). */
export function reportOutdated(context: RequestContext, key: ObjectKey, stamps: { received: string; stored: string; target?: string }): 'outdated' {
  context.emit({ type: 'object.outdated', module: key.module, owner: key.owner, id: key.id, ...stamps });
  return 'outdated';
}

/**
 * The store default of a receiver PUT: creates or replaces the object atomically, unless the stored
 * one is newer (`isOutdated`: acknowledged, not applied, reported).
 */
export async function putReceivedObject<T extends { last_updated: string }>(context: RequestContext, key: ObjectKey, object: T): Promise<WriteResult> {
  let stored: string | undefined;
  const outcome = await context.node.store.objects.update<T>(key, (current) => {
    // The stored object's own `lastUpdated` (an ISO instant kept beside it): no need to parse it.
    stored = current && isOutdated(object.last_updated, current.lastUpdated) ? current.lastUpdated : undefined;
    return stored === undefined ? { data: object } : undefined;
  });
  if (stored !== undefined) return reportOutdated(context, key, { received: object.last_updated, stored });
  return writeResultOf(outcome);
}

/**
 * The store default of a receiver PATCH: merges into the stored object atomically, checks the result
 * against the full schema (the PATCH schemas leave out cross-field rules) and the size limit, and
 * refuses an unknown object; nothing changes when any fails. A PATCH older than the stored object
 * (`received`, its `last_updated`) is acknowledged, not applied, and reported; one without
 * `last_updated` (a 2.3.0 Terminal PATCH need not carry it) is never outdated.
 */
export async function patchStoredObject<T>(
  context: RequestContext,
  key: ObjectKey,
  options: { schema: TSchema; name: string; received: string | undefined; merge: (current: T) => T; unknown: () => OcpiError },
): Promise<WriteResult> {
  let failure: OcpiError | undefined;
  let stored: string | undefined;
  const outcome = await context.node.store.objects.update<T>(key, (current) => {
    stored = undefined;
    if (!current) {
      failure = options.unknown();
      return undefined;
    }
    if (isOutdated(options.received, current.lastUpdated)) {
      stored = current.lastUpdated;
      failure = undefined;
      return undefined;
    }
    const next = options.merge(current.data);
    failure = sizeError(context, next, `${options.name} after PATCH`) ?? validationError(context, options.schema, next, `${options.name} after PATCH`);
    return failure ? undefined : { data: next };
  });
  if (failure) throw failure;
  if (stored !== undefined && options.received !== undefined) return reportOutdated(context, key, { received: options.received, stored });
  return writeResultOf(outcome);
}

/**
 * A write of an object nested in a stored parent (an EVSE in its Location, a Calendar in its
 * BookingLocation): the parent to store, an error, or `outdated`: older than the nested object stored
 * (`isOutdated`; `target` names it), acknowledged but not applied.
 */
export type NestedWrite<P> =
  | { ok: true; parent: P; created: boolean }
  | { ok: false; error: OcpiError }
  | { ok: false; outdated: { stored: string; target: string } };

/** The later of two OCPI DateTimes: a parent's `last_updated` only moves forward when a nested object changes. */
export const laterOf = (current: string, written: string): string => (isOutdated(current, written) ? written : current);

/**
 * Runs a nested write on the stored parent atomically: `unknown()` when there is no parent, nothing
 * changed when the write fails or is outdated; `created` when the nested object is new in its parent
 * (HTTP 201).
 */
export async function writeNestedObject<P>(
  store: OcpiStore,
  key: ObjectKey,
  change: (parent: P) => NestedWrite<P>,
  unknown: () => OcpiError,
  /**
   * A partner's write, stamped `received`: an older one than the nested object stored is reported
   * (`object.outdated`), and the parent may not grow past what the node keeps of one object (`sizeError`).
   */
  partnerWrite?: { context: RequestContext; name: string; received: string },
): Promise<WriteResult> {
  let result: NestedWrite<P> | undefined;
  const outcome = await store.objects.update<P>(key, (current) => {
    result = current ? change(current.data) : { ok: false, error: unknown() };
    if (!result.ok) return undefined;
    const tooLarge = partnerWrite && sizeError(partnerWrite.context, result.parent, partnerWrite.name);
    if (tooLarge) {
      result = { ok: false, error: tooLarge };
      return undefined;
    }
    return { data: result.parent };
  });
  // Set by the mutation, which the store ran (the last run decides when it ran twice).
  const last = result as NestedWrite<P> | undefined;
  if (last && !last.ok) {
    if ('error' in last) throw last.error;
    if (partnerWrite) reportOutdated(partnerWrite.context, key, { received: partnerWrite.received, ...last.outdated });
    return 'outdated';
  }
  const written = writeResultOf(outcome);
  return last?.created && written !== 'unchanged' ? 'created' : written === 'created' ? 'updated' : written;
}

/**
 * Applies a PATCH: the fields present replace the current ones, the others stay unchanged
 * (transport_and_format, "PATCH"). Module-specific rules (Session `charging_periods`) come on top.
 */
export function applyPatch<T extends object>(current: T, patch: object): T {
  return { ...current, ...patch } as T;
}

/** Replaces the item `matches` finds in a list of nested objects (EVSEs, Calendars), or adds it at the end. */
export function replaceOrAdd<T>(list: readonly T[], item: T, matches: (existing: T) => boolean): { list: T[]; created: boolean } {
  const index = list.findIndex(matches);
  if (index === -1) return { list: [...list, item], created: true };
  return { list: list.map((existing, i) => (i === index ? item : existing)), created: false };
}

/**
 * The parties on whose behalf the caller asks: its registered roles and the party named in
 * `OCPI-from-*` (transport_and_format, "Message Routing Headers"), which the server checked the caller
 * acts for (for a hub, a party it serves). Used as the store's `visibleTo`.
 */
export function audienceOf(context: RequestContext): PartyRef[] {
  const roles = context.partner.roles.map(normalizeParty);
  const from = context.routing.from;
  if (from && !roles.some((role) => partyString(role) === partyString(from))) roles.push(normalizeParty(from));
  return roles;
}

/** Whether a stored object may be shown to these parties (an empty audience means every partner). */
export function isVisibleTo(object: StoredObject<unknown>, parties: readonly PartyRef[]): boolean {
  if (object.audience.length === 0) return true;
  const wanted = new Set(parties.map(partyString));
  return object.audience.some((p) => wanted.has(partyString(p)));
}

/**
 * Serves one page of the operator's own objects: owned by one of the node's parties, visible to the
 * caller, oldest first, as stored JSON. The sender defaults are built on it.
 */
export async function listOwnObjects<T>(module: string, request: ListRequest): Promise<Page<T>> {
  const { context } = request;
  return context.node.store.objects.listJson({
    module,
    owners: context.node.parties,
    visibleTo: audienceOf(context),
    dateFrom: request.dateFrom,
    dateTo: request.dateTo,
    offset: request.offset,
    limit: request.limit,
  });
}

/** One of the operator's own objects by id, whichever of the node's parties owns it. */
export async function findOwnObject<T>(context: RequestContext, module: string, id: string): Promise<StoredObject<T> | undefined> {
  for (const party of context.node.parties) {
    const found = await context.node.store.objects.get<T>({ module, owner: party, id });
    if (found) return found;
  }
  return undefined;
}

/** One of the operator's own objects that the caller may read (`findOwnObject`, then its audience). */
export async function findVisibleOwnObject<T>(context: RequestContext, module: string, id: string): Promise<StoredObject<T> | undefined> {
  const found = await findOwnObject<T>(context, module, id);
  return found && isVisibleTo(found, audienceOf(context)) ? found : undefined;
}

/** The store id of a Token: uid and type together identify it (mod_tokens, Token Object). */
export const tokenStoreId = (uid: string, type: string): string => `${type}:${uid}`;

/** The store id of a ClientInfo: the party it describes. */
export const clientInfoStoreId = (party: PartyRef): string => partyString(party);

type Owned = { country_code: string; party_id: string };

/**
 * The id under which a standard module keeps an object: `id` (or `uid`), the type and uid of a Token,
 * the described party of a ClientInfo, a Terminal's `terminal_id`; undefined when the object has none.
 */
export function storeIdOf(module: string, object: unknown): string | undefined {
  const o = object as Record<string, unknown>;
  if (module === STORE_MODULES.tokens) return tokenStoreId(String(o.uid), String(o.type));
  if (module === STORE_MODULES.hubClientInfo) return clientInfoStoreId(o as Owned);
  const id = module === STORE_MODULES.terminals ? o.terminal_id : (o.id ?? o.uid);
  return typeof id === 'string' ? id : undefined;
}

const partyOf = (object: Partial<Owned> | undefined): PartyRef[] | undefined =>
  object?.country_code !== undefined && object.party_id !== undefined ? [normalizeParty(object as Owned)] : undefined;

/**
 * The parties allowed to read an object on a sender interface (`[]`: every partner), or undefined
 * when the object does not say and the caller must (`putOwnObject`'s `options.audience`):
 * - Sessions and CDRs: the eMSP of their token (mod_cdrs, Flow and Lifecycle: sent to the eMSP that pays).
 * - Terminals: the CPO of their `country_code`/`party_id`; a Terminal linked only by
 *   `customer_reference` does not say which CPO that is.
 * - Financial Advice Confirmations name no party: the CPO of the StartSession with their
 *   `authorization_reference` is known to the operator only.
 * - Bookings: the eMSP that requested them (their first BookingRequest).
 */
export function storeAudienceOf(module: string, object: unknown): PartyRef[] | undefined {
  switch (module) {
    case STORE_MODULES.sessions:
    case STORE_MODULES.cdrs:
      return partyOf((object as { cdr_token?: Owned }).cdr_token) ?? [];
    case STORE_MODULES.terminals:
      return partyOf(object as Partial<Owned>);
    case STORE_MODULES.financialAdviceConfirmations:
      return undefined;
    case STORE_MODULES.bookings:
      return partyOf((object as { booking_requests?: { booking_request?: Owned }[] }).booking_requests?.[0]?.booking_request);
    default:
      return [];
  }
}

export interface PutOwnObjectOptions {
  /** Overrides the id the module gives (see `storeIdOf`). */
  id?: string;
  /**
   * Overrides the audience the module gives (see `storeAudienceOf`); `[]` shows the object to every
   * partner. Required where the module cannot tell: Financial Advice Confirmations, and Terminals
   * without `country_code`/`party_id`.
   */
  audience?: PartyRef[];
}

/**
 * Puts (creates or replaces) one of the operator's own objects in the store, where the sender defaults
 * serve it from: `putOwnObject(store, STORE_MODULES.locations, cpo, location)`. The owner is normally
 * the object's own `country_code`/`party_id` (the Hub for ClientInfo) and must be one of the node's parties.
 */
export async function putOwnObject<T>(store: OcpiStore, module: string, owner: PartyRef, object: T, options: PutOwnObjectOptions = {}): Promise<WriteResult> {
  const id = options.id ?? storeIdOf(module, object);
  if (id === undefined) throw new Error(`Cannot tell the id of a '${module}' object: give options.id`);
  const audience = (options.audience ?? storeAudienceOf(module, object))?.map(normalizeParty);
  if (audience === undefined) throw new Error(`Cannot tell which partners may read this '${module}' object: give options.audience`);
  const outcome = await store.objects.update<T>({ module, owner, id }, (current) => {
    // An unchanged audience is left out, so writing the same object again reports `unchanged`.
    const sameAudience = current && current.audience.map(partyString).join() === audience.map(partyString).join();
    return sameAudience ? { data: object } : { data: object, audience };
  });
  return writeResultOf(outcome);
}

/** Reads one of the operator's own objects back (`undefined` when absent). */
export async function getOwnObject<T>(store: OcpiStore, module: string, owner: PartyRef, id: string): Promise<T | undefined> {
  return (await store.objects.get<T>({ module, owner, id }))?.data;
}

/**
 * GET and PUT of a client-owned object at `/{country_code}/{party_id}/{id}` (transport_and_format,
 * "Client Owned Object Push"): the body's owner and id must be the URL's, 201 when created. `type` is the
 * object type both take and give (converted to and from the requested version by the server).
 */
export function clientOwnedGetPut<T extends { id: string; country_code?: string; party_id?: string }>(options: {
  idParam: string;
  type: string;
  get(id: string, request: OwnedRequest): MaybePromise<Found<T>>;
  put(object: T, request: OwnedRequest): MaybePromise<WriteResult>;
}): RouteDefinition[] {
  const path = [':country_code', ':party_id', `:${options.idParam}`];
  return [
    {
      method: 'GET',
      path,
      clientOwned: true,
      gives: options.type,
      handle: async (ctx) => foundResult(await options.get(ctx.param(options.idParam), ownedRequest(ctx)), `${options.type} ${ctx.param(options.idParam)}`),
    },
    {
      method: 'PUT',
      path,
      clientOwned: true,
      body: { type: options.type },
      async handle(ctx) {
        const request = ownedRequest(ctx);
        const object = ctx.body as T;
        assertSameOwner(object, request.owner);
        assertSameId('id', ctx.param(options.idParam), object.id);
        return writeResult(await options.put(object, request));
      },
    },
  ];
}

/**
 * PATCH of a client-owned object at `/{country_code}/{party_id}/{id}`: the owner and id, where the
 * body names them, must be the URL's (2001). A PATCH never creates: the handler answers 404 for an
 * unknown object, and the client should PUT it (transport_and_format, "PATCH").
 */
export function clientOwnedPatch<P extends { id?: string; country_code?: string; party_id?: string }>(options: {
  idParam: string;
  type: string;
  patch(id: string, patch: P, request: OwnedRequest): MaybePromise<WriteResult>;
}): RouteDefinition {
  return {
    method: 'PATCH',
    path: [':country_code', ':party_id', `:${options.idParam}`],
    clientOwned: true,
    body: { type: options.type, patch: true, name: `${options.type} PATCH` },
    async handle(ctx) {
      const request = ownedRequest(ctx);
      const patch = ctx.body as P;
      assertSameOwner(patch, request.owner);
      assertSameId('id', ctx.param(options.idParam), patch.id);
      const result = await options.patch(ctx.param(options.idParam), patch, request);
      return writeResult(result === 'created' ? 'updated' : result);
    },
  };
}
