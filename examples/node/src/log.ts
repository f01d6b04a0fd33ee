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

export function jsonLogger(name: string, write: (line: string) => void = stdoutLines()): Logger {
  return (level, message, fields = {}) => {
    const safe: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(fields)) safe[key] = SECRET.test(key) ? '[redacted]' : value;
    write(JSON.stringify({ time: new Date().toISOString(), level, node: name, message, ...safe }));
  };
}

export const silentLogger: Logger = () => {};
