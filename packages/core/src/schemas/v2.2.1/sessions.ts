/** OCPI 2.2.1 Sessions module objects (mod_sessions.asciidoc "Object description" and "Data types"). */

import type { Static } from '@sinclair/typebox';
import { Type } from '@sinclair/typebox';
import { CdrToken, ChargingPeriod } from './cdrs.js';
import { AuthMethod, ProfileType, SessionStatus } from './enums.js';
import { CiString, DateTime, OcpiString, Price } from './types.js';

/**
 * mod_sessions "Session Object". `evse_uid` and `connector_id` may be `#NA` for a reservation without
 * an assigned EVSE (transport_and_format "No data available"): `#NA` is a valid CiString.
 */
export const Session = Type.Object(
  {
    country_code: CiString(2),
    party_id: CiString(3),
    id: CiString(36),
    start_date_time: DateTime,
    end_date_time: Type.Optional(DateTime),
    kwh: Type.Number(),
    cdr_token: CdrToken,
    auth_method: AuthMethod,
    authorization_reference: Type.Optional(CiString(36)),
    location_id: CiString(36),
    evse_uid: CiString(36),
    connector_id: CiString(36),
    meter_id: Type.Optional(OcpiString(255)),
    currency: OcpiString(3),
    charging_periods: Type.Optional(Type.Array(ChargingPeriod)),
    total_cost: Type.Optional(Price),
    status: SessionStatus,
    last_updated: DateTime,
  },
  { title: 'Session' },
);
export type Session = Static<typeof Session>;

/** mod_sessions "ChargingPreferences Object" (body of PUT Charging Preferences). */
export const ChargingPreferences = Type.Object(
  {
    profile_type: ProfileType,
    departure_time: Type.Optional(DateTime),
    energy_need: Type.Optional(Type.Number()),
    discharge_allowed: Type.Optional(Type.Boolean()),
  },
  { title: 'ChargingPreferences' },
);
export type ChargingPreferences = Static<typeof ChargingPreferences>;
