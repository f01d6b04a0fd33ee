/**
 * Every enumeration of OCPI 2.2.1, in one module so that the object modules can share them without
 * import cycles (Locations use TokenType, Tokens use ProfileType, Sessions use CDR types, CDRs use
 * Location enums...). Each enum cites the section of the specification that defines it. These lists
 * are also the base that 2.1.1's and 2.3.0's enums are derived from (values added or removed).
 *
 * Closed enums are unions of string literals (`anyOf` of `const` in JSON Schema). Open enums accept
 * any string within the type's rules and keep their known values for completion and for
 * `findUnknownEnumValues` (see schemas/common/enums.ts):
 * - ModuleID ("Custom Modules") and VersionNumber ("List of known versions") are open by the text.
 * - Capability, ConnectorType, ParkingType, ParkingRestriction, Facility, EnvironmentalImpactCategory,
 *   CdrDimensionType and TokenType are open as the official OpenAPI marks them (`open-enum`): the text
 *   gives closed tables, but partners send newer values (a connector `NACS` must not lose its whole
 *   Location), and 2.3.0 made them OpenEnums. Unknown values are reported, not rejected (issue 17).
 * - ImageCategory and TariffType, also `open-enum` in the OpenAPI, stay closed as the text says.
 */

import type { Static } from '@sinclair/typebox';
import { SESSION_ONLY_CDR_DIMENSION_TYPES } from '../common/cdrs.js';
import { OpenEnum, OpenStringEnum, StringEnum } from '../common/enums.js';

export { OpenStringEnum, StringEnum };

// ---------------------------------------------------------------------------------------------
// types.asciidoc
// ---------------------------------------------------------------------------------------------

/** types.asciidoc "Role enum". */
export const Role = StringEnum(['CPO', 'EMSP', 'HUB', 'NAP', 'NSP', 'OTHER', 'SCSP'], { title: 'Role' });
export type Role = Static<typeof Role>;

// ---------------------------------------------------------------------------------------------
// version_information_endpoint.asciidoc
// ---------------------------------------------------------------------------------------------

/** version_information_endpoint "InterfaceRole enum". */
export const InterfaceRole = StringEnum(['SENDER', 'RECEIVER'], { title: 'InterfaceRole' });
export type InterfaceRole = Static<typeof InterfaceRole>;

/**
 * version_information_endpoint "ModuleID enum". Open: "Custom Modules" allows extra module IDs
 * (advised to be prefixed, e.g. `nltnm-tokens`), so any identifier-like string is accepted.
 */
export const ModuleID = OpenStringEnum(['cdrs', 'chargingprofiles', 'commands', 'credentials', 'hubclientinfo', 'locations', 'sessions', 'tariffs', 'tokens'], {
  title: 'ModuleID',
  pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]*$',
  'x-ocpi-messages': { pattern: 'must be a module identifier (letters, digits, "_", "-", ".")' },
});
export type ModuleID = Static<typeof ModuleID>;

/**
 * version_information_endpoint "VersionNumber enum": "List of known versions". A version list may
 * advertise versions newer than this table (the OpenAPI marks it open-enum too), so any dotted
 * version number is accepted.
 */
export const VersionNumber = OpenStringEnum(['2.0', '2.1', '2.1.1', '2.2', '2.2.1'], {
  title: 'VersionNumber',
  pattern: '^[0-9]+(\\.[0-9]+)*(-[A-Za-z0-9]+)?$',
  'x-ocpi-messages': { pattern: 'must be a version number such as 2.2.1' },
});
export type VersionNumber = Static<typeof VersionNumber>;

// ---------------------------------------------------------------------------------------------
// mod_locations.asciidoc
// ---------------------------------------------------------------------------------------------

/** mod_locations "Capability enum". */
export const Capability = OpenEnum(
  [
    'CHARGING_PROFILE_CAPABLE',
    'CHARGING_PREFERENCES_CAPABLE',
    'CHIP_CARD_SUPPORT',
    'CONTACTLESS_CARD_SUPPORT',
    'CREDIT_CARD_PAYABLE',
    'DEBIT_CARD_PAYABLE',
    'PED_TERMINAL',
    'REMOTE_START_STOP_CAPABLE',
    'RESERVABLE',
    'RFID_READER',
    'START_SESSION_CONNECTOR_REQUIRED',
    'TOKEN_GROUP_CAPABLE',
    'UNLOCK_CAPABLE',
  ],
  { title: 'Capability' },
);
export type Capability = Static<typeof Capability>;

/** mod_locations "ConnectorFormat enum". */
export const ConnectorFormat = StringEnum(['SOCKET', 'CABLE'], { title: 'ConnectorFormat' });
export type ConnectorFormat = Static<typeof ConnectorFormat>;

/** mod_locations "ConnectorType enum". */
export const ConnectorType = OpenEnum(
  [
    'CHADEMO',
    'CHAOJI',
    'DOMESTIC_A',
    'DOMESTIC_B',
    'DOMESTIC_C',
    'DOMESTIC_D',
    'DOMESTIC_E',
    'DOMESTIC_F',
    'DOMESTIC_G',
    'DOMESTIC_H',
    'DOMESTIC_I',
    'DOMESTIC_J',
    'DOMESTIC_K',
    'DOMESTIC_L',
    'DOMESTIC_M',
    'DOMESTIC_N',
    'DOMESTIC_O',
    'GBT_AC',
    'GBT_DC',
    'IEC_60309_2_single_16',
    'IEC_60309_2_three_16',
    'IEC_60309_2_three_32',
    'IEC_60309_2_three_64',
    'IEC_62196_T1',
    'IEC_62196_T1_COMBO',
    'IEC_62196_T2',
    'IEC_62196_T2_COMBO',
    'IEC_62196_T3A',
    'IEC_62196_T3C',
    'NEMA_5_20',
    'NEMA_6_30',
    'NEMA_6_50',
    'NEMA_10_30',
    'NEMA_10_50',
    'NEMA_14_30',
    'NEMA_14_50',
    'PANTOGRAPH_BOTTOM_UP',
    'PANTOGRAPH_TOP_DOWN',
    'TESLA_R',
    'TESLA_S',
  ],
  { title: 'ConnectorType' },
);
export type ConnectorType = Static<typeof ConnectorType>;

/** mod_locations "EnergySourceCategory enum". */
export const EnergySourceCategory = StringEnum(['NUCLEAR', 'GENERAL_FOSSIL', 'COAL', 'GAS', 'GENERAL_GREEN', 'SOLAR', 'WIND', 'WATER'], {
  title: 'EnergySourceCategory',
});
export type EnergySourceCategory = Static<typeof EnergySourceCategory>;

/** mod_locations "EnvironmentalImpactCategory enum". */
export const EnvironmentalImpactCategory = OpenEnum(['NUCLEAR_WASTE', 'CARBON_DIOXIDE'], {
  title: 'EnvironmentalImpactCategory',
});
export type EnvironmentalImpactCategory = Static<typeof EnvironmentalImpactCategory>;

/** mod_locations "Facility enum". */
export const Facility = OpenEnum(
  [
    'HOTEL',
    'RESTAURANT',
    'CAFE',
    'MALL',
    'SUPERMARKET',
    'SPORT',
    'RECREATION_AREA',
    'NATURE',
    'MUSEUM',
    'BIKE_SHARING',
    'BUS_STOP',
    'TAXI_STAND',
    'TRAM_STOP',
    'METRO_STATION',
    'TRAIN_STATION',
    'AIRPORT',
    'PARKING_LOT',
    'CARPOOL_PARKING',
    'FUEL_STATION',
    'WIFI',
  ],
  { title: 'Facility' },
);
export type Facility = Static<typeof Facility>;

/** mod_locations "ImageCategory enum". */
export const ImageCategory = StringEnum(['CHARGER', 'ENTRANCE', 'LOCATION', 'NETWORK', 'OPERATOR', 'OTHER', 'OWNER'], {
  title: 'ImageCategory',
});
export type ImageCategory = Static<typeof ImageCategory>;

/** mod_locations "ParkingRestriction enum". */
export const ParkingRestriction = OpenEnum(['EV_ONLY', 'PLUGGED', 'DISABLED', 'CUSTOMERS', 'MOTORCYCLES'], {
  title: 'ParkingRestriction',
});
export type ParkingRestriction = Static<typeof ParkingRestriction>;

/** mod_locations "ParkingType enum". */
export const ParkingType = OpenEnum(['ALONG_MOTORWAY', 'PARKING_GARAGE', 'PARKING_LOT', 'ON_DRIVEWAY', 'ON_STREET', 'UNDERGROUND_GARAGE'], {
  title: 'ParkingType',
});
export type ParkingType = Static<typeof ParkingType>;

/** mod_locations "PowerType enum". */
export const PowerType = StringEnum(['AC_1_PHASE', 'AC_2_PHASE', 'AC_2_PHASE_SPLIT', 'AC_3_PHASE', 'DC'], {
  title: 'PowerType',
});
export type PowerType = Static<typeof PowerType>;

/** mod_locations "Status enum" (status of an EVSE). */
export const Status = StringEnum(['AVAILABLE', 'BLOCKED', 'CHARGING', 'INOPERATIVE', 'OUTOFORDER', 'PLANNED', 'REMOVED', 'RESERVED', 'UNKNOWN'], {
  title: 'Status',
});
export type Status = Static<typeof Status>;

// ---------------------------------------------------------------------------------------------
// mod_sessions.asciidoc
// ---------------------------------------------------------------------------------------------

/** mod_sessions "ChargingPreferencesResponse enum". */
export const ChargingPreferencesResponse = StringEnum(
  ['ACCEPTED', 'DEPARTURE_REQUIRED', 'ENERGY_NEED_REQUIRED', 'NOT_POSSIBLE', 'PROFILE_TYPE_NOT_SUPPORTED'],
  { title: 'ChargingPreferencesResponse' },
);
export type ChargingPreferencesResponse = Static<typeof ChargingPreferencesResponse>;

/** mod_sessions "ProfileType enum". */
export const ProfileType = StringEnum(['CHEAP', 'FAST', 'GREEN', 'REGULAR'], { title: 'ProfileType' });
export type ProfileType = Static<typeof ProfileType>;

/** mod_sessions "SessionStatus enum". */
export const SessionStatus = StringEnum(['ACTIVE', 'COMPLETED', 'INVALID', 'PENDING', 'RESERVATION'], {
  title: 'SessionStatus',
});
export type SessionStatus = Static<typeof SessionStatus>;

// ---------------------------------------------------------------------------------------------
// mod_cdrs.asciidoc
// ---------------------------------------------------------------------------------------------

/** mod_cdrs "AuthMethod enum". */
export const AuthMethod = StringEnum(['AUTH_REQUEST', 'COMMAND', 'WHITELIST'], { title: 'AuthMethod' });
export type AuthMethod = Static<typeof AuthMethod>;

/** mod_cdrs "CdrDimensionType enum". */
export const CdrDimensionType = OpenEnum(
  [
    'CURRENT',
    'ENERGY',
    'ENERGY_EXPORT',
    'ENERGY_IMPORT',
    'MAX_CURRENT',
    'MIN_CURRENT',
    'MAX_POWER',
    'MIN_POWER',
    'PARKING_TIME',
    'POWER',
    'RESERVATION_TIME',
    'STATE_OF_CHARGE',
    'TIME',
  ],
  { title: 'CdrDimensionType' },
);
export type CdrDimensionType = Static<typeof CdrDimensionType>;

/** The CdrDimensionType values marked "Session Only" (mod_cdrs): they SHALL NOT appear in CDRs. */
export { SESSION_ONLY_CDR_DIMENSION_TYPES };

// ---------------------------------------------------------------------------------------------
// mod_tariffs.asciidoc
// ---------------------------------------------------------------------------------------------

/** mod_tariffs "DayOfWeek enum". */
export const DayOfWeek = StringEnum(['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY'], {
  title: 'DayOfWeek',
});
export type DayOfWeek = Static<typeof DayOfWeek>;

/** mod_tariffs "ReservationRestrictionType enum". */
export const ReservationRestrictionType = StringEnum(['RESERVATION', 'RESERVATION_EXPIRES'], {
  title: 'ReservationRestrictionType',
});
export type ReservationRestrictionType = Static<typeof ReservationRestrictionType>;

/** mod_tariffs "TariffDimensionType enum". */
export const TariffDimensionType = StringEnum(['ENERGY', 'FLAT', 'PARKING_TIME', 'TIME'], {
  title: 'TariffDimensionType',
});
export type TariffDimensionType = Static<typeof TariffDimensionType>;

/** mod_tariffs "TariffType enum". */
export const TariffType = StringEnum(['AD_HOC_PAYMENT', 'PROFILE_CHEAP', 'PROFILE_FAST', 'PROFILE_GREEN', 'REGULAR'], {
  title: 'TariffType',
});
export type TariffType = Static<typeof TariffType>;

// ---------------------------------------------------------------------------------------------
// mod_tokens.asciidoc
// ---------------------------------------------------------------------------------------------

/** mod_tokens "AllowedType enum". */
export const AllowedType = StringEnum(['ALLOWED', 'BLOCKED', 'EXPIRED', 'NO_CREDIT', 'NOT_ALLOWED'], {
  title: 'AllowedType',
});
export type AllowedType = Static<typeof AllowedType>;

/** mod_tokens "TokenType enum". */
export const TokenType = OpenEnum(['AD_HOC_USER', 'APP_USER', 'OTHER', 'RFID'], { title: 'TokenType' });
export type TokenType = Static<typeof TokenType>;

/** mod_tokens "WhitelistType enum". */
export const WhitelistType = StringEnum(['ALWAYS', 'ALLOWED', 'ALLOWED_OFFLINE', 'NEVER'], {
  title: 'WhitelistType',
});
export type WhitelistType = Static<typeof WhitelistType>;

// ---------------------------------------------------------------------------------------------
// mod_commands.asciidoc
// ---------------------------------------------------------------------------------------------

/** mod_commands "CommandResponseType enum". */
export const CommandResponseType = StringEnum(['NOT_SUPPORTED', 'REJECTED', 'ACCEPTED', 'UNKNOWN_SESSION'], {
  title: 'CommandResponseType',
});
export type CommandResponseType = Static<typeof CommandResponseType>;

/** mod_commands "CommandResultType enum". */
export const CommandResultType = StringEnum(
  ['ACCEPTED', 'CANCELED_RESERVATION', 'EVSE_OCCUPIED', 'EVSE_INOPERATIVE', 'FAILED', 'NOT_SUPPORTED', 'REJECTED', 'TIMEOUT', 'UNKNOWN_RESERVATION'],
  { title: 'CommandResultType' },
);
export type CommandResultType = Static<typeof CommandResultType>;

/** mod_commands "CommandType enum". */
export const CommandType = StringEnum(['CANCEL_RESERVATION', 'RESERVE_NOW', 'START_SESSION', 'STOP_SESSION', 'UNLOCK_CONNECTOR'], { title: 'CommandType' });
export type CommandType = Static<typeof CommandType>;

// ---------------------------------------------------------------------------------------------
// mod_charging_profiles.asciidoc
// ---------------------------------------------------------------------------------------------

/** mod_charging_profiles "ChargingRateUnit enum". */
export const ChargingRateUnit = StringEnum(['W', 'A'], { title: 'ChargingRateUnit' });
export type ChargingRateUnit = Static<typeof ChargingRateUnit>;

/** mod_charging_profiles "ChargingProfileResponseType enum". */
export const ChargingProfileResponseType = StringEnum(['ACCEPTED', 'NOT_SUPPORTED', 'REJECTED', 'TOO_OFTEN', 'UNKNOWN_SESSION'], {
  title: 'ChargingProfileResponseType',
});
export type ChargingProfileResponseType = Static<typeof ChargingProfileResponseType>;

/** mod_charging_profiles "ChargingProfileResultType enum". */
export const ChargingProfileResultType = StringEnum(['ACCEPTED', 'REJECTED', 'UNKNOWN'], {
  title: 'ChargingProfileResultType',
});
export type ChargingProfileResultType = Static<typeof ChargingProfileResultType>;

// ---------------------------------------------------------------------------------------------
// mod_hub_client_info.asciidoc
// ---------------------------------------------------------------------------------------------

/** mod_hub_client_info "ConnectionStatus enum". */
export const ConnectionStatus = StringEnum(['CONNECTED', 'OFFLINE', 'PLANNED', 'SUSPENDED'], {
  title: 'ConnectionStatus',
});
export type ConnectionStatus = Static<typeof ConnectionStatus>;
