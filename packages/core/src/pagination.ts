import { OcpiError } from './errors.js';
import { parseOcpiDateTime } from './store/keys.js';

export interface PaginationOptions {
  /** Objects per page when the client gives no `limit`. */
  defaultLimit: number;
  /** The most objects a page holds, whatever the client asks (`X-Limit`). */
  maxLimit: number;
}

export interface Pagination {
  offset: number;
  /** The effective limit: the client's, capped by the server maximum. */
  limit: number;
  dateFrom: Date | undefined;
  dateTo: Date | undefined;
}

function integerParameter(query: URLSearchParams, name: string, min: number): number | undefined {
  const raw = query.get(name);
  if (raw === null || raw === '') return undefined;
  if (!/^\d+$/.test(raw) || Number(raw) < min || !Number.isSafeInteger(Number(raw))) {
    throw OcpiError.invalid(`Query parameter ${name} must be an integer of at least ${min}, got '${raw}'`);
  }
  return Number(raw);
}

/** A DateTime query parameter (`date_from`, or a module's own such as Bookings' `timeslot_from`): 2001 naming it when invalid. */
export function dateParameter(query: URLSearchParams, name: string): Date | undefined {
  const raw = query.get(name);
  if (raw === null || raw === '') return undefined;
  // An unencoded '+' of a zone offset arrives as a space after form decoding: read it back as '+'.
  const time = parseOcpiDateTime(raw) ?? parseOcpiDateTime(raw.replace(' ', '+'));
  if (time === undefined) throw OcpiError.invalid(`Query parameter ${name} must be an RFC 3339 DateTime, got '${raw}'`);
  return new Date(time);
}

/** Reads `offset`, `limit`, `date_from`, `date_to` (transport_and_format, "Paginated Request"). */
export function parsePagination(query: URLSearchParams, options: PaginationOptions): Pagination {
  const offset = integerParameter(query, 'offset', 0) ?? 0;
  const limit = Math.min(integerParameter(query, 'limit', 1) ?? options.defaultLimit, options.maxLimit);
  const dateFrom = dateParameter(query, 'date_from');
  const dateTo = dateParameter(query, 'date_to');
  return { offset, limit, dateFrom, dateTo };
}

/**
 * `X-Total-Count`, `X-Limit` and, when more objects exist, `Link: <...>; rel="next"` built on the
 * configured public URL with every other query parameter kept (transport_and_format, "Paginated Response").
 */
export function paginationHeaders(options: {
  publicUrl: string;
  query: URLSearchParams;
  pagination: Pagination;
  returned: number;
  total: number;
}): Record<string, string> {
  const { publicUrl, query, pagination, returned, total } = options;
  const headers: Record<string, string> = {
    'x-total-count': String(total),
    'x-limit': String(pagination.limit),
  };
  const nextOffset = pagination.offset + returned;
  if (returned > 0 && nextOffset < total) {
    const next = new URLSearchParams();
    next.set('offset', String(nextOffset));
    next.set('limit', String(pagination.limit));
    for (const [name, value] of query) if (name !== 'offset' && name !== 'limit') next.append(name, value);
    headers.link = `<${publicUrl}?${next.toString()}>; rel="next"`;
  }
  return headers;
}
