// 2.3.0 Bookings: booking elements (restrictions.booking) priced like reservation ones, and
// BOOKING_OVERTIME on the time a session goes on after its booked slot (the CdrDimensionType
// RESERVATION_OVERTIME, "Time after the reservation during a ChargingPeriod that the session continues
// after the reserved time slot, defined in hours"). Amounts derived by hand from the tariff below.
import { describe, expect, it } from 'vitest';
import { cdrCosts } from './cdr.js';
import { priceSession } from './engine.js';
import type { SessionInput, TariffInput } from './model.js';
import { lines, priced, totals } from './testing/sessions.js';

/** A booked bay: 2.00 to book, 1.00 per hour held, 0.30 per kWh, 5.00 and 12.00 per hour (5-minute steps) past the slot. */
const tariff: TariffInput = {
  id: 'BOOKED',
  currency: 'EUR',
  tax_included: 'NO',
  elements: [
    {
      price_components: [
        { type: 'FLAT', price: 2, vat: 10, step_size: 1 },
        { type: 'TIME', price: 1, vat: 10, step_size: 60 },
      ],
      restrictions: { booking: 'BOOKING' },
    },
    { price_components: [{ type: 'FLAT', price: 3, vat: 10, step_size: 1 }], restrictions: { booking: 'BOOKING_CANCELLATION_FEES' } },
    {
      price_components: [
        { type: 'FLAT', price: 5, vat: 10, step_size: 1 },
        { type: 'TIME', price: 12, vat: 10, step_size: 300 },
      ],
      restrictions: { booking: 'BOOKING_OVERTIME' },
    },
    { price_components: [{ type: 'ENERGY', price: 0.3, vat: 10, step_size: 1 }] },
  ],
};

/** Booked 09:00-10:30 (Berlin summer time: 07:00-08:30 UTC), arrives 09:30, charges until 10:42. */
const booked = (overtime: number | undefined): SessionInput => ({
  booking_id: 'BOOKING-1',
  start_date_time: '2025-06-02T07:00:00Z',
  end_date_time: '2025-06-02T08:42:00Z',
  charging_periods: [
    { start_date_time: '2025-06-02T07:00:00Z', dimensions: [{ type: 'RESERVATION_TIME', volume: 0.5 }] },
    {
      start_date_time: '2025-06-02T07:30:00Z',
      dimensions: [
        { type: 'ENERGY', volume: 20 },
        { type: 'TIME', volume: 1 },
      ],
    },
    {
      start_date_time: '2025-06-02T08:30:00Z',
      dimensions: [
        { type: 'ENERGY', volume: 3 },
        { type: 'TIME', volume: 0.2 },
        ...(overtime === undefined ? [] : [{ type: 'RESERVATION_OVERTIME', volume: overtime }]),
      ],
    },
  ],
});

describe('2.3.0 Bookings', () => {
  it('prices BOOKING_OVERTIME on the hours after the booked slot, with its own step, on top of the charging', () => {
    const result = priceSession(booked(0.2), { tariffs: [tariff], timeZone: 'Europe/Berlin' });
    // Waiting for the driver, by the BOOKING element: FLAT 2.00, and 0.5 h x 1.00 = 0.50 (1,800 s, whole minutes).
    // Charging, by the element without restrictions: 20 kWh x 0.30 = 6.00, then 3 kWh x 0.30 = 0.90.
    // 12 minutes past the slot (0.2 h), by the BOOKING_OVERTIME element: its FLAT 5.00 once, and 720 s rounded
    // up to its 300 s step, 900 s = 0.25 h x 12.00 = 3.00 (billed on that last overtime line).
    expect(lines(result)).toEqual([
      'FLAT #0 1 flat = 2',
      'TIME #0 0.5 h = 0.5',
      'ENERGY #3 20 kWh = 6',
      'ENERGY #3 3 kWh = 0.9',
      'FLAT #2 1 flat = 5',
      'TIME #2 0.25 h = 3',
    ]);
    // 2.00 + 0.50 + 6.00 + 0.90 + 5.00 + 3.00 = 17.40 before tax; 10 % on top: 19.14.
    expect(totals(result)).toEqual({ excl: '17.4', incl: '19.14' });
    const breakdown = priced(result);
    expect(breakdown.quantities.overtime.toString()).toBe('0.2');
    expect(breakdown.quantities.billedOvertime.toString()).toBe('0.25');
    // The booking's costs, overtime included, are the CDR's reservation cost: 2.00 + 0.50 + 5.00 + 3.00 = 10.50.
    const costs = cdrCosts(breakdown, '2.3.0');
    expect(costs.total_reservation_cost).toEqual({ before_taxes: 10.5, taxes: [{ name: 'VAT', percentage: 10, amount: 1.05 }] });
    expect(costs.total_energy_cost).toEqual({ before_taxes: 6.9, taxes: [{ name: 'VAT', percentage: 10, amount: 0.69 }] });
    expect(costs.total_cost).toEqual({ before_taxes: 17.4, taxes: [{ name: 'VAT', percentage: 10, amount: 1.74 }] });
  });

  it('owes nothing for overtime the tariff does not price, and nothing past the slot when the session ends in it', () => {
    const noOvertimeElement: TariffInput = { ...tariff, elements: tariff.elements?.filter((e) => e.restrictions?.booking !== 'BOOKING_OVERTIME') };
    const unpriced = priced(priceSession(booked(0.2), { tariffs: [noOvertimeElement], timeZone: 'Europe/Berlin' }));
    // 2.00 + 0.50 + 6.00 + 0.90: the 0.2 h are counted, not billed.
    expect(unpriced.total.exclTax?.toString()).toBe('9.4');
    expect(unpriced.quantities.overtime.toString()).toBe('0.2');
    expect(unpriced.quantities.billedOvertime.toString()).toBe('0');
    expect(totals(priceSession(booked(undefined), { tariffs: [tariff], timeZone: 'Europe/Berlin' }))).toEqual({ excl: '9.4', incl: '10.34' });
  });

  it('prices a cancelled booking by its BOOKING_CANCELLATION_FEES element only', () => {
    const cancelled: SessionInput = {
      booking_id: 'BOOKING-2',
      start_date_time: '2025-06-02T07:00:00Z',
      end_date_time: '2025-06-02T07:20:00Z',
      charging_periods: [{ start_date_time: '2025-06-02T07:00:00Z', dimensions: [{ type: 'RESERVATION_TIME', volume: 0.3333 }] }],
    };
    const result = priceSession(cancelled, { tariffs: [tariff], timeZone: 'Europe/Berlin', reservation: { outcome: 'CANCELLED' } });
    // The cancellation element has a FLAT 3.00 and no TIME: the 20 minutes held cost nothing more. 3.00, 3.30 with tax.
    expect(lines(result)).toEqual(['FLAT #1 1 flat = 3']);
    expect(totals(result)).toEqual({ excl: '3', incl: '3.3' });
  });
});
