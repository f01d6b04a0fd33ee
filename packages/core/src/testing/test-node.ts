// The public testing kit's node: an OcpiServer on the memory store, partners registered in one call,
// and requests through handle() that come back parsed. Unit tests of handlers need no HTTP.
import { authorizationHeader, generateToken, hashToken } from '../auth/tokens.js';
import { responseText } from '../envelope.js';
import type { NodeInfo, OcpiModule } from '../module.js';
import type { CredentialsRole, Partner, TokenEncoding } from '../partners/partner.js';
import { createOcpiServer, type OcpiServer, type OcpiServerOptions } from '../server.js';
import { createMemoryStore } from '../store/memory.js';
import type { OcpiStore } from '../store/types.js';
import { CPO_ROLE, EMSP_ROLE } from './fixtures.js';

/** The base URL of a test node: links and endpoint URLs in its answers are built on it. */
export const TEST_BASE_URL = 'https://ocpi.example.com/ocpi';

export interface TestPartnerOptions {
  /** The credentials token the partner calls with; default a new random one. */
  token?: string;
  /** The partner's roles; default one eMSP, DE*MSP. */
  roles?: CredentialsRole[];
  /** Default `partner-{token}`. */
  id?: string;
  /** Default `REGISTERED`. */
  status?: Partner['status'];
  /** How the partner sends its token: Base64 as 2.2.1 requires (default), or raw. */
  encoding?: TokenEncoding;
  /** The OCPI version it registered with; default 2.2.1. */
  version?: string;
}

/** A partner registered as a completed handshake leaves it, and how it authenticates. */
export interface TestPartner {
  partner: Partner;
  /** The credentials token it presents (we keep only its hash). */
  token: string;
  /** The ready `Authorization` header value: `Token <base64 of token>` (or the raw token). */
  authorization: string;
}

/** Registers a partner directly in the store, as a completed credentials handshake would. */
export async function registerTestPartner(store: OcpiStore, options: TestPartnerOptions = {}): Promise<TestPartner> {
  const token = options.token ?? generateToken();
  const encoding = options.encoding ?? 'base64';
  const now = new Date().toISOString();
  const partner: Partner = {
    id: options.id ?? `partner-${token}`,
    status: options.status ?? 'REGISTERED',
    roles: options.roles ?? [EMSP_ROLE],
    version: options.version ?? '2.2.1',
    endpoints: [],
    inboundTokenHash: await hashToken(token),
    tokenEncoding: encoding,
    createdAt: now,
    updatedAt: now,
  };
  await store.partners.save(partner);
  return { partner, token, authorization: authorizationHeader(token, encoding) };
}

/** The OCPI response envelope, parsed. */
export interface OcpiEnvelope<T = any> {
  data?: T;
  status_code: number;
  status_message?: string;
  timestamp: string;
}

export interface TestResponse<T = any> {
  status: number;
  /** Header names lower-cased. */
  headers: Record<string, string>;
  /** The body as sent. */
  body: string;
  envelope: OcpiEnvelope<T>;
}

export interface TestRequestOptions {
  /** Calls with `Authorization: Token <Base64 of token>`: a test partner's `token`, or any other. */
  token?: string;
  /** The body: a string is sent as is, anything else as JSON. */
  body?: unknown;
  headers?: Record<string, string>;
}

export interface TestNodeOptions extends Partial<Omit<OcpiServerOptions, 'modules'>> {
  /** The module interfaces mounted in `version`, e.g. `[locationsSender(myHandler)]`. */
  modules: readonly OcpiModule[];
  /** The OCPI version they are mounted in; default `2.2.1`. */
  version?: string;
}

export interface TestNode {
  server: OcpiServer;
  store: OcpiStore;
  node: NodeInfo;
  /** Registers a partner (default: an eMSP, DE*MSP, with a random token). */
  addPartner(options?: TestPartnerOptions): Promise<TestPartner>;
  /**
   * Sends a request through `server.handle()`. `path` is below the version URL
   * (`sender/locations/LOC1`), or absolute when it starts with `/` (`/ocpi/versions`).
   */
  request<T = any>(method: string, path: string, options?: TestRequestOptions): Promise<TestResponse<T>>;
}

/**
 * A node in one call: the modules given, on a memory store, at `TEST_BASE_URL`, playing one CPO
 * (NL*CPO) unless `parties` says otherwise. A handler that throws answers 500 and is printed, so the
 * failing test explains itself (override with `onError`).
 */
export function createTestNode(options: TestNodeOptions): TestNode {
  const { modules, version = '2.2.1', ...rest } = options;
  const store = options.store ?? createMemoryStore();
  const server = createOcpiServer({
    baseUrl: TEST_BASE_URL,
    parties: [CPO_ROLE],
    onError: (error) => console.error(error),
    ...rest,
    store,
    versions: [version],
    modules,
  });
  const versionPath = `${new URL(server.node.baseUrl).pathname}/${version}`;
  return {
    server,
    store,
    node: server.node,
    addPartner: (partner) => registerTestPartner(store, partner),
    async request(method, path, { token, body, headers = {} } = {}) {
      const response = await server.handle({
        method,
        url: path.startsWith('/') ? path : `${versionPath}/${path}`,
        headers: { ...(token === undefined ? {} : { authorization: authorizationHeader(token, 'base64') }), ...headers },
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      });
      const text = responseText(response);
      return { status: response.status, headers: response.headers, body: text, envelope: JSON.parse(text) };
    },
  };
}
