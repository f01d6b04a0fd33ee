import {
  type CDR,
  type CdrPriceMismatchEvent,
  type CdrPriceUncheckedEvent,
  cdrsReceiver,
  createEventBus,
  putOwnObject,
  STORE_MODULES,
  type Tariff,
} from '@ocpi-ts/core';
import { example, type ModuleHarness, moduleHarness } from '@ocpi-ts/core/test-support';
import { beforeEach, describe, expect, it } from 'vitest';
import { withCdrPriceCheck } from './receiver.js';

const BEC = { role: 'CPO' as const, country_code: 'BE', party_id: 'BEC', business_details: { name: 'BEC' } };
const TNM = { role: 'EMSP' as const, country_code: 'DE', party_id: 'TNM', business_details: { name: 'TNM' } };

/** cdr_example.json: BE/BEC CDR 12345, 1.973 h under Tariff 12 (2.00 per hour per 5 min): 4.00 / 4.40. */
const cdr = () => example<CDR>('cdr_example.json');
const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

describe('withCdrPriceCheck: the eMSP prices every CDR it receives', () => {
  let h: ModuleHarness;
  let mismatches: CdrPriceMismatchEvent[];
  let unchecked: CdrPriceUncheckedEvent[];

  beforeEach(async () => {
    const events = createEventBus();
    mismatches = [];
    unchecked = [];
    events.on('cdr.priceMismatch', (event) => void mismatches.push(event));
    events.on('cdr.priceUnchecked', (event) => void unchecked.push(event));
    h = moduleHarness({ parties: [TNM], modules: [cdrsReceiver(withCdrPriceCheck())], events });
    await h.partner('bec', [BEC]);
  });

  it('says nothing about a CDR whose costs its Tariff gives', async () => {
    const post = await h.call('POST', 'receiver/cdrs', { token: 'bec', body: cdr() });
    expect(post.status).toBe(201);
    await settle();
    expect(mismatches).toEqual([]);
    expect(unchecked).toEqual([]);
  });

  it('raises cdr.priceMismatch for a CDR whose total was changed by one cent, with both breakdowns, and still takes it', async () => {
    const tampered = { ...cdr(), total_cost: { excl_vat: 4.01, incl_vat: 4.41 } };
    const post = await h.call('POST', 'receiver/cdrs', { token: 'bec', body: tampered });
    expect(post.status).toBe(201);
    await settle();
    expect(mismatches).toHaveLength(1);
    const event = mismatches[0] as CdrPriceMismatchEvent;
    expect(event).toMatchObject({
      owner: { country_code: 'BE', party_id: 'BEC' },
      cdrId: '12345',
      currency: 'EUR',
      tolerance: 0.005,
      // The receiver keeps the canonical (2.3.0) CDR: the 2.2.1 incl_vat 4.41 is a VAT of 0.40 on 4.01, as computed.
      differences: [{ field: 'total_cost.before_taxes', billed: 4.01, computed: '4' }],
      billed: { total_cost: { before_taxes: 4.01, taxes: [{ name: 'VAT', amount: 0.4 }] }, total_time_cost: { before_taxes: 4 } },
      computed: { total_cost: { before_taxes: 4, taxes: [{ name: 'VAT', amount: 0.4 }] }, total_time_cost: { before_taxes: 4 } },
      tariffs: [{ id: '12', source: 'cdr' }],
      timeZone: 'UTC',
      partnerId: 'partner-bec',
    });
    // The breakdown says which element priced the period and what was billed, as JSON for a webhook.
    const breakdown = JSON.parse(JSON.stringify(event.breakdown));
    expect(breakdown.periods[0].lines[0]).toMatchObject({ dimension: 'TIME', element: 0, quantity: '1.973', billed: '2', cost: { exclTax: '4' } });
  });

  it('prices against the Tariff the eMSP holds, not the copy in the CDR, and the Location time zone', async () => {
    // The CPO pushed Tariff 12 at 2.50 per hour; the CDR carries it at 2.00: billed 4.00, held says 5.00.
    const held: Tariff = { ...(cdr().tariffs?.[0] as Tariff), elements: [{ price_components: [{ type: 'TIME', price: 2.5, vat: 10, step_size: 300 }] }] };
    await putOwnObject(h.store, STORE_MODULES.tariffs, { country_code: 'BE', party_id: 'BEC' }, held);
    const location = { ...example('location_example.json'), country_code: 'BE', party_id: 'BEC', id: 'LOC1', time_zone: 'Europe/Brussels' };
    await putOwnObject(h.store, STORE_MODULES.locations, { country_code: 'BE', party_id: 'BEC' }, location);
    await h.call('POST', 'receiver/cdrs', { token: 'bec', body: cdr() });
    await settle();
    expect(mismatches[0]?.differences[0]).toEqual({ field: 'total_cost.before_taxes', billed: 4, computed: '5' });
    expect(mismatches[0]?.tariffs).toEqual([{ id: '12', source: 'held', last_updated: '2015-02-02T14:15:01Z' }]);
    expect(mismatches[0]?.timeZone).toBe('Europe/Brussels');
  });

  it('reports a CDR it cannot price as unchecked', async () => {
    const { tariffs: _none, ...bare } = cdr();
    const withoutTariffs = { ...bare, charging_periods: bare.charging_periods.map(({ tariff_id: _id, ...p }) => p) };
    await h.call('POST', 'receiver/cdrs', { token: 'bec', body: withoutTariffs });
    await settle();
    expect(mismatches).toEqual([]);
    expect(unchecked.map((e) => e.reason)).toEqual(['no Tariff of the CDR is known (none held, none carried)']);
  });

  it('checks a CDR once: the same CDR posted again raises nothing more', async () => {
    const tampered = { ...cdr(), total_cost: { excl_vat: 4.01, incl_vat: 4.41 } };
    await h.call('POST', 'receiver/cdrs', { token: 'bec', body: tampered });
    const again = await h.call('POST', 'receiver/cdrs', { token: 'bec', body: tampered });
    expect(again.status).toBe(200);
    await settle();
    expect(mismatches).toHaveLength(1);
  });
});
