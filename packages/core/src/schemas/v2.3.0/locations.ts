/**
 * OCPI 2.3.0 Locations module objects (mod_locations), defined once in schemas/common/locations.ts,
 * with what 2.3.0 adds: the Parking object and EVSEParking links (for AFIR reporting to NAPs), the
 * Location's `help_phone`, the EVSE's `accepted_service_providers`, the Connector's `capabilities`.
 */

import type { Static } from '@sinclair/typebox';
import { Type } from '@sinclair/typebox';
import { CiString, OcpiString } from '../common/basic.js';
import { locationSchemas } from '../common/locations.js';
import * as enums from './enums.js';
import { BusinessDetails, EnergyMix, GeoLocation, Image } from './types.js';

/**
 * mod_locations "Parking object": a parking space for vehicles charging at the Location. The `max_*`
 * and space dimensions "should be provided unless vehicle_types contains no values other than
 * PERSONAL_VEHICLE or MOTORCYCLE": a recommendation, not enforced.
 */
export const Parking = Type.Object(
  {
    id: CiString(36),
    physical_reference: Type.Optional(OcpiString(12)),
    vehicle_types: Type.Array(enums.VehicleType, { minItems: 1 }),
    max_vehicle_weight: Type.Optional(Type.Number()),
    max_vehicle_height: Type.Optional(Type.Number()),
    max_vehicle_length: Type.Optional(Type.Number()),
    max_vehicle_width: Type.Optional(Type.Number()),
    parking_space_length: Type.Optional(Type.Number()),
    parking_space_width: Type.Optional(Type.Number()),
    dangerous_goods_allowed: Type.Optional(Type.Boolean()),
    direction: Type.Optional(enums.ParkingDirection),
    drive_through: Type.Optional(Type.Boolean()),
    restricted_to_type: Type.Boolean(),
    reservation_required: Type.Boolean(),
    time_limit: Type.Optional(Type.Number()),
    roofed: Type.Optional(Type.Boolean()),
    images: Type.Optional(Type.Array(Image)),
    lighting: Type.Optional(Type.Boolean()),
    refrigeration_outlet: Type.Optional(Type.Boolean()),
    standards: Type.Optional(Type.Array(CiString(36))),
    apds_reference: Type.Optional(CiString()),
  },
  { title: 'Parking' },
);
export type Parking = Static<typeof Parking>;

/** mod_locations "EVSEParking class": a parking space (by `parking_id`) usable when charging at this EVSE. */
export const EVSEParking = Type.Object(
  {
    parking_id: CiString(36),
    evse_position: Type.Optional(enums.EVSEPosition),
  },
  { title: 'EVSEParking' },
);
export type EVSEParking = Static<typeof EVSEParking>;

const locations = locationSchemas({
  ...enums,
  GeoLocation,
  Image,
  BusinessDetails,
  EnergyMix,
  added: {
    Connector: { capabilities: Type.Optional(Type.Array(enums.ConnectorCapability)) },
    EVSE: {
      parking: Type.Optional(Type.Array(EVSEParking)),
      // "String[50]": names of eMSPs, each a string(50).
      accepted_service_providers: Type.Optional(Type.Array(OcpiString(50))),
    },
    Location: {
      parking_places: Type.Optional(Type.Array(Parking)),
      help_phone: Type.Optional(CiString(25)),
    },
  },
});
export const PublishTokenType = locations.PublishTokenType;
export const AdditionalGeoLocation = locations.AdditionalGeoLocation;
export const RegularHours = locations.RegularHours;
export const ExceptionalPeriod = locations.ExceptionalPeriod;
export const Hours = locations.Hours;
export const StatusSchedule = locations.StatusSchedule;
export const Connector = locations.Connector;
export const EVSE = locations.EVSE;
export const Location = locations.Location;
export type PublishTokenType = Static<typeof PublishTokenType>;
export type AdditionalGeoLocation = Static<typeof AdditionalGeoLocation>;
export type RegularHours = Static<typeof RegularHours>;
export type ExceptionalPeriod = Static<typeof ExceptionalPeriod>;
export type Hours = Static<typeof Hours>;
export type StatusSchedule = Static<typeof StatusSchedule>;
export type Connector = Static<typeof Connector>;
export type EVSE = Static<typeof EVSE>;
export type Location = Static<typeof Location>;
