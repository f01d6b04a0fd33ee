/**
 * Sessions module (mod_sessions.asciidoc): the Sender (CPO) serves each eMSP its own Sessions and takes
 * Charging Preferences; the Receiver (eMSP) keeps the Sessions CPOs push.
 */
import { JsonText } from '../envelope.js';
import { OcpiError, OcpiStatus } from '../errors.js';
import type { OcpiModule, RequestContext } from '../module.js';
import type { ChargingPreferences, ChargingPreferencesResponse, EVSE, Location, SessionPatch } from '../schemas/v2.3.0/index.js';
import { Session } from '../schemas/v2.3.0/index.js';
import {
  applyPatch,
  audienceOf,
  clientOwnedGetPut,
  clientOwnedPatch,
  type Found,
  findOwnObject,
  type HandlerRequest,
  handlerRequest,
  isVisibleTo,
  type ListRequest,
  listOwnObjects,
  listRequest,
  type MaybePromise,
  type OwnedRequest,
  type Page,
  pageResult,
  patchStoredObject,
  putReceivedObject,
  STORE_MODULES,
  type WriteResult,
} from './common.js';
import { locationChild } from './locations.js';

/** Sessions Sender (typically the CPO). */
export interface SessionsSenderHandler {
  /** A page of the Sessions the caller may see (those of its own tokens), oldest first. */
  list(request: ListRequest): MaybePromise<Page<Session>>;
  /**
   * PUT `/{session_id}/charging_preferences`. Throw `chargingPreferencesNotSupported` (HTTP 404, 2001)
   * when the session is unknown to the caller or its EVSE is not CHARGING_PREFERENCES_CAPABLE.
   */
  setChargingPreferences(sessionId: string, preferences: ChargingPreferences, request: HandlerRequest): MaybePromise<ChargingPreferencesResponse>;
}

/** Sessions Receiver (typically the eMSP). The module has checked ids and owner against the URL. */
export interface SessionsReceiverHandler {
  get(sessionId: string, request: OwnedRequest): MaybePromise<Found<Session>>;
  /** Replaces the whole Session, `charging_periods` included. */
  put(session: Session, request: OwnedRequest): MaybePromise<WriteResult>;
  /** Throws `unknownSession` when absent; `charging_periods` in the PATCH are added (see `patchSession`). */
  patch(sessionId: string, patch: SessionPatch, request: OwnedRequest): MaybePromise<WriteResult>;
}

/** HTTP 404 for a Session that is not known (to this caller). */
export const unknownSession = (sessionId: string): OcpiError => OcpiError.notFound(`Session ${sessionId} is not known`);

/**
 * mod_sessions, ChargingPreferencesResponse: preferences for an EVSE that is not
 * CHARGING_PREFERENCES_CAPABLE get HTTP 404 with OCPI status 2001.
 */
export const chargingPreferencesNotSupported = (message: string): OcpiError =>
  new OcpiError(message, { reason: 'not_found', statusCode: OcpiStatus.INVALID_PARAMETERS });

/**
 * Applies a Session PATCH: fields present replace the current ones, except `charging_periods`, whose
 * items are added to the existing list; an absent or empty list changes nothing (mod_sessions, "PATCH Method").
 */
export function patchSession(current: Session, patch: SessionPatch): Session {
  const next = applyPatch(current, patch);
  const added = patch.charging_periods ?? [];
  if (added.length === 0) {
    if (current.charging_periods === undefined) delete next.charging_periods;
    else next.charging_periods = current.charging_periods;
  } else {
    next.charging_periods = [...(current.charging_periods ?? []), ...added];
  }
  return next;
}

/**
 * The Sender default: serves the Sessions the operator put in the store (`putOwnObject` gives each the
 * audience of its `cdr_token`'s eMSP), and accepts Charging Preferences for an ACTIVE Session on a
 * CHARGING_PREFERENCES_CAPABLE EVSE, keeping them in the store (`STORE_MODULES.chargingPreferences`,
 * keyed like the Session) for the operator's smart charging to read.
 */
export const storeSessionsSender: SessionsSenderHandler = {
  list: (request) => listOwnObjects<Session>(STORE_MODULES.sessions, request),
  async setChargingPreferences(sessionId, preferences, { context }): Promise<ChargingPreferencesResponse> {
    const stored = await findOwnObject<Session>(context, STORE_MODULES.sessions, sessionId);
    if (!stored || !isVisibleTo(stored, audienceOf(context))) {
      throw chargingPreferencesNotSupported(`Session ${sessionId} is not known`);
    }
    const session = stored.data;
    if (session.status !== 'ACTIVE') {
      throw OcpiError.invalid(`Session ${sessionId} is ${session.status}: Charging Preferences apply to an ongoing (ACTIVE) session`);
    }
    const location = await context.node.store.objects.get<Location>({ module: STORE_MODULES.locations, owner: stored.key.owner, id: session.location_id });
    const evse = location && (locationChild(location.data, { level: 'evse', locationId: session.location_id, evseUid: session.evse_uid }) as EVSE | undefined);
    if (!evse?.capabilities?.includes('CHARGING_PREFERENCES_CAPABLE')) {
      throw chargingPreferencesNotSupported(`EVSE ${session.evse_uid} of Session ${sessionId} is not CHARGING_PREFERENCES_CAPABLE`);
    }
    await context.node.store.objects.put(
      { module: STORE_MODULES.chargingPreferences, owner: stored.key.owner, id: session.id },
      { data: preferences, audience: stored.audience },
    );
    return 'ACCEPTED';
  },
};

/** 2001 when a Session has more charging periods than the node keeps (`limits.chargingPeriods`): PATCHes add to them. */
function assertChargingPeriods(context: RequestContext, session: Session): Session {
  const count = session.charging_periods?.length ?? 0;
  const limit = context.node.limits.chargingPeriods;
  if (count > limit) {
    throw OcpiError.invalid(
      `/charging_periods: Session ${session.id} would have ${count} charging periods, more than the ${limit} this platform keeps; nothing was changed`,
    );
  }
  return session;
}

/** The Receiver default: keeps the Sessions each CPO pushes, per owner and id. */
export const storeSessionsReceiver: SessionsReceiverHandler = {
  async get(sessionId, { context, owner }) {
    const stored = await context.node.store.objects.get<Session>({ module: STORE_MODULES.sessions, owner, id: sessionId });
    return stored ? JsonText.of(stored) : undefined;
  },
  async put(session, { context, owner }) {
    assertChargingPeriods(context, session);
    return putReceivedObject(context, { module: STORE_MODULES.sessions, owner, id: session.id }, session);
  },
  patch: (sessionId, patch, { context, owner }) =>
    patchStoredObject<Session>(
      context,
      { module: STORE_MODULES.sessions, owner, id: sessionId },
      {
        schema: Session,
        name: 'Session',
        received: patch.last_updated,
        merge: (current) => assertChargingPeriods(context, patchSession(current, patch)),
        unknown: () => unknownSession(sessionId),
      },
    ),
};

export function sessionsSender(handler: SessionsSenderHandler = storeSessionsSender): OcpiModule {
  return {
    identifier: 'sessions',
    role: 'SENDER',
    routes: [
      // The table lists date_from as required; a list without it is served from the beginning.
      { method: 'GET', path: [], paginated: true, gives: 'Session', handle: async (ctx) => pageResult(await handler.list(listRequest(ctx))) },
      {
        method: 'PUT',
        path: [':session_id', 'charging_preferences'],
        body: { type: 'ChargingPreferences' },
        async handle(ctx) {
          const response = await handler.setChargingPreferences(ctx.param('session_id'), ctx.body as ChargingPreferences, handlerRequest(ctx));
          return { data: response };
        },
      },
    ],
  };
}

export function sessionsReceiver(handler: SessionsReceiverHandler = storeSessionsReceiver): OcpiModule {
  return {
    identifier: 'sessions',
    role: 'RECEIVER',
    routes: [
      ...clientOwnedGetPut<Session>({ idParam: 'session_id', type: 'Session', get: handler.get, put: handler.put }),
      // The schema requires `last_updated` from 2.2 on (mod_sessions, "PATCH Method").
      clientOwnedPatch<SessionPatch>({ idParam: 'session_id', type: 'Session', patch: handler.patch }),
    ],
  };
}
