/**
 * The enumerations of OCPI 2.3.0, as deltas of 2.2.1's (schemas/v2.2.1/enums.ts) where they changed,
 * and the new ones. 2.3.0 makes several enums OpenEnums (types.asciidoc "OpenEnum type"): any value is
 * accepted, known values kept for completion and for `findUnknownEnumValues`. The values "taken from
 * 3.0" (ConnectorType MCS and SAE_J3400, ParkingRestriction EMPLOYEES, TAXIS and TENANTS, TokenType
 * EMAID, VehicleType...) are here. Bookings (2.3.0-bookings, mod_bookings and what it changes in
 * mod_cdrs and mod_tariffs) adds CdrDimensionType values and BookingRestrictionType.
 */

import type { Static } from '@sinclair/typebox';
import { deriveEnum, OpenEnum, StringEnum } from '../common/enums.js';
import * as v221 from '../v2.2.1/enums.js';

// Unchanged from 2.2.1: the same schema objects.
export {
  AllowedType,
  AuthMethod,
  ChargingPreferencesResponse,
  ChargingProfileResponseType,
  ChargingProfileResultType,
  ChargingRateUnit,
  CommandResponseType,
  CommandResultType,
  ConnectionStatus,
  ConnectorFormat,
  DayOfWeek,
  EnergySourceCategory,
  InterfaceRole,
  PowerType,
  ProfileType,
  ReservationRestrictionType,
  SessionStatus,
  Status,
  TariffDimensionType,
  TariffType,
  WhitelistType,
} from '../v2.2.1/enums.js';

/**
 * types.asciidoc "Role enum": no HUB (a hub gives `hub_party_id` in its Credentials instead). PTP
 * (Payment Terminal Provider, the data owner of mod_payments) is not in the table, but terminology
 * lists it as a role linked to this enum: it is added so a PTP can name itself.
 */
export const Role = deriveEnum(v221.Role, { remove: ['HUB'], add: ['PTP'] });

/** mod_locations "Capability OpenEnum". */
export const Capability = deriveEnum(v221.Capability, { open: true });

/** mod_locations "ConnectorCapability OpenEnum" (new in 2.3.0). */
export const ConnectorCapability = OpenEnum(['ISO_15118_2_PLUG_AND_CHARGE', 'ISO_15118_20_PLUG_AND_CHARGE'], { title: 'ConnectorCapability' });

/** mod_locations "ConnectorType OpenEnum": adds MCS and SAE_J3400 (NACS). */
export const ConnectorType = deriveEnum(v221.ConnectorType, { add: ['MCS', 'SAE_J3400'], open: true });

/** mod_locations "EnvironmentalImpactCategory OpenEnum". */
export const EnvironmentalImpactCategory = deriveEnum(v221.EnvironmentalImpactCategory, { open: true });

/** mod_locations "EVSEPosition enum" (new in 2.3.0). */
export const EVSEPosition = StringEnum(['LEFT', 'RIGHT', 'CENTER'], { title: 'EVSEPosition' });

/** mod_locations "Facility OpenEnum". */
export const Facility = deriveEnum(v221.Facility, { open: true });

/** mod_locations "ImageCategory OpenEnum". */
export const ImageCategory = deriveEnum(v221.ImageCategory, { open: true });

/** mod_locations "ParkingDirection enum" (new in 2.3.0). */
export const ParkingDirection = StringEnum(['PARALLEL', 'PERPENDICULAR', 'ANGLE'], { title: 'ParkingDirection' });

/** mod_locations "ParkingRestriction OpenEnum": adds EMPLOYEES, TAXIS and TENANTS. */
export const ParkingRestriction = deriveEnum(v221.ParkingRestriction, { add: ['EMPLOYEES', 'TAXIS', 'TENANTS'], open: true });

/** mod_locations "ParkingType OpenEnum". */
export const ParkingType = deriveEnum(v221.ParkingType, { open: true });

/** mod_locations "VehicleType OpenEnum" (new in 2.3.0). */
export const VehicleType = OpenEnum(
  ['MOTORCYCLE', 'PERSONAL_VEHICLE', 'PERSONAL_VEHICLE_WITH_TRAILER', 'VAN', 'SEMI_TRACTOR', 'RIGID', 'TRUCK_WITH_TRAILER', 'BUS', 'DISABLED'],
  { title: 'VehicleType' },
);

/**
 * mod_cdrs "CdrDimensionType enum": closed in the 2.3.0 text (2.2.1's is open, as its OpenAPI marks
 * it). Bookings adds RESERVATION_EXPIRES and RESERVATION_OVERTIME (2.3.0-bookings mod_cdrs).
 */
export const CdrDimensionType = deriveEnum(v221.CdrDimensionType, { add: ['RESERVATION_EXPIRES', 'RESERVATION_OVERTIME'] });

/** mod_tariffs "TaxIncluded enum" (new in 2.3.0). */
export const TaxIncluded = StringEnum(['YES', 'NO', 'N/A'], { title: 'TaxIncluded' });

/** mod_tariffs "BookingRestrictionType enum" (2.3.0-bookings). */
export const BookingRestrictionType = StringEnum(['BOOKING', 'BOOKING_EXPIRES', 'BOOKING_CANCELLATION_FEES', 'BOOKING_OVERTIME'], {
  title: 'BookingRestrictionType',
});

/** mod_tokens "TokenType OpenEnum": adds EMAID (ISO 15118 Plug & Charge). */
export const TokenType = deriveEnum(v221.TokenType, { add: ['EMAID'], open: true });

/** mod_commands "CommandType OpenEnum". */
export const CommandType = deriveEnum(v221.CommandType, { open: true });

/**
 * version_information_endpoint "ModuleID OpenEnum", with the identifiers of Payments (`payments`) and
 * Bookings (its chapter says `Booking`; its URLs and every other module use the lower-case plural,
 * `bookings`).
 */
export const ModuleID = deriveEnum(v221.ModuleID, { add: ['payments', 'bookings'], open: true });

/** version_information_endpoint "VersionNumber OpenEnum": adds 2.3.0. */
export const VersionNumber = deriveEnum(v221.VersionNumber, { add: ['2.3.0'], open: true });

/** mod_payments "InvoiceCreator enum". */
export const InvoiceCreator = StringEnum(['CPO', 'PTP'], { title: 'InvoiceCreator' });

/** mod_payments "CaptureStatusCode enum". */
export const CaptureStatusCode = StringEnum(['SUCCESS', 'PARTIAL_SUCCESS', 'FAILED'], { title: 'CaptureStatusCode' });

/** mod_bookings "AccessMethod enum". */
export const AccessMethod = StringEnum(['OPEN', 'TOKEN', 'LICENSE_PLATE', 'ACCESS_CODE', 'INTERCOM', 'PARKING_TICKET'], { title: 'AccessMethod' });

/** mod_bookings "CanceledReason enum". */
export const CanceledReason = StringEnum(['POWER_OUTAGE', 'BROKEN_CHARGER', 'FULL', 'BLOCKED', 'TRAFFIC', 'BROKEN_VEHICLE', 'NO_CANCELED', 'UNKNOWN'], {
  title: 'CanceledReason',
});

/** mod_bookings "ReservationRequestStatus enum". */
export const ReservationRequestStatus = StringEnum(['PENDING', 'ACCEPTED', 'DECLINED', 'FAILED'], { title: 'ReservationRequestStatus' });

/** mod_bookings "ReservationStatus enum". */
export const ReservationStatus = StringEnum(['PENDING', 'RESERVED', 'CANCELED', 'FAILED', 'NO_SHOW', 'FULFILLED', 'REJECTED', 'UNKNOWN'], {
  title: 'ReservationStatus',
});

// Each enum's static type, under its name (2.2.1's unchanged ones come with their types above).
export type Role = Static<typeof Role>;
export type Capability = Static<typeof Capability>;
export type ConnectorCapability = Static<typeof ConnectorCapability>;
export type ConnectorType = Static<typeof ConnectorType>;
export type EnvironmentalImpactCategory = Static<typeof EnvironmentalImpactCategory>;
export type EVSEPosition = Static<typeof EVSEPosition>;
export type Facility = Static<typeof Facility>;
export type ImageCategory = Static<typeof ImageCategory>;
export type ParkingDirection = Static<typeof ParkingDirection>;
export type ParkingRestriction = Static<typeof ParkingRestriction>;
export type ParkingType = Static<typeof ParkingType>;
export type VehicleType = Static<typeof VehicleType>;
export type CdrDimensionType = Static<typeof CdrDimensionType>;
export type TaxIncluded = Static<typeof TaxIncluded>;
export type BookingRestrictionType = Static<typeof BookingRestrictionType>;
export type TokenType = Static<typeof TokenType>;
export type CommandType = Static<typeof CommandType>;
export type ModuleID = Static<typeof ModuleID>;
export type VersionNumber = Static<typeof VersionNumber>;
export type InvoiceCreator = Static<typeof InvoiceCreator>;
export type CaptureStatusCode = Static<typeof CaptureStatusCode>;
export type AccessMethod = Static<typeof AccessMethod>;
export type CanceledReason = Static<typeof CanceledReason>;
export type ReservationRequestStatus = Static<typeof ReservationRequestStatus>;
export type ReservationStatus = Static<typeof ReservationStatus>;
