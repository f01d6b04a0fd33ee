/**
 * OCPI 2.1.1 Tariffs module objects (mod_tariffs.md), as deltas of the shared definitions: no owner
 * fields, no tariff type, price limits or validity period, no VAT per component, fewer restrictions.
 */

import type { Static } from '@sinclair/typebox';
import { Type } from '@sinclair/typebox';
import { OcpiString } from '../common/basic.js';
import { derive } from '../common/compose.js';
import { tariffSchemas } from '../common/tariffs.js';
import * as enums from './enums.js';
import { EnergyMix } from './types.js';

const base = tariffSchemas({
  ...enums,
  // Not in 2.1.1: the fields that use them are left out below.
  ReservationRestrictionType: Type.Never(),
  TariffType: Type.Never(),
  PriceLimit: Type.Never(),
  EnergyMix,
  flatAndTimeOnly: [],
  added: { TariffRestrictions: {}, Tariff: {} },
});

/** mod_tariffs "4.2 PriceComponent class" (price excluding VAT, no `vat`). */
export const PriceComponent = derive(base.PriceComponent, { omit: ['vat'] });
export type PriceComponent = Static<typeof PriceComponent>;

/** mod_tariffs "4.5 TariffRestrictions class". */
export const TariffRestrictions = derive(base.TariffRestrictions, { omit: ['min_current', 'max_current', 'reservation'] });
export type TariffRestrictions = Static<typeof TariffRestrictions>;

/** mod_tariffs "4.3 TariffElement class". */
export const TariffElement = derive(base.TariffElement, {
  set: { price_components: Type.Array(PriceComponent, { minItems: 1 }), restrictions: Type.Optional(TariffRestrictions) },
});
export type TariffElement = Static<typeof TariffElement>;

/** mod_tariffs "3.1 Tariff Object". */
export const Tariff = derive(base.Tariff, {
  omit: ['country_code', 'party_id', 'type', 'min_price', 'max_price', 'start_date_time', 'end_date_time'],
  set: { id: OcpiString(36), elements: Type.Array(TariffElement, { minItems: 1 }) },
});
export type Tariff = Static<typeof Tariff>;
