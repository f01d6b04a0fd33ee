/**
 * CDRs module objects (mod_cdrs "Object description" and "Data types") of 2.2.1 and 2.3.0, over a
 * version's parts (2.3.0: Price with taxes; Bookings adds `booking_id`). 2.1.1's CDR differs more and is
 * a delta of these (v2.1.1/cdrs.ts).
 */
import type { TProperties, TSchema } from '@sinclair/typebox';
import { Type } from '@sinclair/typebox';
import { CiString, DateTime, IfThen, MESSAGES_KEYWORD, OcpiString } from './basic.js';
import type { Parts } from './compose.js';

/** The CdrDimensionType values marked "Session Only" (mod_cdrs): they SHALL NOT appear in CDRs. */
export const SESSION_ONLY_CDR_DIMENSION_TYPES = ['CURRENT', 'ENERGY_EXPORT', 'ENERGY_IMPORT', 'POWER', 'STATE_OF_CHARGE'] as const;

/** What the CDRs objects are built from, in one version. */
export interface CdrParts {
  AuthMethod: TSchema;
  CdrDimensionType: TSchema;
  ConnectorFormat: TSchema;
  ConnectorType: TSchema;
  PowerType: TSchema;
  TokenType: TSchema;
  GeoLocation: TSchema;
  Price: TSchema;
  Tariff: TSchema;
  /** Properties this version adds to the CDR object. */
  added: { CDR: TProperties };
}

export function cdrSchemas<P extends CdrParts>(parts: Parts<P>) {
  /** mod_cdrs "CdrToken class". */
  const CdrToken = Type.Object(
    {
      country_code: CiString(2),
      party_id: CiString(3),
      uid: CiString(36),
      type: parts.TokenType,
      contract_id: CiString(36),
    },
    { title: 'CdrToken' },
  );

  /** mod_cdrs "CdrDimension class". For STATE_OF_CHARGE the CdrDimensionType table allows values 0 to 100. */
  const CdrDimension = Type.Object(
    {
      type: parts.CdrDimensionType,
      volume: Type.Number(),
    },
    {
      title: 'CdrDimension',
      allOf: [IfThen({ properties: { type: { const: 'STATE_OF_CHARGE' } }, required: ['type'] }, { properties: { volume: { minimum: 0, maximum: 100 } } })],
    },
  );

  /** mod_cdrs "ChargingPeriod class" (used by Sessions and CDRs). `dimensions` has cardinality +. */
  const ChargingPeriod = Type.Object(
    {
      start_date_time: DateTime,
      dimensions: Type.Array(CdrDimension, { minItems: 1 }),
      tariff_id: Type.Optional(CiString(36)),
    },
    { title: 'ChargingPeriod' },
  );

  /**
   * mod_cdrs "CdrLocation class". Note `address` string(45) and `state` string(20) here, unlike the
   * Location object (the spec text keeps these lengths for CdrLocation).
   */
  const CdrLocation = Type.Object(
    {
      id: CiString(36),
      name: Type.Optional(OcpiString(255)),
      address: OcpiString(45),
      city: OcpiString(45),
      postal_code: Type.Optional(OcpiString(10)),
      state: Type.Optional(OcpiString(20)),
      country: OcpiString(3),
      coordinates: parts.GeoLocation,
      evse_uid: CiString(36),
      evse_id: CiString(48),
      connector_id: CiString(36),
      connector_standard: parts.ConnectorType,
      connector_format: parts.ConnectorFormat,
      connector_power_type: parts.PowerType,
    },
    { title: 'CdrLocation' },
  );

  /**
   * mod_cdrs "SignedValue class". `plain_data` is string(5000): the note under the table says earlier
   * releases mistakenly gave 512.
   */
  const SignedValue = Type.Object(
    {
      nature: CiString(32),
      plain_data: OcpiString(5000),
      signed_data: OcpiString(5000),
    },
    { title: 'SignedValue' },
  );

  /**
   * mod_cdrs "SignedData class". `url` is string(512) per the table text (not the URL type, whose
   * maximum is 255).
   */
  const SignedData = Type.Object(
    {
      encoding_method: CiString(36),
      encoding_method_version: Type.Optional(Type.Integer()),
      public_key: Type.Optional(OcpiString(512)),
      signed_values: Type.Array(SignedValue, { minItems: 1 }),
      url: Type.Optional(OcpiString(512)),
    },
    { title: 'SignedData' },
  );

  /**
   * mod_cdrs "CDR Object". Cross-field rules of the table text:
   * - `id` is CiString(39) to leave room for credit CDRs; normal (non-credit) CDRs SHALL use at most 36.
   * - `credit` = true requires `credit_reference_id`.
   * - CdrDimensionTypes marked "Session Only" SHALL NOT be used in CDR charging periods.
   */
  const CDR = Type.Object(
    {
      country_code: CiString(2),
      party_id: CiString(3),
      id: CiString(39),
      start_date_time: DateTime,
      end_date_time: DateTime,
      session_id: Type.Optional(CiString(36)),
      cdr_token: CdrToken,
      auth_method: parts.AuthMethod,
      authorization_reference: Type.Optional(CiString(36)),
      cdr_location: CdrLocation,
      meter_id: Type.Optional(OcpiString(255)),
      currency: OcpiString(3),
      tariffs: Type.Optional(Type.Array(parts.Tariff)),
      charging_periods: Type.Array(ChargingPeriod, { minItems: 1 }),
      signed_data: Type.Optional(SignedData),
      total_cost: parts.Price,
      total_fixed_cost: Type.Optional(parts.Price),
      total_energy: Type.Number(),
      total_energy_cost: Type.Optional(parts.Price),
      total_time: Type.Number(),
      total_time_cost: Type.Optional(parts.Price),
      total_parking_time: Type.Optional(Type.Number()),
      total_parking_cost: Type.Optional(parts.Price),
      total_reservation_cost: Type.Optional(parts.Price),
      remark: Type.Optional(OcpiString(255)),
      invoice_reference_id: Type.Optional(CiString(39)),
      credit: Type.Optional(Type.Boolean()),
      credit_reference_id: Type.Optional(CiString(39)),
      home_charging_compensation: Type.Optional(Type.Boolean()),
      last_updated: DateTime,
      ...(parts.added.CDR as P['added']['CDR']),
    },
    {
      title: 'CDR',
      allOf: [
        IfThen(
          { properties: { credit: { const: true } }, required: ['credit'] },
          {
            required: ['credit_reference_id'],
            [MESSAGES_KEYWORD]: { required: 'is required for a credit CDR (credit is true)' },
          },
          {
            properties: {
              id: {
                maxLength: 36,
                [MESSAGES_KEYWORD]: { maxLength: 'must be at most 36 characters (39 only for credit CDRs)' },
              },
            },
          },
        ),
        {
          properties: {
            charging_periods: {
              items: {
                properties: {
                  dimensions: {
                    items: {
                      properties: {
                        type: {
                          not: { enum: [...SESSION_ONLY_CDR_DIMENSION_TYPES] },
                          [MESSAGES_KEYWORD]: {
                            not: `must not be a Session-only dimension (${SESSION_ONLY_CDR_DIMENSION_TYPES.join(', ')}) in a CDR`,
                          },
                        },
                      },
                    },
                  },
                },
              },
            },
          },
        },
      ],
    },
  );

  return { CdrToken, CdrDimension, ChargingPeriod, CdrLocation, SignedValue, SignedData, CDR };
}
