// QuantitySum keeps a session's volumes as whole 10^-9 units where that is exact: it must give the
// very decimal big.js gives by adding the volumes one by one (the engine's previous path), for any
// JSON number, whether it fits the units or not.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Big, dec, QuantitySum, ZERO } from './decimal.js';

const bigSum = (volumes: readonly number[]): Big => volumes.reduce((sum: Big, v) => sum.plus(dec(v)), ZERO);
const quantitySum = (volumes: readonly number[]): Big => {
  const sum = new QuantitySum();
  for (const v of volumes) sum.add(v);
  return sum.value();
};

/** Volumes as meters write them (up to 6 decimals), and any double at all (many digits, huge, tiny, negative). */
const meterVolume = fc.integer({ min: -1_000_000_000, max: 1_000_000_000_000 }).chain((n) => fc.constantFrom(n / 1e6, n / 1e4, n / 1e3, n));
const anyVolume = fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e12, max: 1e12 });

describe('QuantitySum', () => {
  it('adds meter volumes exactly as big.js does', () => {
    fc.assert(
      fc.property(fc.array(meterVolume, { maxLength: 40 }), (volumes) => {
        expect(quantitySum(volumes).toString()).toBe(bigSum(volumes).toString());
      }),
      { numRuns: 2000 },
    );
  });

  it('adds any double exactly as big.js does (falling back to big.js where units do not fit)', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(meterVolume, anyVolume), { maxLength: 20 }), (volumes) => {
        expect(quantitySum(volumes).toString()).toBe(bigSum(volumes).toString());
      }),
      { numRuns: 2000 },
    );
  });

  it('is exact where floating point is not, and falls back beyond the safe integers', () => {
    expect(quantitySum([0.1, 0.2]).toString()).toBe('0.3');
    expect(quantitySum([1.0000000001, 2]).toString()).toBe('3.0000000001');
    expect(quantitySum([9_000_000, 9_000_000.5]).toString()).toBe('18000000.5');
    expect(quantitySum([123456.123456789, 0.000000001]).toString()).toBe('123456.12345679');
    expect(quantitySum([]).toString()).toBe('0');
  });
});
