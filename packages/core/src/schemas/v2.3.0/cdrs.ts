/**
 * OCPI 2.3.0 CDRs and Sessions module objects (mod_cdrs, mod_sessions), defined once in
 * schemas/common/: costs as 2.3.0 Prices (with taxes), and the Bookings module's `booking_id`
 * (2.3.0-bookings mod_cdrs).
 */

import type { Static } from '@sinclair/typebox';
import { Type } from '@sinclair/typebox';
import { CiString } from '../common/basic.js';
import { cdrSchemas } from '../common/cdrs.js';
import { sessionSchemas } from '../common/sessions.js';
import * as enums from './enums.js';
import { Tariff } from './tariffs.js';
import { GeoLocation, Price } from './types.js';

const cdrs = cdrSchemas({
  ...enums,
  GeoLocation,
  Price,
  Tariff,
  added: { CDR: { booking_id: Type.Optional(CiString(36)) } },
});
export const CdrToken = cdrs.CdrToken;
export const CdrDimension = cdrs.CdrDimension;
export const ChargingPeriod = cdrs.ChargingPeriod;
export const CdrLocation = cdrs.CdrLocation;
export const SignedValue = cdrs.SignedValue;
export const SignedData = cdrs.SignedData;
export const CDR = cdrs.CDR;
export type CdrToken = Static<typeof CdrToken>;
export type CdrDimension = Static<typeof CdrDimension>;
export type ChargingPeriod = Static<typeof ChargingPeriod>;
export type CdrLocation = Static<typeof CdrLocation>;
export type SignedValue = Static<typeof SignedValue>;
export type SignedData = Static<typeof SignedData>;
export type CDR = Static<typeof CDR>;

const sessions = sessionSchemas({ ...enums, CdrToken, ChargingPeriod, Price });
export const Session = sessions.Session;
export const ChargingPreferences = sessions.ChargingPreferences;
export type Session = Static<typeof Session>;
export type ChargingPreferences = Static<typeof ChargingPreferences>;
