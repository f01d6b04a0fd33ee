/**
 * OCPI 2.2.1 Locations module objects (mod_locations.asciidoc "Object description" and "Data types").
 * GeoLocation, BusinessDetails, Image and EnergyMix live in `types.ts` because other modules use them.
 */

import type { Static } from '@sinclair/typebox';
import { Type } from '@sinclair/typebox';
import { Capability, ConnectorFormat, ConnectorType, Facility, ParkingRestriction, ParkingType, PowerType, Status, TokenType } from './enums.js';
import {
  BusinessDetails,
  CiString,
  DateTime,
  DisplayText,
  EnergyMix,
  GeoLocation,
  IfThen,
  Image,
  MESSAGES_KEYWORD,
  OcpiString,
  TimeOfDay,
  Url,
} from './types.js';

/**
 * mod_locations "PublishTokenType class". Cross-field rules of the spec text: at least one of `uid`,
 * `visual_number`, `group_id` SHALL be set; `uid` requires `type`; `visual_number` requires `issuer`.
 */
export const PublishTokenType = Type.Object(
  {
    uid: Type.Optional(CiString(36)),
    type: Type.Optional(TokenType),
    visual_number: Type.Optional(OcpiString(64)),
    issuer: Type.Optional(OcpiString(64)),
    group_id: Type.Optional(CiString(36)),
  },
  {
    title: 'PublishTokenType',
    anyOf: [{ required: ['uid'] }, { required: ['visual_number'] }, { required: ['group_id'] }],
    dependencies: { uid: ['type'], visual_number: ['issuer'] },
  },
);
export type PublishTokenType = Static<typeof PublishTokenType>;

/** mod_locations "AdditionalGeoLocation class" (same coordinate rules as GeoLocation). */
export const AdditionalGeoLocation = Type.Object(
  {
    latitude: GeoLocation.properties.latitude,
    longitude: GeoLocation.properties.longitude,
    name: Type.Optional(DisplayText),
  },
  { title: 'AdditionalGeoLocation' },
);
export type AdditionalGeoLocation = Static<typeof AdditionalGeoLocation>;

/**
 * mod_locations "RegularHours class": weekday int(1) from Monday (1) to Sunday (7); begin/end as
 * `HH:MM`. ("period_end must be later than period_begin" compares two fields and is not expressed.)
 */
export const RegularHours = Type.Object(
  {
    weekday: Type.Integer({ minimum: 1, maximum: 7 }),
    period_begin: TimeOfDay,
    period_end: TimeOfDay,
  },
  { title: 'RegularHours' },
);
export type RegularHours = Static<typeof RegularHours>;

/** mod_locations "ExceptionalPeriod class". */
export const ExceptionalPeriod = Type.Object(
  {
    period_begin: DateTime,
    period_end: DateTime,
  },
  { title: 'ExceptionalPeriod' },
);
export type ExceptionalPeriod = Static<typeof ExceptionalPeriod>;

/**
 * mod_locations "Hours class". `regular_hours` is "only to be used if twentyfourseven=false, then this
 * field needs to contain at least one RegularHours object": required and non-empty when
 * `twentyfourseven` is false; absent or empty when it is true.
 */
export const Hours = Type.Object(
  {
    twentyfourseven: Type.Boolean(),
    regular_hours: Type.Optional(Type.Array(RegularHours)),
    exceptional_openings: Type.Optional(Type.Array(ExceptionalPeriod)),
    exceptional_closings: Type.Optional(Type.Array(ExceptionalPeriod)),
  },
  {
    title: 'Hours',
    allOf: [
      IfThen(
        { properties: { twentyfourseven: { const: false } }, required: ['twentyfourseven'] },
        {
          required: ['regular_hours'],
          properties: {
            regular_hours: {
              minItems: 1,
              [MESSAGES_KEYWORD]: { minItems: 'must contain at least one RegularHours when twentyfourseven is false' },
            },
          },
          [MESSAGES_KEYWORD]: { required: 'is required when twentyfourseven is false' },
        },
      ),
      IfThen(
        { properties: { twentyfourseven: { const: true } }, required: ['twentyfourseven'] },
        {
          properties: {
            regular_hours: {
              maxItems: 0,
              [MESSAGES_KEYWORD]: { maxItems: 'may only be used when twentyfourseven is false' },
            },
          },
        },
      ),
    ],
  },
);
export type Hours = Static<typeof Hours>;

/** mod_locations "StatusSchedule class". */
export const StatusSchedule = Type.Object(
  {
    period_begin: DateTime,
    period_end: Type.Optional(DateTime),
    status: Status,
  },
  { title: 'StatusSchedule' },
);
export type StatusSchedule = Static<typeof StatusSchedule>;

/** mod_locations "Connector Object". */
export const Connector = Type.Object(
  {
    id: CiString(36),
    standard: ConnectorType,
    format: ConnectorFormat,
    power_type: PowerType,
    max_voltage: Type.Integer(),
    max_amperage: Type.Integer(),
    max_electric_power: Type.Optional(Type.Integer()),
    tariff_ids: Type.Optional(Type.Array(CiString(36))),
    terms_and_conditions: Type.Optional(Url),
    last_updated: DateTime,
  },
  { title: 'Connector' },
);
export type Connector = Static<typeof Connector>;

/** mod_locations "EVSE Object". `connectors` has cardinality + (at least one). */
export const EVSE = Type.Object(
  {
    uid: CiString(36),
    evse_id: Type.Optional(CiString(48)),
    status: Status,
    status_schedule: Type.Optional(Type.Array(StatusSchedule)),
    capabilities: Type.Optional(Type.Array(Capability)),
    connectors: Type.Array(Connector, { minItems: 1 }),
    floor_level: Type.Optional(OcpiString(4)),
    coordinates: Type.Optional(GeoLocation),
    physical_reference: Type.Optional(OcpiString(16)),
    directions: Type.Optional(Type.Array(DisplayText)),
    parking_restrictions: Type.Optional(Type.Array(ParkingRestriction)),
    images: Type.Optional(Type.Array(Image)),
    last_updated: DateTime,
  },
  { title: 'EVSE' },
);
export type EVSE = Static<typeof EVSE>;

/**
 * mod_locations "Location Object". `address` is string(255) and `state` string(45): the note under the
 * table says earlier releases mistakenly gave 45 and 20. `publish_allowed_to` "may only be used when
 * the publish field is set to false": it must be absent or empty when `publish` is true.
 */
export const Location = Type.Object(
  {
    country_code: CiString(2),
    party_id: CiString(3),
    id: CiString(36),
    publish: Type.Boolean(),
    publish_allowed_to: Type.Optional(Type.Array(PublishTokenType)),
    name: Type.Optional(OcpiString(255)),
    address: OcpiString(255),
    city: OcpiString(45),
    postal_code: Type.Optional(OcpiString(10)),
    state: Type.Optional(OcpiString(45)),
    country: OcpiString(3),
    coordinates: GeoLocation,
    related_locations: Type.Optional(Type.Array(AdditionalGeoLocation)),
    parking_type: Type.Optional(ParkingType),
    evses: Type.Optional(Type.Array(EVSE)),
    directions: Type.Optional(Type.Array(DisplayText)),
    operator: Type.Optional(BusinessDetails),
    suboperator: Type.Optional(BusinessDetails),
    owner: Type.Optional(BusinessDetails),
    facilities: Type.Optional(Type.Array(Facility)),
    time_zone: OcpiString(255),
    opening_times: Type.Optional(Hours),
    charging_when_closed: Type.Optional(Type.Boolean()),
    images: Type.Optional(Type.Array(Image)),
    energy_mix: Type.Optional(EnergyMix),
    last_updated: DateTime,
  },
  {
    title: 'Location',
    allOf: [
      IfThen(
        { properties: { publish: { const: true } }, required: ['publish'] },
        {
          properties: {
            publish_allowed_to: {
              maxItems: 0,
              [MESSAGES_KEYWORD]: { maxItems: 'may only be used when publish is false' },
            },
          },
        },
      ),
    ],
  },
);
export type Location = Static<typeof Location>;
