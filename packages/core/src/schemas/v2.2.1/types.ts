/**
 * OCPI 2.2.1 basic types (types.asciidoc) and the small classes shared by several modules
 * (GeoLocation, BusinessDetails, Image, EnergyMix: defined in mod_locations, used by credentials,
 * tariffs and CDRs too). The basic types are the same in every version (schemas/common/basic.ts).
 */

import type { Static } from '@sinclair/typebox';
import { Type } from '@sinclair/typebox';
import { LATITUDE_PATTERN, LONGITUDE_PATTERN } from '../common/basic.js';
import { classSchemas, energyMixSchema, geoLocationSchema } from '../common/classes.js';
import { EnergySourceCategory, EnvironmentalImpactCategory, ImageCategory } from './enums.js';

export * from '../common/basic.js';

/** types.asciidoc "Price class". */
export const Price = Type.Object(
  {
    excl_vat: Type.Number(),
    incl_vat: Type.Optional(Type.Number()),
  },
  { title: 'Price' },
);
export type Price = Static<typeof Price>;

/** mod_locations "GeoLocation class": 5 to 7 decimals. */
export const GeoLocation = geoLocationSchema({ latitude: LATITUDE_PATTERN, longitude: LONGITUDE_PATTERN, decimals: '5 to 7' });
export type GeoLocation = Static<typeof GeoLocation>;

const classes = classSchemas({ ImageCategory, EnergySourceCategory, EnvironmentalImpactCategory });
export const Image = classes.Image;
export const BusinessDetails = classes.BusinessDetails;
export const EnergySource = classes.EnergySource;
export const EnvironmentalImpact = classes.EnvironmentalImpact;
export type Image = Static<typeof Image>;
export type BusinessDetails = Static<typeof BusinessDetails>;
export type EnergySource = Static<typeof EnergySource>;
export type EnvironmentalImpact = Static<typeof EnvironmentalImpact>;

export const EnergyMix = energyMixSchema({ EnergySource, EnvironmentalImpact });
export type EnergyMix = Static<typeof EnergyMix>;
