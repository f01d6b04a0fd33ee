/** OCPI 2.2.1 Tariffs module objects (mod_tariffs.asciidoc), defined once in schemas/shared/tariffs.ts. */

import type { Static } from '@sinclair/typebox';
import { tariffSchemas } from '../shared/tariffs.js';
import * as enums from './enums.js';
import { EnergyMix, Price } from './types.js';

export const { PriceComponent, TariffRestrictions, TariffElement, Tariff } = tariffSchemas({
  ...enums,
  EnergyMix,
  PriceLimit: Price,
  flatAndTimeOnly: ['reservation'],
  added: { TariffRestrictions: {}, Tariff: {} },
});
export type PriceComponent = Static<typeof PriceComponent>;
export type TariffRestrictions = Static<typeof TariffRestrictions>;
export type TariffElement = Static<typeof TariffElement>;
export type Tariff = Static<typeof Tariff>;
