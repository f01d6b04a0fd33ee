/** OCPI 2.2.1 Tariffs module objects (mod_tariffs.asciidoc), defined once in schemas/common/tariffs.ts. */

import type { Static } from '@sinclair/typebox';
import { tariffSchemas } from '../common/tariffs.js';
import * as enums from './enums.js';
import { EnergyMix, Price } from './types.js';

const tariffs = tariffSchemas({
  ...enums,
  EnergyMix,
  PriceLimit: Price,
  flatAndTimeOnly: ['reservation'],
  added: { TariffRestrictions: {}, Tariff: {} },
});
export const PriceComponent = tariffs.PriceComponent;
export const TariffRestrictions = tariffs.TariffRestrictions;
export const TariffElement = tariffs.TariffElement;
export const Tariff = tariffs.Tariff;
export type PriceComponent = Static<typeof PriceComponent>;
export type TariffRestrictions = Static<typeof TariffRestrictions>;
export type TariffElement = Static<typeof TariffElement>;
export type Tariff = Static<typeof Tariff>;
