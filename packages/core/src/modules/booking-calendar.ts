/**
 * Availability arithmetic of the Bookings defaults, on a BookingLocation's Calendars (2.3.0-bookings
 * mod_bookings, "Calendar object": "List of available timeslots"). A BookingLocation is one bookable
 * thing ("either the booking_option or the evse_uid", BookingLocation Object), so a booked period is
 * taken out of its available timeslots, and given back when the booking is canceled. Pure functions:
 * the caller runs them inside an atomic store update of the BookingLocation.
 */

import type { BookingLocation, Calendar, Period, Timeslot } from '../schemas/v2.3.0/index.js';
import { parseOcpiDateTime } from '../store/keys.js';

const MINUTE = 60_000;

const time = (value: string): number => parseOcpiDateTime(value) ?? Number.NaN;

export type TakeResult = { ok: true; bookingLocation: BookingLocation; slot: Timeslot } | { ok: false; reason: string };

/** The part of a timeslot from `start` to `end` (DateTime strings kept as they are), with its power and green energy. */
const slice = (slot: Timeslot, start: string, end: string): Timeslot => ({ ...slot, start_date_time: start, end_date_time: end });

/**
 * Takes `period` out of the first available timeslot that holds it whole, in a Calendar whose window
 * (`begin_from` to `end_before`) holds it, in steps of the Calendar's `timeslot_increment` from the
 * start of the timeslot. What is left of the timeslot stays available; a Calendar left without
 * timeslots is removed (a Calendar has at least one). `now` becomes the changed objects' `last_updated`.
 */
export function takePeriod(location: BookingLocation, period: Period, now: string): TakeResult {
  const start = time(period.start_date_time);
  const end = time(period.end_date_time);
  let reason = 'the period is not within an available timeslot';
  const calendars = location.calendars ?? [];
  for (const [c, calendar] of calendars.entries()) {
    if (start < time(calendar.begin_from) || end > time(calendar.end_before)) continue;
    for (const [s, slot] of calendar.available_timeslots.entries()) {
      const slotStart = time(slot.start_date_time);
      if (start < slotStart || end > time(slot.end_date_time)) continue;
      const step = (calendar.timeslot_increment ?? 0) * MINUTE;
      if (step > 0 && ((start - slotStart) % step !== 0 || (end - start) % step !== 0)) {
        reason = `the period must start and last in steps of ${calendar.timeslot_increment} minutes (timeslot_increment of Calendar ${calendar.id})`;
        continue;
      }
      const rest = [
        ...(start > slotStart ? [slice(slot, slot.start_date_time, period.start_date_time)] : []),
        ...(end < time(slot.end_date_time) ? [slice(slot, period.end_date_time, slot.end_date_time)] : []),
      ];
      const timeslots = calendar.available_timeslots.flatMap((other, i) => (i === s ? rest : [other]));
      const changed: Calendar[] = timeslots.length > 0 ? [{ ...calendar, available_timeslots: timeslots, last_updated: now }] : [];
      const next = calendars.flatMap((other, i) => (i === c ? changed : [other]));
      return { ok: true, bookingLocation: { ...location, calendars: next, last_updated: now }, slot };
    }
  }
  return { ok: false, reason };
}

const sameOffer = (a: Timeslot, b: Timeslot): boolean =>
  a.min_power === b.min_power && a.max_power === b.max_power && a.green_energy_support === b.green_energy_support;

/** Sorts timeslots and joins the ones that touch or overlap and offer the same power and green energy. */
function joinTimeslots(timeslots: readonly Timeslot[]): Timeslot[] {
  const sorted = [...timeslots].sort((a, b) => time(a.start_date_time) - time(b.start_date_time));
  const joined: Timeslot[] = [];
  for (const slot of sorted) {
    const last = joined.at(-1);
    if (last && sameOffer(last, slot) && time(slot.start_date_time) <= time(last.end_date_time)) {
      if (time(slot.end_date_time) > time(last.end_date_time)) joined[joined.length - 1] = { ...last, end_date_time: slot.end_date_time };
    } else {
      joined.push(slot);
    }
  }
  return joined;
}

/**
 * Gives a booked period back: it becomes available again in the Calendar whose window holds it (joined
 * with the timeslots it touches that offer the same), or, when that Calendar was removed because it
 * was fully booked, in a new Calendar `calendarId` covering just the period.
 */
export function releasePeriod(location: BookingLocation, period: Timeslot, now: string, calendarId: string): BookingLocation {
  const start = time(period.start_date_time);
  const end = time(period.end_date_time);
  const calendars = location.calendars ?? [];
  const index = calendars.findIndex((c) => start >= time(c.begin_from) && end <= time(c.end_before));
  const home = calendars[index];
  const next: Calendar[] = home
    ? calendars.map((c, i) => (i === index ? { ...home, available_timeslots: joinTimeslots([...home.available_timeslots, period]), last_updated: now } : c))
    : [
        ...calendars,
        { id: calendarId, begin_from: period.start_date_time, end_before: period.end_date_time, available_timeslots: [period], last_updated: now },
      ];
  return { ...location, calendars: next, last_updated: now };
}

/**
 * Whether a BookingLocation has an available timeslot in the window `from` (inclusive) to `to`
 * (exclusive), either end open: the Sender's `timeslot_from`/`timeslot_to` filter, read as "has a
 * timeslot that overlaps the window" (docs/versions.md, Deliberate readings).
 */
export function hasTimeslotIn(location: BookingLocation, from: Date | undefined, to: Date | undefined): boolean {
  return (location.calendars ?? []).some((calendar) =>
    calendar.available_timeslots.some(
      (slot) => (from === undefined || time(slot.end_date_time) > from.getTime()) && (to === undefined || time(slot.start_date_time) < to.getTime()),
    ),
  );
}
