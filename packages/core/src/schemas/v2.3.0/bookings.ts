/**
 * OCPI 2.3.0 Bookings module 1.1 objects (2.3.0-bookings mod_bookings "Object description" and "Data
 * types"): BookingLocations with their Calendars of available timeslots, published by the CPO, and
 * Bookings requested by the eMSP.
 *
 * Left as the text has it: BookingLocation "should include either the booking_option or the evse_uid"
 * (it has no `evse_uid` field; the option's `evse_uid` is meant), so nothing is required there.
 */

import type { Static } from '@sinclair/typebox';
import { Type } from '@sinclair/typebox';
import { CiString, DateTime, OcpiString, Url } from '../common/basic.js';
import { derive } from '../common/compose.js';
import { CdrToken } from './cdrs.js';
import {
  AccessMethod,
  CanceledReason,
  ConnectorFormat,
  ConnectorType,
  EVSEPosition,
  PowerType,
  ReservationRequestStatus,
  ReservationStatus,
  Role,
  VehicleType,
} from './enums.js';

/** mod_bookings "Period class". */
export const Period = Type.Object(
  {
    start_date_time: DateTime,
    end_date_time: DateTime,
  },
  { title: 'Period' },
);
export type Period = Static<typeof Period>;

/** mod_bookings "Timeslot class": a Period with the power (W) and green energy it offers. */
export const Timeslot = derive(
  Period,
  {
    set: {
      min_power: Type.Optional(Type.Number()),
      max_power: Type.Optional(Type.Number()),
      green_energy_support: Type.Optional(Type.Boolean()),
    },
  },
  { title: 'Timeslot' },
);
export type Timeslot = Static<typeof Timeslot>;

/** mod_bookings "AccessInformation class". */
export const AccessInformation = Type.Object(
  {
    method: AccessMethod,
    value: Type.Optional(OcpiString()),
  },
  { title: 'AccessInformation' },
);
export type AccessInformation = Static<typeof AccessInformation>;

/** mod_bookings "BookingOption class": what can be (or was) booked at a Location. */
export const BookingOption = Type.Object(
  {
    evse_uid: Type.Optional(CiString(36)),
    connector_id: Type.Optional(CiString(36)),
    parking_id: Type.Optional(CiString(36)),
    evse_position: Type.Optional(Type.Array(EVSEPosition)),
    vehicle_types: Type.Optional(Type.Array(VehicleType)),
    connector_format: Type.Optional(Type.Array(ConnectorFormat)),
    connector_types: Type.Optional(Type.Array(ConnectorType)),
    power_types: Type.Optional(Type.Array(PowerType)),
    max_vehicle_weight: Type.Optional(Type.Number()),
    max_vehicle_height: Type.Optional(Type.Number()),
    max_vehicle_length: Type.Optional(Type.Number()),
    max_vehicle_width: Type.Optional(Type.Number()),
    min_parking_space_length: Type.Optional(Type.Number()),
    min_parking_space_width: Type.Optional(Type.Number()),
    dangerous_goods_allowed: Type.Optional(Type.Boolean()),
    drive_through: Type.Optional(Type.Boolean()),
    refrigeration_outlet: Type.Optional(Type.Boolean()),
  },
  { title: 'BookingOption' },
);
export type BookingOption = Static<typeof BookingOption>;

/** mod_bookings "BookingToken class": the same fields as a CdrToken. */
export const BookingToken = derive(CdrToken, {}, { title: 'BookingToken' });
export type BookingToken = Static<typeof BookingToken>;

/**
 * mod_bookings "Cancellation class". `who_canceled` is typed "Role" (its link points at InterfaceRole);
 * the party's Role is what "who canceled" means, as the official OpenAPI has it.
 */
export const Cancellation = Type.Object(
  {
    cancellation_reason: CanceledReason,
    who_canceled: Role,
  },
  { title: 'Cancellation' },
);
export type Cancellation = Static<typeof Cancellation>;

/** mod_bookings "Policy class". */
export const Policy = Type.Object(
  {
    reservation_required: Type.Boolean(),
    ad_hoc: Type.Optional(Type.Number()),
  },
  { title: 'Policy' },
);
export type Policy = Static<typeof Policy>;

/** mod_bookings "BookingTerms class". */
export const BookingTerms = Type.Object(
  {
    rfid_auth_required: Type.Optional(Type.Boolean()),
    token_groups_supported: Type.Optional(Type.Boolean()),
    remote_auth_supported: Type.Optional(Type.Boolean()),
    supported_access_methods: Type.Array(AccessMethod, { minItems: 1 }),
    change_until_minutes: Type.Number(),
    cancel_until_minutes: Type.Number(),
    change_not_allowed: Type.Optional(Type.Boolean()),
    early_start_allowed: Type.Optional(Type.Boolean()),
    early_start_time: Type.Optional(Type.Number()),
    noshow_timeout: Type.Optional(Type.Number()),
    noshow_fee: Type.Optional(Type.Boolean()),
    late_stop_allowed: Type.Optional(Type.Boolean()),
    late_stop_time: Type.Optional(Type.Number()),
    overlapping_bookings_allowed: Type.Optional(Type.Boolean()),
    min_booking_duration: Type.Optional(Type.Number()),
    max_booking_duration: Type.Optional(Type.Number()),
    booking_terms: Type.Optional(Url),
  },
  { title: 'BookingTerms' },
);
export type BookingTerms = Static<typeof BookingTerms>;

/** mod_bookings "BookingRequest class": the body of POST Booking (eMSP to CPO). */
export const BookingRequest = Type.Object(
  {
    country_code: CiString(2),
    party_id: CiString(3),
    request_id: CiString(36),
    booking_option: Type.Optional(BookingOption),
    location_id: CiString(36),
    booking_location_id: CiString(36),
    tokens: Type.Optional(Type.Array(BookingToken)),
    access_information: Type.Optional(Type.Array(AccessInformation)),
    period: Period,
    authorization_reference: CiString(36),
    power_required: Type.Optional(Type.Integer()),
    canceled: Type.Optional(Cancellation),
  },
  { title: 'BookingRequest' },
);
export type BookingRequest = Static<typeof BookingRequest>;

/** mod_bookings "BookingRequestStatus class". */
export const BookingRequestStatus = Type.Object(
  {
    request_status: ReservationRequestStatus,
    booking_request: BookingRequest,
    request_received: DateTime,
  },
  { title: 'BookingRequestStatus' },
);
export type BookingRequestStatus = Static<typeof BookingRequestStatus>;

/** mod_bookings "Booking Object". `booking_requests` has cardinality + (at least one). */
export const Booking = Type.Object(
  {
    id: CiString(36),
    country_code: CiString(2),
    party_id: CiString(3),
    request_id: CiString(36),
    booking_option: Type.Optional(BookingOption),
    location_id: CiString(36),
    booking_tokens: Type.Optional(Type.Array(BookingToken)),
    tariff_ids: Type.Optional(Type.Array(CiString(36))),
    period: Timeslot,
    reservation_status: ReservationStatus,
    canceled: Type.Optional(Cancellation),
    access_information: Type.Optional(Type.Array(AccessInformation)),
    authorization_reference: CiString(36),
    booking_terms: BookingTerms,
    booking_requests: Type.Array(BookingRequestStatus, { minItems: 1 }),
    last_updated: DateTime,
  },
  { title: 'Booking' },
);
export type Booking = Static<typeof Booking>;

/** mod_bookings "Calendar object": the available timeslots of a BookingLocation. */
export const Calendar = Type.Object(
  {
    id: CiString(36),
    begin_from: DateTime,
    end_before: DateTime,
    timeslot_increment: Type.Optional(Type.Integer()),
    available_timeslots: Type.Array(Timeslot, { minItems: 1 }),
    last_updated: DateTime,
  },
  { title: 'Calendar' },
);
export type Calendar = Static<typeof Calendar>;

/** mod_bookings "BookingLocation Object". */
export const BookingLocation = Type.Object(
  {
    country_code: CiString(2),
    party_id: CiString(3),
    id: CiString(36),
    location_id: CiString(36),
    booking_option: Type.Optional(BookingOption),
    policy: Type.Optional(Policy),
    tariff_ids: Type.Optional(Type.Array(CiString(36))),
    booking_terms: Type.Optional(BookingTerms),
    calendars: Type.Optional(Type.Array(Calendar)),
    last_updated: DateTime,
  },
  { title: 'BookingLocation' },
);
export type BookingLocation = Static<typeof BookingLocation>;
