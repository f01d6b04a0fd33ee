import { beforeEach, describe, expect, it } from 'vitest';
import type { Booking, BookingLocation, BookingRequest, Calendar } from '../schemas/v2.3.0/index.js';
import { example, role } from '../testing/examples.js';
import { type ModuleHarness, moduleHarness } from '../testing/modules-harness.js';
import { releasePeriod, takePeriod } from './booking-calendar.js';
import { bookingIdOf, bookingsReceiver, bookingsSender, setOwnBookingStatus } from './bookings.js';
import { getOwnObject, putOwnObject, STORE_MODULES } from './common.js';

const IHO = role('CPO', 'NL', 'IHO');
const OTHER_CPO = role('CPO', 'BE', 'BEC');
const INF = role('EMSP', 'NL', 'INF');
const MSP = role('EMSP', 'DE', 'MSP');

const bookings = <T>(name: string): T => example<T>(name, '2.3.0-bookings');

/** A day three days ahead (UTC): far enough for the example's deadlines (cancel until 600 minutes before). */
const DAY = (() => {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 3));
})();
/** `HH:MM` of DAY (or of the next day from 24:00 on) as an OCPI DateTime. */
const at = (hhmm: string): string => {
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  return `${new Date(DAY.getTime() + (h * 60 + m) * 60_000).toISOString().slice(0, 19)}Z`;
};
const slot = (from: string, to: string, power = 11_000) => ({
  start_date_time: at(from),
  end_date_time: at(to),
  min_power: 0,
  max_power: power,
  green_energy_support: true,
});

/**
 * booking_location_example.json (NL/IHO, id 12345) made bookable: the official one has DateTimes with
 * 99 seconds (docs/versions.md), so its Calendars are replaced by one of DAY: 08:00-12:00 and 14:00-18:00,
 * bookable in steps of 15 minutes.
 */
function bookable(overrides: Partial<BookingLocation> = {}): BookingLocation {
  const official = bookings<BookingLocation>('booking_location_example.json');
  const calendar: Calendar = {
    id: 'CA112',
    begin_from: at('00:00'),
    end_before: at('24:00'),
    timeslot_increment: 15,
    available_timeslots: [slot('08:00', '12:00'), slot('14:00', '18:00', 22_000)],
    last_updated: '2024-12-05T20:02:13Z',
  };
  const { formats: _, ...option } = official.booking_option as NonNullable<BookingLocation['booking_option']> & { formats?: unknown };
  return { ...official, booking_option: { ...option, evse_position: ['LEFT'] }, calendars: [calendar], ...overrides };
}

/** The first request of booking_example.json, with the fields the official one lacks or breaks (party_id INF12, no booking_location_id). */
function request(overrides: Partial<BookingRequest> = {}, party = INF): BookingRequest {
  const official = bookings<Booking>('booking_example.json').booking_requests[0]?.booking_request as BookingRequest;
  return {
    ...official,
    country_code: party.country_code,
    party_id: party.party_id,
    booking_location_id: '12345',
    location_id: 'L0C1',
    period: { start_date_time: at('09:00'), end_date_time: at('10:00') },
    tokens: [{ country_code: party.country_code, party_id: party.party_id, uid: 'assaD12w3d', type: 'RFID', contract_id: 'CO124' }],
    ...overrides,
  };
}

describe('Bookings Sender (CPO side): BookingLocations and Calendars', () => {
  let h: ModuleHarness;
  const url = (path: string) => `sender/bookings/${path}`;

  beforeEach(async () => {
    h = moduleHarness({ parties: [IHO], modules: [bookingsSender()], version: '2.3.0', pagination: { defaultLimit: 2, maxLimit: 10 } });
    await h.partner('inf', [INF]);
    await putOwnObject(h.store, STORE_MODULES.bookingLocations, IHO, bookable());
    await putOwnObject(
      h.store,
      STORE_MODULES.bookingLocations,
      IHO,
      bookable({
        id: 'NEXT-WEEK',
        calendars: [
          {
            ...bookable().calendars?.[0],
            id: 'W',
            begin_from: at('168:00'),
            end_before: at('192:00'),
            available_timeslots: [slot('170:00', '172:00')],
          } as Calendar,
        ],
      }),
    );
    await putOwnObject(h.store, STORE_MODULES.bookingLocations, IHO, bookable({ id: 'FULL', calendars: [] }));
  });

  it('lists the BookingLocations to every partner, paginated', async () => {
    const first = await h.call('GET', url('booking_locations'), { token: 'inf' });
    expect(first.json.data.map((l: BookingLocation) => l.id)).toEqual(['12345', 'NEXT-WEEK']);
    expect(first.headers['x-total-count']).toBe('3');
    expect((await h.call('GET', url('booking_locations?offset=2'), { token: 'inf' })).json.data.map((l: BookingLocation) => l.id)).toEqual(['FULL']);
  });

  it('filters on timeslot_from/timeslot_to: BookingLocations with an available timeslot overlapping the window', async () => {
    const ids = async (query: string) => {
      const res = await h.call('GET', url(`booking_locations?${query}`), { token: 'inf' });
      return { ids: res.json.data.map((l: BookingLocation) => l.id), total: res.headers['x-total-count'] };
    };
    expect(await ids(`timeslot_from=${at('11:00')}&timeslot_to=${at('15:00')}`)).toEqual({ ids: ['12345'], total: '1' });
    expect(await ids(`timeslot_from=${at('12:00')}&timeslot_to=${at('14:00')}`)).toEqual({ ids: [], total: '0' });
    expect(await ids(`timeslot_from=${at('24:00')}`)).toEqual({ ids: ['NEXT-WEEK'], total: '1' });
    expect(await ids(`timeslot_to=${at('200:00')}&limit=1`)).toEqual({ ids: ['12345'], total: '2' });
    const bad = await h.call('GET', url('booking_locations?timeslot_from=tomorrow'), { token: 'inf' });
    expect(bad.json.status_code).toBe(2001);
    expect(bad.json.status_message).toContain('timeslot_from');
  });

  it('serves one BookingLocation or one of its Calendars; unknown ones are 404', async () => {
    expect((await h.call('GET', url('booking_locations/12345'), { token: 'inf' })).json.data).toEqual(bookable());
    expect((await h.call('GET', url('booking_locations/12345/ca112'), { token: 'inf' })).json.data).toEqual(bookable().calendars?.[0]);
    const unknown = await h.call('GET', url('booking_locations/NONE'), { token: 'inf' });
    expect(unknown.status).toBe(404);
    expect(unknown.json.status_message).toBe('BookingLocation NONE is not known');
    expect((await h.call('GET', url('booking_locations/12345/NONE'), { token: 'inf' })).json.status_message).toBe(
      'Calendar NONE of BookingLocation 12345 is not known',
    );
  });
});

describe('Bookings Sender (CPO side): booking requests', () => {
  let h: ModuleHarness;
  const post = (body: unknown, token = 'inf') => h.call('POST', 'sender/bookings', { token, body });
  const calendar = async (): Promise<Calendar | undefined> =>
    (await getOwnObject<BookingLocation>(h.store, STORE_MODULES.bookingLocations, IHO, '12345'))?.calendars?.[0];
  const booking = async (requestId = request().request_id, party = INF): Promise<Booking | undefined> =>
    getOwnObject<Booking>(h.store, STORE_MODULES.bookings, IHO, await bookingIdOf(party, requestId));

  beforeEach(async () => {
    h = moduleHarness({ parties: [IHO], modules: [bookingsSender()], version: '2.3.0' });
    await h.partner('inf', [INF]);
    await h.partner('msp', [MSP]);
    await putOwnObject(h.store, STORE_MODULES.bookingLocations, IHO, bookable());
  });

  it('books a free period: 201, RESERVED with the request ACCEPTED, and the period leaves the Calendar', async () => {
    const res = await post(request());
    expect(res.status).toBe(201);
    expect(res.json.status_code).toBe(1000);
    const id = await bookingIdOf(INF, request().request_id);
    expect(res.json.status_message).toBe(`Booking ${id} RESERVED`);
    expect(res.json.data).toEqual({
      id,
      country_code: 'NL',
      party_id: 'IHO',
      request_id: 'RE1222',
      location_id: 'L0C1',
      booking_option: { evse_uid: '3256' },
      booking_tokens: request().tokens,
      tariff_ids: bookable().tariff_ids,
      period: slot('09:00', '10:00'),
      reservation_status: 'RESERVED',
      authorization_reference: 'pp-100100-1948213567',
      booking_terms: bookable().booking_terms,
      booking_requests: [{ request_status: 'ACCEPTED', booking_request: request(), request_received: expect.any(String) }],
      last_updated: expect.any(String),
    });
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    expect((await calendar())?.available_timeslots).toEqual([slot('08:00', '09:00'), slot('10:00', '12:00'), slot('14:00', '18:00', 22_000)]);
    // What was booked is the eMSP's: it lists its Booking, another eMSP none.
    expect((await h.call('GET', 'sender/bookings', { token: 'inf' })).json.data).toEqual([res.json.data]);
    expect((await h.call('GET', 'sender/bookings', { token: 'msp' })).json.data).toEqual([]);
  });

  it('rejects a period that is not free (REJECTED, DECLINED, the reason in status_message) and leaves the Calendar', async () => {
    await post(request());
    const before = await calendar();
    const res = await post(request({ request_id: 'MSP-1', period: { start_date_time: at('09:30'), end_date_time: at('10:30') } }, MSP), 'msp');
    expect(res.status).toBe(201);
    expect(res.json.data.reservation_status).toBe('REJECTED');
    expect(res.json.data.booking_requests[0].request_status).toBe('DECLINED');
    expect(res.json.status_message).toBe('Booking REJECTED: the period is not within an available timeslot');
    expect(await calendar()).toEqual(before);
  });

  it('books in the steps of timeslot_increment and within the booking terms`s durations', async () => {
    const off = await post(request({ period: { start_date_time: at('09:10'), end_date_time: at('10:00') } }));
    expect(off.json.status_message).toContain('steps of 15 minutes');
    h = moduleHarness({ parties: [IHO], modules: [bookingsSender()], version: '2.3.0' });
    await h.partner('inf', [INF]);
    const terms = { ...bookable().booking_terms, min_booking_duration: 90, max_booking_duration: 120 } as NonNullable<BookingLocation['booking_terms']>;
    await putOwnObject(h.store, STORE_MODULES.bookingLocations, IHO, bookable({ booking_terms: terms }));
    expect((await post(request())).json.status_message).toContain('less than the minimum of 90');
    const long = await post(request({ request_id: 'LONG', period: { start_date_time: at('08:00'), end_date_time: at('12:00') } }));
    expect(long.json.status_message).toContain('more than the maximum of 120');
    const fits = await post(request({ request_id: 'FITS', period: { start_date_time: at('08:00'), end_date_time: at('10:00') } }));
    expect(fits.json.data.reservation_status).toBe('RESERVED');
  });

  it('answers a retried request with the Booking as it is (200), adding nothing', async () => {
    const first = await post(request());
    const again = await post(request());
    expect(again.status).toBe(200);
    expect(again.json.data).toEqual(first.json.data);
  });

  it('changes a Booking with a new request of the same request_id: the old period is free again, the new one taken', async () => {
    await post(request());
    const res = await post(request({ period: { start_date_time: at('14:00'), end_date_time: at('15:30') } }));
    expect(res.status).toBe(200);
    expect(res.json.data.period).toEqual(slot('14:00', '15:30', 22_000));
    expect(res.json.data.reservation_status).toBe('RESERVED');
    expect(res.json.data.booking_requests.map((r: { request_status: string }) => r.request_status)).toEqual(['ACCEPTED', 'ACCEPTED']);
    expect((await calendar())?.available_timeslots).toEqual([slot('08:00', '12:00'), slot('15:30', '18:00', 22_000)]);
  });

  it('declines a change to a period that is not free, keeping the Booking and the Calendar', async () => {
    await post(request());
    await post(request({ request_id: 'MSP-1', period: { start_date_time: at('14:00'), end_date_time: at('15:00') } }, MSP), 'msp');
    const before = await calendar();
    const res = await post(request({ period: { start_date_time: at('14:30'), end_date_time: at('15:30') } }));
    expect(res.json.data.period).toEqual(slot('09:00', '10:00'));
    expect(res.json.data.booking_requests.map((r: { request_status: string }) => r.request_status)).toEqual(['ACCEPTED', 'DECLINED']);
    expect(res.json.status_message).toContain('Request DECLINED');
    expect(await calendar()).toEqual(before);
  });

  it('cancels a Booking at the eMSP`s request: CANCELED, the period free again, and no change afterwards', async () => {
    await post(request());
    const canceled = { cancellation_reason: 'TRAFFIC', who_canceled: 'EMSP' } as const;
    const res = await post(request({ canceled }));
    expect(res.json.data).toMatchObject({ reservation_status: 'CANCELED', canceled });
    expect((await calendar())?.available_timeslots).toEqual(bookable().calendars?.[0]?.available_timeslots);
    const after = await post(request({ period: { start_date_time: at('14:00'), end_date_time: at('15:00') } }));
    expect(after.json.data.reservation_status).toBe('CANCELED');
    expect(after.json.status_message).toContain('a final state');
    expect(after.json.data.booking_requests.at(-1).request_status).toBe('DECLINED');
  });

  it('declines a cancellation or change after the deadlines of the booking terms, and any change when change_not_allowed', async () => {
    const terms = { ...bookable().booking_terms, cancel_until_minutes: 7 * 24 * 60, change_until_minutes: 7 * 24 * 60 } as NonNullable<
      BookingLocation['booking_terms']
    >;
    await putOwnObject(h.store, STORE_MODULES.bookingLocations, IHO, bookable({ booking_terms: terms }));
    await post(request());
    const cancel = await post(request({ canceled: { cancellation_reason: 'TRAFFIC', who_canceled: 'EMSP' } }));
    expect(cancel.json.data.reservation_status).toBe('RESERVED');
    expect(cancel.json.status_message).toContain('cancel_until_minutes');
    expect((await post(request({ period: { start_date_time: at('14:00'), end_date_time: at('15:00') } }))).json.status_message).toContain(
      'change_until_minutes',
    );
    await putOwnObject(
      h.store,
      STORE_MODULES.bookingLocations,
      IHO,
      bookable({ id: 'FIXED', booking_terms: { ...terms, change_until_minutes: 0, change_not_allowed: true } }),
    );
    await post(request({ request_id: 'FIXED-1', booking_location_id: 'FIXED' }));
    const change = await post(
      request({ request_id: 'FIXED-1', booking_location_id: 'FIXED', period: { start_date_time: at('16:00'), end_date_time: at('17:00') } }),
    );
    expect(change.json.status_message).toContain('change_not_allowed');
  });

  it('books one of two requests racing for the same period, and rejects the other', async () => {
    const [a, b] = await Promise.all([post(request()), post(request({ request_id: 'MSP-1' }, MSP), 'msp')]);
    expect([a?.json.data.reservation_status, b?.json.data.reservation_status].sort()).toEqual(['REJECTED', 'RESERVED']);
    expect((await calendar())?.available_timeslots).toHaveLength(3);
  });

  it('refuses requests that are not the caller`s, or invalid, with 2001 naming what is wrong; nothing is booked', async () => {
    const expect2001 = async (body: unknown, text: string) => {
      const res = await post(body);
      expect(res.status, text).toBe(200);
      expect(res.json.status_code, text).toBe(2001);
      expect(res.json.status_message, text).toContain(text);
    };
    const { booking_location_id: _, ...noBookingLocation } = request();
    await expect2001(noBookingLocation, '/booking_location_id');
    await expect2001(request({}, MSP), 'DE/MSP is not one of the parties');
    await expect2001(request({ tokens: [{ ...request().tokens?.[0], party_id: 'MSP' } as NonNullable<BookingRequest['tokens']>[number]] }), '/tokens/0');
    await expect2001(request({ period: { start_date_time: at('10:00'), end_date_time: at('09:00') } }), '/period');
    await expect2001(request({ canceled: { cancellation_reason: 'FULL', who_canceled: 'CPO' } }), '/canceled/who_canceled');
    await expect2001(request({ location_id: 'OTHER' }), "location_id 'OTHER'");
    expect(await booking()).toBeUndefined();
    const unknown = await post(request({ booking_location_id: 'NONE' }));
    expect(unknown.status).toBe(200);
    expect(unknown.json.status_code).toBe(2003);
  });

  it('keeps each eMSP`s bookings apart: the same request_id of another eMSP is another Booking', async () => {
    await post(request());
    const theirs = await post(request({ period: { start_date_time: at('11:00'), end_date_time: at('12:00') } }, MSP), 'msp');
    expect(theirs.status).toBe(201);
    expect(theirs.json.data.id).not.toBe((await booking())?.id);
    expect((await booking())?.period).toEqual(slot('09:00', '10:00'));
    expect((await h.call('GET', 'sender/bookings', { token: 'msp' })).json.data.map((b: Booking) => b.id)).toEqual([theirs.json.data.id]);
  });

  it('has no PUT or PATCH of Bookings on the Sender (405)', async () => {
    expect((await h.call('PATCH', 'sender/bookings', { token: 'inf', body: bookings('booking_request_patch_example_tokens.json') })).status).toBe(405);
  });

  it('the CPO moves its Bookings on along the lifecycle, and a cancellation by the CPO frees the period', async () => {
    await post(request());
    const id = (await booking())?.id as string;
    await expect(setOwnBookingStatus(h.store, { owner: IHO, bookingId: id, status: 'PENDING' })).rejects.toThrow(/RESERVED: it cannot become PENDING/);
    const canceled = await setOwnBookingStatus(h.store, {
      owner: IHO,
      bookingId: id,
      status: 'CANCELED',
      canceled: { cancellation_reason: 'BROKEN_CHARGER', who_canceled: 'CPO' },
    });
    expect(canceled).toMatchObject({ reservation_status: 'CANCELED', canceled: { cancellation_reason: 'BROKEN_CHARGER', who_canceled: 'CPO' } });
    expect((await calendar())?.available_timeslots).toEqual(bookable().calendars?.[0]?.available_timeslots);
    await expect(setOwnBookingStatus(h.store, { owner: IHO, bookingId: id, status: 'FULFILLED' })).rejects.toThrow(/final|cannot become/);
    await expect(setOwnBookingStatus(h.store, { owner: IHO, bookingId: 'NONE', status: 'FULFILLED' })).rejects.toThrow(/not known/);
    await post(request({ request_id: 'R2' }));
    const fulfilled = await setOwnBookingStatus(h.store, { owner: IHO, bookingId: await bookingIdOf(INF, 'R2'), status: 'FULFILLED' });
    expect(fulfilled.reservation_status).toBe('FULFILLED');
    // A fulfilled booking's period was used: it does not become available again.
    expect((await calendar())?.available_timeslots[0]).toEqual(slot('08:00', '09:00'));
  });

  it('takes a fully booked Calendar out, and brings it back when the booking is canceled', () => {
    const location = bookable({ calendars: [{ ...(bookable().calendars?.[0] as Calendar), available_timeslots: [slot('08:00', '09:00')] }] });
    const taken = takePeriod(location, { start_date_time: at('08:00'), end_date_time: at('09:00') }, '2030-01-01T00:00:00Z');
    if (!taken.ok) throw new Error(taken.reason);
    expect(taken.bookingLocation.calendars).toEqual([]);
    const released = releasePeriod(taken.bookingLocation, slot('08:00', '09:00'), '2030-01-02T00:00:00Z', 'B1');
    expect(released.calendars).toEqual([
      { id: 'B1', begin_from: at('08:00'), end_before: at('09:00'), available_timeslots: [slot('08:00', '09:00')], last_updated: '2030-01-02T00:00:00Z' },
    ]);
    expect(released.last_updated).toBe('2030-01-02T00:00:00Z');
  });
});

describe('Bookings Receiver (eMSP side)', () => {
  let h: ModuleHarness;
  const url = (path: string) => `receiver/bookings/${path}`;
  const location = () => bookable();
  /** booking_example.json as its CPO NL/IHO pushes it, with the party ids of the official one corrected (INF12, INFOO). */
  const booking = (): Booking => {
    const official = bookings<Booking>('booking_example.json');
    return {
      ...official,
      party_id: 'IHO',
      booking_tokens: official.booking_tokens?.map((t) => ({ ...t, party_id: 'INF' })),
      booking_requests: official.booking_requests.map((r) => ({
        ...r,
        booking_request: { ...r.booking_request, party_id: 'INF', booking_location_id: '12345' },
      })),
    } as Booking;
  };

  beforeEach(async () => {
    h = moduleHarness({ parties: [INF], modules: [bookingsReceiver()], version: '2.3.0' });
    await h.partner('iho', [IHO]);
    await h.partner('bec', [OTHER_CPO]);
  });

  it('refuses the official BookingLocation example (DateTimes with 99 seconds) naming the fields, and keeps a valid one (201, then 200)', async () => {
    const official = await h.call('PUT', url('NL/IHO/booking_locations/12345'), { token: 'iho', body: bookings('booking_location_example.json') });
    expect(official.json.status_code).toBe(2001);
    expect(official.json.status_message).toContain('/calendars/0/end_before');
    expect((await h.call('PUT', url('NL/IHO/booking_locations/12345'), { token: 'iho', body: location() })).status).toBe(201);
    expect((await h.call('GET', url('NL/IHO/booking_locations/12345'), { token: 'iho' })).json.data).toEqual(location());
    expect((await h.call('GET', url('NL/IHO/booking_locations/12345/CA112'), { token: 'iho' })).json.data).toEqual(location().calendars?.[0]);
    expect((await h.call('PUT', url('NL/IHO/booking_locations/12345'), { token: 'iho', body: location() })).status).toBe(200);
  });

  it('puts a Calendar into its BookingLocation (201 when new), the parent taking its last_updated; an unknown parent is 404', async () => {
    await h.call('PUT', url('NL/IHO/booking_locations/12345'), { token: 'iho', body: location() });
    const extra: Calendar = { ...(location().calendars?.[0] as Calendar), id: 'CA2', last_updated: '2030-01-01T00:00:00Z' };
    expect((await h.call('PUT', url('NL/IHO/booking_locations/12345/CA2'), { token: 'iho', body: extra })).status).toBe(201);
    const parent = (await h.call('GET', url('NL/IHO/booking_locations/12345'), { token: 'iho' })).json.data;
    expect(parent.calendars.map((c: Calendar) => c.id)).toEqual(['CA112', 'CA2']);
    expect(parent.last_updated).toBe('2030-01-01T00:00:00Z');
    expect((await h.call('PUT', url('NL/IHO/booking_locations/12345/CA3'), { token: 'iho', body: extra })).json.status_code).toBe(2001);
    const orphan = await h.call('PUT', url('NL/IHO/booking_locations/NONE/CA2'), { token: 'iho', body: extra });
    expect(orphan.status).toBe(404);
    expect(orphan.json.status_message).toContain('PUT the BookingLocation first');
  });

  it('patches a BookingLocation and a Calendar, the parent taking the PATCH`s last_updated; refuses the invalid official PATCH examples naming the fields', async () => {
    await h.call('PUT', url('NL/IHO/booking_locations/12345'), { token: 'iho', body: location() });
    const terms = await h.call('PATCH', url('NL/IHO/booking_locations/12345'), { token: 'iho', body: bookings('booking_location_patch_example_terms.json') });
    expect(terms.json.status_code).toBe(2001);
    expect(terms.json.status_message).toContain('/booking_terms/supported_access_methods');
    const calendarPatch = await h.call('PATCH', url('NL/IHO/booking_locations/12345/CA112'), {
      token: 'iho',
      body: bookings('booking_location_patch_example_calendar.json'),
    });
    expect(calendarPatch.json.status_code).toBe(2001);
    expect(calendarPatch.json.status_message).toContain('/available_timeslots/0/start_date_time');
    const timeslots = [slot('08:00', '10:00')];
    const ok = await h.call('PATCH', url('NL/IHO/booking_locations/12345/CA112'), {
      token: 'iho',
      body: { available_timeslots: timeslots, last_updated: '2030-02-02T00:00:00Z' },
    });
    expect(ok.status).toBe(200);
    const parent = (await h.call('GET', url('NL/IHO/booking_locations/12345'), { token: 'iho' })).json.data;
    expect(parent).toEqual({
      ...location(),
      calendars: [{ ...location().calendars?.[0], available_timeslots: timeslots, last_updated: '2030-02-02T00:00:00Z' }],
      last_updated: '2030-02-02T00:00:00Z',
    });
    const policy = { reservation_required: true, ad_hoc: 1 };
    expect(
      (await h.call('PATCH', url('NL/IHO/booking_locations/12345'), { token: 'iho', body: { policy, last_updated: '2030-03-03T00:00:00Z' } })).status,
    ).toBe(200);
    expect((await h.call('GET', url('NL/IHO/booking_locations/12345'), { token: 'iho' })).json.data.policy).toEqual(policy);
    const bare = await h.call('PATCH', url('NL/IHO/booking_locations/12345'), { token: 'iho', body: { policy } });
    expect(bare.json.status_message).toContain('/last_updated');
    expect((await h.call('PATCH', url('NL/IHO/booking_locations/12345/NONE'), { token: 'iho', body: { last_updated: '2030-01-01T00:00:00Z' } })).status).toBe(
      404,
    );
  });

  it('acknowledges a Calendar or Booking write older than what is stored without applying it; the parent`s last_updated only moves forward', async () => {
    await h.call('PUT', url('NL/IHO/booking_locations/12345'), { token: 'iho', body: location() });
    const newer = { available_timeslots: [slot('08:00', '10:00')], last_updated: '2030-02-02T00:00:00Z' };
    expect((await h.call('PATCH', url('NL/IHO/booking_locations/12345/CA112'), { token: 'iho', body: newer })).status).toBe(200);
    const older = { available_timeslots: [slot('08:00', '09:00')], last_updated: '2030-02-01T00:00:00Z' };
    const late = await h.call('PATCH', url('NL/IHO/booking_locations/12345/CA112'), { token: 'iho', body: older });
    expect([late.status, late.json.status_code]).toEqual([200, 1000]);
    const stalePut: Calendar = { ...(location().calendars?.[0] as Calendar), last_updated: '2030-01-01T00:00:00Z' };
    expect((await h.call('PUT', url('NL/IHO/booking_locations/12345/CA112'), { token: 'iho', body: stalePut })).json.status_code).toBe(1000);
    const parent = (await h.call('GET', url('NL/IHO/booking_locations/12345'), { token: 'iho' })).json.data;
    expect(parent.calendars[0]).toEqual({ ...location().calendars?.[0], ...newer });
    expect(parent.last_updated).toBe('2030-02-02T00:00:00Z');
    // A new Calendar stamped before its parent is added, and the parent keeps its later stamp.
    const earlyNew: Calendar = { ...(location().calendars?.[0] as Calendar), id: 'CA2', last_updated: '2030-01-01T00:00:00Z' };
    expect((await h.call('PUT', url('NL/IHO/booking_locations/12345/CA2'), { token: 'iho', body: earlyNew })).status).toBe(201);
    expect((await h.call('GET', url('NL/IHO/booking_locations/12345'), { token: 'iho' })).json.data.last_updated).toBe('2030-02-02T00:00:00Z');

    await h.call('PUT', url('NL/IHO/12345'), { token: 'iho', body: booking() });
    const ahead = { reservation_status: 'RESERVED', last_updated: '2030-01-02T00:00:00Z' };
    expect((await h.call('PATCH', url('NL/IHO/12345'), { token: 'iho', body: ahead })).status).toBe(200);
    const behind = { reservation_status: 'PENDING', last_updated: '2030-01-01T00:00:00Z' };
    expect((await h.call('PATCH', url('NL/IHO/12345'), { token: 'iho', body: behind })).json.status_code).toBe(1000);
    expect((await h.call('GET', url('NL/IHO/12345'), { token: 'iho' })).json.data).toMatchObject(ahead);
  });

  it('refuses the official Booking example (party_id of five characters) naming the fields, keeps a valid one, and applies the official PATCH examples', async () => {
    const official = await h.call('PUT', url('NL/INF12/12345'), { token: 'iho', body: bookings('booking_example.json') });
    expect(official.status).toBe(404);
    const wrongOwner = await h.call('PUT', url('NL/IHO/12345'), { token: 'iho', body: bookings('booking_example.json') });
    expect(wrongOwner.json.status_code).toBe(2001);
    expect(wrongOwner.json.status_message).toContain('/party_id');
    expect((await h.call('PUT', url('NL/IHO/12345'), { token: 'iho', body: booking() })).status).toBe(201);
    expect((await h.call('GET', url('NL/IHO/12345'), { token: 'iho' })).json.data).toEqual(booking());
    for (const name of ['booking_patch_example_status_update.json', 'booking_patch_example_evse_uid.json']) {
      expect((await h.call('PATCH', url('NL/IHO/12345'), { token: 'iho', body: bookings(name) })).status, name).toBe(200);
    }
    // `evse_uid` is no Booking field: kept as a custom field (docs/versions.md).
    expect((await h.call('GET', url('NL/IHO/12345'), { token: 'iho' })).json.data).toEqual({
      ...booking(),
      reservation_status: 'RESERVED',
      evse_uid: 'EVS1234',
      last_updated: '2025-03-23T13:00:00Z',
    });
  });

  it('never takes a Booking out of a final state (2001), and answers a PATCH of an unknown Booking with 404', async () => {
    await h.call('PUT', url('NL/IHO/12345'), { token: 'iho', body: booking() });
    const cancel = {
      reservation_status: 'CANCELED',
      canceled: { cancellation_reason: 'BROKEN_CHARGER', who_canceled: 'CPO' },
      last_updated: '2030-01-01T00:00:00Z',
    };
    expect((await h.call('PATCH', url('NL/IHO/12345'), { token: 'iho', body: cancel })).status).toBe(200);
    const back = await h.call('PATCH', url('NL/IHO/12345'), { token: 'iho', body: { reservation_status: 'RESERVED', last_updated: '2030-01-02T00:00:00Z' } });
    expect(back.json.status_code).toBe(2001);
    expect(back.json.status_message).toContain('CANCELED, a final state');
    const reserved = { ...booking(), last_updated: '2030-01-02T00:00:00Z' };
    expect((await h.call('PUT', url('NL/IHO/12345'), { token: 'iho', body: reserved })).json.status_code).toBe(2001);
    // A PUT older than the CANCELED Booking is acknowledged and not applied (ordered writes), as for any object.
    const stale = await h.call('PUT', url('NL/IHO/12345'), { token: 'iho', body: booking() });
    expect(stale.json.status_code).toBe(1000);
    expect((await h.call('GET', url('NL/IHO/12345'), { token: 'iho' })).json.data.reservation_status).toBe('CANCELED');
    // Other fields of a final Booking may still be corrected.
    expect((await h.call('PATCH', url('NL/IHO/12345'), { token: 'iho', body: { tariff_ids: ['T1'], last_updated: '2030-01-03T00:00:00Z' } })).status).toBe(200);
    expect((await h.call('PATCH', url('NL/IHO/NONE'), { token: 'iho', body: cancel })).status).toBe(404);
  });

  it('refuses a Booking whose id differs from the URL, and a PATCH leaving an invalid Booking (2001)', async () => {
    expect((await h.call('PUT', url('NL/IHO/OTHER'), { token: 'iho', body: booking() })).json.status_code).toBe(2001);
    await h.call('PUT', url('NL/IHO/12345'), { token: 'iho', body: booking() });
    const invalid = await h.call('PATCH', url('NL/IHO/12345'), { token: 'iho', body: { booking_requests: [], last_updated: '2030-01-01T00:00:00Z' } });
    expect(invalid.json.status_code).toBe(2001);
    expect(invalid.json.status_message).toContain('/booking_requests');
  });

  it("keeps each CPO's BookingLocations and Bookings apart", async () => {
    await h.call('PUT', url('NL/IHO/booking_locations/12345'), { token: 'iho', body: location() });
    await h.call('PUT', url('NL/IHO/12345'), { token: 'iho', body: booking() });
    expect((await h.call('GET', url('NL/IHO/booking_locations/12345'), { token: 'bec' })).status).toBe(404);
    expect((await h.call('GET', url('NL/IHO/12345'), { token: 'bec' })).status).toBe(404);
    expect((await h.call('GET', url('BE/BEC/12345'), { token: 'bec' })).status).toBe(404);
    expect(
      (await h.call('PATCH', url('BE/BEC/12345'), { token: 'bec', body: { reservation_status: 'CANCELED', last_updated: '2030-01-01T00:00:00Z' } })).status,
    ).toBe(404);
    expect((await h.call('GET', url('NL/IHO/12345'), { token: 'iho' })).json.data).toEqual(booking());
  });
});
