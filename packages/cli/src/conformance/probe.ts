// Every HTTP exchange of a conformance run goes through one recording `fetch`: the checks of the
// transport (server errors, timeouts, latency, envelopes, ids, routing headers, clock) read the record
// at the end. A GET that fails with a 5xx, a timeout or a network error is retried once, so one such
// failure shows in the check that names it and does not fail every check that happened to meet it.
import { createGuardedFetch, LOCAL_OUTBOUND_POLICY } from '@ocpi-ts/core';

export interface Exchange {
  /** The check that was running. */
  check: string;
  method: string;
  url: string;
  /** Request headers, lower-cased names (Authorization left out). */
  sent: Record<string, string>;
  /** When the answer (or the failure) came, epoch ms. */
  at: number;
  ms: number;
  status?: number;
  /** Response headers, lower-cased names. */
  headers?: Record<string, string>;
  text?: string;
  /** No answer: `timeout` (within the per-request limit) or `network`. */
  failure?: 'timeout' | 'network';
  detail?: string;
  /** A retry of the exchange before it. */
  retry?: boolean;
}

export interface Probe {
  fetch: typeof fetch;
  readonly exchanges: Exchange[];
  /** The check whose exchanges are being recorded. */
  current: string;
}

export function createProbe(options: { timeoutMs: number; baseFetch?: typeof fetch }): Probe {
  const base = options.baseFetch ?? createGuardedFetch(LOCAL_OUTBOUND_POLICY);
  const exchanges: Exchange[] = [];
  const probe: Probe = { fetch: undefined as never, exchanges, current: 'setup' };

  async function attempt(input: string, init: RequestInit, retry: boolean): Promise<{ response?: Response; exchange: Exchange }> {
    const headers = new Headers(init.headers);
    const sent: Record<string, string> = {};
    headers.forEach((value, name) => {
      if (name !== 'authorization') sent[name] = value;
    });
    const started = performance.now();
    const timeout = AbortSignal.timeout(options.timeoutMs);
    const signal = init.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
    const exchange: Exchange = {
      check: probe.current,
      method: (init.method ?? 'GET').toUpperCase(),
      url: input,
      sent,
      at: 0,
      ms: 0,
      ...(retry ? { retry } : {}),
    };
    exchanges.push(exchange);
    try {
      const response = await base(input, { ...init, signal });
      const text = await response.text();
      exchange.ms = performance.now() - started;
      exchange.at = Date.now();
      exchange.status = response.status;
      exchange.headers = {};
      response.headers.forEach((value, name) => {
        (exchange.headers as Record<string, string>)[name] = value;
      });
      exchange.text = text;
      return { response: new Response(text, { status: response.status, headers: response.headers }), exchange };
    } catch (error) {
      exchange.ms = performance.now() - started;
      exchange.at = Date.now();
      exchange.failure = timeout.aborted ? 'timeout' : 'network';
      exchange.detail = timeout.aborted ? `no answer within ${options.timeoutMs} ms` : String((error as Error)?.message ?? error);
      if (init.signal?.aborted) throw error;
      return { exchange };
    }
  }

  probe.fetch = async (input, init = {}) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.toString() : input.url;
    let { response, exchange } = await attempt(url, init, false);
    const method = (init.method ?? 'GET').toUpperCase();
    if (method === 'GET' && (!response || response.status >= 500)) ({ response, exchange } = await attempt(url, init, true));
    if (!response) throw new Error(`${method} ${url}: ${exchange.detail}`);
    return response;
  };
  return probe;
}
