import { example } from '@ocpi-ts/core/test-support';
import { describe, expect, it } from 'vitest';
import { priceSession } from './engine.js';
import type { TariffInput } from './model.js';
import { chargingPeriodsFromMeterValues } from './periods.js';
import { lines } from './testing/sessions.js';

const starts = (periods: { start_date_time: string }[]) => periods.map((p) => p.start_date_time);
const volumes = (periods: { dimensions: readonly { type: string; volume: number }[] }[], type: string) =>
  periods.map((p) => p.dimensions.find((d) => d.type === type)?.volume);

describe('chargingPeriodsFromMeterValues', () => {
  it('cuts at 17:00 local where tariff_14 switches element, the energy in between interpolated', () => {
    // Readings at 16:40 and 17:10 Berlin time (CEST, UTC+2), 3 kWh apart: 2 kWh before 17:00, 1 after.
    const tariff = example<TariffInput>('tariff_14_step_size.json');
    const periods = chargingPeriodsFromMeterValues(
      [
        { timestamp: '2025-06-02T14:40:00Z', kwh: 100 },
        { timestamp: '2025-06-02T15:10:00Z', kwh: 103 },
      ],
      { tariffs: [tariff], timeZone: 'Europe/Berlin', tariffId: '22' },
    );
    expect(starts(periods)).toEqual(['2025-06-02T14:40:00Z', '2025-06-02T15:00:00Z']);
    expect(volumes(periods, 'ENERGY')).toEqual([2, 1]);
    expect(volumes(periods, 'TIME')).toEqual([0.333333, 0.166667]);
    expect(periods[0]?.tariff_id).toBe('22');
    // Priced: 20 min at 1.20 and 10 min at 2.40, the 30 min rounded to 30 (step 900 s): 0.40 + 0.40.
    const result = priceSession(
      { start_date_time: '2025-06-02T14:40:00Z', end_date_time: '2025-06-02T15:10:00Z', charging_periods: periods },
      {
        tariffs: [tariff],
        timeZone: 'Europe/Berlin',
      },
    );
    expect(lines(result)).toEqual(['TIME #0 0.333333 h = 0.3999996', 'TIME #1 0.166667 h = 0.4000008']);
  });

  it('cuts at local midnight for a weekday restriction, in the local time zone (not UTC)', () => {
    const weekend: TariffInput = {
      id: 'W',
      currency: 'USD',
      elements: [
        { price_components: [{ type: 'ENERGY', price: 0.2, step_size: 1 }], restrictions: { day_of_week: ['SATURDAY', 'SUNDAY'] } },
        { price_components: [{ type: 'ENERGY', price: 0.4, step_size: 1 }] },
      ],
    };
    // Friday 23:30 to Saturday 00:30 in New York (EDT, UTC-4): 04:00Z is local midnight.
    const periods = chargingPeriodsFromMeterValues(
      [
        { timestamp: '2025-06-07T03:30:00Z', kwh: 10, current: 16 },
        { timestamp: '2025-06-07T04:30:00Z', kwh: 16, current: 16 },
      ],
      { tariffs: [weekend], timeZone: 'America/New_York' },
    );
    expect(starts(periods)).toEqual(['2025-06-07T03:30:00Z', '2025-06-07T04:00:00Z']);
    expect(volumes(periods, 'ENERGY')).toEqual([3, 3]);
    expect(volumes(periods, 'MAX_CURRENT')).toEqual([16, 16]);
    const result = priceSession(
      { start_date_time: '2025-06-07T03:30:00Z', end_date_time: '2025-06-07T04:30:00Z', charging_periods: periods },
      {
        tariffs: [weekend],
        timeZone: 'America/New_York',
      },
    );
    expect(lines(result)).toEqual(['ENERGY #1 3 kWh = 1.2', 'ENERGY #0 3 kWh = 0.6']);
  });

  it('cuts where the energy reaches a kWh threshold and at a duration, and parks when the EV stops requesting power', () => {
    const tariff: TariffInput = {
      id: 'K',
      currency: 'EUR',
      elements: [
        { price_components: [{ type: 'ENERGY', price: 0.3, step_size: 1 }], restrictions: { max_kwh: 10 } },
        { price_components: [{ type: 'PARKING_TIME', price: 6, step_size: 60 }], restrictions: { min_duration: 5400 } },
        { price_components: [{ type: 'ENERGY', price: 0.5, step_size: 1 }] },
      ],
    };
    // 0 to 16 kWh in the first hour (10 kWh reached at 37.5 min), then parked for an hour.
    const periods = chargingPeriodsFromMeterValues(
      [
        { timestamp: '2025-06-02T08:00:00Z', kwh: 500 },
        { timestamp: '2025-06-02T09:00:00Z', kwh: 516, charging: false },
        { timestamp: '2025-06-02T10:00:00Z', kwh: 516 },
      ],
      { tariffs: [tariff], timeZone: 'UTC' },
    );
    expect(starts(periods)).toEqual(['2025-06-02T08:00:00Z', '2025-06-02T08:37:30Z', '2025-06-02T09:00:00Z', '2025-06-02T09:30:00Z']);
    expect(volumes(periods, 'ENERGY')).toEqual([10, 6, 0, 0]);
    expect(volumes(periods, 'PARKING_TIME')).toEqual([undefined, undefined, 0.5, 0.5]);
    const result = priceSession(
      { start_date_time: '2025-06-02T08:00:00Z', end_date_time: '2025-06-02T10:00:00Z', charging_periods: periods },
      { tariffs: [tariff], timeZone: 'UTC' },
    );
    // 10 kWh at 0.30, 6 at 0.50, parking only from 90 min in: 30 min at 6.00. 3 + 3 + 3.
    expect(lines(result)).toEqual(['ENERGY #0 10 kWh = 3', 'ENERGY #2 6 kWh = 3', 'PARKING_TIME #1 0.5 h = 3']);
  });

  it('the volumes add up exactly to the meter and the session length', () => {
    const night: TariffInput = {
      id: 'N',
      currency: 'EUR',
      elements: [{ price_components: [{ type: 'ENERGY', price: 1, step_size: 1 }], restrictions: { start_time: '22:00', end_time: '06:00' } }],
    };
    const periods = chargingPeriodsFromMeterValues(
      [
        { timestamp: '2025-03-29T20:07:13Z', kwh: 1.234567 },
        { timestamp: '2025-03-30T03:59:59Z', kwh: 45.678901 },
      ],
      { tariffs: [night], timeZone: 'Europe/Amsterdam' },
    );
    // 22:00 CET is 21:00Z; 06:00 CEST (after the spring-forward jump) is 04:00Z, after the last reading.
    expect(starts(periods)).toEqual(['2025-03-29T20:07:13Z', '2025-03-29T21:00:00Z']);
    const sum = (xs: (number | undefined)[]) => xs.reduce<number>((a, b) => a + (b ?? 0), 0);
    expect(sum(volumes(periods, 'ENERGY')).toFixed(6)).toBe('44.444334');
    expect(sum(volumes(periods, 'TIME')).toFixed(6)).toBe(((Date.parse('2025-03-30T03:59:59Z') - Date.parse('2025-03-29T20:07:13Z')) / 3_600_000).toFixed(6));
  });

  it('refuses fewer than two readings and a meter running backwards', () => {
    expect(() => chargingPeriodsFromMeterValues([{ timestamp: '2025-06-02T08:00:00Z', kwh: 1 }], { tariffs: [], timeZone: 'UTC' })).toThrow(/two meter values/);
    expect(() =>
      chargingPeriodsFromMeterValues(
        [
          { timestamp: '2025-06-02T08:00:00Z', kwh: 5 },
          { timestamp: '2025-06-02T09:00:00Z', kwh: 4 },
        ],
        { tariffs: [], timeZone: 'UTC' },
      ),
    ).toThrow(/backwards/);
  });
});
