/**
 * OCPI 2.2.1 Charging Profiles module objects (mod_charging_profiles.asciidoc "Object description" and
 * "Data types").
 *
 * `min_charging_rate` and `limit` "accept at most one digit fraction (e.g. 8.1)". That rule is not
 * expressed: JSON Schema `multipleOf: 0.1` is unreliable on binary floating point (8.1 / 0.1 is not an
 * integer in IEEE 754), so it would reject valid values in some validators.
 */

import type { Static } from '@sinclair/typebox';
import { Type } from '@sinclair/typebox';
import { ChargingProfileResponseType, ChargingProfileResultType, ChargingRateUnit } from './enums.js';
import { DateTime, Url } from './types.js';

/** mod_charging_profiles "ChargingProfilePeriod class". */
export const ChargingProfilePeriod = Type.Object(
  {
    start_period: Type.Integer(),
    limit: Type.Number(),
  },
  { title: 'ChargingProfilePeriod' },
);
export type ChargingProfilePeriod = Static<typeof ChargingProfilePeriod>;

/** mod_charging_profiles "ChargingProfile class". */
export const ChargingProfile = Type.Object(
  {
    start_date_time: Type.Optional(DateTime),
    duration: Type.Optional(Type.Integer()),
    charging_rate_unit: ChargingRateUnit,
    min_charging_rate: Type.Optional(Type.Number()),
    charging_profile_period: Type.Optional(Type.Array(ChargingProfilePeriod)),
  },
  { title: 'ChargingProfile' },
);
export type ChargingProfile = Static<typeof ChargingProfile>;

/** mod_charging_profiles "ActiveChargingProfile class". */
export const ActiveChargingProfile = Type.Object(
  {
    start_date_time: DateTime,
    charging_profile: ChargingProfile,
  },
  { title: 'ActiveChargingProfile' },
);
export type ActiveChargingProfile = Static<typeof ActiveChargingProfile>;

/** mod_charging_profiles "SetChargingProfile Object" (body of PUT on the Receiver interface). */
export const SetChargingProfile = Type.Object(
  {
    charging_profile: ChargingProfile,
    response_url: Url,
  },
  { title: 'SetChargingProfile' },
);
export type SetChargingProfile = Static<typeof SetChargingProfile>;

/** mod_charging_profiles "ChargingProfileResponse Object": the Receiver's synchronous answer. */
export const ChargingProfileResponse = Type.Object(
  {
    result: ChargingProfileResponseType,
    timeout: Type.Integer(),
  },
  { title: 'ChargingProfileResponse' },
);
export type ChargingProfileResponse = Static<typeof ChargingProfileResponse>;

/** mod_charging_profiles "ActiveChargingProfileResult Object" (async result of GET). */
export const ActiveChargingProfileResult = Type.Object(
  {
    result: ChargingProfileResultType,
    profile: Type.Optional(ActiveChargingProfile),
  },
  { title: 'ActiveChargingProfileResult' },
);
export type ActiveChargingProfileResult = Static<typeof ActiveChargingProfileResult>;

/** mod_charging_profiles "ChargingProfileResult Object" (async result of PUT). */
export const ChargingProfileResult = Type.Object(
  {
    result: ChargingProfileResultType,
  },
  { title: 'ChargingProfileResult' },
);
export type ChargingProfileResult = Static<typeof ChargingProfileResult>;

/** mod_charging_profiles "ClearProfileResult Object" (async result of DELETE). */
export const ClearProfileResult = Type.Object(
  {
    result: ChargingProfileResultType,
  },
  { title: 'ClearProfileResult' },
);
export type ClearProfileResult = Static<typeof ClearProfileResult>;
