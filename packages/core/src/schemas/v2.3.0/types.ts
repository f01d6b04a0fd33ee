/**
 * OCPI 2.3.0 basic types and shared classes (types.asciidoc; GeoLocation, Image, BusinessDetails,
 * EnergyMix of mod_locations). New: Price carries taxes (`before_taxes` and TaxAmounts instead of
 * `excl_vat`/`incl_vat`); ImageCategory and EnvironmentalImpactCategory are OpenEnums.
 */

import type { Static } from '@sinclair/typebox';
import { Type } from '@sinclair/typebox';
import { OcpiString } from '../common/basic.js';
import { classSchemas, energyMixSchema } from '../common/classes.js';
import { EnergySourceCategory, EnvironmentalImpactCategory, ImageCategory } from './enums.js';

export * from '../common/basic.js';
// Same coordinate rules as 2.2.1.
export { GeoLocation } from '../v2.2.1/types.js';

/** types.asciidoc "TaxAmount class". */
export const TaxAmount = Type.Object(
  {
    name: OcpiString(),
    account_number: Type.Optional(OcpiString()),
    percentage: Type.Optional(Type.Number()),
    amount: Type.Number(),
  },
  { title: 'TaxAmount' },
);
export type TaxAmount = Static<typeof TaxAmount>;

/** types.asciidoc "Price class": the price before taxes and the taxes relevant to the receiver. */
export const Price = Type.Object(
  {
    before_taxes: Type.Number(),
    taxes: Type.Optional(Type.Array(TaxAmount)),
  },
  { title: 'Price' },
);
export type Price = Static<typeof Price>;

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
