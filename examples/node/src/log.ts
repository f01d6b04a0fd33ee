/** Structured JSON log lines, one per event. Never pass a token: fields named like one are masked. */
export type Logger = (level: 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>) => void;

const SECRET = /token|authorization|password|secret/i;

export function jsonLogger(name: string, write: (line: string) => void = (line) => process.stdout.write(`${line}\n`)): Logger {
  return (level, message, fields = {}) => {
    const safe: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(fields)) safe[key] = SECRET.test(key) ? '[redacted]' : value;
    write(JSON.stringify({ time: new Date().toISOString(), level, node: name, message, ...safe }));
  };
}

export const silentLogger: Logger = () => {};
