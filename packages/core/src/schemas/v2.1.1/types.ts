/**
 * OCPI 2.1.1 basic types (types.md) and the classes of mod_locations that other modules share. The
 * coordinate regexes of 2.1.1 want exactly six decimals; EnvironmentalImpact names its category
 * `source`. 2.1.1 has no Price class: costs are numbers (excluding VAT).
 */

import type { Static } from '@sinclair/typebox';
import { classSchemas, energyMixSchema, geoLocationSchema } from '../common/classes.js';
import { derive } from '../common/compose.js';
import { EnergySourceCategory, EnvironmentalImpactCategory, ImageCategory } from './enums.js';

export * from '../common/basic.js';

/** mod_locations "4.12 GeoLocation class": regexes `-?[0-9]{1,2}\.[0-9]{6}` and `-?[0-9]{1,3}\.[0-9]{6}`, anchored. */
export const GeoLocation = geoLocationSchema({ latitude: '^-?[0-9]{1,2}\\.[0-9]{6}$', longitude: '^-?[0-9]{1,3}\\.[0-9]{6}$', decimals: '6' });
export type GeoLocation = Static<typeof GeoLocation>;

const classes = classSchemas({ ImageCategory, EnergySourceCategory, EnvironmentalImpactCategory });
export const Image = classes.Image;
export const BusinessDetails = classes.BusinessDetails;
export const EnergySource = classes.EnergySource;
export type Image = Static<typeof Image>;
export type BusinessDetails = Static<typeof BusinessDetails>;
export type EnergySource = Static<typeof EnergySource>;

/** mod_locations "4.8 EnvironmentalImpact class": the category is in `source`. */
export const EnvironmentalImpact = derive(classes.EnvironmentalImpact, { omit: ['category'], set: { source: EnvironmentalImpactCategory } });
export type EnvironmentalImpact = Static<typeof EnvironmentalImpact>;

export const EnergyMix = energyMixSchema({ EnergySource, EnvironmentalImpact });
export type EnergyMix = Static<typeof EnergyMix>;
