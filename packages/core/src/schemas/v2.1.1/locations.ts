/**
 * OCPI 2.1.1 Locations module objects (mod_locations.md "3. Object description", "4. Data types"), as
 * deltas of the shared definitions (schemas/common/locations.ts) over 2.1.1's enums and classes.
 * 2.1.1 Locations carry no `country_code`/`party_id` (the owner comes from the partner's credentials),
 * a required `type` instead of `parking_type`, and plain-string ids of up to 39 characters.
 */

import type { Static } from '@sinclair/typebox';
import { Type } from '@sinclair/typebox';
import { OcpiString } from '../common/basic.js';
import { derive } from '../common/compose.js';
import { locationSchemas } from '../common/locations.js';
import * as enums from './enums.js';
import { BusinessDetails, EnergyMix, GeoLocation, Image } from './types.js';

const base = locationSchemas({
  ...enums,
  // 2.1.1 has no `parking_type` (left out of Location below) and no PublishTokenType.
  ParkingType: Type.Never(),
  GeoLocation,
  Image,
  BusinessDetails,
  EnergyMix,
  added: { Connector: {}, EVSE: {}, Location: {} },
});

export const AdditionalGeoLocation = base.AdditionalGeoLocation;
export const RegularHours = base.RegularHours;
export const ExceptionalPeriod = base.ExceptionalPeriod;
export const StatusSchedule = base.StatusSchedule;
export type AdditionalGeoLocation = Static<typeof AdditionalGeoLocation>;
export type RegularHours = Static<typeof RegularHours>;
export type ExceptionalPeriod = Static<typeof ExceptionalPeriod>;
export type StatusSchedule = Static<typeof StatusSchedule>;

/**
 * mod_locations "4.13 Hours class": "Choice: one of two", `regular_hours` or `twentyfourseven` (the
 * official example sends both, with `twentyfourseven` false). The 2.2.1 rules on the pair apply.
 */
export const Hours = derive(
  base.Hours,
  { set: { twentyfourseven: Type.Optional(Type.Boolean()) } },
  {
    anyOf: [{ required: ['regular_hours'] }, { required: ['twentyfourseven'] }],
    allOf: base.Hours.allOf,
  },
);
export type Hours = Static<typeof Hours>;

/** mod_locations "3.3 Connector Object": `voltage`/`amperage`, one `tariff_id`. */
export const Connector = derive(base.Connector, {
  omit: ['max_voltage', 'max_amperage', 'max_electric_power', 'tariff_ids'],
  set: { id: OcpiString(36), voltage: Type.Integer(), amperage: Type.Integer(), tariff_id: Type.Optional(OcpiString(36)) },
});
export type Connector = Static<typeof Connector>;

/** mod_locations "3.2 EVSE Object". */
export const EVSE = derive(base.EVSE, {
  set: { uid: OcpiString(39), evse_id: Type.Optional(OcpiString(48)), connectors: Type.Array(Connector, { minItems: 1 }) },
});
export type EVSE = Static<typeof EVSE>;

/** mod_locations "3.1 Location Object": `address` string(45), `postal_code` required, `time_zone` optional. */
export const Location = derive(base.Location, {
  omit: ['country_code', 'party_id', 'publish', 'publish_allowed_to', 'state', 'parking_type'],
  set: {
    id: OcpiString(39),
    address: OcpiString(45),
    postal_code: OcpiString(10),
    evses: Type.Optional(Type.Array(EVSE)),
    opening_times: Type.Optional(Hours),
    time_zone: Type.Optional(OcpiString(255)),
    type: enums.LocationType,
  },
});
export type Location = Static<typeof Location>;
