import { formatOcpiDateTime } from './date-time.js';
import type { OcpiResponse } from './http.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * JSON that is already serialized, such as an object the store encoded when it was written: its
 * text, or its UTF-8 bytes. The envelope splices it in as is, so a page is never parsed and serialized
 * again, and a page of objects kept as bytes is never encoded again either.
 */
export class JsonText {
  #text: string | undefined;
  /** The UTF-8 bytes, when the JSON was given as bytes. */
  readonly utf8: Uint8Array<ArrayBuffer> | undefined;
  /**
   * Names these exact bytes across reads, when the store can (its key and write version, say): equal
   * revisions are equal JSON. The server keeps an object's encoding in other OCPI versions under it,
   * so an object is converted once per version, not once per request (edges/encodings.ts).
   */
  readonly revision: string | undefined;

  constructor(json: string | Uint8Array<ArrayBuffer>, revision?: string) {
    if (typeof json === 'string') {
      this.#text = json;
      this.utf8 = undefined;
    } else {
      this.#text = undefined;
      this.utf8 = json;
    }
    this.revision = revision;
  }

  /** A stored object's JSON: its UTF-8 bytes when the store keeps them (`StoredObject.utf8`), else its text. */
  static of(stored: { readonly json: string; readonly utf8?: Uint8Array<ArrayBuffer> | undefined; readonly revision?: string | undefined }): JsonText {
    return new JsonText(stored.utf8 ?? stored.json, stored.revision);
  }

  /** The JSON text (decoded from the bytes on first use). */
  get text(): string {
    this.#text ??= decoder.decode(this.utf8);
    return this.#text;
  }

  toJSON(): unknown {
    return JSON.parse(this.text);
  }
}

/** Serializes response data, splicing in pre-serialized `JsonText` values at the top level or as list items. */
export function serializeData(data: unknown): string {
  if (data instanceof JsonText) return data.text;
  if (Array.isArray(data)) {
    let out = '[';
    for (let i = 0; i < data.length; i++) {
      const item: unknown = data[i];
      if (i > 0) out += ',';
      out += item instanceof JsonText ? item.text : (JSON.stringify(item) ?? 'null');
    }
    return `${out}]`;
  }
  return JSON.stringify(data);
}

export interface EnvelopeFields {
  data?: unknown;
  statusCode: number;
  statusMessage?: string | undefined;
  timestamp: string;
}

/** Everything after `data`: `"status_code":...,"status_message":...,"timestamp":...}`. */
function envelopeTail({ statusCode, statusMessage, timestamp }: EnvelopeFields): string {
  let out = `"status_code":${statusCode}`;
  if (statusMessage !== undefined) out += `,"status_message":${JSON.stringify(statusMessage)}`;
  return `${out},"timestamp":${JSON.stringify(timestamp)}}`;
}

/** The OCPI response format (transport_and_format, "Response format"), serialized. */
export function serializeEnvelope(fields: EnvelopeFields): string {
  const { data } = fields;
  return `{${data === undefined ? '' : `"data":${serializeData(data)},`}${envelopeTail(fields)}`;
}

const bytesOf = (text: string): Uint8Array => encoder.encode(text);
const OPEN = bytesOf('{');
const OPEN_DATA = bytesOf('{"data":');
const OPEN_LIST = bytesOf('[');
const COMMA = bytesOf(',');
const CLOSE_LIST = bytesOf('],');

/**
 * A byte array of `size` whose every byte is written right after. Where the runtime has
 * `Buffer.allocUnsafeSlow` (Node, Bun) its memory is taken without zero-filling, a third of the time
 * of a page's envelope, and handed out as a plain Uint8Array of its own (unpooled) ArrayBuffer.
 * Elsewhere a new Uint8Array. Feature detection, no import.
 */
const allocate: (size: number) => Uint8Array<ArrayBuffer> = (() => {
  const buffer = (globalThis as { Buffer?: { allocUnsafeSlow?: (size: number) => Uint8Array<ArrayBuffer> } }).Buffer;
  const unsafe = buffer?.allocUnsafeSlow;
  if (typeof unsafe !== 'function') return (size: number) => new Uint8Array(size);
  return (size: number) => new Uint8Array(unsafe.call(buffer, size).buffer, 0, size);
})();

/**
 * The same envelope as `serializeEnvelope`, byte for byte, as UTF-8: `JsonText` given as bytes is
 * copied in as is, everything else is encoded. One allocation of the final size.
 */
export function encodeEnvelope(fields: EnvelopeFields): Uint8Array<ArrayBuffer> {
  const { data } = fields;
  const chunks: Uint8Array[] = [];
  let length = 0;
  const push = (bytes: Uint8Array) => {
    chunks.push(bytes);
    length += bytes.byteLength;
  };
  const pushJson = (json: JsonText) => push(json.utf8 ?? bytesOf(json.text));
  if (data === undefined) push(OPEN);
  else {
    push(OPEN_DATA);
    if (Array.isArray(data)) {
      push(OPEN_LIST);
      for (let i = 0; i < data.length; i++) {
        const item: unknown = data[i];
        if (i > 0) push(COMMA);
        if (item instanceof JsonText) pushJson(item);
        else push(bytesOf(JSON.stringify(item) ?? 'null'));
      }
      push(CLOSE_LIST);
    } else {
      if (data instanceof JsonText) pushJson(data);
      else push(bytesOf(serializeData(data)));
      push(COMMA);
    }
  }
  push(bytesOf(envelopeTail(fields)));
  const out = allocate(length);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.byteLength;
  }
  return out;
}

/** A JSON array of these values, as one `JsonText` of UTF-8 bytes (what a page's `data` becomes when kept whole). */
export function jsonList(items: readonly JsonText[]): JsonText {
  const chunks = items.map((item) => item.utf8 ?? bytesOf(item.text));
  let length = 2 + Math.max(0, chunks.length - 1);
  for (const chunk of chunks) length += chunk.byteLength;
  const out = new Uint8Array(length);
  out[0] = 0x5b; // [
  let at = 1;
  for (let i = 0; i < chunks.length; i++) {
    if (i > 0) out[at++] = 0x2c; // ,
    const chunk = chunks[i] as Uint8Array;
    out.set(chunk, at);
    at += chunk.byteLength;
  }
  out[at] = 0x5d; // ]
  return new JsonText(out);
}

const isUtf8Json = (value: unknown): boolean => value instanceof JsonText && value.utf8 !== undefined;

/** Envelopes around whole pages kept as bytes, answered again while their tail (status, timestamp) is the same. */
const ENVELOPES_KEPT = 16;
const envelopes = new Map<JsonText, { tail: string; body: Uint8Array<ArrayBuffer> }>();

/**
 * The envelope of a page kept whole (`jsonList`, the same JsonText to every request until its module
 * changes): the same bytes for as long as the rest of the envelope is the same, that is within the
 * second of its timestamp. A page asked a thousand times a second is copied into an envelope once,
 * not a thousand times (the copy of 75 KB and its garbage were a tenth of a page's CPU). Bounded: the
 * envelopes of the last few pages asked.
 */
function keptEnvelope(data: JsonText, fields: EnvelopeFields): Uint8Array<ArrayBuffer> {
  const tail = envelopeTail(fields);
  const known = envelopes.get(data);
  if (known?.tail === tail) return known.body;
  const body = encodeEnvelope(fields);
  if (known) envelopes.delete(data);
  else if (envelopes.size >= ENVELOPES_KEPT) envelopes.delete(envelopes.keys().next().value as JsonText);
  envelopes.set(data, { tail, body });
  return body;
}

/**
 * The response body for an envelope: UTF-8 bytes (`encodeEnvelope`) when its data holds objects kept
 * as bytes, so they are written without being decoded or encoded; otherwise the text. The bytes of a
 * page's envelope may be handed to several responses: they are written, never changed.
 */
export function envelopeBody(fields: EnvelopeFields): string | Uint8Array<ArrayBuffer> {
  const { data } = fields;
  if (data instanceof JsonText && data.utf8 !== undefined) return keptEnvelope(data, fields);
  const preEncoded = Array.isArray(data) && data.some(isUtf8Json);
  return preEncoded ? encodeEnvelope(fields) : serializeEnvelope(fields);
}

/** A response body as text, whichever form the core produced it in. */
export const responseText = (response: Pick<OcpiResponse, 'body'>): string =>
  typeof response.body === 'string' ? response.body : decoder.decode(response.body);

/** The timestamp of the current second, made once per second (every response carries one). */
let current: { second: number; text: string } = { second: Number.NaN, text: '' };

/** RFC 3339 in UTC, seconds precision, as OCPI DateTime examples use; now when no time is given. */
export function ocpiTimestamp(now?: Date): string {
  if (now !== undefined) return formatOcpiDateTime(now);
  const time = Date.now();
  const second = Math.floor(time / 1000);
  if (second !== current.second) current = { second, text: formatOcpiDateTime(time) };
  return current.text;
}
