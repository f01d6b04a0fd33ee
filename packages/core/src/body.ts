/** A request body as an adapter can hand it over: text already read, or the byte stream to read. */
export type BodySource = string | AsyncIterable<Uint8Array> | ReadableStream<Uint8Array> | null | undefined;

export type BodyReadResult = { ok: true; text: string } | { ok: false; reason: 'too_large' | 'not_utf8' | 'timeout' };

/** The next chunk of a stream: Node's request (an async iterable) or a Web ReadableStream. */
function chunkReader(source: AsyncIterable<Uint8Array> | ReadableStream<Uint8Array>): () => Promise<IteratorResult<Uint8Array>> {
  if (Symbol.asyncIterator in source) {
    const iterator = (source as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]();
    return () => iterator.next();
  }
  const reader = (source as ReadableStream<Uint8Array>).getReader();
  return async () => {
    const { done, value } = await reader.read();
    if (done) reader.releaseLock();
    return done ? { done: true, value: undefined } : { done: false, value };
  };
}

/**
 * Reads a body as UTF-8 text, keeping at most `limit` bytes. Past the limit the rest is read and
 * dropped, not buffered: closing the stream early would reset the connection before the 413 answer.
 * The whole body must arrive within `timeoutMs`: a slowly trickled body is left unread after that
 * (not cancelled, which would reset the connection before the answer), so no request holds the
 * node, or its shutdown, for longer.
 */
export async function readBody(source: BodySource, limit: number, timeoutMs = Number.POSITIVE_INFINITY): Promise<BodyReadResult> {
  if (source === null || source === undefined) return { ok: true, text: '' };
  if (typeof source === 'string') {
    const size = source.length * 3 <= limit ? source.length : new TextEncoder().encode(source).length;
    return size > limit ? { ok: false, reason: 'too_large' } : { ok: true, text: source };
  }
  const next = chunkReader(source);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<'timeout'>((resolve) => {
    if (Number.isFinite(timeoutMs)) timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const read = await Promise.race([next(), expired]);
      if (read === 'timeout') return { ok: false, reason: 'timeout' };
      if (read.done) break;
      size += read.value.byteLength;
      if (size <= limit) chunks.push(read.value);
    }
  } finally {
    clearTimeout(timer);
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
