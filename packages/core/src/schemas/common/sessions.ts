/** Sessions module objects (mod_sessions "Object description" and "Data types") of 2.2.1 and 2.3.0. */
import type { TSchema } from '@sinclair/typebox';
import { Type } from '@sinclair/typebox';
import { CiString, DateTime, OcpiString } from './basic.js';
import type { Parts } from './compose.js';

/** What the Sessions objects are built from, in one version. */
export interface SessionParts {
  AuthMethod: TSchema;
  ProfileType: TSchema;
  SessionStatus: TSchema;
  CdrToken: TSchema;
  ChargingPeriod: TSchema;
  Price: TSchema;
}

export function sessionSchemas<P extends SessionParts>(parts: Parts<P>) {
  /**
   * mod_sessions "Session Object". `evse_uid` and `connector_id` may be `#NA` for a reservation without
   * an assigned EVSE (transport_and_format "No data available"): `#NA` is a valid CiString.
   */
  const Session = Type.Object(
    {
      country_code: CiString(2),
      party_id: CiString(3),
      id: CiString(36),
      start_date_time: DateTime,
      end_date_time: Type.Optional(DateTime),
      kwh: Type.Number(),
      cdr_token: parts.CdrToken,
      auth_method: parts.AuthMethod,
      authorization_reference: Type.Optional(CiString(36)),
      location_id: CiString(36),
      evse_uid: CiString(36),
      connector_id: CiString(36),
      meter_id: Type.Optional(OcpiString(255)),
      currency: OcpiString(3),
      charging_periods: Type.Optional(Type.Array(parts.ChargingPeriod)),
      total_cost: Type.Optional(parts.Price),
      status: parts.SessionStatus,
      last_updated: DateTime,
    },
    { title: 'Session' },
  );

  /** mod_sessions "ChargingPreferences Object" (body of PUT Charging Preferences). */
  const ChargingPreferences = Type.Object(
    {
      profile_type: parts.ProfileType,
      departure_time: Type.Optional(DateTime),
      energy_need: Type.Optional(Type.Number()),
      discharge_allowed: Type.Optional(Type.Boolean()),
    },
    { title: 'ChargingPreferences' },
  );

  return { Session, ChargingPreferences };
}
