/**
 * ChargingProfiles module (mod_charging_profiles.asciidoc), both interfaces.
 *
 * Receiver (typically CPO): `GET /{session_id}?duration=&response_url=`, `PUT /{session_id}` with a
 * SetChargingProfile, `DELETE /{session_id}?response_url=`, each answered at once with a
 * ChargingProfileResponse; the result is POSTed later to the `response_url` by the machinery of
 * `async-results.ts`, as for commands.
 *
 * Sender (typically eMSP or SCSP): receives those results on the `response_url`s it hands out
 * (`POST /{kind}/{uid}`, a shape of our choosing: the spec leaves it to the Sender), with a waiter
 * to await a result by uid; and receives the ActiveChargingProfile the CPO pushes with
 * `PUT /{session_id}`.
 */
import { OcpiError } from '../errors.js';
import type { NodeInfo, OcpiModule, RequestContext } from '../module.js';
import {
  type ActiveChargingProfile,
  type ActiveChargingProfileResult,
  type ChargingProfile,
  ChargingProfileResponse,
  type ChargingProfileResponseType,
  type ChargingProfileResult,
  type ClearProfileResult,
  type Session,
  type SetChargingProfile,
} from '../schemas/v2.3.0/index.js';
import { normalizeParty } from '../store/keys.js';
import type { OcpiStore, PartyRef, StoredObject } from '../store/types.js';
import { formatIssues } from '../validation/ajv.js';
import {
  type AsyncResultModule,
  type AsyncResultOptions,
  callerOwnsToken,
  callerParties,
  checkCiString36,
  createResultPoster,
  findOwnSession,
  pushingParty,
  systemTimers,
  type Timers,
} from './async-results.js';
import { type HandlerRequest, handlerRequest, type MaybePromise, STORE_MODULES, type WriteResult, writeResult, writeResultOf } from './common.js';

// ---------------------------------------------------------------------------------------------
// Receiver interface
// ---------------------------------------------------------------------------------------------

/** GET: the ActiveChargingProfile for the next `duration` seconds (mod_charging_profiles "GET Method"). */
export interface ActiveChargingProfileRequest {
  session_id: string;
  duration: number;
  response_url: string;
}

/** PUT: a SetChargingProfile for a session (mod_charging_profiles "PUT Method"). */
export interface SetChargingProfileRequest extends SetChargingProfile {
  session_id: string;
}

/** DELETE: clear the profile set on a session (mod_charging_profiles "DELETE Method"). */
export interface ClearChargingProfileRequest {
  session_id: string;
  response_url: string;
}

/** The immediate answer: a ChargingProfileResponse whose `timeout` defaults to the module's `timeout` option. */
export interface ChargingProfileAnswer {
  result: ChargingProfileResponseType;
  /** Seconds the Sender should wait for the result. */
  timeout?: number;
}

/**
 * What a handler returns: the immediate response and the result to POST to the `response_url`, only
 * when ACCEPTED. A result that rejects is posted as REJECTED; one that does not come within the
 * advertised timeout is not posted at all (ChargingProfileResultType has no timeout value, and the
 * Sender "can assume that the message might never be sent", mod_charging_profiles
 * "ChargingProfileResponse Object"); `onResultTimeout` reports it.
 */
export interface ChargingProfileOutcome<R> {
  response: ChargingProfileAnswer;
  result?: Promise<R> | R;
}

/** The business logic of the ChargingProfiles Receiver. */
export interface ChargingProfilesReceiverHandler {
  getActiveChargingProfile(get: ActiveChargingProfileRequest, request: HandlerRequest): MaybePromise<ChargingProfileOutcome<ActiveChargingProfileResult>>;
  setChargingProfile(set: SetChargingProfileRequest, request: HandlerRequest): MaybePromise<ChargingProfileOutcome<ChargingProfileResult>>;
  clearChargingProfile(clear: ClearChargingProfileRequest, request: HandlerRequest): MaybePromise<ChargingProfileOutcome<ClearProfileResult>>;
}

export interface ChargingProfilesReceiverOptions extends AsyncResultOptions {
  /** Options of the store-backed default used for the methods the handler leaves out. */
  defaults?: StoreChargingProfilesReceiverOptions;
  /** ChargingProfileResponse.timeout when the handler gives none, in seconds (default 30). */
  timeout?: number;
}

function queryParameter(ctx: RequestContext, name: string): string {
  const value = ctx.query.get(name);
  if (value === null || value === '') throw OcpiError.invalid(`Query parameter ${name} is required`);
  return value;
}

/** `duration` is an int in seconds (mod_charging_profiles "GET Method", Request Parameters). */
function durationParameter(ctx: RequestContext): number {
  const raw = queryParameter(ctx, 'duration');
  const value = /^[0-9]{1,9}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(value > 0)) throw OcpiError.invalid(`Query parameter duration must be a positive whole number of seconds, got '${raw}'`);
  return value;
}

/**
 * The ChargingProfiles Receiver interface, mounted at `receiver/chargingprofiles`. Methods the handler
 * leaves out use `storeChargingProfilesReceiver`.
 */
export function chargingProfilesReceiver(
  handler: Partial<ChargingProfilesReceiverHandler> = {},
  options: ChargingProfilesReceiverOptions = {},
): AsyncResultModule {
  const poster = createResultPoster(options);
  const methods: ChargingProfilesReceiverHandler = { ...storeChargingProfilesReceiver({ timers: options.timers ?? systemTimers, ...options.defaults }) };
  for (const [name, method] of Object.entries(handler)) if (method !== undefined) Object.assign(methods, { [name]: method });
  const defaultTimeout = options.timeout ?? 30;

  async function responseUrlParameter(ctx: RequestContext): Promise<string> {
    const value = queryParameter(ctx, 'response_url');
    if (value.length > 255) throw OcpiError.invalid('Query parameter response_url must be at most 255 characters (URL type)');
    await poster.checkResponseUrl(value, ctx.partner, 'Query parameter response_url');
    return value;
  }

  /** Validates the answer, starts the delivery of an ACCEPTED result, and returns the envelope data. */
  function answer<R>(
    kind: 'GET_ACTIVE_CHARGING_PROFILE' | 'SET_CHARGING_PROFILE' | 'CLEAR_CHARGING_PROFILE',
    type: 'ActiveChargingProfileResult' | 'ChargingProfileResult' | 'ClearProfileResult',
    ctx: RequestContext,
    responseUrl: string,
    outcome: ChargingProfileOutcome<R>,
    errorResult: R,
  ) {
    const response: ChargingProfileResponse = { result: outcome.response.result, timeout: outcome.response.timeout ?? defaultTimeout };
    const checked = ctx.node.validator(ChargingProfileResponse).validate(response);
    if (!checked.ok) throw new Error(`The ${kind} handler answered an invalid ChargingProfileResponse: ${formatIssues(checked.issues)}`);
    if (response.result === 'ACCEPTED') {
      poster.deliver<R>({
        kind,
        type,
        responseUrl,
        context: ctx,
        result: outcome.result,
        timeoutSeconds: response.timeout,
        timeoutResult: undefined,
        errorResult,
      });
    } else if (outcome.result instanceof Promise) {
      outcome.result.catch(() => undefined);
    }
    return { data: response };
  }

  return {
    identifier: 'chargingprofiles',
    role: 'RECEIVER',
    routes: [
      {
        method: 'GET',
        path: [':session_id'],
        gives: 'ChargingProfileResponse',
        async handle(ctx) {
          const request: ActiveChargingProfileRequest = {
            session_id: checkCiString36(ctx.param('session_id'), 'session_id'),
            duration: durationParameter(ctx),
            response_url: await responseUrlParameter(ctx),
          };
          const outcome = await methods.getActiveChargingProfile(request, handlerRequest(ctx));
          return answer('GET_ACTIVE_CHARGING_PROFILE', 'ActiveChargingProfileResult', ctx, request.response_url, outcome, { result: 'REJECTED' });
        },
      },
      {
        method: 'PUT',
        path: [':session_id'],
        body: { type: 'SetChargingProfile' },
        gives: 'ChargingProfileResponse',
        async handle(ctx) {
          const body = ctx.body as SetChargingProfile;
          const session_id = checkCiString36(ctx.param('session_id'), 'session_id');
          await poster.checkResponseUrl(body.response_url, ctx.partner, 'response_url');
          const outcome = await methods.setChargingProfile({ ...body, session_id }, handlerRequest(ctx));
          return answer('SET_CHARGING_PROFILE', 'ChargingProfileResult', ctx, body.response_url, outcome, { result: 'REJECTED' });
        },
      },
      {
        method: 'DELETE',
        path: [':session_id'],
        gives: 'ChargingProfileResponse',
        async handle(ctx) {
          const request: ClearChargingProfileRequest = {
            session_id: checkCiString36(ctx.param('session_id'), 'session_id'),
            response_url: await responseUrlParameter(ctx),
          };
          const outcome = await methods.clearChargingProfile(request, handlerRequest(ctx));
          return answer('CLEAR_CHARGING_PROFILE', 'ClearProfileResult', ctx, request.response_url, outcome, { result: 'REJECTED' });
        },
      },
    ],
    drain: () => poster.drain(),
  };
}

/** The profile set on a session, and who set it: the parties to keep updated (mod_charging_profiles "Flow"). */
export interface StoredChargingProfile {
  session_id: string;
  charging_profile: ChargingProfile;
  /** The parties that set it, and the partner they came through. */
  set_by: PartyRef[];
  partner_id: string;
  last_updated: string;
}

export interface StoreChargingProfilesReceiverOptions {
  /** Delay before the default result is posted, in ms (default 100). */
  resultDelayMs?: number;
  timers?: Timers;
  /**
   * Whether the caller may act on the session. Default: it owns the session's token
   * ("ChargingProfile can be created by the owner of a Token on Sessions that belong to that token";
   * an SCSP working for the CPO needs a wider rule).
   */
  mayControl?: (session: Session, ctx: RequestContext) => boolean;
}

/**
 * The default ChargingProfiles Receiver handler: the session must be one of ours (UNKNOWN_SESSION
 * otherwise), the caller allowed on it and the session running (REJECTED otherwise). PUT stores the
 * profile and posts ACCEPTED; DELETE removes it and posts ACCEPTED, or UNKNOWN when none was set;
 * GET posts the stored profile as the ActiveChargingProfile, or UNKNOWN ("No Charging Profile(s)
 * were found by the EVSE matching the request").
 */
export function storeChargingProfilesReceiver(options: StoreChargingProfilesReceiverOptions = {}): ChargingProfilesReceiverHandler {
  const timers = options.timers ?? systemTimers;
  const delay = options.resultDelayMs ?? 100;
  const mayControl = options.mayControl ?? ((session: Session, ctx: RequestContext) => callerOwnsToken(ctx, session.cdr_token));
  const later = <R>(result: R): Promise<R> =>
    new Promise((resolve) => {
      timers.setTimeout(() => resolve(result), delay);
    });
  // Kept under the CPO party owning the session (STORE_MODULES.chargingProfiles).
  const key = (session: StoredObject<Session>) => ({ module: STORE_MODULES.chargingProfiles, owner: session.key.owner, id: session.data.id });

  /** The session when the caller may act on it, else the response to give. */
  async function controllable(sessionId: string, ctx: RequestContext): Promise<StoredObject<Session> | ChargingProfileAnswer> {
    const session = await findOwnSession(ctx, sessionId);
    if (!session) return { result: 'UNKNOWN_SESSION' };
    if (!mayControl(session.data, ctx)) return { result: 'REJECTED' };
    // A profile acts "on a running charging session" (mod_charging_profiles "Flow").
    if (session.data.status !== 'ACTIVE' && session.data.status !== 'PENDING') return { result: 'REJECTED' };
    return session;
  }

  return {
    async getActiveChargingProfile(get, { context }) {
      const session = await controllable(get.session_id, context);
      if (!('key' in session)) return { response: session };
      const stored = await context.node.store.objects.get<StoredChargingProfile>(key(session));
      const result: ActiveChargingProfileResult = stored
        ? { result: 'ACCEPTED', profile: { start_date_time: `${new Date().toISOString().slice(0, 19)}Z`, charging_profile: stored.data.charging_profile } }
        : { result: 'UNKNOWN' };
      return { response: { result: 'ACCEPTED' }, result: later(result) };
    },

    async setChargingProfile(set, { context, partner }) {
      const session = await controllable(set.session_id, context);
      if (!('key' in session)) return { response: session };
      const data: StoredChargingProfile = {
        session_id: session.data.id,
        charging_profile: set.charging_profile,
        set_by: callerParties(context),
        partner_id: partner.id,
        last_updated: new Date().toISOString(),
      };
      await context.node.store.objects.put(key(session), { data });
      return { response: { result: 'ACCEPTED' }, result: later<ChargingProfileResult>({ result: 'ACCEPTED' }) };
    },

    async clearChargingProfile(clear, { context }) {
      const session = await controllable(clear.session_id, context);
      if (!('key' in session)) return { response: session };
      const existed = await context.node.store.objects.delete(key(session));
      return { response: { result: 'ACCEPTED' }, result: later<ClearProfileResult>({ result: existed ? 'ACCEPTED' : 'UNKNOWN' }) };
    },
  };
}

/** The profile the default Receiver handler stored for a session of a CPO party of ours. */
export async function readChargingProfile(store: OcpiStore, owner: PartyRef, sessionId: string): Promise<StoredChargingProfile | undefined> {
  return (await store.objects.get<StoredChargingProfile>({ module: STORE_MODULES.chargingProfiles, owner: normalizeParty(owner), id: sessionId }))?.data;
}

// ---------------------------------------------------------------------------------------------
// Sender interface
// ---------------------------------------------------------------------------------------------

/** Which request a result answers: GET (ActiveChargingProfileResult), PUT (ChargingProfileResult), DELETE (ClearProfileResult). */
export type ChargingProfileResultKind = 'active' | 'set' | 'clear';

export interface ChargingProfileResultBodies {
  active: ActiveChargingProfileResult;
  set: ChargingProfileResult;
  clear: ClearProfileResult;
}

const RESULT_TYPES = {
  active: 'ActiveChargingProfileResult',
  set: 'ChargingProfileResult',
  clear: 'ClearProfileResult',
} as const;

export type ChargingProfileResultEvent = {
  [K in ChargingProfileResultKind]: {
    kind: K;
    uid: string;
    result: ChargingProfileResultBodies[K];
    /** Whether a waiter of `expectResult` on this node was waiting for it (and now has it). */
    matched: boolean;
  };
}[ChargingProfileResultKind];

/** An ActiveChargingProfile a CPO pushed (mod_charging_profiles "Sender Interface", PUT). */
export interface ActiveChargingProfileUpdate {
  /** The CPO party it comes from: `OCPI-from-*`, or the caller's only (CPO) role. */
  owner: PartyRef;
  session_id: string;
  profile: ActiveChargingProfile;
}

/** The business logic of the ChargingProfiles Sender. */
export interface ChargingProfilesSenderHandler {
  /**
   * A result arrived at one of our response URLs. The default refuses one no waiter expected with
   * 404; a handler that keeps pending requests elsewhere (several nodes, a queue) decides itself.
   */
  result(event: ChargingProfileResultEvent, request: HandlerRequest): MaybePromise<void>;
  /** The CPO pushed the ActiveChargingProfile of a session: `created` answers HTTP 201. */
  activeChargingProfile(update: ActiveChargingProfileUpdate, request: HandlerRequest): MaybePromise<WriteResult>;
}

export type AwaitedChargingProfileResult<K extends ChargingProfileResultKind> =
  | { ok: true; result: ChargingProfileResultBodies[K]; partnerId: string }
  | { ok: false; reason: 'timeout' | 'cancelled' };

export interface PendingChargingProfileResult<K extends ChargingProfileResultKind> {
  uid: string;
  /** Put this in the request to the CPO (`response_url`). */
  responseUrl: string;
  /** Settles with the result, or `{ ok: false }` on timeout or cancel; never rejects. */
  result: Promise<AwaitedChargingProfileResult<K>>;
  /** Restarts the deadline, e.g. with the `timeout` of the CPO's ChargingProfileResponse (ms). */
  resetTimeout(ms: number): void;
  /** Stops waiting, e.g. when the CPO's response was not ACCEPTED (no result will come). */
  cancel(): void;
}

export interface ExpectChargingProfileResult {
  /** Our node: the `response_url` is built on its chargingprofiles SENDER endpoint (as `createCommandResultReceiver` does). */
  node?: NodeInfo;
  /** The OCPI version whose endpoint to use with `node`; default the highest one where it is mounted. */
  version?: string;
  /** Or the public URL of our ChargingProfiles Sender interface itself. Default: from `node`, else the module's `moduleUrl`. */
  moduleUrl?: string;
  /** Default a random UUID. */
  uid?: string;
  /** How long to wait, ms (default 120 000). */
  timeoutMs?: number;
  /** Accept the result only from this partner (the CPO the request goes to). */
  partnerId?: string;
}

export interface ChargingProfilesSenderOptions {
  /** Public URL of this interface, used to build response URLs. */
  moduleUrl?: string;
  timers?: Timers;
}

export interface ChargingProfilesSenderModule extends OcpiModule {
  /** Registers a waiter for a result and gives the `response_url` to send. */
  expectResult<K extends ChargingProfileResultKind>(kind: K, options?: ExpectChargingProfileResult): PendingChargingProfileResult<K>;
  /** Waiters still open. */
  readonly waiting: number;
}

/** Where the default Sender handler keeps ActiveChargingProfiles pushed by CPOs, under the CPO party. */
export const ACTIVE_CHARGING_PROFILES_STORE_MODULE = 'active_charging_profiles';

export interface StoredActiveChargingProfile {
  session_id: string;
  profile: ActiveChargingProfile;
  last_updated: string;
}

/** The last ActiveChargingProfile a CPO party pushed for one of its sessions. */
export async function readActiveChargingProfile(store: OcpiStore, owner: PartyRef, sessionId: string): Promise<StoredActiveChargingProfile | undefined> {
  return (await store.objects.get<StoredActiveChargingProfile>({ module: ACTIVE_CHARGING_PROFILES_STORE_MODULE, owner: normalizeParty(owner), id: sessionId }))
    ?.data;
}

function senderUrlOf(node: NodeInfo, version: string | undefined): string | undefined {
  const chosen = version ?? node.versions.find((v) => node.moduleUrl(v, 'chargingprofiles', 'SENDER') !== undefined);
  return chosen === undefined ? undefined : node.moduleUrl(chosen, 'chargingprofiles', 'SENDER');
}

interface Waiter {
  kind: ChargingProfileResultKind;
  partnerId: string | undefined;
  settle(value: AwaitedChargingProfileResult<ChargingProfileResultKind>): void;
}

/**
 * The default Sender handler: a result no waiter expected gets 404; a pushed ActiveChargingProfile is
 * stored under the CPO party and session id (`readActiveChargingProfile`).
 */
export const storeChargingProfilesSender: ChargingProfilesSenderHandler = {
  result(event) {
    if (!event.matched) throw OcpiError.notFound(`No pending charging profile request '${event.uid}'`);
  },
  async activeChargingProfile(update, { context }) {
    const data: StoredActiveChargingProfile = { session_id: update.session_id, profile: update.profile, last_updated: new Date().toISOString() };
    const key = { module: ACTIVE_CHARGING_PROFILES_STORE_MODULE, owner: update.owner, id: update.session_id };
    return writeResultOf(await context.node.store.objects.update(key, () => ({ data })));
  },
};

/**
 * The ChargingProfiles Sender interface, mounted at `sender/chargingprofiles`. Methods the handler
 * leaves out use `storeChargingProfilesSender`.
 */
export function chargingProfilesSender(
  handler: Partial<ChargingProfilesSenderHandler> = {},
  options: ChargingProfilesSenderOptions = {},
): ChargingProfilesSenderModule {
  const timers = options.timers ?? systemTimers;
  const waiters = new Map<string, Waiter>();
  const methods: ChargingProfilesSenderHandler = { ...storeChargingProfilesSender };
  for (const [name, method] of Object.entries(handler)) if (method !== undefined) Object.assign(methods, { [name]: method });

  const resultRoute = (kind: ChargingProfileResultKind) => ({
    method: 'POST' as const,
    path: [kind, ':uid'],
    body: { type: RESULT_TYPES[kind] },
    async handle(ctx: RequestContext) {
      const uid = ctx.param('uid');
      const waiter = waiters.get(uid);
      // A waiter bound to another kind or partner is invisible to this caller (party isolation).
      const matched = waiter !== undefined && waiter.kind === kind && (waiter.partnerId === undefined || waiter.partnerId === ctx.partner.id);
      const result = ctx.body as ChargingProfileResultBodies[typeof kind];
      if (matched) waiter.settle({ ok: true, result, partnerId: ctx.partner.id });
      await methods.result({ kind, uid, result, matched } as ChargingProfileResultEvent, handlerRequest(ctx));
      // "The response to the POST on the Sender interface SHALL contain the Response Format with the data field omitted."
      return {};
    },
  });

  return {
    identifier: 'chargingprofiles',
    role: 'SENDER',
    routes: [
      resultRoute('active'),
      resultRoute('set'),
      resultRoute('clear'),
      {
        method: 'PUT',
        path: [':session_id'],
        body: { type: 'ActiveChargingProfile' },
        async handle(ctx) {
          const session_id = checkCiString36(ctx.param('session_id'), 'session_id');
          const update: ActiveChargingProfileUpdate = { owner: pushingParty(ctx, 'CPO'), session_id, profile: ctx.body as ActiveChargingProfile };
          // "The response to the PUT on the eMSP interface SHALL contain the Response Format with the data field omitted."
          return writeResult(await methods.activeChargingProfile(update, handlerRequest(ctx)));
        },
      },
    ],

    expectResult<K extends ChargingProfileResultKind>(kind: K, expect: ExpectChargingProfileResult = {}): PendingChargingProfileResult<K> {
      const moduleUrl = expect.moduleUrl ?? (expect.node ? senderUrlOf(expect.node, expect.version) : options.moduleUrl);
      if (!moduleUrl) throw new Error('expectResult needs our node (with the chargingprofiles SENDER interface mounted) or moduleUrl');
      const uid = expect.uid ?? crypto.randomUUID();
      if (waiters.has(uid)) throw new Error(`A charging profile result '${uid}' is already awaited`);
      let settle!: (value: AwaitedChargingProfileResult<K>) => void;
      const result = new Promise<AwaitedChargingProfileResult<K>>((resolve) => {
        settle = resolve;
      });
      let handle: unknown;
      const finish = (value: AwaitedChargingProfileResult<K>) => {
        if (waiters.get(uid) !== waiter) return;
        waiters.delete(uid);
        timers.clearTimeout(handle);
        settle(value);
      };
      const arm = (ms: number) => {
        timers.clearTimeout(handle);
        handle = timers.setTimeout(() => finish({ ok: false, reason: 'timeout' }), ms);
      };
      const waiter: Waiter = { kind, partnerId: expect.partnerId, settle: finish as Waiter['settle'] };
      waiters.set(uid, waiter);
      arm(expect.timeoutMs ?? 120_000);
      return {
        uid,
        responseUrl: `${moduleUrl.replace(/\/+$/, '')}/${kind}/${encodeURIComponent(uid)}`,
        result,
        resetTimeout(ms) {
          if (waiters.get(uid) === waiter) arm(ms);
        },
        cancel: () => finish({ ok: false, reason: 'cancelled' }),
      };
    },

    get waiting() {
      return waiters.size;
    },
  };
}
