/**
 * Tariffs module objects (mod_tariffs "Object description" and "Data types") of 2.2.1 and 2.3.0, over
 * a version's parts. 2.3.0 prices `min_price`/`max_price` as PriceLimit and adds `preauthorize_amount`
 * (Payments) and `tax_included`; the Bookings module adds the `booking` restriction. 2.1.1's Tariffs
 * are deltas of these (v2.1.1/tariffs.ts).
 */
import type { TProperties, TSchema } from '@sinclair/typebox';
import { Type } from '@sinclair/typebox';
import { CiString, DateTime, DisplayText, IfThen, LocalDate, MESSAGES_KEYWORD, OcpiString, TimeOfDay, Url } from './basic.js';
import type { Parts } from './compose.js';

/** What the Tariffs objects are built from, in one version. */
export interface TariffParts {
  DayOfWeek: TSchema;
  ReservationRestrictionType: TSchema;
  TariffDimensionType: TSchema;
  TariffType: TSchema;
  EnergyMix: TSchema;
  /** The type of `min_price` and `max_price` (Price in 2.2.1, PriceLimit in 2.3.0). */
  PriceLimit: TSchema;
  /**
   * Restrictions that make a TariffElement describe reservation-like costs, which "can only have FLAT
   * and TIME TariffDimensions" (`reservation`; 2.3.0 Bookings adds `booking`).
   */
  flatAndTimeOnly: readonly string[];
  /** Properties this version adds to TariffRestrictions and Tariff. */
  added: { TariffRestrictions: TProperties; Tariff: TProperties };
}

export function tariffSchemas<P extends TariffParts>(parts: Parts<P>) {
  /** mod_tariffs "PriceComponent class". `step_size` is an int (its unit depends on `type`). */
  const PriceComponent = Type.Object(
    {
      type: parts.TariffDimensionType,
      price: Type.Number(),
      vat: Type.Optional(Type.Number()),
      step_size: Type.Integer(),
    },
    { title: 'PriceComponent' },
  );

  /**
   * mod_tariffs "TariffRestrictions class". Times are `HH:MM`, dates `YYYY-MM-DD` (the regexes of the
   * table, anchored); durations are int seconds.
   */
  const TariffRestrictions = Type.Object(
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
      day_of_week: Type.Optional(Type.Array(parts.DayOfWeek)),
      reservation: Type.Optional(parts.ReservationRestrictionType),
      ...(parts.added.TariffRestrictions as P['added']['TariffRestrictions']),
    },
    { title: 'TariffRestrictions' },
  );

  /**
   * mod_tariffs "TariffElement class". When `restrictions.reservation` is set, the element describes
   * reservation costs and "a reservation can only have FLAT and TIME TariffDimensions".
   */
  const TariffElement = Type.Object(
    {
      price_components: Type.Array(PriceComponent, { minItems: 1 }),
      restrictions: Type.Optional(TariffRestrictions),
    },
    {
      title: 'TariffElement',
      allOf: parts.flatAndTimeOnly.map((restriction) =>
        IfThen(
          { properties: { restrictions: { required: [restriction] } }, required: ['restrictions'] },
          {
            properties: {
              price_components: {
                items: {
                  properties: {
                    type: {
                      enum: ['FLAT', 'TIME'],
                      [MESSAGES_KEYWORD]: { enum: `must be FLAT or TIME in a ${restriction} TariffElement` },
                    },
                  },
                },
              },
            },
          },
        ),
      ),
    },
  );

  /** mod_tariffs "Tariff Object". `elements` has cardinality + (at least one). */
  const Tariff = Type.Object(
    {
      country_code: CiString(2),
      party_id: CiString(3),
      id: CiString(36),
      currency: OcpiString(3),
      type: Type.Optional(parts.TariffType),
      tariff_alt_text: Type.Optional(Type.Array(DisplayText)),
      tariff_alt_url: Type.Optional(Url),
      min_price: Type.Optional(parts.PriceLimit),
      max_price: Type.Optional(parts.PriceLimit),
      elements: Type.Array(TariffElement, { minItems: 1 }),
      start_date_time: Type.Optional(DateTime),
      end_date_time: Type.Optional(DateTime),
      energy_mix: Type.Optional(parts.EnergyMix),
      last_updated: DateTime,
      ...(parts.added.Tariff as P['added']['Tariff']),
    },
    { title: 'Tariff' },
  );

  return { PriceComponent, TariffRestrictions, TariffElement, Tariff };
}
