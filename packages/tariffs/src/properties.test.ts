// Properties that hold for any session under a tariff without restrictions: more energy or time never
// costs less, and splitting a charging period in two changes nothing (no restriction boundary).
//
// "More" grows a quantity a period already has. Parking where there was none is another matter: by
// mod_cdrs ("step_size"), once a parking period follows, the charging time is no longer rounded up to
// its step, so the first seconds of parking can lower the price (the last test shows it).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dec } from './decimal.js';
import { priceSession } from './engine.js';
import type { PriceResult, TariffInput } from './model.js';
import { type PeriodSpec, priced, session } from './testing/sessions.js';

const START = Date.parse('2025-06-02T08:00:00Z');
const at = (minutes: number) => `${new Date(START + minutes * 60_000).toISOString().slice(0, 19)}Z`;

/** An amount with up to 4 decimals, as OCPI numbers are. */
const amount = (max: number) => fc.integer({ min: 0, max: max * 10_000 }).map((n) => n / 10_000);

/** A tariff without restrictions: one element of FLAT, ENERGY, TIME and PARKING_TIME, random prices, VAT and steps. */
const tariffs = fc
  .record({
    flat: amount(5),
    energy: amount(1),
    time: amount(10),
    parking: amount(10),
    vat: fc.option(fc.integer({ min: 0, max: 27 }), { nil: undefined }),
    energyStep: fc.constantFrom(1, 10, 100, 500),
    timeStep: fc.constantFrom(1, 60, 300, 900),
    parkingStep: fc.constantFrom(1, 60, 300, 900),
    split: fc.boolean(),
  })
  .map(({ flat, energy, time, parking, vat, energyStep, timeStep, parkingStep, split }): TariffInput => {
    const component = (type: string, price: number, step_size: number) => ({ type, price, step_size, ...(vat === undefined ? {} : { vat }) });
    const components = [
      component('FLAT', flat, 1),
      component('ENERGY', energy, energyStep),
      component('TIME', time, timeStep),
      component('PARKING_TIME', parking, parkingStep),
    ];
    // The same prices in one element or spread over several: the first element with each dimension applies.
    return {
      id: 'P',
      currency: 'EUR',
      elements: split ? components.map((c) => ({ price_components: [c] })) : [{ price_components: components }],
    };
  });

/** Periods of 10 minutes each, charging or parking, with random energy and time. */
const sessions = fc.array(
  fc
    .record({ kwh: amount(20), hours: amount(1), parking: fc.boolean() })
    .map((p): Omit<PeriodSpec, 'at'> => (p.parking ? { parking: p.hours } : { kwh: p.kwh, charging: p.hours })),
  { minLength: 1, maxLength: 8 },
);

const build = (periods: Omit<PeriodSpec, 'at'>[]) =>
  session(
    periods.map((p, i) => ({ ...p, at: at(i * 10) })),
    at(periods.length * 10),
  );

const total = (result: PriceResult) => {
  const t = priced(result).total;
  return { excl: dec(t.exclTax?.toString() ?? '0'), incl: dec(t.inclTax?.toString() ?? '0') };
};

const price = (tariff: TariffInput, periods: Omit<PeriodSpec, 'at'>[]) => priceSession(build(periods), { tariffs: [tariff], timeZone: 'Europe/Amsterdam' });

describe('under a tariff without restrictions', () => {
  it('more energy or more time never costs less', () => {
    fc.assert(
      fc.property(tariffs, sessions, fc.nat(), amount(5), fc.constantFrom('kwh', 'charging', 'parking'), (tariff, periods, which, more, dimension) => {
        const index = which % periods.length;
        fc.pre((periods[index]?.[dimension as 'kwh'] ?? 0) > 0);
        const grown = periods.map((p, i) =>
          i === index ? { ...p, [dimension]: Number(((p[dimension as keyof typeof p] as number | undefined) ?? 0) + more) } : p,
        );
        // Adding to a period keeps its amounts at 4 decimals only if the sum is exact; compare decimals.
        grown[index] = Object.fromEntries(Object.entries(grown[index] as object).map(([k, v]) => [k, typeof v === 'number' ? Number(v.toFixed(4)) : v]));
        const before = total(price(tariff, periods));
        const after = total(price(tariff, grown));
        expect(after.excl.gte(before.excl)).toBe(true);
        expect(after.incl.gte(before.incl)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('a charging period split in two (at no restriction boundary) costs the same', () => {
    fc.assert(
      fc.property(tariffs, sessions, fc.nat(), fc.integer({ min: 1, max: 9_999 }), (tariff, periods, which, share) => {
        const index = which % periods.length;
        const original = periods[index] as Omit<PeriodSpec, 'at'>;
        // Split every quantity of the period exactly (4 decimals): share / 10,000 of it first, the rest after.
        const part = (v: number | undefined, first: boolean) => {
          if (v === undefined) return undefined;
          const units = Math.round(v * 10_000);
          const head = Math.floor((units * share) / 10_000);
          return (first ? head : units - head) / 10_000;
        };
        const half = (first: boolean) => {
          const p: Omit<PeriodSpec, 'at'> = {};
          for (const key of ['kwh', 'charging', 'parking'] as const) {
            const v = part(original[key], first);
            if (v !== undefined) p[key] = v;
          }
          return p;
        };
        const split = build(periods);
        const periodsSplit = split.charging_periods as NonNullable<typeof split.charging_periods>;
        const firstHalf = { ...half(true), at: at(index * 10) };
        const secondHalf = { ...half(false), at: at(index * 10 + 5) };
        const rebuilt = session(
          [
            ...periods.slice(0, index).map((p, i) => ({ ...p, at: at(i * 10) })),
            firstHalf,
            secondHalf,
            ...periods.slice(index + 1).map((p, i) => ({ ...p, at: at((index + 1 + i) * 10) })),
          ],
          at(periods.length * 10),
        );
        expect(periodsSplit.length + 1).toBe(rebuilt.charging_periods?.length);
        const whole = total(price(tariff, periods));
        const parts = total(priceSession(rebuilt, { tariffs: [tariff], timeZone: 'Europe/Amsterdam' }));
        expect(parts.excl.toString()).toBe(whole.excl.toString());
        expect(parts.incl.toString()).toBe(whole.incl.toString());
      }),
      { numRuns: 300 },
    );
  });

  it('the first seconds of parking can lower the price: the charging time is then no longer rounded up (mod_cdrs, step_size)', () => {
    // TIME 1.00 per hour per 15 min, PARKING_TIME free per minute. 20 min of charging alone bill 30 min: 0.50.
    const tariff: TariffInput = {
      id: 'S',
      currency: 'EUR',
      elements: [
        {
          price_components: [
            { type: 'TIME', price: 1, step_size: 900 },
            { type: 'PARKING_TIME', price: 0, step_size: 60 },
          ],
        },
      ],
    };
    const alone = total(price(tariff, [{ kwh: 5, charging: 0.3333 }]));
    // With 1 minute parked after it, the step rounds the parking (to 1 min, free) and not the 20 min: 0.3333.
    const parked = total(price(tariff, [{ kwh: 5, charging: 0.3333 }, { parking: 0.0167 }]));
    expect(alone.excl.toString()).toBe('0.5');
    expect(parked.excl.toString()).toBe('0.3333');
  });
});
