/** A request body as an adapter can hand it over: text already read, or the byte stream to read. */
export type BodySource = string | AsyncIterable<Uint8Array> | ReadableStream<Uint8Array> | null | undefined;

export type BodyReadResult = { ok: true; text: string } | { ok: false; reason: 'too_large' | 'not_utf8' };

async function* chunksOf(source: AsyncIterable<Uint8Array> | ReadableStream<Uint8Array>): AsyncIterable<Uint8Array> {
  if (Symbol.asyncIterator in source) {
    yield* source as AsyncIterable<Uint8Array>;
    return;
  }
  const reader = (source as ReadableStream<Uint8Array>).getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    reader.releaseLock();
  }
}

/**
 * Reads a body as UTF-8 text, keeping at most `limit` bytes. Past the limit the rest is read and
 * dropped, not buffered: closing the stream early would reset the connection before the 413 answer.
 */
export async function readBody(source: BodySource, limit: number): Promise<BodyReadResult> {
  if (source === null || source === undefined) return { ok: true, text: '' };
  if (typeof source === 'string') {
    const size = source.length * 3 <= limit ? source.length : new TextEncoder().encode(source).length;
    return size > limit ? { ok: false, reason: 'too_large' } : { ok: true, text: source };
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of chunksOf(source)) {
    size += chunk.byteLength;
    if (size <= limit) chunks.push(chunk);
  }
  if (size > limit) return { ok: false, reason: 'too_large' };
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.byteLength;
  }
  try {
    return { ok: true, text: new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes) };
  } catch {
    return { ok: false, reason: 'not_utf8' };
  }
}
