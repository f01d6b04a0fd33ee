/**
 * OCPI 2.3.0 Tariffs module objects (mod_tariffs), defined once in schemas/common/tariffs.ts: prices
 * limited by PriceLimit, `tax_included` (required), `preauthorize_amount` for Payment Terminal
 * Providers, and the Bookings module's `booking` restriction (2.3.0-bookings mod_tariffs).
 */

import type { Static } from '@sinclair/typebox';
import { Type } from '@sinclair/typebox';
import { tariffSchemas } from '../common/tariffs.js';
import * as enums from './enums.js';
import { EnergyMix } from './types.js';

/** mod_tariffs "PriceLimit class": a minimum or maximum cost before taxes, and after taxes if known. */
export const PriceLimit = Type.Object(
  {
    before_taxes: Type.Number(),
    after_taxes: Type.Optional(Type.Number()),
  },
  { title: 'PriceLimit' },
);
export type PriceLimit = Static<typeof PriceLimit>;

const tariffs = tariffSchemas({
  ...enums,
  EnergyMix,
  PriceLimit,
  // "A booking can only have: FLAT and TIME TariffDimensions" (2.3.0-bookings, TariffRestrictions).
  flatAndTimeOnly: ['reservation', 'booking'],
  added: {
    TariffRestrictions: { booking: Type.Optional(enums.BookingRestrictionType) },
    Tariff: {
      preauthorize_amount: Type.Optional(Type.Number()),
      tax_included: enums.TaxIncluded,
    },
  },
});
export const PriceComponent = tariffs.PriceComponent;
export const TariffRestrictions = tariffs.TariffRestrictions;
export const TariffElement = tariffs.TariffElement;
export const Tariff = tariffs.Tariff;
export type PriceComponent = Static<typeof PriceComponent>;
export type TariffRestrictions = Static<typeof TariffRestrictions>;
export type TariffElement = Static<typeof TariffElement>;
export type Tariff = Static<typeof Tariff>;
