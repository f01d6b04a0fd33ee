import { example } from '@ocpi-ts/core/test-support';
import { describe, expect, it } from 'vitest';
import { type CdrInput, cdrCosts, checkCdr, priceCdr } from './cdr.js';
import { priced } from './testing/sessions.js';

const official = (version: string) => example<CdrInput>('cdr_example.json', version);

describe('the official CDR example', () => {
  for (const version of ['2.2.1', '2.3.0']) {
    it(`${version}: its costs are what its Tariff gives (1.973 h billed as 2 h at 2.00: 4.00, 4.40 with 10% VAT)`, () => {
      // TIME 1.973 h = 7,102.8 s, rounded up to 7,200 s (step 300 s): 2 h x 2.00 = 4.00; 10% VAT 0.40.
      const result = checkCdr(official(version), { timeZone: 'Europe/Brussels' });
      if (!result.ok) throw new Error(result.error.message);
      expect(result.check.differences).toEqual([]);
      expect(result.check.breakdown.total.exclTax?.toString()).toBe('4');
    });

    it(`${version}: a cost changed by one cent is a difference`, () => {
      const cdr = official(version);
      const tampered = structuredClone(cdr) as Record<string, any>;
      if (version === '2.2.1') tampered.total_cost.excl_vat = 4.01;
      else tampered.total_cost.before_taxes = 4.01;
      const result = checkCdr(tampered as CdrInput, { timeZone: 'Europe/Brussels' });
      if (!result.ok) throw new Error(result.error.message);
      const field = version === '2.2.1' ? 'total_cost.excl_vat' : 'total_cost.before_taxes';
      expect(result.check.differences).toEqual([{ field, billed: 4.01, computed: '4' }]);
    });
  }

  it('fills the cost fields of a 2.2.1 CDR and of a 2.3.0 one', () => {
    const breakdown = priced(priceCdr(official('2.2.1'), { timeZone: 'Europe/Brussels' }));
    expect(cdrCosts(breakdown, '2.2.1')).toEqual({
      total_cost: { excl_vat: 4, incl_vat: 4.4 },
      total_time_cost: { excl_vat: 4, incl_vat: 4.4 },
      total_energy: 0,
      total_time: 1.9731,
    });
    expect(cdrCosts(breakdown, '2.3.0').total_cost).toEqual({ before_taxes: 4, taxes: [{ name: 'VAT', percentage: 10, amount: 0.4 }] });
  });

  it('rounds amounts half up to the minor unit of the currency, and the total from the exact sum', () => {
    // tariff_4's Monday: 2.875 + 3.30 + 4.125 = 10.30 incl. VAT; rounding each part first would give 10.31.
    const cdr = {
      ...official('2.2.1'),
      tariffs: [example('tariff_4_complex.json')],
      start_date_time: '2025-06-02T07:30:00Z',
      end_date_time: '2025-06-02T10:57:00Z',
      charging_periods: [
        {
          start_date_time: '2025-06-02T07:30:00Z',
          dimensions: [
            { type: 'ENERGY', volume: 25 },
            { type: 'TIME', volume: 2.75 },
            { type: 'MAX_CURRENT', volume: 16 },
          ],
        },
        { start_date_time: '2025-06-02T10:15:00Z', dimensions: [{ type: 'PARKING_TIME', volume: 0.7 }] },
      ],
    } as CdrInput;
    const costs = cdrCosts(priced(priceCdr(cdr, { timeZone: 'Europe/Berlin' })), '2.2.1');
    expect(costs.total_cost).toEqual({ excl_vat: 9, incl_vat: 10.3 });
    expect(costs.total_fixed_cost).toEqual({ excl_vat: 2.5, incl_vat: 2.88 });
    expect(costs.total_parking_cost).toEqual({ excl_vat: 3.75, incl_vat: 4.13 });
    expect(costs.total_parking_time).toBe(0.7);
  });
});
