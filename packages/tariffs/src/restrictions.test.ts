// Restrictions in the Location's local time (mod_tariffs "TariffRestrictions class"): across midnight
// and daylight-saving changes, in two time zones with different rules (and one south of the equator).
import { describe, expect, it } from 'vitest';
import { priceSession } from './engine.js';
import type { TariffInput, TariffRestrictionsInput } from './model.js';
import { lines, priced, session } from './testing/sessions.js';

/** A tariff whose first element (EUR 1 per kWh) holds under `restrictions`; otherwise EUR 0.10 per kWh. */
const restricted = (restrictions: TariffRestrictionsInput): TariffInput => ({
  id: 'R',
  currency: 'EUR',
  elements: [
    { price_components: [{ type: 'ENERGY', price: 1, step_size: 1 }], restrictions },
    { price_components: [{ type: 'ENERGY', price: 0.1, step_size: 1 }] },
  ],
});

/** Which element prices 1 kWh charged in a period starting at `at` (UTC). */
function elementAt(tariff: TariffInput, at: string, timeZone: string): number | undefined {
  const start = Date.parse(at);
  const end = new Date(start + 60_000).toISOString();
  const result = priceSession(session([{ at, kwh: 1, charging: 0.0167 }], end), { tariffs: [tariff], timeZone });
  return priced(result).periods[0]?.lines.find((l) => l.dimension === 'ENERGY')?.element;
}

const ZONES = [
  // Europe/Amsterdam: CET (UTC+1), CEST (UTC+2) from the last Sunday of March to the last of October.
  { zone: 'Europe/Amsterdam', winter: 1, summer: 2, springForward: '2025-03-30T01:00:00Z', fallBack: '2025-10-26T01:00:00Z' },
  // America/New_York: EST (UTC-5), EDT (UTC-4) from the second Sunday of March to the first of November.
  { zone: 'America/New_York', winter: -5, summer: -4, springForward: '2025-03-09T07:00:00Z', fallBack: '2025-11-02T06:00:00Z' },
] as const;

/** The UTC instant of a local wall-clock time, given the offset in force then. */
const utc = (local: string, offsetHours: number) => new Date(Date.parse(`${local}Z`) - offsetHours * 3_600_000).toISOString();

describe.each(ZONES)('in $zone', ({ zone, winter, summer, springForward, fallBack }) => {
  it('a night element 22:00-06:00 wraps around midnight: from 22:00 (inclusive) to 06:00 (exclusive), local', () => {
    const night = restricted({ start_time: '22:00', end_time: '06:00' });
    expect(elementAt(night, utc('2025-01-15T21:59:00', winter), zone)).toBe(1);
    expect(elementAt(night, utc('2025-01-15T22:00:00', winter), zone)).toBe(0);
    expect(elementAt(night, utc('2025-01-15T23:59:00', winter), zone)).toBe(0);
    expect(elementAt(night, utc('2025-01-16T00:00:00', winter), zone)).toBe(0);
    expect(elementAt(night, utc('2025-01-16T05:59:00', winter), zone)).toBe(0);
    expect(elementAt(night, utc('2025-01-16T06:00:00', winter), zone)).toBe(1);
  });

  it('end_time 00:00 is the end of the day: 18:00-00:00 holds at 23:59 and not at midnight', () => {
    const evening = restricted({ start_time: '18:00', end_time: '00:00' });
    expect(elementAt(evening, utc('2025-07-01T23:59:00', summer), zone)).toBe(0);
    expect(elementAt(evening, utc('2025-07-02T00:00:00', summer), zone)).toBe(1);
    expect(elementAt(evening, utc('2025-07-01T17:59:00', summer), zone)).toBe(1);
  });

  it('day_of_week changes at local midnight, not UTC midnight', () => {
    const saturday = restricted({ day_of_week: ['SATURDAY'] });
    // Friday 10 January 2025, 23:59 local, and Saturday 00:00 local.
    expect(elementAt(saturday, utc('2025-01-10T23:59:00', winter), zone)).toBe(1);
    expect(elementAt(saturday, utc('2025-01-11T00:00:00', winter), zone)).toBe(0);
    expect(elementAt(saturday, utc('2025-01-11T23:59:00', winter), zone)).toBe(0);
    expect(elementAt(saturday, utc('2025-01-12T00:00:00', winter), zone)).toBe(1);
  });

  it('start_date is inclusive and end_date exclusive, both local dates', () => {
    const christmas = restricted({ start_date: '2025-12-24', end_date: '2025-12-27' });
    expect(elementAt(christmas, utc('2025-12-23T23:59:00', winter), zone)).toBe(1);
    expect(elementAt(christmas, utc('2025-12-24T00:00:00', winter), zone)).toBe(0);
    expect(elementAt(christmas, utc('2025-12-26T23:59:00', winter), zone)).toBe(0);
    expect(elementAt(christmas, utc('2025-12-27T00:00:00', winter), zone)).toBe(1);
  });

  it('spring forward: the clock jumps from 02:00 to 03:00; a 02:00-03:00 element never holds, 03:00 starts right at the jump', () => {
    const lost = restricted({ start_time: '02:00', end_time: '03:00' });
    const fromThree = restricted({ start_time: '03:00', end_time: '04:00' });
    const jump = Date.parse(springForward);
    const before = new Date(jump - 60_000).toISOString();
    // One minute before the jump it is 01:59 (standard time); at the jump, 03:00 (summer time).
    expect(elementAt(lost, before, zone)).toBe(1);
    expect(elementAt(lost, springForward, zone)).toBe(1);
    expect(elementAt(fromThree, before, zone)).toBe(1);
    expect(elementAt(fromThree, springForward, zone)).toBe(0);
    // An hour after the jump it is 04:00 local: the 03:00-04:00 element no longer holds.
    expect(elementAt(fromThree, new Date(jump + 3_600_000).toISOString(), zone)).toBe(1);
  });

  it('fall back: the hour before the change happens twice, and the element holds both times', () => {
    // Amsterdam: 02:00-03:00 local happens in summer time then again in winter time; New York: 01:00-02:00.
    const repeated = zone === 'Europe/Amsterdam' ? '02:00' : '01:00';
    const after = zone === 'Europe/Amsterdam' ? '03:00' : '02:00';
    const twice = restricted({ start_time: repeated, end_time: after });
    const change = Date.parse(fallBack);
    const firstTime = new Date(change - 30 * 60_000).toISOString();
    const secondTime = new Date(change + 30 * 60_000).toISOString();
    expect(elementAt(twice, firstTime, zone)).toBe(0);
    expect(elementAt(twice, secondTime, zone)).toBe(0);
    // An hour after the second pass begins, the wall clock has left the hour.
    expect(elementAt(twice, new Date(change + 60 * 60_000).toISOString(), zone)).toBe(1);
  });

  it('a session across midnight and a DST change is priced period by period in local time', () => {
    // Night energy (22:00-06:00) at 1.00, day at 0.10: the CPO splits the session at 06:00 local.
    const night = restricted({ start_time: '22:00', end_time: '06:00' });
    const start = new Date(Date.parse(fallBack) - 4 * 3_600_000).toISOString();
    const sixLocal = utc(`${fallBack.slice(0, 10)}T06:00:00`, winter);
    const s = session(
      [
        { at: start, kwh: 10, charging: 5 },
        { at: sixLocal, kwh: 2, charging: 1 },
      ],
      new Date(Date.parse(sixLocal) + 3_600_000).toISOString(),
    );
    const result = priceSession(s, { tariffs: [night], timeZone: zone });
    expect(lines(result)).toEqual(['ENERGY #0 10 kWh = 10', 'ENERGY #1 2 kWh = 0.2']);
  });
});

describe('south of the equator (Australia/Sydney: summer time from October to April)', () => {
  it('evaluates the same local hour in January (UTC+11) and July (UTC+10)', () => {
    const morning = restricted({ start_time: '07:00', end_time: '09:00' });
    expect(elementAt(morning, '2025-01-14T20:30:00Z', 'Australia/Sydney')).toBe(0);
    expect(elementAt(morning, '2025-07-14T21:30:00Z', 'Australia/Sydney')).toBe(0);
    expect(elementAt(morning, '2025-07-14T20:30:00Z', 'Australia/Sydney')).toBe(1);
  });
});

describe('restrictions on the session so far', () => {
  it('min_kwh and max_kwh hold on the energy charged before the period (from inclusive, until exclusive)', () => {
    const first20 = restricted({ max_kwh: 20 });
    const s = session(
      [
        { at: '2025-06-02T08:00:00Z', kwh: 20, charging: 1 },
        { at: '2025-06-02T09:00:00Z', kwh: 5, charging: 0.25 },
      ],
      '2025-06-02T09:15:00Z',
    );
    expect(lines(priceSession(s, { tariffs: [first20], timeZone: 'UTC' }))).toEqual(['ENERGY #0 20 kWh = 20', 'ENERGY #1 5 kWh = 0.5']);
    const after20 = restricted({ min_kwh: 20 });
    expect(lines(priceSession(s, { tariffs: [after20], timeZone: 'UTC' }))).toEqual(['ENERGY #1 20 kWh = 2', 'ENERGY #0 5 kWh = 5']);
  });

  it('min_duration holds from that many seconds into the session', () => {
    const afterAnHour = restricted({ min_duration: 3600 });
    const s = session(
      [
        { at: '2025-06-02T08:00:00Z', kwh: 10, charging: 1 },
        { at: '2025-06-02T09:00:00Z', kwh: 3, charging: 0.5 },
      ],
      '2025-06-02T09:30:00Z',
    );
    expect(lines(priceSession(s, { tariffs: [afterAnHour], timeZone: 'UTC' }))).toEqual(['ENERGY #1 10 kWh = 1', 'ENERGY #0 3 kWh = 3']);
  });

  it('a current restriction does not hold on a period that reports no current, and says so', () => {
    const fast = restricted({ min_current: 32 });
    const result = priceSession(session([{ at: '2025-06-02T08:00:00Z', kwh: 10, charging: 1 }], '2025-06-02T09:00:00Z'), { tariffs: [fast], timeZone: 'UTC' });
    expect(lines(result)).toEqual(['ENERGY #1 10 kWh = 1']);
    expect(priced(result).notes.map((n) => n.code)).toContain('NO_CURRENT');
  });

  it('with explain, names the elements passed over and the restriction that failed', () => {
    const saturday = restricted({ day_of_week: ['SATURDAY'] });
    const result = priceSession(session([{ at: '2025-06-02T08:00:00Z', kwh: 1, charging: 0.1 }], '2025-06-02T08:06:00Z'), {
      tariffs: [saturday],
      timeZone: 'Europe/Amsterdam',
      explain: true,
    });
    const line = priced(result).periods[0]?.lines[0];
    expect(line?.passedOver).toEqual([{ element: 0, reason: 'day_of_week does not include MONDAY' }]);
    expect(priced(result).periods[0]?.local).toBe('2025-06-02 10:00 MONDAY');
  });
});

describe('what cannot be priced', () => {
  it('a tariff with only tariff_alt_text is not computable, and the texts are handed back', () => {
    const textOnly: TariffInput = { id: 'T', currency: 'EUR', tariff_alt_text: [{ language: 'en', text: 'Ask at the desk' }], elements: [] };
    const result = priceSession(session([{ at: '2025-06-02T08:00:00Z', kwh: 1 }], '2025-06-02T09:00:00Z'), { tariffs: [textOnly], timeZone: 'UTC' });
    expect(result).toEqual({
      ok: false,
      error: {
        code: 'NOT_COMPUTABLE',
        message: 'Tariff T has no TariffElements: its price is only in tariff_alt_text',
        altText: [{ language: 'en', text: 'Ask at the desk' }],
      },
    });
  });

  it('an unknown time zone, a period naming an unknown tariff, tariffs in two currencies', () => {
    const t = restricted({});
    const s = session([{ at: '2025-06-02T08:00:00Z', kwh: 1, tariffId: 'X' }], '2025-06-02T09:00:00Z');
    expect(priceSession(s, { tariffs: [t], timeZone: 'Mars/Olympus' })).toMatchObject({ ok: false, error: { code: 'UNKNOWN_TIME_ZONE' } });
    expect(priceSession(s, { tariffs: [t], timeZone: 'UTC' })).toMatchObject({ ok: false, error: { code: 'NO_TARIFF' } });
    const two = session(
      [
        { at: '2025-06-02T08:00:00Z', kwh: 1, tariffId: 'R' },
        { at: '2025-06-02T08:30:00Z', kwh: 1, tariffId: 'U' },
      ],
      '2025-06-02T09:00:00Z',
    );
    expect(priceSession(two, { tariffs: [t, { ...t, id: 'U', currency: 'USD' }], timeZone: 'UTC' })).toMatchObject({
      ok: false,
      error: { code: 'CURRENCY_MISMATCH' },
    });
  });

  it('malformed input is an INVALID_INPUT error, never an exception', () => {
    const t = restricted({ start_time: '25:99' });
    expect(priceSession(session([{ at: '2025-06-02T08:00:00Z', kwh: 1 }], '2025-06-02T09:00:00Z'), { tariffs: [t], timeZone: 'UTC' })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT' },
    });
    expect(priceSession({ start_date_time: 'yesterday', charging_periods: [] }, { tariffs: [restricted({})], timeZone: 'UTC' })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT' },
    });
    const bad = {
      start_date_time: '2025-06-02T08:00:00Z',
      charging_periods: [{ start_date_time: '2025-06-02T08:00:00Z', dimensions: [{ type: 'ENERGY', volume: 'ten' as unknown as number }] }],
    };
    expect(priceSession(bad, { tariffs: [restricted({})], timeZone: 'UTC' })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
  });
});
