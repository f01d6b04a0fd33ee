// One hop of the hub: a request forwarded to a connected party's endpoint, and its answer read back.
// The hub relays OCPI as it is (transport_and_format, "Timestamps and Objects send via Hubs": a hub
// does not update `last_updated`), so bodies go on unparsed and unconverted.
import { authorizationHeader } from '../auth/tokens.js';
import { OcpiError, OcpiStatus } from '../errors.js';
import type { Partner } from '../partners/partner.js';
import { type RoutingHeaders, routingHeaderValues } from '../routing-headers.js';

export interface ForwardRequest {
  partner: Partner;
  method: string;
  url: string;
  body?: string | undefined;
  routing: RoutingHeaders;
  /** The X-Correlation-ID of the request forwarded: kept on every hop (transport_and_format, "Unique message IDs"). */
  correlationId: string;
}

/** The receiving party's answer: an OCPI envelope (any status code; the hub passes errors on, status_codes "4xxx"). */
export interface Forwarded {
  httpStatus: number;
  headers: Headers;
  envelope: { data?: unknown; status_code: number; status_message?: string };
  /** The X-Request-ID of the forwarded request: a new one per hop. */
  requestId: string;
}

export interface Forwarder {
  /**
   * Forwards one request. Throws `OcpiError` 4002 when the party does not answer in time, 4003 when it
   * cannot be reached or answers without an OCPI envelope (a proxy's error page: it is not connected).
   */
  forward(request: ForwardRequest): Promise<Forwarded>;
}

const isEnvelope = (value: unknown): value is Forwarded['envelope'] =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && Number.isInteger((value as { status_code?: unknown }).status_code);

export function createForwarder(options: { fetch: typeof fetch; timeoutMs: number }): Forwarder {
  return {
    async forward(request) {
      const { partner } = request;
      const name = partner.roles.map((r) => `${r.country_code}*${r.party_id}`).join(', ') || partner.id;
      if (!partner.outboundToken) {
        throw new OcpiError(`${name} is not connected to the hub (no credentials to call it)`, { statusCode: OcpiStatus.HUB_CONNECTION_PROBLEM });
      }
      const requestId = crypto.randomUUID();
      const headers: Record<string, string> = {
        authorization: authorizationHeader(partner.outboundToken, partner.tokenEncoding),
        accept: 'application/json',
        'x-request-id': requestId,
        'x-correlation-id': request.correlationId,
        ...routingHeaderValues(request.routing),
      };
      if (request.body !== undefined) headers['content-type'] = 'application/json';
      let response: Response;
      let text: string;
      try {
        response = await options.fetch(request.url, {
          method: request.method,
          headers,
          ...(request.body !== undefined ? { body: request.body } : {}),
          signal: AbortSignal.timeout(options.timeoutMs),
        });
        text = await response.text();
      } catch (error) {
        const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
        if (timedOut) {
          throw new OcpiError(`${name} did not answer within ${options.timeoutMs} ms`, { statusCode: OcpiStatus.HUB_TIMEOUT, cause: error });
        }
        throw new OcpiError(`${name} cannot be reached`, { statusCode: OcpiStatus.HUB_CONNECTION_PROBLEM, cause: error });
      }
      let envelope: unknown;
      try {
        envelope = JSON.parse(text);
      } catch {
        envelope = undefined;
      }
      if (!isEnvelope(envelope)) {
        throw new OcpiError(`${name} answered HTTP ${response.status} without an OCPI envelope`, { statusCode: OcpiStatus.HUB_CONNECTION_PROBLEM });
      }
      return { httpStatus: response.status, headers: response.headers, envelope, requestId };
    },
  };
}
