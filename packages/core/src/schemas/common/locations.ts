/**
 * Locations module objects (mod_locations "Object description" and "Data types"), written once over a
 * version's parts: its enums, its shared classes, and the properties the version adds to Connector,
 * EVSE and Location (2.3.0: `capabilities`, `parking`, `accepted_service_providers`, `parking_places`,
 * `help_phone`). 2.1.1's Locations differ more and are deltas of these (v2.1.1/locations.ts).
 */
import type { TProperties, TSchema } from '@sinclair/typebox';
import { Type } from '@sinclair/typebox';
import { CiString, DateTime, DisplayText, IfThen, MESSAGES_KEYWORD, OcpiString, TimeOfDay, Url } from './basic.js';
import type { Parts } from './compose.js';

/** What the Locations objects are built from, in one version. */
export interface LocationParts {
  TokenType: TSchema;
  Capability: TSchema;
  ConnectorFormat: TSchema;
  ConnectorType: TSchema;
  Facility: TSchema;
  ParkingRestriction: TSchema;
  ParkingType: TSchema;
  PowerType: TSchema;
  Status: TSchema;
  GeoLocation: TSchema & { properties: { latitude: TSchema; longitude: TSchema } };
  Image: TSchema;
  BusinessDetails: TSchema;
  EnergyMix: TSchema;
  /** Properties this version adds to the Connector, EVSE and Location objects. */
  added: { Connector: TProperties; EVSE: TProperties; Location: TProperties };
}

export function locationSchemas<P extends LocationParts>(parts: Parts<P>) {
  /**
   * mod_locations "PublishTokenType class". Cross-field rules of the spec text: at least one of `uid`,
   * `visual_number`, `group_id` SHALL be set; `uid` requires `type`; `visual_number` requires `issuer`.
   */
  const PublishTokenType = Type.Object(
    {
      uid: Type.Optional(CiString(36)),
      type: Type.Optional(parts.TokenType),
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

  /** mod_locations "AdditionalGeoLocation class" (same coordinate rules as GeoLocation). */
  const AdditionalGeoLocation = Type.Object(
    {
      latitude: parts.GeoLocation.properties.latitude as P['GeoLocation']['properties']['latitude'],
      longitude: parts.GeoLocation.properties.longitude as P['GeoLocation']['properties']['longitude'],
      name: Type.Optional(DisplayText),
    },
    { title: 'AdditionalGeoLocation' },
  );

  /**
   * mod_locations "RegularHours class": weekday int(1) from Monday (1) to Sunday (7); begin/end as
   * `HH:MM`. ("period_end must be later than period_begin" compares two fields and is not expressed.)
   */
  const RegularHours = Type.Object(
    {
      weekday: Type.Integer({ minimum: 1, maximum: 7 }),
      period_begin: TimeOfDay,
      period_end: TimeOfDay,
    },
    { title: 'RegularHours' },
  );

  /** mod_locations "ExceptionalPeriod class". */
  const ExceptionalPeriod = Type.Object(
    {
      period_begin: DateTime,
      period_end: DateTime,
    },
    { title: 'ExceptionalPeriod' },
  );

  /**
   * mod_locations "Hours class". `regular_hours` is "only to be used if twentyfourseven=false, then
   * this field needs to contain at least one RegularHours object": required and non-empty when
   * `twentyfourseven` is false; absent or empty when it is true.
   */
  const Hours = Type.Object(
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

  /** mod_locations "StatusSchedule class". */
  const StatusSchedule = Type.Object(
    {
      period_begin: DateTime,
      period_end: Type.Optional(DateTime),
      status: parts.Status,
    },
    { title: 'StatusSchedule' },
  );

  /** mod_locations "Connector Object". */
  const Connector = Type.Object(
    {
      id: CiString(36),
      standard: parts.ConnectorType,
      format: parts.ConnectorFormat,
      power_type: parts.PowerType,
      max_voltage: Type.Integer(),
      max_amperage: Type.Integer(),
      max_electric_power: Type.Optional(Type.Integer()),
      tariff_ids: Type.Optional(Type.Array(CiString(36))),
      terms_and_conditions: Type.Optional(Url),
      last_updated: DateTime,
      ...(parts.added.Connector as P['added']['Connector']),
    },
    { title: 'Connector' },
  );

  /** mod_locations "EVSE Object". `connectors` has cardinality + (at least one). */
  const EVSE = Type.Object(
    {
      uid: CiString(36),
      evse_id: Type.Optional(CiString(48)),
      status: parts.Status,
      status_schedule: Type.Optional(Type.Array(StatusSchedule)),
      capabilities: Type.Optional(Type.Array(parts.Capability)),
      connectors: Type.Array(Connector, { minItems: 1 }),
      floor_level: Type.Optional(OcpiString(4)),
      coordinates: Type.Optional(parts.GeoLocation),
      physical_reference: Type.Optional(OcpiString(16)),
      directions: Type.Optional(Type.Array(DisplayText)),
      parking_restrictions: Type.Optional(Type.Array(parts.ParkingRestriction)),
      images: Type.Optional(Type.Array(parts.Image)),
      last_updated: DateTime,
      ...(parts.added.EVSE as P['added']['EVSE']),
    },
    { title: 'EVSE' },
  );

  /**
   * mod_locations "Location Object". `address` is string(255) and `state` string(45): the note under
   * the table says earlier releases mistakenly gave 45 and 20. `publish_allowed_to` "may only be used
   * when the publish field is set to false": it must be absent or empty when `publish` is true.
   */
  const Location = Type.Object(
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
      coordinates: parts.GeoLocation,
      related_locations: Type.Optional(Type.Array(AdditionalGeoLocation)),
      parking_type: Type.Optional(parts.ParkingType),
      evses: Type.Optional(Type.Array(EVSE)),
      directions: Type.Optional(Type.Array(DisplayText)),
      operator: Type.Optional(parts.BusinessDetails),
      suboperator: Type.Optional(parts.BusinessDetails),
      owner: Type.Optional(parts.BusinessDetails),
      facilities: Type.Optional(Type.Array(parts.Facility)),
      time_zone: OcpiString(255),
      opening_times: Type.Optional(Hours),
      charging_when_closed: Type.Optional(Type.Boolean()),
      images: Type.Optional(Type.Array(parts.Image)),
      energy_mix: Type.Optional(parts.EnergyMix),
      last_updated: DateTime,
      ...(parts.added.Location as P['added']['Location']),
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

  return { PublishTokenType, AdditionalGeoLocation, RegularHours, ExceptionalPeriod, Hours, StatusSchedule, Connector, EVSE, Location };
}
