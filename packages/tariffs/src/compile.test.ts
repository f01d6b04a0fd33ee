// parseDateTime reads the usual OCPI DateTime shape digit by digit, with calendar arithmetic instead of
// a Date: it must agree with Date.parse on every instant, and leave every other shape to it.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseDateTime } from './compile.js';

describe('parseDateTime', () => {
  it('agrees with Date.parse on any instant from year 0 to 9999, with and without milliseconds', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(0, 0, 1), max: Date.UTC(9999, 11, 31, 23, 59, 59, 999) }), fc.boolean(), (ms, fraction) => {
        const iso = new Date(ms).toISOString();
        const text = fraction ? iso : `${iso.slice(0, 19)}Z`;
        expect(parseDateTime(text)).toBe(Date.parse(text));
      }),
      { numRuns: 5000 },
    );
  });

  it('checks the calendar and leaves other shapes to Date.parse', () => {
    expect(parseDateTime('2024-02-29T12:00:00Z')).toBe(Date.UTC(2024, 1, 29, 12));
    expect(parseDateTime('1969-12-31T23:59:59.5Z')).toBe(-500);
    expect(parseDateTime('2025-06-02T07:30:00')).toBe(Date.UTC(2025, 5, 2, 7, 30));
    expect(parseDateTime('2025-06-02T09:30:00+02:00')).toBe(Date.UTC(2025, 5, 2, 7, 30));
    expect(parseDateTime('2025-13-01T12:00:00Z')).toBeNaN();
    expect(parseDateTime('tomorrow')).toBeNaN();
  });
});
