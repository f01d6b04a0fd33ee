import { describe, expect, it } from 'vitest';
import { jsonLogger } from '../src/log.js';

/** What the logger wrote, parsed, with the time checked and left out. */
function logged(fields?: Record<string, unknown>): { line: string; parsed: Record<string, unknown> } {
  const lines: string[] = [];
  jsonLogger('CPO:NL*CPO', (line) => lines.push(line))('info', 'request', fields);
  const line = lines[0] as string;
  const parsed = JSON.parse(line) as Record<string, unknown>;
  expect(parsed.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  return { line, parsed };
}

describe('jsonLogger', () => {
  it('writes one JSON line: time, level, node, message, then the fields in their order', () => {
    const fields = { method: 'GET', path: '/ocpi/2.2.1/sender/locations', status: 200, ms: 1.5, requestId: 'r-"1"', correlationId: 'c\n1' };
    const { line, parsed } = logged(fields);
    expect(Object.keys(parsed)).toEqual(['time', 'level', 'node', 'message', ...Object.keys(fields)]);
    expect(parsed).toMatchObject({ level: 'info', node: 'CPO:NL*CPO', message: 'request', ...fields });
    expect(line).not.toContain('\n');
  });

  it('redacts fields named like a secret without looking at their value', () => {
    const { line, parsed } = logged({ partnerToken: 'secret-1', Authorization: 'Token c2VjcmV0', password: { nested: 'secret-2' }, ok: 1 });
    expect(parsed).toMatchObject({ partnerToken: '[redacted]', Authorization: '[redacted]', password: '[redacted]', ok: 1 });
    expect(line).not.toMatch(/secret-|c2VjcmV0/);
  });

  it('leaves out undefined fields and writes nested values and dates as JSON.stringify does', () => {
    const at = new Date('2024-01-01T00:00:00Z');
    const { parsed } = logged({ gone: undefined, nested: { a: [1, 'b'] }, at, empty: null });
    expect('gone' in parsed).toBe(false);
    expect(parsed).toMatchObject({ nested: { a: [1, 'b'] }, at: '2024-01-01T00:00:00.000Z', empty: null });
  });

  it('lets a field named like a leading one replace its value in place', () => {
    const { parsed } = logged({ message: 'replaced', extra: true });
    expect(Object.keys(parsed)).toEqual(['time', 'level', 'node', 'message', 'extra']);
    expect(parsed.message).toBe('replaced');
  });
});
