// The policy for every URL a partner gives us (`url` in Credentials, `response_url` in commands and
// charging profiles, `Link` of pages): a partner must not be able to make our server call its own
// internal network or the cloud's metadata service.

/** What outbound calls may reach, and how much of them we accept. */
export interface OutboundPolicy {
  /** 127.0.0.0/8, ::1, `localhost`. Default false. */
  allowLoopback?: boolean;
  /** 10/8, 172.16/12, 192.168/16, 100.64/10, fc00::/7. Default false. */
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

type Range = 'loopback' | 'private' | 'link-local' | 'unspecified' | 'multicast' | 'public';

function ipv4Range(address: string): Range | undefined {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(address);
  if (!match) return undefined;
  const [a, b] = [Number(match[1]), Number(match[2])];
  if (a === 127) return 'loopback';
  if (a === 0) return 'unspecified';
  if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 100 && b >= 64 && b <= 127)) return 'private';
  // 169.254/16 holds the cloud metadata service (169.254.169.254).
  if (a === 169 && b === 254) return 'link-local';
  if (a >= 224) return 'multicast';
  return 'public';
}

function ipv6Range(address: string): Range | undefined {
  const ip = address.toLowerCase().replace(/^\[|\]$/g, '');
  if (!ip.includes(':')) return undefined;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(ip);
  if (mapped) return ipv4Range(mapped[1] as string);
  // The URL parser writes IPv4-mapped addresses in hex: ::ffff:7f00:1 is 127.0.0.1.
  const hex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(ip);
  if (hex) {
    const [high, low] = [Number.parseInt(hex[1] as string, 16), Number.parseInt(hex[2] as string, 16)];
    return ipv4Range(`${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`);
  }
  if (ip === '::1') return 'loopback';
  if (ip === '::') return 'unspecified';
  if (/^f[cd]/.test(ip)) return 'private';
  if (/^fe[89ab]/.test(ip)) return 'link-local';
  if (ip.startsWith('ff')) return 'multicast';
  return 'public';
}

const rangeOf = (address: string): Range | undefined => ipv4Range(address) ?? ipv6Range(address);

/** Names that always mean a local or metadata address, whatever a resolver says. */
const LOCAL_NAMES = /^(localhost|.*\.localhost|metadata|metadata\.google\.internal)$/i;

function refusal(range: Range, policy: OutboundPolicy): string | undefined {
  if (range === 'public') return undefined;
  if (range === 'loopback' && policy.allowLoopback) return undefined;
  if (range === 'private' && policy.allowPrivate) return undefined;
  return `it is a ${range} address`;
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
