/** OCPI 2.2.1 CDRs module objects (mod_cdrs.asciidoc), defined once in schemas/common/cdrs.ts. */

import type { Static } from '@sinclair/typebox';
import { cdrSchemas } from '../common/cdrs.js';
import * as enums from './enums.js';
import { Tariff } from './tariffs.js';
import { GeoLocation, Price } from './types.js';

const cdrs = cdrSchemas({
  ...enums,
  GeoLocation,
  Price,
  Tariff,
  added: { CDR: {} },
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
