// The outbound policy at connect time, on Node: the `fetch` every outbound call of the node uses (the
// client, so registration, pulls and the outbox's pushes, and the results posted to response_urls).
// The core checks each URL before the call, with a DNS answer of its own; the connection resolves the
// name again, and a name that answered a public address for the check can answer a private one for
// the connection (DNS rebinding). Here the addresses the connection itself resolved are checked
// before it connects, through the `lookup` of the undici Agent. Node-only, so it lives here, not in
// the runtime-neutral core.
import { lookup as dnsLookup, type LookupAddress, type LookupAllOptions, type LookupOptions } from 'node:dns';
import { createGuardedFetch, type OutboundPolicy, OutboundRefusedError, outboundAddressRefusal } from '@ocpi-ts/core';
import { Agent, fetch as undiciFetch } from 'undici';

/** Node's `dns.lookup` shape, as `net.connect` calls it. */
export type Lookup = (
  hostname: string,
  options: LookupOptions,
  callback: (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void,
) => void;

export interface ConnectGuardedFetch {
  fetch: typeof fetch;
  /** Closes the Agent's connections (at shutdown). */
  close(): Promise<void>;
}

/**
 * A `fetch` that applies `policy` twice: to the URL before each call and each redirect (the core's
 * `createGuardedFetch`), and to the address the connection resolved, at connect. `lookup` resolves for
 * both (default Node's `dns.lookup`).
 */
export function connectGuardedFetch(policy: OutboundPolicy, lookup: Lookup = dnsLookup as Lookup): ConnectGuardedFetch {
  const checkedLookup: Lookup = (hostname, options, callback) => {
    lookup(hostname, options, (error, address, family) => {
      if (error) return callback(error, address, family);
      const addresses = typeof address === 'string' ? [address] : address.map((a) => a.address);
      for (const resolved of addresses) {
        const reason = outboundAddressRefusal(resolved, policy);
        if (reason)
          return callback(
            Object.assign(new OutboundRefusedError(hostname, `${hostname} resolved to ${resolved} at connect: ${reason}`), { code: 'EREFUSED' }),
            address,
            family,
          );
      }
      callback(null, address, family);
    });
  };
  const agent = new Agent({ connect: { lookup: checkedLookup } });
  const resolve = (hostname: string) =>
    new Promise<string[]>((done, fail) =>
      lookup(hostname, { all: true } as LookupAllOptions, (error, addresses) =>
        error ? fail(error) : done(typeof addresses === 'string' ? [addresses] : addresses.map((a) => a.address)),
      ),
    );
  const base = ((input: string | URL | Request, init?: RequestInit) =>
    undiciFetch(input as never, { ...(init as object), dispatcher: agent } as never)) as unknown as typeof fetch;
  return { fetch: createGuardedFetch({ ...policy, resolve }, base), close: () => agent.close() };
}
