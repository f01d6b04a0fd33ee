/**
 * The machinery shared by the asynchronous OCPI modules (Commands and ChargingProfiles, Receiver
 * side): a request is answered at once with a response that advertises a `timeout`, and the result
 * from the Charge Point is POSTed later to the `response_url` given by the Sender
 * (mod_commands "Flow", mod_charging_profiles "Flow").
 *
 * The immediate answer never waits for the result. Posting runs detached from the request; every
 * failure is reported through hooks and never rejects or throws into the caller.
 */

import { authorizationHeader } from '../auth/tokens.js';
import { CANONICAL_VERSION, versionEdge } from '../edges/edge.js';
import { OcpiError } from '../errors.js';
import type { NodeInfo, OcpiModule, RequestContext } from '../module.js';
import { checkOutboundUrl, createGuardedFetch, type OutboundPolicy, OutboundRefusedError } from '../outbound.js';
import type { Partner } from '../partners/partner.js';
import { type RoutingHeaders, routingHeaderValues } from '../routing-headers.js';
import type { Session } from '../schemas/v2.3.0/index.js';
import { normalizeParty, partyString } from '../store/keys.js';
import type { PartyRef, StoredObject } from '../store/types.js';
import { formatIssues } from '../validation/ajv.js';
import { STORE_MODULES } from './common.js';

/** The timer functions the machinery uses; injectable so tests can drive time. */
export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** The platform's timers, unref'd where the runtime supports it so a pending deadline never keeps a process alive. */
export const systemTimers: Timers = {
  setTimeout(callback, ms) {
    const handle = setTimeout(callback, ms);
    (handle as { unref?: () => void }).unref?.();
    return handle;
  },
  clearTimeout(handle) {
    clearTimeout(handle as ReturnType<typeof setTimeout>);
  },
};

/** What a result is for: the command type, or the charging profile operation. */
export type AsyncResultKind =
  | 'CANCEL_RESERVATION'
  | 'RESERVE_NOW'
  | 'START_SESSION'
  | 'STOP_SESSION'
  | 'UNLOCK_CONNECTOR'
  | 'GET_ACTIVE_CHARGING_PROFILE'
  | 'SET_CHARGING_PROFILE'
  | 'CLEAR_CHARGING_PROFILE';

const origin = (info: AsyncResultInfo) => ({ partnerId: info.partnerId, requestId: info.requestId, correlationId: info.correlationId });

/** Identifies one pending result in hook calls. */
export interface AsyncResultInfo {
  kind: AsyncResultKind;
  responseUrl: string;
  /** The partner that sent the request, and to whom the result goes. */
  partnerId: string;
  /** X-Request-ID of the original request. */
  requestId: string;
  /** X-Correlation-ID of the original request, repeated on the result POST. */
  correlationId: string;
}

export interface ResultPostedEvent extends AsyncResultInfo {
  result: unknown;
  /** X-Request-ID of the result POST. */
  postRequestId: string;
  httpStatus: number;
  statusCode: number;
  /** True when this is the result the library made up because none came in time (CommandResult TIMEOUT). */
  timedOut: boolean;
}

export type ResultPostFailureReason =
  /** The partner has no token for us to present (it is not fully registered). */
  | 'no_token'
  /** `allowResponseUrl` refused the URL. */
  | 'url_not_allowed'
  /** The result the handler gave does not satisfy the schema; it was not sent. */
  | 'invalid_result'
  /** The request did not get an answer: network failure or `postTimeoutMs` passed. */
  | 'network'
  /** The partner answered with an HTTP error status. */
  | 'http_status'
  /** The partner answered 2xx, but not with an OCPI envelope. */
  | 'invalid_response'
  /** The partner answered with an OCPI status code outside 1xxx. */
  | 'ocpi_status';

export interface ResultPostFailure extends AsyncResultInfo {
  reason: ResultPostFailureReason;
  message: string;
  result: unknown;
  postRequestId?: string;
  httpStatus?: number;
  statusCode?: number;
  error?: unknown;
}

/** Hooks for observability; each is called inside try/catch, so a throwing hook changes nothing. */
export interface AsyncResultHooks {
  /** A result was POSTed and the partner answered with 2xx and a 1xxx status. */
  onResultPosted?: (event: ResultPostedEvent) => void;
  /** A result could not be delivered. OCPI has no retries (mod_commands "CommandResponse Object"); this is the place to log or alert. */
  onResultPostFailed?: (failure: ResultPostFailure) => void;
  /**
   * The handler's result did not come within the advertised timeout. For commands a CommandResult
   * TIMEOUT was posted instead; for charging profiles nothing is posted (their result types have no
   * timeout value, and the Sender may assume the result will never come).
   */
  onResultTimeout?: (info: AsyncResultInfo) => void;
  /** The handler's result promise rejected; the fallback result (CommandResult FAILED, ChargingProfileResult REJECTED) is posted instead. */
  onResultError?: (error: unknown, info: AsyncResultInfo) => void;
}

export interface AsyncResultOptions extends AsyncResultHooks {
  /** The outbound HTTP, used as it is; default `globalThis.fetch` behind the `outbound` policy (which, when given with a `fetch`, still checks each response_url up front). */
  fetch?: typeof fetch;
  /** What a `response_url` may reach (default: no loopback, private, link-local or metadata addresses). */
  outbound?: OutboundPolicy;
  /** Default the platform's timers, unref'd. */
  timers?: Timers;
  /**
   * How long to wait for the handler's result, in ms, given the `timeout` (seconds) advertised in
   * the immediate response. Default `timeout * 1000`.
   */
  deadlineMs?: (timeoutSeconds: number) => number;
  /** Aborts a result POST that has no answer after this many ms (default 30 000). */
  postTimeoutMs?: number;
  /**
   * Whether a `response_url` may be called, checked before the handler runs: a refused URL gets
   * 2001. Default: absolute `http:` or `https:` URLs. Narrow it (e.g. to the partner's own hosts)
   * to keep partners from pointing the platform at internal addresses.
   */
  allowResponseUrl?: (url: URL, partner: Partner) => boolean;
}

/** A result that a handler promises: settled later, from wherever the Charge Point's answer arrives. */
export interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

/** A promise with its resolve/reject functions, for handlers whose result arrives through another channel (OCPP, a queue). */
export function createDeferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/**
 * Where a result goes and on whose behalf, as plain data: taken from the request it answers, and kept
 * (e.g. with a reservation) for a result posted later to the same `response_url`.
 */
export interface ResultTarget {
  /** The partner that sent the request, and to whom the result goes. */
  partnerId: string;
  /** The routing headers of the result POST (see `resultRouting`). */
  routing: { from?: PartyRef | undefined; to?: PartyRef | undefined };
  /** X-Request-ID of the original request. */
  requestId: string;
  /** X-Correlation-ID of the original request, repeated on every result POST. */
  correlationId: string;
  /** The OCPI version the request came in: the result is written in it (default the canonical 2.3.0). */
  version?: string;
}

/** The target of the results of a request: its partner, routing, ids and version. */
export function resultTargetOf(ctx: RequestContext): ResultTarget {
  return {
    partnerId: ctx.caller.kind === 'partner' ? ctx.caller.partner.id : '',
    version: ctx.version,
    routing: resultRouting(ctx),
    requestId: ctx.requestId,
    correlationId: ctx.correlationId,
  };
}

/** One result to post now. */
export interface ResultPost<R> {
  kind: AsyncResultKind;
  /** The object type of the result (CommandResult, ChargingProfileResult...): validated, then written in the partner's version. */
  type: string;
  responseUrl: string;
  /** Our node: its store (the partner's current token), validators and events. */
  node: NodeInfo;
  target: ResultTarget;
  result: R;
}

/** How a result POST ended: delivered (HTTP 2xx, OCPI 1xxx), or why not. */
export type ResultPostOutcome =
  | { ok: true; postRequestId: string; httpStatus: number; statusCode: number }
  | ({ ok: false } & Omit<ResultPostFailure, keyof AsyncResultInfo | 'result'>);

/** One result to deliver. */
export interface Delivery<R> {
  kind: AsyncResultKind;
  /** The object type of the result (CommandResult, ChargingProfileResult...): validated, then written in the partner's version. */
  type: string;
  responseUrl: string;
  /** The request the result answers: partner, routing and correlation id come from it. */
  context: RequestContext;
  /** The handler's result; `undefined` means it never comes (the deadline applies). */
  result: Promise<R> | R | undefined;
  /** The `timeout` advertised in the immediate response, in seconds. */
  timeoutSeconds: number;
  /** Posted when the deadline passes first; `undefined` posts nothing. */
  timeoutResult: R | undefined;
  /** Posted when the handler's result rejects. */
  errorResult: R;
}

export interface ResultPoster {
  /** Starts delivering a result in the background; returns at once and never throws. */
  deliver<R>(delivery: Delivery<R>): void;
  /**
   * Posts a result now, e.g. a further one for a command answered earlier (mod_commands: the CPO
   * cancels a reservation with CANCELED_RESERVATION at the RESERVE_NOW's `response_url`). Never rejects.
   */
  send<R>(post: ResultPost<R>): Promise<ResultPostOutcome>;
  /**
   * Rejects with OcpiError 2001 when a response_url cannot or may not be called: not an http(s) URL,
   * refused by `allowResponseUrl`, or by the outbound policy (the answer says so at once, rather than
   * ACCEPTED followed by a result that is never delivered).
   */
  checkResponseUrl(value: string, partner: Partner, field: string): Promise<void>;
  /** Resolves once every delivery started so far is finished (posted, failed or given up): for graceful shutdown and tests. */
  drain(): Promise<void>;
  /** Deliveries still running. */
  readonly pending: number;
}

const isHttpUrl = (url: URL) => url.protocol === 'http:' || url.protocol === 'https:';

function callSafely<A extends unknown[]>(hook: ((...args: A) => void) | undefined, ...args: A): void {
  try {
    hook?.(...args);
  } catch {
    // A failing observability hook must not break delivery.
  }
}

/** The routing headers of a result POST: from the party that was addressed, to the party that asked (transport_and_format, "Party to Party"). */
export function resultRouting(ctx: RequestContext): RoutingHeaders {
  const ours = ctx.node.parties;
  const theirs = ctx.caller.kind === 'partner' ? ctx.caller.partner.roles : [];
  const single = (parties: readonly PartyRef[]): PartyRef | undefined => (parties.length === 1 ? normalizeParty(parties[0] as PartyRef) : undefined);
  return {
    from: ctx.routing.to ? normalizeParty(ctx.routing.to) : single(ours),
    to: ctx.routing.from ? normalizeParty(ctx.routing.from) : single(theirs),
  };
}

export function createResultPoster(options: AsyncResultOptions = {}): ResultPoster {
  const timers = options.timers ?? systemTimers;
  const deadlineMs = options.deadlineMs ?? ((seconds: number) => seconds * 1000);
  const postTimeoutMs = options.postTimeoutMs ?? 30_000;
  const allowResponseUrl = options.allowResponseUrl ?? ((url: URL) => isHttpUrl(url));
  const guardedFetch = createGuardedFetch(options.outbound);
  const running = new Set<Promise<void>>();

  async function checkResponseUrl(value: string, partner: Partner, field: string): Promise<void> {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      throw OcpiError.invalid(`${field} must be an absolute URL, got '${value}'`);
    }
    if (!isHttpUrl(url)) throw OcpiError.invalid(`${field} must be an http or https URL, got '${value}'`);
    if (!allowResponseUrl(url, partner)) throw OcpiError.invalid(`${field} '${value}' is not an address this platform posts results to`);
    // A fetch of the operator's own is used as it is; with a policy given too (a fetch that applies it at
    // connect, say), the URL is checked against it here, so a refused one gets 2001 at once.
    if (options.fetch && !options.outbound) return;
    try {
      await checkOutboundUrl(url, options.outbound ?? {});
    } catch (error) {
      if (!(error instanceof OutboundRefusedError)) throw error;
      throw OcpiError.invalid(`${field} '${value}' is not an address this platform posts results to: ${error.reason}`);
    }
  }

  /** Waits for the handler's result, the deadline, or a rejection: whichever comes first. */
  function awaitResult<R>(delivery: Delivery<R>, info: AsyncResultInfo): Promise<{ result: R; timedOut: boolean } | undefined> {
    return new Promise((resolve) => {
      let settled = false;
      const finish = (value: { result: R; timedOut: boolean } | undefined) => {
        if (settled) return;
        settled = true;
        timers.clearTimeout(handle);
        resolve(value);
      };
      const handle = timers.setTimeout(
        () => {
          if (settled) return;
          callSafely(options.onResultTimeout, info);
          finish(delivery.timeoutResult === undefined ? undefined : { result: delivery.timeoutResult, timedOut: true });
        },
        Math.max(0, deadlineMs(delivery.timeoutSeconds)),
      );
      if (delivery.result !== undefined) {
        Promise.resolve(delivery.result).then(
          (result) => finish({ result, timedOut: false }),
          (error: unknown) => {
            if (settled) return;
            callSafely(options.onResultError, error, info);
            finish({ result: delivery.errorResult, timedOut: false });
          },
        );
      }
    });
  }

  async function post<R>(request: ResultPost<R>, info: AsyncResultInfo, timedOut: boolean): Promise<ResultPostOutcome> {
    const { node, result } = request;
    const fail = (failure: Omit<ResultPostFailure, keyof AsyncResultInfo | 'result'>): ResultPostOutcome => {
      node.events.emit({ type: 'outbound.failed', url: info.responseUrl, reason: failure.message, ...origin(info) });
      callSafely(options.onResultPostFailed, { ...info, result, ...failure });
      return { ok: false, ...failure };
    };

    // Every object crossing the wire is validated, results we send included, then written in the version the request came in.
    const edge = versionEdge(request.target.version ?? CANONICAL_VERSION);
    const schema = versionEdge(CANONICAL_VERSION).schemaOf(request.type);
    const checked = schema ? node.validator(schema).validate(result) : undefined;
    if (checked && !checked.ok) return fail({ reason: 'invalid_result', message: `Invalid ${request.type}: ${formatIssues(checked.issues)}` });
    const converted = edge.fromCanonical(request.type, result);
    if (converted.losses.length > 0) {
      node.losses.record(
        { partnerId: request.target.partnerId, version: edge.version, objectType: request.type, direction: 'to-partner', losses: converted.losses },
        origin(info),
      );
    }
    if (!converted.ok) {
      return fail({
        reason: 'invalid_result',
        message: `This ${request.type} cannot be expressed in OCPI ${edge.version}: ${converted.losses.map((l) => l.reason).join('; ')}`,
      });
    }
    // The partner as stored now: its token may have been renewed since the request came in.
    const current = request.target.partnerId ? await node.store.partners.get(request.target.partnerId) : undefined;
    if (!current?.outboundToken) return fail({ reason: 'no_token', message: `Partner ${info.partnerId} has no token for us to present` });
    let url: URL;
    try {
      url = new URL(request.responseUrl);
    } catch {
      return fail({ reason: 'url_not_allowed', message: `${request.responseUrl} is not an absolute URL` });
    }
    if (!isHttpUrl(url) || !allowResponseUrl(url, current)) {
      return fail({ reason: 'url_not_allowed', message: `${request.responseUrl} is not an address this platform posts results to` });
    }

    const postRequestId = crypto.randomUUID();
    const headers: Record<string, string> = {
      authorization: authorizationHeader(current.outboundToken, current.tokenEncoding),
      'content-type': 'application/json',
      'x-request-id': postRequestId,
      'x-correlation-id': request.target.correlationId,
      // 2.1.1 has no routing headers.
      ...(edge.routingHeaders ? routingHeaderValues({ from: request.target.routing.from, to: request.target.routing.to }) : {}),
    };
    const fetchImpl = options.fetch ?? guardedFetch;
    const abort = new AbortController();
    const abortHandle = timers.setTimeout(() => abort.abort(new Error(`No answer within ${postTimeoutMs} ms`)), postTimeoutMs);
    let status: number;
    let text: string;
    try {
      const response = await fetchImpl(request.responseUrl, { method: 'POST', headers, body: JSON.stringify(converted.value), signal: abort.signal });
      status = response.status;
      text = await response.text();
    } catch (error) {
      return fail({ reason: 'network', message: `POST ${request.responseUrl} failed: ${(error as Error)?.message ?? String(error)}`, postRequestId, error });
    } finally {
      timers.clearTimeout(abortHandle);
    }
    let envelope: { status_code?: unknown; status_message?: unknown } | undefined;
    try {
      const parsed: unknown = JSON.parse(text);
      if (parsed && typeof parsed === 'object') envelope = parsed as typeof envelope;
    } catch {
      envelope = undefined;
    }
    const statusCode = typeof envelope?.status_code === 'number' ? envelope.status_code : undefined;
    const detail = typeof envelope?.status_message === 'string' ? `: ${envelope.status_message}` : '';
    if (status < 200 || status > 299) {
      return fail({
        reason: 'http_status',
        message: `POST ${request.responseUrl} answered HTTP ${status}${detail}`,
        postRequestId,
        httpStatus: status,
        ...(statusCode === undefined ? {} : { statusCode }),
      });
    }
    if (statusCode === undefined) {
      return fail({ reason: 'invalid_response', message: `POST ${request.responseUrl} answered without an OCPI envelope`, postRequestId, httpStatus: status });
    }
    if (statusCode < 1000 || statusCode > 1999) {
      return fail({
        reason: 'ocpi_status',
        message: `POST ${request.responseUrl} answered OCPI status ${statusCode}${detail}`,
        postRequestId,
        httpStatus: status,
        statusCode,
      });
    }
    node.events.emit({ type: 'result.sent', kind: info.kind, url: info.responseUrl, result, ...origin(info) });
    callSafely(options.onResultPosted, { ...info, result, postRequestId, httpStatus: status, statusCode, timedOut });
    return { ok: true, postRequestId, httpStatus: status, statusCode };
  }

  const infoOf = (kind: AsyncResultKind, responseUrl: string, target: ResultTarget): AsyncResultInfo => ({
    kind,
    responseUrl,
    partnerId: target.partnerId,
    requestId: target.requestId,
    correlationId: target.correlationId,
  });

  async function run<R>(delivery: Delivery<R>): Promise<void> {
    const { kind, type, responseUrl, context } = delivery;
    const target = resultTargetOf(context);
    const info = infoOf(kind, responseUrl, target);
    try {
      const outcome = await awaitResult(delivery, info);
      if (outcome) await post({ kind, type, responseUrl, node: context.node, target, result: outcome.result }, info, outcome.timedOut);
    } catch (error) {
      callSafely(options.onResultPostFailed, {
        ...info,
        result: undefined,
        reason: 'network',
        message: `Delivery failed: ${(error as Error)?.message ?? String(error)}`,
        error,
      });
    }
  }

  return {
    deliver(delivery) {
      const task = run(delivery);
      running.add(task);
      void task.finally(() => running.delete(task));
    },
    async send(request) {
      const info = infoOf(request.kind, request.responseUrl, request.target);
      const task = post(request, info, false).catch(
        (error: unknown): ResultPostOutcome => ({
          ok: false,
          reason: 'network',
          message: `Delivery failed: ${(error as Error)?.message ?? String(error)}`,
          error,
        }),
      );
      const settled = task.then(() => undefined);
      running.add(settled);
      void settled.finally(() => running.delete(settled));
      return task;
    },
    checkResponseUrl,
    async drain() {
      while (running.size > 0) await Promise.allSettled([...running]);
    },
    get pending() {
      return running.size;
    },
  };
}

/** The parties the caller speaks for: the `OCPI-from` party when routed (checked by the server), else its registered roles. */
export function callerParties(ctx: RequestContext): PartyRef[] {
  if (ctx.routing.from) return [normalizeParty(ctx.routing.from)];
  return ctx.caller.kind === 'partner' ? ctx.caller.partner.roles.map(normalizeParty) : [];
}

/**
 * The one party of the caller a push comes from: the `OCPI-from` party (the server checked the caller
 * may speak for it), else its only party, else its only role of the given kind (a CPO pushing an
 * ActiveChargingProfile, a PTP posting a Terminal); 2001 when that leaves a choice.
 */
export function pushingParty(ctx: RequestContext, role: string): PartyRef {
  const parties = callerParties(ctx);
  if (parties.length === 1) return parties[0] as PartyRef;
  const ofRole = ctx.partner.roles.filter((r) => String(r.role) === role);
  if (ofRole.length === 1) return normalizeParty(ofRole[0] as PartyRef);
  throw OcpiError.invalid(
    `OCPI-from-country-code and OCPI-from-party-id are required: your credentials hold several parties (${parties.map(partyString).join(', ')})`,
  );
}

/** The parties of this platform a request may address: the `OCPI-to` party when given (checked by the server), else all of them. */
export function addressedParties(ctx: RequestContext): PartyRef[] {
  return ctx.routing.to ? [normalizeParty(ctx.routing.to)] : ctx.node.parties.map(normalizeParty);
}

/** A path or query value that must be a CiString(36) (types.asciidoc): 2001 naming the parameter otherwise. */
export function checkCiString36(value: string, name: string): string {
  if (value.length === 0 || value.length > 36 || !/^[\x20-\x7E]+$/.test(value)) {
    throw OcpiError.invalid(`${name} must be 1 to 36 printable ASCII characters (CiString(36)), got '${value}'`);
  }
  return value;
}

/** A session of ours, among the parties the request addresses. */
export async function findOwnSession(ctx: RequestContext, sessionId: string): Promise<StoredObject<Session> | undefined> {
  for (const owner of addressedParties(ctx)) {
    const found = await ctx.node.store.objects.get<Session>({ module: STORE_MODULES.sessions, owner, id: sessionId });
    if (found) return found;
  }
  return undefined;
}

/** Whether the caller speaks for the party that owns a token (an eMSP may only use its own Tokens, mod_commands "StartSession Object"). */
export const callerOwnsToken = (ctx: RequestContext, token: PartyRef): boolean => callerParties(ctx).some((party) => partyString(party) === partyString(token));

/** An OcpiModule that also lets the operator wait for the results still being delivered. */
export interface AsyncResultModule extends OcpiModule {
  /** Resolves once every result started so far was posted or given up: call before shutting down. */
  drain(): Promise<void>;
}
