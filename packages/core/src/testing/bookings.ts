// A bookable Location for the Bookings tests (2.3.0-bookings mod_bookings): open access, one Calendar
// with a day of available time three days from now, so booking requests for that day are accepted.
import type { BookingLocation } from '../schemas/v2.3.0/index.js';
import type { PartyRef } from '../store/types.js';

/** The instant `hh:mm` of the bookable day (UTC). */
export type BookableDay = (hhmm: string) => string;

export function bookableLocation(owner: PartyRef, id: string, locationId: string): { location: BookingLocation; at: BookableDay } {
  const day = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);
  const at: BookableDay = (hhmm) => `${day}T${hhmm}:00Z`;
  const location: BookingLocation = {
    country_code: owner.country_code,
    party_id: owner.party_id,
    id,
    location_id: locationId,
    booking_terms: { supported_access_methods: ['OPEN'], change_until_minutes: 60, cancel_until_minutes: 60 },
    calendars: [
      {
        id: 'C1',
        begin_from: at('00:00'),
        end_before: at('23:59'),
        available_timeslots: [{ start_date_time: at('08:00'), end_date_time: at('18:00') }],
        last_updated: at('00:00'),
      },
    ],
    last_updated: '2024-01-01T00:00:00Z',
  };
  return { location, at };
}
