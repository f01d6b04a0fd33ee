/** OCPI status codes (status_codes.asciidoc). */
export const OcpiStatus = {
  SUCCESS: 1000,
  CLIENT_ERROR: 2000,
  INVALID_PARAMETERS: 2001,
  NOT_ENOUGH_INFORMATION: 2002,
  UNKNOWN_LOCATION: 2003,
  UNKNOWN_TOKEN: 2004,
  SERVER_ERROR: 3000,
  UNABLE_TO_USE_CLIENT_API: 3001,
  UNSUPPORTED_VERSION: 3002,
  NO_MATCHING_ENDPOINTS: 3003,
  HUB_ERROR: 4000,
  HUB_UNKNOWN_RECEIVER: 4001,
  HUB_TIMEOUT: 4002,
  HUB_CONNECTION_PROBLEM: 4003,
} as const;

/**
 * Why a request failed, and the one table from that reason to the HTTP status and default OCPI
 * status. A request that reached the OCPI layer (valid JSON, known resource, authenticated) is
 * answered with HTTP 200 and the OCPI status says what went wrong: status_codes.asciidoc forbids an
 * HTTP error there. Transport failures (no JSON, no token, no such resource) get HTTP errors.
 */
export const ErrorReasons = {
  /** A request that reached the OCPI layer and was refused with an OCPI status code. */
  ocpi: { httpStatus: 200, statusCode: OcpiStatus.CLIENT_ERROR },
  /** The body is not JSON (status_codes.asciidoc: HTTP 400), or the URL cannot be decoded. */
  bad_request: { httpStatus: 400, statusCode: OcpiStatus.INVALID_PARAMETERS },
  unauthorized: { httpStatus: 401, statusCode: OcpiStatus.CLIENT_ERROR },
  not_found: { httpStatus: 404, statusCode: OcpiStatus.CLIENT_ERROR },
  method_not_allowed: { httpStatus: 405, statusCode: OcpiStatus.CLIENT_ERROR },
  /** The body did not arrive in time (the connection is closed after the answer). */
  request_timeout: { httpStatus: 408, statusCode: OcpiStatus.CLIENT_ERROR },
  payload_too_large: { httpStatus: 413, statusCode: OcpiStatus.CLIENT_ERROR },
  unsupported_media_type: { httpStatus: 415, statusCode: OcpiStatus.CLIENT_ERROR },
  rate_limited: { httpStatus: 429, statusCode: OcpiStatus.CLIENT_ERROR },
  internal: { httpStatus: 500, statusCode: OcpiStatus.SERVER_ERROR },
} as const satisfies Record<string, { httpStatus: number; statusCode: number }>;

export type ErrorReason = keyof typeof ErrorReasons;

export interface OcpiErrorOptions {
  reason?: ErrorReason;
  /** Overrides the reason's default OCPI status code. */
  statusCode?: number;
  headers?: Record<string, string>;
  /** Data to put in the error envelope, to help the client debug. */
  data?: unknown;
  /** What caused it, for the operator's logs; never sent. */
  cause?: unknown;
}

/** The one error class of ocpi-ts: every failure becomes an envelope through it. */
export class OcpiError extends Error {
  readonly reason: ErrorReason;
  readonly statusCode: number;
  readonly httpStatus: number;
  readonly headers: Record<string, string>;
  readonly data: unknown;

  constructor(message: string, options: OcpiErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'OcpiError';
    this.reason = options.reason ?? 'ocpi';
    this.statusCode = options.statusCode ?? ErrorReasons[this.reason].statusCode;
    this.httpStatus = ErrorReasons[this.reason].httpStatus;
    this.headers = options.headers ?? {};
    this.data = options.data;
  }

  /** 2001: a field, parameter or path segment is missing or wrong; the message names it. */
  static invalid(message: string, data?: unknown): OcpiError {
    return new OcpiError(message, { statusCode: OcpiStatus.INVALID_PARAMETERS, data });
  }
  static notFound(message: string): OcpiError {
    return new OcpiError(message, { reason: 'not_found' });
  }
  static unauthorized(message: string): OcpiError {
    return new OcpiError(message, { reason: 'unauthorized' });
  }
  static methodNotAllowed(message: string, allowed?: readonly string[]): OcpiError {
    return new OcpiError(message, { reason: 'method_not_allowed', headers: allowed ? { allow: allowed.join(', ') } : {} });
  }
  static status(statusCode: number, message: string): OcpiError {
    return new OcpiError(message, { statusCode });
  }
}
