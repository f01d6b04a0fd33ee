// The policy for every URL a partner gives us (`url` in Credentials, `response_url` in commands and
// charging profiles, `Link` of pages): a partner must not be able to make our server call its own
// internal network or the cloud's metadata service.

/** What outbound calls may reach, and how much of them we accept. */
export interface OutboundPolicy {
  /** 127.0.0.0/8, ::1, `localhost`. Default false. */
  allowLoopback?: boolean;
  /** 10/8, 172.16/12, 192.168/16, 100.64/10, 198.18/15, fc00::/7, fec0::/10 (and IPv4 ones embedded in IPv6). Default false. */
  allowPrivate?: boolean;
  /** Per call, including redirects. Default 30 s. */
  timeoutMs?: number;
  /** Largest response body read. Default 10 MiB. */
  maxResponseBytes?: number;
  /** Redirects followed, each checked like the first URL. Default 3. */
  maxRedirects?: number;
  /**
   * Resolves a host name to its addresses, which are checked before the call. Default the
   * platform's resolver where there is one (Node's and Bun's `dns`, Deno's `resolveDns`); elsewhere
   * (Workers, which cannot reach private networks anyway) only literal addresses are checked.
   */
  resolve?: (hostname: string) => Promise<string[]>;
}

/** Loopback and private addresses allowed: for a local node whose partners run on the same machine or network. */
export const LOCAL_OUTBOUND_POLICY: OutboundPolicy = { allowLoopback: true, allowPrivate: true };

export class OutboundRefusedError extends Error {
  constructor(
    readonly url: string,
    readonly reason: string,
  ) {
    super(`Refused to call ${url}: ${reason}`);
    this.name = 'OutboundRefusedError';
  }
}

type Range = 'loopback' | 'private' | 'link-local' | 'unspecified' | 'multicast' | 'reserved' | 'public';

/** The four bytes of a dotted-quad IPv4 address, or undefined. */
function ipv4Bytes(address: string): number[] | undefined {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(address);
  if (!match) return undefined;
  const bytes = match.slice(1).map(Number);
  return bytes.every((b) => b <= 255) ? bytes : undefined;
}

/** The special-purpose IPv4 blocks (RFC 6890); anything else is public. */
function ipv4Range(bytes: readonly number[]): Range {
  const [a = 0, b = 0, c = 0] = bytes;
  if (a === 127) return 'loopback';
  if (a === 0) return 'unspecified';
  // 198.18/15 (benchmarking) is in practice routed inside networks (VPNs' fake-IP ranges): private.
  if (
    a === 10 ||
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168) ||
    (a === 100 && b >= 64 && b <= 127) ||
    (a === 198 && (b === 18 || b === 19))
  ) {
    return 'private';
  }
  // 169.254/16 holds the cloud metadata service (169.254.169.254).
  if (a === 169 && b === 254) return 'link-local';
  if (a >= 224 && a <= 239) return 'multicast';
  // 192.0.0/24 protocol assignments, 192.0.2/24, 198.51.100/24 and 203.0.113/24 documentation,
  // 192.88.99/24 6to4 relays, 240/4 future use and broadcast.
  if (a === 192 && b === 0 && (c === 0 || c === 2)) return 'reserved';
  if ((a === 198 && b === 51 && c === 100) || (a === 203 && b === 0 && c === 113) || (a === 192 && b === 88 && c === 99) || a >= 240) return 'reserved';
  return 'public';
}

/** The sixteen bytes of an IPv6 address in any textual form (`::`, a trailing dotted quad, a zone), or undefined. */
function ipv6Bytes(address: string): number[] | undefined {
  let text = address
    .toLowerCase()
    .replace(/^\[|\]$/g, '')
    .replace(/%.*$/, '');
  if (!text.includes(':')) return undefined;
  const tail: number[] = [];
  const quad = /:(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (quad) {
    const v4 = ipv4Bytes(quad[1] as string);
    if (!v4) return undefined;
    tail.push(...v4);
    // `::ffff:1.2.3.4` leaves `::ffff`, `::1.2.3.4` leaves `::`.
    text = text.slice(0, quad.index + 1);
    if (!text.endsWith('::')) text = text.slice(0, -1);
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groups = (part: string | undefined) => (part ? part.split(':') : []);
  const head = groups(halves[0]);
  const rest = groups(halves[1]);
  const wanted = 8 - tail.length / 2;
  const missing = wanted - head.length - rest.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const all = [...head, ...Array<string>(halves.length === 1 ? 0 : missing).fill('0'), ...rest];
  const bytes: number[] = [];
  for (const group of all) {
    if (!/^[0-9a-f]{1,4}$/.test(group)) return undefined;
    const value = Number.parseInt(group, 16);
    bytes.push(value >> 8, value & 255);
  }
  return [...bytes, ...tail];
}

/**
 * The special-purpose IPv6 blocks (RFC 6890 and its IPv4 embeddings): an address that carries an IPv4
 * address (mapped, compatible, translated, NAT64, 6to4) is judged by that IPv4 address.
 */
function ipv6Range(bytes: readonly number[]): Range {
  const word = (i: number) => ((bytes[2 * i] ?? 0) << 8) | (bytes[2 * i + 1] ?? 0);
  const words = Array.from({ length: 8 }, (_, i) => word(i));
  const zeros = (from: number, to: number) => words.slice(from, to).every((w) => w === 0);
  const v4 = (at: number) => ipv4Range(bytes.slice(at, at + 4));
  if (zeros(0, 8)) return 'unspecified';
  if (zeros(0, 7) && words[7] === 1) return 'loopback';
  // ::a.b.c.d (compatible), ::ffff:a.b.c.d (mapped), ::ffff:0:a.b.c.d (translated), 64:ff9b::a.b.c.d (NAT64).
  if (zeros(0, 6) || (zeros(0, 5) && words[5] === 0xffff) || (zeros(0, 4) && words[4] === 0xffff && words[5] === 0)) return v4(12);
  if (words[0] === 0x64 && words[1] === 0xff9b && zeros(2, 6)) return v4(12);
  // 64:ff9b:1::/48, NAT64 for local use: an IPv4 address of the site's own.
  if (words[0] === 0x64 && words[1] === 0xff9b && words[2] === 1) return 'private';
  // 2002::/16, 6to4: the IPv4 address in bits 16 to 47.
  if (words[0] === 0x2002) return v4(2);
  // 2001::/32 Teredo (an obfuscated IPv4 behind a relay), 2001:db8::/32 documentation, 100::/64 discard.
  if (words[0] === 0x2001 && (words[1] === 0 || words[1] === 0xdb8)) return 'reserved';
  if (words[0] === 0x100 && zeros(1, 4)) return 'reserved';
  const first = words[0] ?? 0;
  if ((first & 0xfe00) === 0xfc00) return 'private';
  // fe80::/10 link-local; fec0::/10, the deprecated site-local, is a private network's.
  if ((first & 0xffc0) === 0xfe80) return 'link-local';
  if ((first & 0xffc0) === 0xfec0) return 'private';
  if ((first & 0xff00) === 0xff00) return 'multicast';
  return 'public';
}

const rangeOf = (address: string): Range | undefined => {
  const v4 = ipv4Bytes(address);
  if (v4) return ipv4Range(v4);
  const v6 = ipv6Bytes(address);
  return v6 ? ipv6Range(v6) : undefined;
};

/** Names that always mean a local or metadata address, whatever a resolver says. */
const LOCAL_NAMES = /^(localhost|.*\.localhost|metadata|metadata\.google\.internal)$/i;

function refusal(range: Range, policy: OutboundPolicy): string | undefined {
  if (range === 'public') return undefined;
  if (range === 'loopback' && policy.allowLoopback) return undefined;
  if (range === 'private' && policy.allowPrivate) return undefined;
  return `it is a ${range} address`;
}

/**
 * Why the policy refuses to connect to this IP address (undefined: allowed). For a connect-time check
 * of the address a host name resolved to (Node: the `lookup` of the undici Agent the fetch uses), so a
 * name whose DNS answer changes between the check and the connection (DNS rebinding) is caught.
 */
export function outboundAddressRefusal(address: string, policy: OutboundPolicy): string | undefined {
  return refusal(rangeOf(address) ?? 'public', policy);
}

/** The platform's resolver, found at run time so the core imports nothing platform-specific. */
function platformResolver(): ((hostname: string) => Promise<string[]>) | undefined {
  const g = globalThis as {
    process?: { getBuiltinModule?: (name: string) => unknown };
    Deno?: { resolveDns(host: string, type: 'A' | 'AAAA'): Promise<string[]> };
  };
  const dns = g.process?.getBuiltinModule?.('node:dns') as { promises: { lookup(host: string, o: { all: true }): Promise<{ address: string }[]> } } | undefined;
  if (dns) return async (hostname) => (await dns.promises.lookup(hostname, { all: true })).map((a) => a.address);
  const deno = g.Deno;
  if (deno) {
    return async (hostname) => {
      const found = await Promise.allSettled([deno.resolveDns(hostname, 'A'), deno.resolveDns(hostname, 'AAAA')]);
      return found.flatMap((r) => (r.status === 'fulfilled' ? r.value : []));
    };
  }
  return undefined;
}

/**
 * Checks one URL against the policy: only http and https, and no refused address, literal or
 * resolved. Throws `OutboundRefusedError` saying why.
 */
export async function checkOutboundUrl(url: URL, policy: OutboundPolicy, resolve = policy.resolve ?? platformResolver()): Promise<void> {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new OutboundRefusedError(url.href, `only http and https are allowed, not ${url.protocol}`);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const literal = rangeOf(host);
  if (literal) {
    const reason = refusal(literal, policy);
    if (reason) throw new OutboundRefusedError(url.href, reason);
    return;
  }
  if (LOCAL_NAMES.test(host)) {
    const reason = refusal(/^metadata/i.test(host) ? 'link-local' : 'loopback', policy);
    if (reason) throw new OutboundRefusedError(url.href, reason);
    return;
  }
  if (!resolve) return;
  let addresses: string[];
  try {
    addresses = await resolve(host);
  } catch (error) {
    throw new OutboundRefusedError(url.href, `its host could not be resolved (${error instanceof Error ? error.message : String(error)})`);
  }
  for (const address of addresses) {
    const reason = refusal(rangeOf(address) ?? 'public', policy);
    if (reason) throw new OutboundRefusedError(url.href, `${host} resolves to ${address}: ${reason}`);
  }
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** A response whose body fails once more than `limit` bytes have been read. */
function limitedResponse(response: Response, limit: number, url: string): Response {
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  if (declared > limit) throw new OutboundRefusedError(url, `the response is ${declared} bytes, more than ${limit}`);
  if (!response.body) return response;
  let read = 0;
  const body = response.body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        read += chunk.byteLength;
        if (read > limit) controller.error(new OutboundRefusedError(url, `the response is more than ${limit} bytes`));
        else controller.enqueue(chunk);
      },
    }),
  );
  return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
}

/**
 * A `fetch` that applies the policy to every call and every redirect (followed by hand, each target
 * checked before it is called), with a timeout and a limit on the response size. Every outbound
 * call of the library goes through one unless the operator gives a `fetch` of their own.
 */
export function createGuardedFetch(policy: OutboundPolicy = {}, baseFetch: typeof fetch = (input, init) => globalThis.fetch(input, init)): typeof fetch {
  const timeoutMs = policy.timeoutMs ?? 30_000;
  const maxBytes = policy.maxResponseBytes ?? 10 * 1024 * 1024;
  const maxRedirects = policy.maxRedirects ?? 3;
  const resolve = policy.resolve ?? platformResolver();
  return async (input, init = {}) => {
    let url = new URL(input instanceof Request ? input.url : String(input));
    let method = (init.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
    let body = init.body;
    const signal = init.signal ? AbortSignal.any([init.signal, AbortSignal.timeout(timeoutMs)]) : AbortSignal.timeout(timeoutMs);
    for (let redirects = 0; ; redirects++) {
      await checkOutboundUrl(url, policy, resolve);
      const response = await baseFetch(url, { ...init, method, body: body ?? null, redirect: 'manual', signal });
      const location = response.headers.get('location');
      if (!REDIRECTS.has(response.status) || !location) return limitedResponse(response, maxBytes, url.href);
      if (redirects >= maxRedirects) throw new OutboundRefusedError(url.href, `more than ${maxRedirects} redirects`);
      await response.body?.cancel();
      url = new URL(location, url);
      // 303, and 301/302 after a POST, continue as GET without a body (RFC 9110 section 15.4).
      if (response.status === 303 || ((response.status === 301 || response.status === 302) && method === 'POST')) {
        method = 'GET';
        body = undefined;
      }
    }
  };
}
