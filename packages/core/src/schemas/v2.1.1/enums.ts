/**
 * The enumerations of OCPI 2.1.1, as deltas of 2.2.1's (schemas/v2.2.1/enums.ts): 2.1.1 has fewer
 * values in most, and a few of its own (LocationType; CdrDimensionType FLAT; CommandResponseType
 * TIMEOUT). Its text defines every enum as closed, except ModuleID ("Custom Modules") and
 * VersionNumber ("List of known versions"), which stay open as in 2.2.1.
 */

import { deriveEnum, knownValues, StringEnum } from '../common/enums.js';
import * as v221 from '../v2.2.1/enums.js';

// The same values as 2.2.1 (mod_locations, mod_tariffs, mod_tokens); AllowedType is "Allowed" in 2.1.1.
export { AllowedType, ConnectorFormat, DayOfWeek, EnergySourceCategory, ImageCategory, Status, TariffDimensionType, WhitelistType } from '../v2.2.1/enums.js';

/** mod_locations "4.2 Capability enum". */
export const Capability = deriveEnum(v221.Capability, {
  remove: [
    'CHARGING_PREFERENCES_CAPABLE',
    'CHIP_CARD_SUPPORT',
    'CONTACTLESS_CARD_SUPPORT',
    'DEBIT_CARD_PAYABLE',
    'PED_TERMINAL',
    'START_SESSION_CONNECTOR_REQUIRED',
    'TOKEN_GROUP_CAPABLE',
  ],
});

/**
 * mod_locations "4.4 ConnectorType enum": without the types 2.2 added (ChaoJi, GB/T, NEMA, pantographs,
 * DOMESTIC_M to DOMESTIC_O).
 */
export const ConnectorType = deriveEnum(v221.ConnectorType, {
  // Selected by name, not listed again: the static type stays 2.2.1's, the schema has 2.1.1's values.
  remove: knownValues(v221.ConnectorType).filter((value) => /^(CHAOJI|GBT_|NEMA_|PANTOGRAPH_|DOMESTIC_[MNO]$)/.test(value)) as never[],
});

/** mod_locations "4.9 EnvironmentalImpactCategory enum". */
export const EnvironmentalImpactCategory = deriveEnum(v221.EnvironmentalImpactCategory, {});

/** mod_locations "4.11 Facility enum". */
export const Facility = deriveEnum(v221.Facility, { remove: ['BIKE_SHARING', 'TRAM_STOP', 'METRO_STATION', 'PARKING_LOT'] });

/** mod_locations "4.16 LocationType enum": the general type of the location (2.2.1's `parking_type` replaced it). */
export const LocationType = StringEnum(['ON_STREET', 'PARKING_GARAGE', 'UNDERGROUND_GARAGE', 'PARKING_LOT', 'OTHER', 'UNKNOWN'], { title: 'LocationType' });

/** mod_locations "4.17 ParkingRestriction enum". */
export const ParkingRestriction = deriveEnum(v221.ParkingRestriction, {});

/** mod_locations "4.18 PowerType enum". */
export const PowerType = deriveEnum(v221.PowerType, { remove: ['AC_2_PHASE', 'AC_2_PHASE_SPLIT'] });

/** mod_sessions "4.1 SessionStatus enum". */
export const SessionStatus = deriveEnum(v221.SessionStatus, { remove: ['RESERVATION'] });

/** mod_cdrs "4.1 AuthMethod enum". */
export const AuthMethod = deriveEnum(v221.AuthMethod, { remove: ['COMMAND'] });

/** mod_cdrs "4.3 CdrDimensionType enum": FLAT is 2.1.1's own. */
export const CdrDimensionType = deriveEnum(v221.CdrDimensionType, {
  remove: ['CURRENT', 'ENERGY_EXPORT', 'ENERGY_IMPORT', 'MAX_POWER', 'MIN_POWER', 'POWER', 'RESERVATION_TIME', 'STATE_OF_CHARGE'],
  add: ['FLAT'],
});

/** mod_tokens "4.3 TokenType enum". */
export const TokenType = deriveEnum(v221.TokenType, { remove: ['AD_HOC_USER', 'APP_USER'] });

/** mod_commands "4.1 CommandResponseType enum": the Charge Point's answer, TIMEOUT included (2.2.1 moved it to CommandResultType). */
export const CommandResponseType = deriveEnum(v221.CommandResponseType, { add: ['TIMEOUT'] });

/** mod_commands "4.2 CommandType enum". */
export const CommandType = deriveEnum(v221.CommandType, { remove: ['CANCEL_RESERVATION'] });

/** version_information_endpoint "ModuleID enum", extensible with custom modules. */
export const ModuleID = deriveEnum(v221.ModuleID, { remove: ['chargingprofiles', 'hubclientinfo'], open: true });

/** version_information_endpoint "VersionNumber enum": "List of known versions". */
export const VersionNumber = deriveEnum(v221.VersionNumber, { remove: ['2.2', '2.2.1'], open: true });
