// Test support: a `fetch` that records every call and answers from a script, standing in for the
// outbound HTTP boundary (result POSTs to a response_url, client calls).

export interface RecordedCall {
  url: string;
  method: string;
  /** Header names lower-cased. */
  headers: Record<string, string>;
  body: string | undefined;
  /** The body parsed as JSON, when it is JSON. */
  json: unknown;
  signal: AbortSignal | undefined;
}

/** What the fake answers one call with: a Response, or an error to throw (a network failure). */
export type FakeAnswer = Response | Error;

export interface RecordingFetch {
  fetch: typeof fetch;
  calls: RecordedCall[];
  /** Sets how the following calls are answered (default: HTTP 200 with an OCPI 1000 envelope). */
  answerWith(answer: (call: RecordedCall) => FakeAnswer | Promise<FakeAnswer>): void;
}

export const okEnvelope = (): Response =>
  new Response(JSON.stringify({ status_code: 1000, status_message: 'Success', timestamp: new Date().toISOString() }), {
    status: 200,
    headers: { 'content-type': 'application/json' },
  });

export function recordingFetch(): RecordingFetch {
  const calls: RecordedCall[] = [];
  let answer: (call: RecordedCall) => FakeAnswer | Promise<FakeAnswer> = () => okEnvelope();
  const fake = async (input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> => {
    const headers: Record<string, string> = {};
    new Headers(init.headers).forEach((value, name) => {
      headers[name] = value;
    });
    const body = typeof init.body === 'string' ? init.body : undefined;
    let json: unknown;
    try {
      json = body === undefined ? undefined : JSON.parse(body);
    } catch {
      json = undefined;
    }
    const call: RecordedCall = {
      url: String(input instanceof Request ? input.url : input),
      method: init.method ?? 'GET',
      headers,
      body,
      json,
      signal: init.signal ?? undefined,
    };
    calls.push(call);
    const result = await answer(call);
    if (result instanceof Error) throw result;
    return result;
  };
  return {
    fetch: fake as typeof fetch,
    calls,
    answerWith(next) {
      answer = next;
    },
  };
}
