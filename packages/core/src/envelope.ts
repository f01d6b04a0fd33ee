/**
 * JSON text that is already serialized, such as an object the store encoded when it was written.
 * The envelope splices it in as is, so a page is never parsed and serialized again.
 */
export class JsonText {
  constructor(readonly text: string) {}
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

/** The OCPI response format (transport_and_format, "Response format"), serialized. */
export function serializeEnvelope({ data, statusCode, statusMessage, timestamp }: EnvelopeFields): string {
  let out = '{';
  if (data !== undefined) out += `"data":${serializeData(data)},`;
  out += `"status_code":${statusCode}`;
  if (statusMessage !== undefined) out += `,"status_message":${JSON.stringify(statusMessage)}`;
  return `${out},"timestamp":${JSON.stringify(timestamp)}}`;
}

/** RFC 3339 in UTC, seconds precision, as OCPI DateTime examples use. */
export const ocpiTimestamp = (now: Date = new Date()): string => `${now.toISOString().slice(0, 19)}Z`;
