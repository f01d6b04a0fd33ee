// The faults the mock partner can inject, as data: each names the conformance check that catches it, so
// a run of `ocpi conformance` against the mock with one fault on fails that check and nothing else.
// Faults sit in front of the core (the mock is an ordinary OCPI node behind them).
import { base64DecodeUtf8, type OcpiRequest, type OcpiResponse, ocpiTimestamp, responseText } from '@ocpi-ts/core';

/** A request as the faults see it: where it goes below the OCPI root. */
export interface Classified {
  request: OcpiRequest;
  method: string;
  /** Path segments below `/ocpi`: `['2.2.1', 'sender', 'locations']`. */
  segments: string[];
  query: URLSearchParams;
  /** A GET of a functional module (not versions, credentials or hubclientinfo): what slow, 5xx and timeout hit. */
  functionalGet: boolean;
  /** A GET of a Sender interface: a list (no segment below the module) or one object. */
  senderGet: 'list' | 'object' | undefined;
  /** The module identifier, for functional modules. */
  module: string | undefined;
}

export interface FaultParameter {
  name: string;
  default: number;
  description: string;
}

/** What a fault may do around one request. */
export interface FaultEffects {
  /** Before the core: wait, or answer in its place (a 5xx, a 401, a request held until the client gives up). */
  before?(request: Classified, count: number, signal: AbortSignal): Promise<OcpiResponse | undefined>;
  /** After the core: change the answer. */
  after?(response: OcpiResponse, request: Classified): OcpiResponse;
}

export interface Fault {
  name: string;
  description: string;
  /** The conformance check that fails when this fault is on (see `CHECKS`). */
  check: string;
  parameter?: FaultParameter;
  /** Which requests count for the fault (`count` in `before` counts them, 1-based). */
  applies(request: Classified): boolean;
  effects(value: number): FaultEffects;
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });

const plain = (status: number, text: string): OcpiResponse => ({ status, headers: { 'content-type': 'text/plain' }, body: text });

/** Rewrites the JSON envelope of an answer. */
function withEnvelope(response: OcpiResponse, change: (envelope: Record<string, unknown>) => void): OcpiResponse {
  let envelope: Record<string, unknown>;
  try {
    envelope = JSON.parse(responseText(response)) as Record<string, unknown>;
  } catch {
    return response;
  }
  change(envelope);
  return { ...response, body: JSON.stringify(envelope) };
}

/** The `next` Link of an answer with its offset replaced. */
function relinked(response: OcpiResponse, request: Classified, offset: (current: number, limit: number) => number | undefined): OcpiResponse {
  const limit = Number(response.headers['x-limit'] ?? request.query.get('limit') ?? 0);
  const current = Number(request.query.get('offset') ?? 0);
  const wanted = offset(current, limit);
  if (wanted === undefined) return response;
  const base = /<([^>]*)>/.exec(response.headers.link ?? '')?.[1];
  const next = new URL(base ?? `http://mock${request.request.url}`);
  next.searchParams.set('offset', String(wanted));
  next.searchParams.set('limit', String(limit));
  // Without a Link of its own (the last page) the answer gets one built on the request's path.
  const href = base ? next.toString() : `${request.request.url.split('?')[0]}?${next.searchParams}`;
  return { ...response, headers: { ...response.headers, link: `<${href}>; rel="next"` } };
}

/** A required field each module's objects lose under `invalid-objects`. */
const REQUIRED_FIELD: Record<string, string> = {
  locations: 'address',
  tariffs: 'currency',
  sessions: 'kwh',
  cdrs: 'total_cost',
  tokens: 'contract_id',
};

/** Every third object, by a hash of its id: the same objects in lists and single GETs. */
const spoiled = (id: unknown) => typeof id === 'string' && [...id].reduce((hash, c) => (hash * 31 + c.charCodeAt(0)) >>> 0, 7) % 3 === 0;

const everyNth = (name: string, description: string, fallback: number): FaultParameter => ({ name, default: fallback, description });

export const FAULTS: readonly Fault[] = [
  {
    name: 'slow',
    description: 'answers every GET of a functional module late',
    check: 'http.latency',
    parameter: { name: 'ms', default: 1500, description: 'delay in milliseconds' },
    applies: (r) => r.functionalGet,
    effects: (ms) => ({
      async before(_request, _count, signal) {
        await sleep(ms, signal);
        return undefined;
      },
    }),
  },
  {
    name: '5xx',
    description: 'answers every Nth GET of a functional module with HTTP 503 (a retry succeeds)',
    check: 'http.server-errors',
    parameter: everyNth('every', 'every Nth request', 3),
    applies: (r) => r.functionalGet,
    effects: (every) => ({ before: async (_request, count) => (count % every === 0 ? plain(503, 'Service Unavailable') : undefined) }),
  },
  {
    name: 'timeout',
    description: 'never answers every Nth GET of a functional module (the client gives up; a retry succeeds)',
    check: 'http.timeouts',
    parameter: everyNth('every', 'every Nth request', 4),
    applies: (r) => r.functionalGet,
    effects: (every) => ({
      async before(_request, count, signal) {
        if (count % every !== 0) return undefined;
        await sleep(300_000, signal);
        return plain(504, 'Gateway Timeout');
      },
    }),
  },
  {
    name: 'link-loop',
    description: 'the Link of every page after the first points back to the first page',
    check: 'pagination.link',
    applies: (r) => r.senderGet === 'list',
    effects: () => ({ after: (response, request) => relinked(response, request, (offset) => (offset > 0 ? 0 : undefined)) }),
  },
  {
    name: 'link-skip',
    description: 'the Link of every page skips the page after it',
    check: 'pagination.link',
    applies: (r) => r.senderGet === 'list',
    effects: () => ({
      after: (response, request) => (response.headers.link ? relinked(response, request, (offset, limit) => offset + 2 * limit) : response),
    }),
  },
  {
    name: 'shrinking-total',
    description: 'X-Total-Count drops by one on every page after the first, though nothing changed',
    check: 'pagination.total-count',
    applies: (r) => r.senderGet === 'list',
    effects: () => ({
      after(response, request) {
        const total = Number(response.headers['x-total-count']);
        const limit = Number(response.headers['x-limit'] ?? 1) || 1;
        const page = Math.ceil(Number(request.query.get('offset') ?? 0) / limit);
        if (!Number.isFinite(total) || page === 0) return response;
        return { ...response, headers: { ...response.headers, 'x-total-count': String(Math.max(0, total - page)) } };
      },
    }),
  },
  {
    name: 'raw-tokens',
    description: 'accepts only unencoded credentials tokens: a Base64 one gets 401 (OCPI 2.1.1 habit)',
    check: 'auth.base64',
    applies: () => true,
    effects: () => ({
      async before(request) {
        const header = request.request.headers.authorization;
        const value = /^Token\s+(\S+)/i.exec(typeof header === 'string' ? header : (header?.[0] ?? ''))?.[1];
        // The mock's tokens are base64url without padding: never valid Base64, so a Base64 value is an encoded one.
        if (value === undefined || base64DecodeUtf8(value) === undefined) return undefined;
        const id = (name: string) => String(request.request.headers[name] ?? crypto.randomUUID());
        return {
          status: 401,
          headers: { 'content-type': 'application/json', 'x-request-id': id('x-request-id'), 'x-correlation-id': id('x-correlation-id') },
          body: JSON.stringify({ status_code: 2000, status_message: 'Unknown credentials token', timestamp: ocpiTimestamp() }),
        };
      },
    }),
  },
  {
    name: 'wrong-routing',
    description: 'answers to functional modules carry routing headers of a party nobody asked for',
    check: 'routing.response-headers',
    applies: (r) => r.module !== undefined,
    effects: () => ({
      after: (response) => ({
        ...response,
        headers: { ...response.headers, 'ocpi-from-country-code': 'ZZ', 'ocpi-from-party-id': 'BAD', 'ocpi-to-country-code': 'ZZ', 'ocpi-to-party-id': 'BAD' },
      }),
    }),
  },
  {
    name: 'invalid-objects',
    description: 'every third object a Sender interface serves lacks a required field',
    check: 'objects.valid',
    applies: (r) => r.senderGet !== undefined && r.module !== undefined && r.module in REQUIRED_FIELD,
    effects: () => ({
      after: (response, request) =>
        withEnvelope(response, (envelope) => {
          const field = REQUIRED_FIELD[request.module as string] as string;
          const objects = Array.isArray(envelope.data) ? envelope.data : envelope.data ? [envelope.data] : [];
          for (const object of objects as Record<string, unknown>[]) if (spoiled(object.id ?? object.uid)) delete object[field];
        }),
    }),
  },
  {
    name: 'clock-skew',
    description: "every answer's timestamp is off by some seconds",
    check: 'envelope.clock',
    parameter: { name: 'seconds', default: 900, description: 'seconds ahead (negative: behind)' },
    applies: () => true,
    effects: (seconds) => ({
      after: (response) =>
        withEnvelope(response, (envelope) => {
          if (typeof envelope.timestamp === 'string')
            envelope.timestamp = `${new Date(Date.parse(envelope.timestamp) + seconds * 1000).toISOString().slice(0, 19)}Z`;
        }),
    }),
  },
];

/** A fault switched on, with its value. */
export interface ActiveFault {
  fault: Fault;
  value: number;
}

/** `slow=500`, `5xx`, `clock-skew=-600`: a fault by name, with its parameter or the default. */
export function parseFault(spec: string): ActiveFault {
  const [name, raw] = spec.split('=', 2);
  const fault = FAULTS.find((f) => f.name === name?.trim());
  if (!fault) throw new Error(`Unknown fault '${name}'; known: ${FAULTS.map((f) => f.name).join(', ')}`);
  if (raw === undefined) return { fault, value: fault.parameter?.default ?? 0 };
  if (!fault.parameter) throw new Error(`Fault '${fault.name}' takes no value`);
  const value = Number(raw);
  if (!Number.isFinite(value) || (fault.parameter.name === 'every' && !(Number.isInteger(value) && value >= 2))) {
    throw new Error(
      `Fault '${fault.name}' needs ${fault.parameter.name === 'every' ? 'a whole number of 2 or more' : 'a number'} (${fault.parameter.description}), got '${raw}'`,
    );
  }
  return { fault, value };
}

const CONFIGURATION = new Set(['credentials', 'hubclientinfo']);

export function classify(request: OcpiRequest, mountPath = '/ocpi'): Classified {
  const [path = '', search = ''] = request.url.split('?', 2);
  const segments = path
    .slice(path.startsWith(mountPath) ? mountPath.length : 0)
    .split('/')
    .filter(Boolean);
  const method = request.method.toUpperCase();
  const [, iface, module, ...below] = segments;
  const functionalModule = (iface === 'sender' || iface === 'receiver') && module !== undefined && !CONFIGURATION.has(module) ? module : undefined;
  const senderModule = iface === 'sender' && module !== undefined ? module : undefined;
  return {
    request,
    method,
    segments,
    query: new URLSearchParams(search),
    functionalGet: method === 'GET' && functionalModule !== undefined,
    senderGet: method === 'GET' && senderModule !== undefined ? (below.length === 0 ? 'list' : 'object') : undefined,
    module: functionalModule ?? senderModule,
  };
}

/** Puts the faults in front of a node's `handle`. Requests held by a fault are let go when `signal` aborts. */
export function withFaults(
  handle: (request: OcpiRequest) => Promise<OcpiResponse>,
  active: readonly ActiveFault[],
  signal: AbortSignal,
): (request: OcpiRequest) => Promise<OcpiResponse> {
  const layers = active.map(({ fault, value }) => ({ fault, effects: fault.effects(value), count: 0 }));
  return async (request) => {
    const classified = classify(request);
    const applying = layers.filter((layer) => layer.fault.applies(classified));
    for (const layer of applying) {
      layer.count++;
      const answered = await layer.effects.before?.(classified, layer.count, signal);
      if (answered) return answered;
    }
    let response = await handle(request);
    for (const layer of applying) if (layer.effects.after) response = layer.effects.after(response, classified);
    return response;
  };
}
