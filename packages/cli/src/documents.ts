// The objects in files or on stdin: one JSON object, a JSON array, an OCPI response envelope (its
// `data`), or NDJSON (one object per line, as `ocpi pull` writes).
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { type CliIo, localError } from './io.js';

export type Item =
  /** An object, at its place in the source (0-based index, or the NDJSON line). */
  | { ok: true; source: string; at: string; value: unknown }
  /** Text that is not JSON. */
  | { ok: false; source: string; at: string; message: string };

async function readSource(source: string, io: CliIo): Promise<string> {
  if (source === '-') {
    let text = '';
    const decoder = new TextDecoder();
    for await (const chunk of io.stdin) text += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    return text;
  }
  try {
    return await readFile(resolve(io.cwd, source), 'utf8');
  } catch (error) {
    throw localError(`Cannot read ${source}: ${(error as Error).message}`);
  }
}

const isEnvelope = (value: unknown): value is { data?: unknown } =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && 'status_code' in value && 'timestamp' in value;

/** A JSON pointer (RFC 6901) into a value; undefined when it leads nowhere. */
export function atPointer(value: unknown, pointer: string): unknown {
  if (pointer === '' || pointer === '/') return value;
  let current = value;
  for (const raw of pointer.replace(/^\//, '').split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/** Every object in the sources (`-` is stdin), in order. */
export async function* readItems(sources: readonly string[], io: CliIo, pointer = ''): AsyncGenerator<Item> {
  for (const source of sources) {
    const name = source === '-' ? 'stdin' : source;
    const text = await readSource(source, io);
    let whole: unknown;
    let parsed = true;
    try {
      whole = JSON.parse(text);
    } catch {
      parsed = false;
    }
    if (parsed) {
      const value = atPointer(isEnvelope(whole) ? whole.data : whole, pointer);
      const list = Array.isArray(value) ? value : [value];
      for (const [index, item] of list.entries()) yield { ok: true, source: name, at: Array.isArray(value) ? `[${index}]` : '', value: item };
      continue;
    }
    const lines = text.split('\n');
    for (const [index, line] of lines.entries()) {
      if (line.trim() === '') continue;
      try {
        yield { ok: true, source: name, at: `:${index + 1}`, value: atPointer(JSON.parse(line), pointer) };
      } catch {
        yield { ok: false, source: name, at: `:${index + 1}`, message: 'not JSON (a file holds one JSON document, or one JSON object per line)' };
      }
    }
  }
}
