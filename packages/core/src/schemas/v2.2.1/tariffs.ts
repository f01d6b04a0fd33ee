/** OCPI 2.2.1 Tariffs module objects (mod_tariffs.asciidoc "Object description" and "Data types"). */

import type { Static } from '@sinclair/typebox';
import { Type } from '@sinclair/typebox';
import { DayOfWeek, ReservationRestrictionType, TariffDimensionType, TariffType } from './enums.js';
import { CiString, DateTime, DisplayText, EnergyMix, IfThen, LocalDate, MESSAGES_KEYWORD, OcpiString, Price, TimeOfDay, Url } from './types.js';

/** mod_tariffs "PriceComponent class". `step_size` is an int (its unit depends on `type`). */
export const PriceComponent = Type.Object(
  {
    type: TariffDimensionType,
    price: Type.Number(),
    vat: Type.Optional(Type.Number()),
    step_size: Type.Integer(),
  },
  { title: 'PriceComponent' },
);
export type PriceComponent = Static<typeof PriceComponent>;

/**
 * mod_tariffs "TariffRestrictions class". Times are `HH:MM`, dates `YYYY-MM-DD` (the regexes of the
 * table, anchored); durations are int seconds.
 */
export const TariffRestrictions = Type.Object(
  {
    start_time: Type.Optional(TimeOfDay),
    end_time: Type.Optional(TimeOfDay),
    start_date: Type.Optional(LocalDate),
    end_date: Type.Optional(LocalDate),
    min_kwh: Type.Optional(Type.Number()),
    max_kwh: Type.Optional(Type.Number()),
    min_current: Type.Optional(Type.Number()),
    max_current: Type.Optional(Type.Number()),
    min_power: Type.Optional(Type.Number()),
    max_power: Type.Optional(Type.Number()),
    min_duration: Type.Optional(Type.Integer()),
    max_duration: Type.Optional(Type.Integer()),
    day_of_week: Type.Optional(Type.Array(DayOfWeek)),
    reservation: Type.Optional(ReservationRestrictionType),
  },
  { title: 'TariffRestrictions' },
);
export type TariffRestrictions = Static<typeof TariffRestrictions>;

/**
 * mod_tariffs "TariffElement class". When `restrictions.reservation` is set, the element describes
 * reservation costs and "a reservation can only have FLAT and TIME TariffDimensions".
 */
export const TariffElement = Type.Object(
  {
    price_components: Type.Array(PriceComponent, { minItems: 1 }),
    restrictions: Type.Optional(TariffRestrictions),
  },
  {
    title: 'TariffElement',
    allOf: [
      IfThen(
        { properties: { restrictions: { required: ['reservation'] } }, required: ['restrictions'] },
        {
          properties: {
            price_components: {
              items: {
                properties: {
                  type: {
                    enum: ['FLAT', 'TIME'],
                    [MESSAGES_KEYWORD]: { enum: 'must be FLAT or TIME in a reservation TariffElement' },
                  },
                },
              },
            },
          },
        },
      ),
    ],
  },
);
export type TariffElement = Static<typeof TariffElement>;

/** mod_tariffs "Tariff Object". `elements` has cardinality + (at least one). */
export const Tariff = Type.Object(
  {
    country_code: CiString(2),
    party_id: CiString(3),
    id: CiString(36),
    currency: OcpiString(3),
    type: Type.Optional(TariffType),
    tariff_alt_text: Type.Optional(Type.Array(DisplayText)),
    tariff_alt_url: Type.Optional(Url),
    min_price: Type.Optional(Price),
    max_price: Type.Optional(Price),
    elements: Type.Array(TariffElement, { minItems: 1 }),
    start_date_time: Type.Optional(DateTime),
    end_date_time: Type.Optional(DateTime),
    energy_mix: Type.Optional(EnergyMix),
    last_updated: DateTime,
  },
  { title: 'Tariff' },
);
export type Tariff = Static<typeof Tariff>;
