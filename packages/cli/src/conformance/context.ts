// What the checks of one conformance run share: the partner, our own node, the recording probe, and
// the lists read from the partner (read once, checked by several checks).
import { authorizationHeader, type CredentialsRole, DATE_FROM_REQUIRED, type Endpoint, type Partner, type TokenEncoding } from '@ocpi-ts/core';
import type { RoleNode } from '../node.js';
import type { Probe } from './probe.js';

export interface ConformanceOptions {
  /** The partner's versions URL. */
  versionsUrl: string;
  /** A registration token: the runner registers with the partner itself. */
  tokenA?: string;
  /** Credentials already agreed (token C): no handshake. */
  tokenC?: string;
  /** Run the write-path checks too (pushes, commands, token rotation, error cases). */
  write: boolean;
  /** The role and party we play (default: the role opposite the partner's, NL*CLI). */
  ours?: { role?: 'CPO' | 'EMSP'; country_code: string; party_id: string; name?: string };
  /** Where our own versions endpoint listens during the run, and the URL the partner reaches it at. */
  host?: string;
  port?: number;
  publicUrl?: string;
  /** Per request, before it counts as a timeout (default 10 s). */
  timeoutMs?: number;
  /** An answer slower than this fails `http.latency` (default 5 s). */
  maxLatencyMs?: number;
  /** An envelope timestamp further than this from our clock fails `envelope.clock` (default 120 s). */
  maxSkewSeconds?: number;
  /** Objects read per list at most (default 2,000). */
  maxObjects?: number;
}

/** One list read from the partner, offset after offset. */
export interface Walk {
  module: string;
  url: string;
  objects: unknown[];
  /** Per page: its URL, X-Total-Count, X-Limit, objects returned. */
  pages: { url: string; total: number | undefined; limit: number | undefined; returned: number }[];
  /** Stopped at `maxObjects`. */
  capped: boolean;
}

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  /** The envelope, when the body is one. */
  envelope: { data?: unknown; status_code?: unknown; status_message?: unknown; timestamp?: unknown } | undefined;
}

export interface RunContext {
  options: Required<Pick<ConformanceOptions, 'versionsUrl' | 'write' | 'timeoutMs' | 'maxLatencyMs' | 'maxSkewSeconds' | 'maxObjects'>> & ConformanceOptions;
  probe: Probe;
  /** The token for discovery: A, or C. */
  token: string;
  /** How the partner takes tokens: Base64 as 2.2.1 requires, or raw (found out in discovery). */
  encoding: TokenEncoding;
  base64Refused: boolean;
  versions: { version: string; url: string }[] | undefined;
  endpoints: Endpoint[] | undefined;
  /** The partner once registered (or from token C), with its token for us. */
  partner: Partner | undefined;
  ours: CredentialsRole;
  /** Our node, when we registered (it receives the partner's calls: versions, results). */
  own: RoleNode | undefined;
  /** Requests our node received: the partner reading our versions during the handshake. */
  incoming: { method: string; url: string }[];
  walks: Map<string, Walk>;
}

export const endpointOf = (ctx: RunContext, identifier: string, role: 'SENDER' | 'RECEIVER'): string | undefined =>
  ctx.endpoints?.find((e) => e.identifier === identifier && (identifier === 'credentials' || e.role === role))?.url;

/** The lists of the partner we read: its Sender interfaces of modules with lists. */
export const LIST_MODULES = ['locations', 'tariffs', 'sessions', 'cdrs', 'tokens', 'hubclientinfo'];

export const senderLists = (ctx: RunContext): { module: string; url: string }[] =>
  LIST_MODULES.flatMap((module) => {
    const url = endpointOf(ctx, module, 'SENDER');
    return url ? [{ module, url }] : [];
  });

/** `url?query` with the list's required `date_from` (Sessions: the epoch) unless given. */
export function listUrl(module: string, url: string, query: Record<string, string | number> = {}): string {
  const parsed = new URL(url);
  for (const [name, value] of Object.entries(query)) parsed.searchParams.set(name, String(value));
  if (DATE_FROM_REQUIRED.has(module) && !parsed.searchParams.has('date_from')) parsed.searchParams.set('date_from', '1970-01-01T00:00:00Z');
  return parsed.toString();
}

const ROUTED = new Set(['credentials', 'hubclientinfo', 'versions']);

type Party = { country_code: string; party_id: string };

/** Whether the partner is a hub (its credentials name a HUB role). */
export const isHub = (ctx: RunContext): boolean => (ctx.partner?.roles ?? []).some((r) => r.role === 'HUB');

/** The role that serves a module interface: a CPO's Tokens and Commands Receivers and other Senders, an eMSP's the rest. */
const servingRole = (module: string, role: 'SENDER' | 'RECEIVER') =>
  (role === 'RECEIVER') === ['tokens', 'commands', 'chargingprofiles'].includes(module) ? 'CPO' : 'EMSP';

/**
 * The party a request to a module interface is for (`OCPI-to`): the partner's party of the role serving
 * it; behind a hub, a connected party of that role from the hub's Hub Client Info (transport_and_format
 * "Message Routing", "Party to Party via Hub": the request names the receiving party).
 */
export async function receiverOf(ctx: RunContext, module: string, role: 'SENDER' | 'RECEIVER'): Promise<Party | undefined> {
  const wanted = servingRole(module, role);
  const roles = ctx.partner?.roles ?? [];
  if (!isHub(ctx)) return roles.find((r) => r.role === wanted) ?? roles[0];
  const url = endpointOf(ctx, 'hubclientinfo', 'SENDER');
  const infos = (url ? (await walk(ctx, 'hubclientinfo', url)).objects : []) as (Party & { role?: string; status?: string })[];
  const found = infos.find(
    (i) => i.role === wanted && i.status === 'CONNECTED' && !(i.country_code === ctx.ours.country_code && i.party_id === ctx.ours.party_id),
  );
  return found && { country_code: found.country_code, party_id: found.party_id };
}

/** The owner of an object (`country_code`, `party_id`), when it names one. */
export function ownerOf(object: unknown): Party | undefined {
  const o = object as Partial<Party> | null;
  return typeof o?.country_code === 'string' && typeof o.party_id === 'string' ? { country_code: o.country_code, party_id: o.party_id } : undefined;
}

/**
 * A request as we want it, malformed ones included: no token (`token: null`), any body text. Functional
 * modules get our routing headers. Answers whatever came (never throws on an HTTP status).
 */
export async function send(
  ctx: RunContext,
  request: {
    method: string;
    url: string;
    token?: string | null;
    encoding?: TokenEncoding;
    body?: string | object;
    module?: string;
    to?: { country_code: string; party_id: string };
    /** `OCPI-from` other than our party (a forged one, to see it refused). */
    from?: { country_code: string; party_id: string };
  },
): Promise<Answer> {
  const headers: Record<string, string> = { 'x-request-id': crypto.randomUUID(), 'x-correlation-id': crypto.randomUUID(), accept: 'application/json' };
  const token = request.token === undefined ? (ctx.partner?.outboundToken ?? ctx.token) : request.token;
  if (token !== null) headers.authorization = authorizationHeader(token, request.encoding ?? ctx.encoding);
  if (request.module && !ROUTED.has(request.module)) {
    const to = request.to ?? ctx.partner?.roles[0];
    const from = request.from ?? ctx.ours;
    headers['ocpi-from-country-code'] = from.country_code;
    headers['ocpi-from-party-id'] = from.party_id;
    if (to) {
      headers['ocpi-to-country-code'] = to.country_code;
      headers['ocpi-to-party-id'] = to.party_id;
    }
  }
  let body: string | undefined;
  if (request.body !== undefined) {
    body = typeof request.body === 'string' ? request.body : JSON.stringify(request.body);
    headers['content-type'] = 'application/json';
  }
  const response = await ctx.probe.fetch(request.url, { method: request.method, headers, ...(body === undefined ? {} : { body }) });
  const text = await response.text();
  let envelope: Answer['envelope'];
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) envelope = parsed as Answer['envelope'];
  } catch {
    envelope = undefined;
  }
  return { status: response.status, headers: response.headers, text, envelope };
}

const headerInt = (headers: Headers, name: string): number | undefined => {
  const raw = headers.get(name);
  return raw !== null && /^\s*\d+\s*$/.test(raw) ? Number(raw) : undefined;
};

export const totalOf = (answer: Answer) => headerInt(answer.headers, 'x-total-count');
export const limitOf = (answer: Answer) => headerInt(answer.headers, 'x-limit');

/** Reads a list offset after offset (not following Link: its checks are separate), up to `maxObjects`. */
export async function walk(ctx: RunContext, module: string, url: string): Promise<Walk> {
  const cached = ctx.walks.get(module);
  if (cached) return cached;
  const result: Walk = { module, url, objects: [], pages: [], capped: false };
  let offset = 0;
  for (;;) {
    const pageUrl = listUrl(module, url, { offset });
    const answer = await send(ctx, { method: 'GET', url: pageUrl, module });
    const data = answer.envelope?.data;
    if (answer.status !== 200 || answer.envelope?.status_code !== 1000 || !Array.isArray(data)) {
      throw new Error(
        `GET ${pageUrl} answered HTTP ${answer.status}, status ${String(answer.envelope?.status_code)}: ${String(answer.envelope?.status_message ?? answer.text.slice(0, 120))}`,
      );
    }
    const limit = limitOf(answer);
    result.pages.push({ url: pageUrl, total: totalOf(answer), limit, returned: data.length });
    result.objects.push(...data);
    offset += data.length;
    if (result.objects.length >= ctx.options.maxObjects) {
      result.capped = true;
      break;
    }
    if (data.length === 0 || (limit !== undefined && data.length < limit)) break;
    if (result.pages.length > 10_000) break;
  }
  ctx.walks.set(module, result);
  return result;
}

/**
 * An object's identity: its owner and `id` (ids are unique per party: transport_and_format "Client
 * Owned Object Push"), `uid` and `type` for a Token, the party and role for a ClientInfo.
 */
export function identityOf(module: string, object: unknown): string | undefined {
  const o = object as Record<string, unknown> | null;
  if (!o) return undefined;
  const owner = `${String(o.country_code)}*${String(o.party_id)}`;
  if (module === 'tokens') return typeof o.uid === 'string' ? `${owner} ${String(o.type)}:${o.uid}` : undefined;
  if (module === 'hubclientinfo') return typeof o.party_id === 'string' ? `${owner}:${String(o.role)}` : undefined;
  return typeof o.id === 'string' ? `${owner} ${o.id}` : undefined;
}

/** The `id` of an object (a Location's, to GET it alone). */
export const idOf = (object: unknown): string | undefined => {
  const id = (object as { id?: unknown } | null)?.id;
  return typeof id === 'string' ? id : undefined;
};

/** Whether `actual` holds every field of `expected` with the same value (objects compared field by field). */
export function holds(actual: unknown, expected: unknown): boolean {
  if (expected === null || typeof expected !== 'object')
    return Object.is(actual, expected) || (typeof expected === 'string' && typeof actual === 'string' && sameTime(actual, expected));
  if (actual === null || typeof actual !== 'object') return false;
  if (Array.isArray(expected)) return Array.isArray(actual) && expected.length === actual.length && expected.every((e, i) => holds(actual[i], e));
  return Object.entries(expected).every(([key, value]) => holds((actual as Record<string, unknown>)[key], value));
}

/** Two DateTimes of the same instant in different notation (`Z` vs `.000Z`). */
const sameTime = (a: string, b: string) => /^\d{4}-\d{2}-\d{2}T/.test(a) && /^\d{4}-\d{2}-\d{2}T/.test(b) && Date.parse(a) === Date.parse(b);
