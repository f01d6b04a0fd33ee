/**
 * OCPI 2.2.1 Locations module objects (mod_locations.asciidoc "Object description" and "Data types"),
 * defined once in schemas/common/locations.ts. GeoLocation, BusinessDetails, Image and EnergyMix live
 * in `types.ts` because other modules use them.
 */

import type { Static } from '@sinclair/typebox';
import { locationSchemas } from '../common/locations.js';
import * as enums from './enums.js';
import { BusinessDetails, EnergyMix, GeoLocation, Image } from './types.js';

const locations = locationSchemas({
  ...enums,
  GeoLocation,
  Image,
  BusinessDetails,
  EnergyMix,
  added: { Connector: {}, EVSE: {}, Location: {} },
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
