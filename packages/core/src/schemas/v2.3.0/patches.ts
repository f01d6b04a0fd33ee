/**
 * PATCH bodies of OCPI 2.3.0 (see `patchOf`): Locations (Location, EVSE or Connector, depending on the
 * URL), Sessions, Tokens, Payments' Terminal, and the Bookings module's BookingLocation, Calendar and
 * Booking. Tariffs, CDRs, Credentials and Hub Client Info have no PATCH.
 */
import type { Static } from '@sinclair/typebox';
import { partialPatchOf, patchOf } from '../patch.js';
import { Booking, BookingLocation, Calendar } from './bookings.js';
import { Session } from './cdrs.js';
import { Connector, EVSE, Location } from './locations.js';
import { Terminal } from './payments.js';
import { Token } from './tokens.js';

export const LocationPatch = patchOf(Location);
export type LocationPatch = Static<typeof LocationPatch>;
export const EvsePatch = patchOf(EVSE);
export type EvsePatch = Static<typeof EvsePatch>;
export const ConnectorPatch = patchOf(Connector);
export type ConnectorPatch = Static<typeof ConnectorPatch>;
export const SessionPatch = patchOf(Session);
export type SessionPatch = Static<typeof SessionPatch>;
export const TokenPatch = patchOf(Token);
export type TokenPatch = Static<typeof TokenPatch>;

/**
 * mod_payments "PATCH Terminal Method" (the CPO assigns `location_ids`/`evse_uids`): the chapter does
 * not ask for `last_updated` in a PATCH, and its example has none.
 */
export const TerminalPatch = partialPatchOf(Terminal);
export type TerminalPatch = Static<typeof TerminalPatch>;

/** mod_bookings "PATCH Method" on a BookingLocation, on one of its Calendars, and on a Booking. */
export const BookingLocationPatch = patchOf(BookingLocation);
export type BookingLocationPatch = Static<typeof BookingLocationPatch>;
export const CalendarPatch = patchOf(Calendar);
export type CalendarPatch = Static<typeof CalendarPatch>;
export const BookingPatch = patchOf(Booking);
export type BookingPatch = Static<typeof BookingPatch>;
