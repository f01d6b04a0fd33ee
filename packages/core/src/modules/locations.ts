/**
 * Locations module (mod_locations.asciidoc): the Sender serves the CPO's Locations, EVSEs and
 * Connectors; the Receiver keeps what CPOs push, per owning party, nested writes included.
 */
import { JsonText } from '../envelope.js';
import { OcpiError, OcpiStatus } from '../errors.js';
import type { OcpiModule, RequestContext, RouteDefinition } from '../module.js';
import { Connector, type ConnectorPatch, EVSE, type EvsePatch, Location, type LocationPatch } from '../schemas/v2.3.0/index.js';
import type { OcpiStore, PartyRef } from '../store/types.js';
import {
  applyPatch,
  assertSameId,
  assertSameOwner,
  audienceOf,
  type Found,
  findOwnObject,
  type HandlerRequest,
  handlerRequest,
  isOutdated,
  isVisibleTo,
  type ListRequest,
  laterOf,
  listOwnObjects,
  listRequest,
  type MaybePromise,
  type NestedWrite,
  type OwnedRequest,
  ownedRequest,
  type Page,
  pageResult,
  putReceivedObject,
  replaceOrAdd,
  STORE_MODULES,
  sameCiString,
  validationError,
  type WriteResult,
  writeNestedObject,
  writeResult,
} from './common.js';

/** Which object a Locations URL names: `/{location_id}[/{evse_uid}[/{connector_id}]]`. */
export type LocationTarget =
  | { level: 'location'; locationId: string }
  | { level: 'evse'; locationId: string; evseUid: string }
  | { level: 'connector'; locationId: string; evseUid: string; connectorId: string };

/** A PUT on the Receiver: a whole Location, or an EVSE or Connector added to / replaced in its parent. */
export type LocationPut =
  | { level: 'location'; locationId: string; object: Location }
  | { level: 'evse'; locationId: string; evseUid: string; object: EVSE }
  | { level: 'connector'; locationId: string; evseUid: string; connectorId: string; object: Connector };

/** A PATCH on the Receiver: the fields to change of a Location, EVSE or Connector (`last_updated` always). */
export type LocationPatchWrite =
  | { level: 'location'; locationId: string; patch: LocationPatch }
  | { level: 'evse'; locationId: string; evseUid: string; patch: EvsePatch }
  | { level: 'connector'; locationId: string; evseUid: string; connectorId: string; patch: ConnectorPatch };

/** Locations Sender (typically the CPO): the operator's Locations. */
export interface LocationsSenderHandler {
  /** A page of Locations, oldest first, filtered on `last_updated`. */
  list(request: ListRequest): MaybePromise<Page<Location>>;
  /** One Location, EVSE or Connector; undefined when unknown (HTTP 404). */
  get(target: LocationTarget, request: HandlerRequest): MaybePromise<Found<Location | EVSE | Connector>>;
}

/**
 * Locations Receiver (typically the eMSP): what CPOs push. The module has already checked that ids and
 * owner in the body match the URL. `put` and `patch` throw `OcpiError`s for unknown targets (see
 * `unknownLocation`), and SHALL set the parents' `last_updated` when a child changes.
 */
export interface LocationsReceiverHandler {
  get(target: LocationTarget, request: OwnedRequest): MaybePromise<Found<Location | EVSE | Connector>>;
  put(write: LocationPut, request: OwnedRequest): MaybePromise<WriteResult>;
  patch(write: LocationPatchWrite, request: OwnedRequest): MaybePromise<WriteResult>;
}

/**
 * HTTP 404 with 2003 Unknown Location (status_codes.asciidoc). `advice` ends the message where the
 * caller can act on it: a Receiver tells a CPO that PATCHes or nests under an unknown Location to PUT
 * it first; a Sender only says it is unknown (the caller cannot PUT to a Sender).
 */
export const unknownLocation = (locationId: string, advice?: string): OcpiError =>
  new OcpiError(`Location ${locationId} is not known${advice ? `; ${advice}` : ''}`, { reason: 'not_found', statusCode: OcpiStatus.UNKNOWN_LOCATION });

/** HTTP 404 for an EVSE or Connector that is not in its parent. */
export const unknownLocationChild = (target: Exclude<LocationTarget, { level: 'location' }>): OcpiError =>
  OcpiError.notFound(
    target.level === 'evse'
      ? `EVSE ${target.evseUid} of Location ${target.locationId} is not known`
      : `Connector ${target.connectorId} of EVSE ${target.evseUid} of Location ${target.locationId} is not known`,
  );

/** The object type a Locations URL names: a Location, an EVSE or a Connector. */
const TYPE_OF_LEVEL = { location: 'Location', evse: 'EVSE', connector: 'Connector' } as const;
const typeOf = (context: RequestContext): string => TYPE_OF_LEVEL[targetOf(context).level];

function targetOf(context: RequestContext): LocationTarget {
  const locationId = context.param('location_id');
  const evseUid = context.params.evse_uid;
  const connectorId = context.params.connector_id;
  if (evseUid === undefined) return { level: 'location', locationId };
  if (connectorId === undefined) return { level: 'evse', locationId, evseUid };
  return { level: 'connector', locationId, evseUid, connectorId };
}

/** The EVSE or Connector a target names inside a Location, or undefined. */
export function locationChild(location: Location, target: LocationTarget): Location | EVSE | Connector | undefined {
  if (target.level === 'location') return location;
  const evse = location.evses?.find((e) => sameCiString(e.uid, target.evseUid));
  if (!evse || target.level === 'evse') return evse;
  return evse.connectors.find((c) => sameCiString(c.id, target.connectorId));
}

function notFoundFor(target: LocationTarget): OcpiError {
  return target.level === 'location' ? unknownLocation(target.locationId) : unknownLocationChild(target);
}

const outdated = (stored: string, target: string): NestedWrite<Location> => ({ ok: false, outdated: { stored, target } });

/**
 * Puts an EVSE into its Location, or a Connector into its EVSE, replacing one with the same id unless
 * the stored one is newer. The parents take the child's `last_updated` when it is later than theirs
 * (mod_locations, "PUT Method": a child's change updates its parents' last_updated).
 */
export function putIntoLocation(location: Location, write: Exclude<LocationPut, { level: 'location' }>): NestedWrite<Location> {
  const lastUpdated = write.object.last_updated;
  if (write.level === 'evse') {
    const existing = locationChild(location, write) as EVSE | undefined;
    if (existing && isOutdated(lastUpdated, existing.last_updated)) return outdated(existing.last_updated, `EVSE ${write.evseUid}`);
    const evses = replaceOrAdd(location.evses ?? [], write.object, (e) => sameCiString(e.uid, write.evseUid));
    return { ok: true, parent: { ...location, evses: evses.list, last_updated: laterOf(location.last_updated, lastUpdated) }, created: evses.created };
  }
  const evse = locationChild(location, { level: 'evse', locationId: write.locationId, evseUid: write.evseUid }) as EVSE | undefined;
  if (!evse) return { ok: false, error: unknownLocationChild({ level: 'evse', locationId: write.locationId, evseUid: write.evseUid }) };
  const existing = evse.connectors.find((c) => sameCiString(c.id, write.connectorId));
  if (existing && isOutdated(lastUpdated, existing.last_updated))
    return outdated(existing.last_updated, `Connector ${write.connectorId} of EVSE ${write.evseUid}`);
  const connectors = replaceOrAdd(evse.connectors, write.object, (c) => sameCiString(c.id, write.connectorId));
  const nextEvse: EVSE = { ...evse, connectors: connectors.list, last_updated: laterOf(evse.last_updated, lastUpdated) };
  const evses = (location.evses ?? []).map((e) => (e === evse ? nextEvse : e));
  return { ok: true, parent: { ...location, evses, last_updated: laterOf(location.last_updated, lastUpdated) }, created: connectors.created };
}

/**
 * Applies a PATCH to a Location, or to one of its EVSEs or Connectors, unless what it patches is
 * newer, and checks the patched object against its full schema. The parents take the PATCH's
 * `last_updated` when it is later than theirs (mod_locations, "PATCH Method").
 */
export function patchLocation(context: RequestContext, location: Location, write: LocationPatchWrite): NestedWrite<Location> {
  const lastUpdated = write.patch.last_updated;
  if (write.level === 'location') {
    if (isOutdated(lastUpdated, location.last_updated)) return outdated(location.last_updated, `Location ${write.locationId}`);
    const next = applyPatch(location, write.patch);
    const error = validationError(context, Location, next, 'Location after PATCH');
    return error ? { ok: false, error } : { ok: true, parent: next, created: false };
  }
  const evse = locationChild(location, { level: 'evse', locationId: write.locationId, evseUid: write.evseUid }) as EVSE | undefined;
  if (!evse) return { ok: false, error: unknownLocationChild({ level: 'evse', locationId: write.locationId, evseUid: write.evseUid }) };
  let nextEvse: EVSE;
  if (write.level === 'evse') {
    if (isOutdated(lastUpdated, evse.last_updated)) return outdated(evse.last_updated, `EVSE ${write.evseUid}`);
    nextEvse = applyPatch(evse, write.patch);
    const error = validationError(context, EVSE, nextEvse, 'EVSE after PATCH');
    if (error) return { ok: false, error };
  } else {
    const connector = evse.connectors.find((c) => sameCiString(c.id, write.connectorId));
    if (!connector) return { ok: false, error: unknownLocationChild(write) };
    if (isOutdated(lastUpdated, connector.last_updated)) return outdated(connector.last_updated, `Connector ${write.connectorId} of EVSE ${write.evseUid}`);
    const nextConnector = applyPatch(connector, write.patch);
    const error = validationError(context, Connector, nextConnector, 'Connector after PATCH');
    if (error) return { ok: false, error };
    nextEvse = {
      ...evse,
      connectors: evse.connectors.map((c) => (c === connector ? nextConnector : c)),
      last_updated: laterOf(evse.last_updated, lastUpdated),
    };
  }
  const evses = (location.evses ?? []).map((e) => (e === evse ? nextEvse : e));
  return { ok: true, parent: { ...location, evses, last_updated: laterOf(location.last_updated, lastUpdated) }, created: false };
}

/**
 * Runs a nested write on the stored Location atomically (`writeNestedObject`). A partner's write gives
 * its request and stamp: an outdated one is reported, and an EVSE or Connector PUT adds to the
 * Location, which may not grow past what the node keeps of one object.
 */
const writeNested = (
  store: OcpiStore,
  owner: PartyRef,
  locationId: string,
  change: (location: Location) => NestedWrite<Location>,
  partner?: { context: RequestContext; received: string },
): Promise<WriteResult> =>
  writeNestedObject(
    store,
    { module: STORE_MODULES.locations, owner, id: locationId },
    change,
    () => unknownLocation(locationId, 'PUT the Location first'),
    partner && { ...partner, name: `Location ${locationId}` },
  );

/** The Sender default: serves the Locations the operator put in the store (`putOwnObject`). */
export const storeLocationsSender: LocationsSenderHandler = {
  list: (request) => listOwnObjects<Location>(STORE_MODULES.locations, request),
  async get(target, { context }) {
    const stored = await findOwnObject<Location>(context, STORE_MODULES.locations, target.locationId);
    if (!stored || !isVisibleTo(stored, audienceOf(context))) return undefined;
    return target.level === 'location' ? JsonText.of(stored) : locationChild(stored.data, target);
  },
};

/** The Receiver default: keeps what each CPO pushes, one stored Location per owner and id. */
export const storeLocationsReceiver: LocationsReceiverHandler = {
  async get(target, { context, owner }) {
    const stored = await context.node.store.objects.get<Location>({ module: STORE_MODULES.locations, owner, id: target.locationId });
    if (!stored) return undefined;
    return target.level === 'location' ? JsonText.of(stored) : locationChild(stored.data, target);
  },
  async put(write, { context, owner }) {
    if (write.level === 'location') return putReceivedObject(context, { module: STORE_MODULES.locations, owner, id: write.locationId }, write.object);
    return writeNested(context.node.store, owner, write.locationId, (location) => putIntoLocation(location, write), {
      context,
      received: write.object.last_updated,
    });
  },
  async patch(write, { context, owner }) {
    return writeNested(context.node.store, owner, write.locationId, (location) => patchLocation(context, location, write), {
      context,
      received: write.patch.last_updated,
    });
  },
};

/**
 * Puts an EVSE or Connector of one of the operator's own Locations in the store, updating the
 * parents' `last_updated`, so the Sender serves it and `date_from` finds the Location.
 */
export async function putOwnLocationChild(store: OcpiStore, owner: PartyRef, write: Exclude<LocationPut, { level: 'location' }>): Promise<WriteResult> {
  return writeNested(store, owner, write.locationId, (location) => putIntoLocation(location, write));
}

export function locationsSender(handler: LocationsSenderHandler = storeLocationsSender): OcpiModule {
  return {
    identifier: 'locations',
    role: 'SENDER',
    routes: [
      { method: 'GET', path: [], paginated: true, gives: 'Location', handle: async (ctx) => pageResult(await handler.list(listRequest(ctx))) },
      {
        method: 'GET',
        path: [':location_id', ':evse_uid?', ':connector_id?'],
        gives: typeOf,
        async handle(ctx) {
          const target = targetOf(ctx);
          const found = await handler.get(target, handlerRequest(ctx));
          if (found === undefined) throw notFoundFor(target);
          return { data: found };
        },
      },
    ],
  };
}

const RECEIVER_LOCATION = [':country_code', ':party_id', ':location_id'] as const;
const RECEIVER_EVSE = [...RECEIVER_LOCATION, ':evse_uid'] as const;
const RECEIVER_CONNECTOR = [...RECEIVER_EVSE, ':connector_id'] as const;

export function locationsReceiver(handler: LocationsReceiverHandler = storeLocationsReceiver): OcpiModule {
  const put = (path: readonly string[], type: 'Location' | 'EVSE' | 'Connector'): RouteDefinition => ({
    method: 'PUT',
    path,
    clientOwned: true,
    body: { type },
    async handle(ctx) {
      const request = ownedRequest(ctx);
      const target = targetOf(ctx);
      let write: LocationPut;
      if (target.level === 'location') {
        const object = ctx.body as Location;
        assertSameOwner(object, request.owner);
        assertSameId('id', target.locationId, object.id);
        write = { ...target, object };
      } else if (target.level === 'evse') {
        const object = ctx.body as EVSE;
        assertSameId('uid', target.evseUid, object.uid);
        write = { ...target, object };
      } else {
        const object = ctx.body as Connector;
        assertSameId('id', target.connectorId, object.id);
        write = { ...target, object };
      }
      return writeResult(await handler.put(write, request));
    },
  });
  const patch = (path: readonly string[], type: 'Location' | 'EVSE' | 'Connector'): RouteDefinition => ({
    method: 'PATCH',
    path,
    clientOwned: true,
    // The schema requires `last_updated` from 2.2 on (mod_locations, "PATCH Method": 2001 without it).
    body: { type, patch: true, name: `${type} PATCH` },
    async handle(ctx) {
      const request = ownedRequest(ctx);
      const target = targetOf(ctx);
      const body = ctx.body as Record<string, unknown>;
      let write: LocationPatchWrite;
      if (target.level === 'location') {
        assertSameOwner(body, request.owner);
        assertSameId('id', target.locationId, body.id);
        write = { ...target, patch: body as LocationPatch };
      } else if (target.level === 'evse') {
        assertSameId('uid', target.evseUid, body.uid);
        write = { ...target, patch: body as EvsePatch };
      } else {
        assertSameId('id', target.connectorId, body.id);
        write = { ...target, patch: body as ConnectorPatch };
      }
      // A PATCH never creates: an unknown target is answered 404 and the client should PUT it
      // (transport_and_format, "PATCH").
      const result = await handler.patch(write, request);
      return writeResult(result === 'created' ? 'updated' : result);
    },
  });
  return {
    identifier: 'locations',
    role: 'RECEIVER',
    routes: [
      {
        method: 'GET',
        path: [...RECEIVER_LOCATION, ':evse_uid?', ':connector_id?'],
        clientOwned: true,
        gives: typeOf,
        async handle(ctx) {
          const target = targetOf(ctx);
          const found = await handler.get(target, ownedRequest(ctx));
          if (found === undefined) throw notFoundFor(target);
          return { data: found };
        },
      },
      put(RECEIVER_LOCATION, 'Location'),
      put(RECEIVER_EVSE, 'EVSE'),
      put(RECEIVER_CONNECTOR, 'Connector'),
      patch(RECEIVER_LOCATION, 'Location'),
      patch(RECEIVER_EVSE, 'EVSE'),
      patch(RECEIVER_CONNECTOR, 'Connector'),
    ],
  };
}
