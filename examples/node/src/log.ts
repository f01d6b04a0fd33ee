/** Structured JSON log lines, one per event. Never pass a token: fields named like one are masked. */
export type Logger = (level: 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>) => void;

const SECRET = /token|authorization|password|secret/i;

/**
 * Writes the lines logged in one turn of the event loop to stdout together: one write call instead
 * of one per line (the access log writes a line per request). What is pending at exit is written then.
 */
function stdoutLines(): (line: string) => void {
  let pending = '';
  const flush = () => {
    if (pending === '') return;
    const text = pending;
    pending = '';
    process.stdout.write(text);
  };
  process.once('exit', flush);
  return (line) => {
    if (pending === '') setImmediate(flush);
    pending += `${line}\n`;
  };
}

/** The names every line starts with: a field of the same name would replace the value in place. */
const LEADING = new Set(['time', 'level', 'node', 'message']);

/** `,"name":` for a field, or `,"name":"[redacted]"` for one named like a secret (its value never looked at). */
const fieldPrefixes = new Map<string, { prefix: string; redacted: boolean }>();
function fieldPrefix(key: string): { prefix: string; redacted: boolean } {
  let known = fieldPrefixes.get(key);
  if (!known) {
    const redacted = SECRET.test(key);
    known = { prefix: `,${JSON.stringify(key)}:${redacted ? '"[redacted]"' : ''}`, redacted };
    if (fieldPrefixes.size < 1000) fieldPrefixes.set(key, known);
  }
  return known;
}

/**
 * One JSON line per call: `{"time","level","node","message",...fields}`, fields named like a secret
 * redacted. The line is written as text, field by field, with no object built for it: the access log
 * writes one per request.
 */
/** The ISO time of the current millisecond, formatted once per millisecond (a third of a line's cost otherwise). */
let clock = { ms: Number.NaN, iso: '' };
function isoNow(): string {
  const ms = Date.now();
  if (ms !== clock.ms) clock = { ms, iso: new Date(ms).toISOString() };
  return clock.iso;
}

export function jsonLogger(name: string, write: (line: string) => void = stdoutLines()): Logger {
  const node = JSON.stringify(name);
  return (level, message, fields = {}) => {
    let line = `{"time":"${isoNow()}","level":${JSON.stringify(level)},"node":${node},"message":${JSON.stringify(message)}`;
    for (const key in fields) {
      if (!Object.hasOwn(fields, key)) continue;
      // A field named like a leading one: the object form keeps the order (and is rare).
      if (LEADING.has(key)) return write(objectLine(name, level, message, fields));
      const { prefix, redacted } = fieldPrefix(key);
      if (redacted) line += prefix;
      else {
        const value = JSON.stringify(fields[key]);
        // Undefined (and functions) are left out, as JSON.stringify of an object leaves them out.
        if (value !== undefined) line += prefix + value;
      }
    }
    write(`${line}}`);
  };
}

function objectLine(name: string, level: string, message: string, fields: Record<string, unknown>): string {
  const safe: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) safe[key] = SECRET.test(key) ? '[redacted]' : value;
  return JSON.stringify({ time: new Date().toISOString(), level, node: name, message, ...safe });
}

export const silentLogger: Logger = () => {};
