import type { HttpMethod } from '../module.js';

/** The partner answered with an OCPI envelope whose status_code is not 1xxx (or an HTTP error with an envelope). */
export class OcpiClientError extends Error {
  readonly kind = 'status' as const;
  /** The envelope's `status_code`, e.g. 2001 or 3000. */
  readonly statusCode: number;
  readonly statusMessage: string | undefined;
  readonly httpStatus: number;
  readonly method: HttpMethod;
  readonly url: string;
  /** The envelope's `data`, if any. */
  readonly data: unknown;

  constructor(init: { method: HttpMethod; url: string; httpStatus: number; statusCode: number; statusMessage: string | undefined; data?: unknown }) {
    const detail = init.statusMessage ? `: ${init.statusMessage}` : '';
    super(`${init.method} ${init.url} answered HTTP ${init.httpStatus} with OCPI status ${init.statusCode}${detail}`);
    this.name = 'OcpiClientError';
    this.statusCode = init.statusCode;
    this.statusMessage = init.statusMessage;
    this.httpStatus = init.httpStatus;
    this.method = init.method;
    this.url = init.url;
    this.data = init.data;
  }
}

/**
 * Why no usable OCPI answer came back: the network failed, the call timed out, the answer was not
 * JSON or not an OCPI envelope, an HTTP error came without an envelope, or a paginated list misbehaved.
 */
/** `refused`: the outbound policy did not allow the URL (nothing was sent). */
export type TransportFailure = 'refused' | 'network' | 'timeout' | 'http' | 'not-json' | 'bad-envelope' | 'bad-data' | 'bad-pagination';

/** No OCPI answer could be read: distinct from {@link OcpiClientError}, where the partner did answer. */
export class OcpiTransportError extends Error {
  readonly kind = 'transport' as const;
  readonly failure: TransportFailure;
  readonly method: HttpMethod;
  readonly url: string;
  /** The HTTP status when a response arrived. */
  readonly httpStatus: number | undefined;

  constructor(init: { failure: TransportFailure; method: HttpMethod; url: string; detail: string; httpStatus?: number; cause?: unknown }) {
    super(`${init.method} ${init.url}: ${init.detail}`, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'OcpiTransportError';
    this.failure = init.failure;
    this.method = init.method;
    this.url = init.url;
    this.httpStatus = init.httpStatus;
  }
}

export type OcpiCallError = OcpiClientError | OcpiTransportError;

export const isOcpiCallError = (error: unknown): error is OcpiCallError => error instanceof OcpiClientError || error instanceof OcpiTransportError;
