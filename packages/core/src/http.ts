import type { BodySource } from './body.js';

/** A request as the core sees it: what any HTTP framework or runtime can hand over without parsing. */
export interface OcpiRequest {
  method: string;
  /** Origin-form URL: path and query, e.g. `/ocpi/2.2.1/sender/locations?offset=50`. */
  url: string;
  /** Header names in any case (the core reads them case-insensitively); repeated headers may come as arrays, as Node gives them. */
  headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  /** The raw body, unparsed: its text, or the byte stream for the core to read within its size limit. */
  body?: BodySource;
  /** The client's network address, for per-address limits (never taken from proxy headers). */
  remoteAddress?: string | undefined;
}

/** A response as the core produces it: the adapter writes status, headers and body unchanged. */
export interface OcpiResponse {
  status: number;
  /** Header names lower-cased. */
  headers: Record<string, string>;
  /**
   * The serialized JSON: text (written as UTF-8), or already its UTF-8 bytes when the envelope was
   * assembled from objects the store keeps encoded (a page of Locations from the memory store). Write
   * either as is; `responseText(response)` reads it as text.
   */
  body: string | Uint8Array<ArrayBuffer>;
}
