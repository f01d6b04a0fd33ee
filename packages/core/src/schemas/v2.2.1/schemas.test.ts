/** Hand-written checks of the OCPI 2.2.1 schemas: subtle spec rules, cross-field rules, PATCH bodies. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { TSchema } from '@sinclair/typebox';
import { Type } from '@sinclair/typebox';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { EXAMPLES_2_2_1 } from '../../testing/examples.js';
import { createAjvValidatorFactory } from '../../validation/ajv.js';
import type { ValidationIssue } from '../../validation/validator.js';
import type { ModuleID } from './index.js';
import {
  ActiveChargingProfileResult,
  AnyResponseEnvelope,
  AuthorizationInfo,
  CancelReservation,
  CDR,
  ChargingPreferences,
  ChargingProfileResponse,
  ClearProfileResult,
  ClientInfo,
  CommandRequestSchemas,
  CommandResponse,
  CommandResult,
  ConnectorPatch,
  DateTime,
  Endpoint,
  EVSE,
  EvsePatch,
  GeoLocation,
  Hours,
  Location,
  LocationPatch,
  PublishTokenType,
  patchOf,
  ReserveNow,
  ResponseEnvelope,
  Session,
  SessionPatch,
  SetChargingProfile,
  StartSession,
  Status,
  StopSession,
  Tariff,
  Token,
  TokenPatch,
  UnlockConnector,
  Version,
} from './index.js';

const EXAMPLES_DIR = fileURLToPath(EXAMPLES_2_2_1);
const example = (file: string): Record<string, unknown> => JSON.parse(readFileSync(`${EXAMPLES_DIR}${file}`, 'utf8')) as Record<string, unknown>;

const factory = createAjvValidatorFactory();

function issuesOf(schema: TSchema, value: unknown): ValidationIssue[] {
  const result = factory.compile(schema).validate(value);
  return result.ok ? [] : result.issues;
}

function accepts(schema: TSchema, value: unknown): void {
  expect(issuesOf(schema, value)).toEqual([]);
}

function rejects(schema: TSchema, value: unknown, path: string, message?: string | RegExp): void {
  const issues = issuesOf(schema, value);
  const onPath = issues.filter((issue) => issue.path === path);
  expect(onPath, JSON.stringify(issues)).not.toHaveLength(0);
  if (typeof message === 'string') expect(onPath.map((issue) => issue.message)).toContain(message);
  else if (message)
    expect(
      onPath.some((issue) => message.test(issue.message)),
      JSON.stringify(onPath),
    ).toBe(true);
}

const location = example('location_example.json');
const evse = (location.evses as Record<string, unknown>[])[0] as Record<string, unknown>;
const connector = (evse.connectors as Record<string, unknown>[])[0] as Record<string, unknown>;
const cdr = example('cdr_example.json');
const token = example('token_put_example.json');

describe('unknown properties', () => {
  it('are allowed and kept, at the top level and nested', () => {
    const value = {
      ...location,
      x_vendor_extension: { rating: 5 },
      evses: [{ ...evse, x_evse_note: 'behind the gate', connectors: [{ ...connector, x_plug: true }] }],
    };
    const result = factory.compile(Location).validate(value);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value).toBe(value);
    expect(result.value).toEqual(value);
    expect((result.value as Record<string, unknown>).x_vendor_extension).toEqual({ rating: 5 });
    expect(result.value.evses?.[0]).toHaveProperty('x_evse_note', 'behind the gate');
  });

  it('are not removed from a PATCH body either', () => {
    const body = { status: 'CHARGING', last_updated: '2019-06-24T12:39:09Z', x_extra: 1 };
    const result = factory.compile(EvsePatch).validate(body);
    expect(result.ok && result.value).toEqual(body);
  });
});

describe('DateTime (types.asciidoc)', () => {
  it.each([
    '2015-06-29T20:39:09Z',
    '2015-06-29T20:39:09',
    '2016-12-29T17:45:09.2Z',
    '2016-12-29T17:45:09.2',
    '2018-01-01T01:08:01.123Z',
    '2018-01-01T01:08:01.123',
    '2020-02-29T00:00:00Z',
    '2016-12-31T23:59:60Z',
  ])('accepts %s (no zone designator means UTC)', (value) => {
    accepts(DateTime, value);
  });

  it.each([
    '2015-13-01T00:00:00Z',
    '2015-00-10T00:00:00Z',
    '2015-02-30T00:00:00Z',
    '2015-04-31T00:00:00Z',
    '2015-06-29T24:00:00Z',
    '2015-06-29T20:60:09Z',
    '2015-06-29T20:39:09+00:00', // "+00:00 is not the same as UTC"
    '2015-06-29T20:39:09+02:00',
    '2015-06-29 20:39:09Z',
    '2015-06-29',
    '2015-06-29T20:39Z',
    '2015-06-29T20:39:09.Z',
    '2015-06-29t20:39:09z',
    ' 2015-06-29T20:39:09Z',
    '',
  ])('rejects %j', (value) => {
    rejects(DateTime, value, '', 'must match DateTime format (RFC 3339)');
  });

  it('is string(25)', () => {
    accepts(DateTime, '2018-01-01T01:08:01.1234Z');
    accepts(DateTime, '2018-01-01T01:08:01.12345');
    rejects(DateTime, '2018-01-01T01:08:01.12345Z', '', 'must be at most 25 characters');
  });

  it('names the field inside an object', () => {
    rejects(Location, { ...location, last_updated: '2015-13-01T00:00:00Z' }, '/last_updated', 'must match DateTime format (RFC 3339)');
    rejects(Location, { ...location, last_updated: 1435610349 }, '/last_updated', 'must be a string');
  });
});

describe('GeoLocation (mod_locations): the spec regexes, anchored, plus string(10)/string(11)', () => {
  const point = (latitude: string, longitude = '3.729944') => ({ latitude, longitude });

  it.each(['51.047599', '51.04759', '5.0475991', '-5.047599', '0.00000', '-51.047599', '89.1234567'])('accepts latitude %s', (latitude) =>
    accepts(GeoLocation, point(latitude)),
  );

  it.each(['51.0', '51.0475', '51', '151.047599', '51,047599', 'x51.047599', '51.047599x', '51.047599 ', '+51.047599', '51.12345678'])(
    'rejects latitude %j',
    (latitude) => rejects(GeoLocation, point(latitude), '/latitude', /latitude/),
  );

  it('applies string(10) on top of the regex: -51.0475991 matches the regex but has 11 characters', () => {
    rejects(GeoLocation, point('-51.0475991'), '/latitude', 'must be at most 10 characters');
  });

  it.each(['3.729944', '-126.104965', '179.9999999', '0.00000'])('accepts longitude %s', (longitude) => {
    accepts(GeoLocation, point('51.047599', longitude));
  });

  it.each(['1234.12345', '3.7299', '3.729944E', '-3', 'east'])('rejects longitude %j', (longitude) => {
    rejects(GeoLocation, point('51.047599', longitude), '/longitude', /longitude/);
  });

  it('rejects numbers', () => {
    rejects(GeoLocation, { latitude: 51.047599, longitude: '3.729944' }, '/latitude', 'must be a string');
  });
});

describe('string types', () => {
  it('CiString: printable ASCII only, space allowed', () => {
    accepts(Location, { ...location, id: 'LOC 1' });
    rejects(Location, { ...location, id: 'LÖC1' }, '/id', 'must contain only printable ASCII characters');
    rejects(Location, { ...location, id: 'LOC\t1' }, '/id', 'must contain only printable ASCII characters');
  });

  it('string: printable UTF-8, no control characters', () => {
    accepts(Location, { ...location, city: 'Malmö' });
    rejects(Location, { ...location, name: 'Gent\nZuid' }, '/name', /control characters/);
  });

  it('maxLength counts characters, not UTF-16 units or bytes', () => {
    accepts(Location, { ...location, country: 'ÅÄÖ' });
    rejects(Location, { ...location, country: 'BELG' }, '/country', 'must be at most 3 characters');
  });

  it('URL: string(255) without whitespace or control characters', () => {
    const command = { response_url: 'https://server.com/ocpi/cmd/1', token, location_id: 'LOC1' };
    accepts(StartSession, command);
    rejects(StartSession, { ...command, response_url: 'https://server.com/a b' }, '/response_url', /must be a URL/);
    rejects(StartSession, { ...command, response_url: '' }, '/response_url', /must be a URL/);
    rejects(StartSession, { ...command, response_url: `https://server.com/${'a'.repeat(240)}` }, '/response_url', 'must be at most 255 characters');
  });
});

describe('enums', () => {
  it('report one clean "must be one of" issue', () => {
    const issues = issuesOf(EVSE, { ...evse, status: 'BROKEN' });
    expect(issues).toEqual([
      {
        path: '/status',
        message: 'must be one of AVAILABLE, BLOCKED, CHARGING, INOPERATIVE, OUTOFORDER, PLANNED, REMOVED, RESERVED, UNKNOWN',
      },
    ]);
  });

  it('are case sensitive', () => {
    rejects(Status, 'available', '', /^must be one of AVAILABLE/);
  });

  it('ModuleID is open: custom module identifiers are accepted', () => {
    accepts(Endpoint, { identifier: 'nltnm-tokens', role: 'SENDER', url: 'https://example.com/ocpi/2.2.1/x' });
    rejects(Endpoint, { identifier: 'my module', role: 'SENDER', url: 'https://example.com/x' }, '/identifier', /module identifier/);
    rejects(Endpoint, { identifier: 'tokens', role: 'BOTH', url: 'https://example.com/x' }, '/role', 'must be one of SENDER, RECEIVER');
    expectTypeOf<'nltnm-tokens'>().toExtend<ModuleID>();
    expectTypeOf<'tokens'>().toExtend<ModuleID>();
  });

  it('VersionNumber is open: versions newer than the table are accepted', () => {
    accepts(Version, { version: '2.2.1', url: 'https://example.com/ocpi/2.2.1' });
    accepts(Version, { version: '3.0', url: 'https://example.com/ocpi/3.0' });
    rejects(Version, { version: 'latest', url: 'https://example.com/ocpi' }, '/version', /version number/);
  });
});

describe('cross-field rules of the spec text', () => {
  it('PublishTokenType: one of uid, visual_number, group_id; uid needs type; visual_number needs issuer', () => {
    accepts(PublishTokenType, { group_id: 'G1' });
    accepts(PublishTokenType, { uid: '012345678', type: 'RFID' });
    accepts(PublishTokenType, { visual_number: '12345-67', issuer: 'NewMotion' });
    rejects(PublishTokenType, {}, '', 'must have at least one of uid, visual_number, group_id');
    rejects(PublishTokenType, { issuer: 'NewMotion' }, '', 'must have at least one of uid, visual_number, group_id');
    rejects(PublishTokenType, { uid: '012345678' }, '/type', 'is required when uid is set');
    rejects(PublishTokenType, { visual_number: '12345-67' }, '/issuer', 'is required when visual_number is set');
  });

  it('Location.publish_allowed_to may only be used when publish is false', () => {
    const allowed = [{ group_id: 'G1' }];
    accepts(Location, { ...location, publish: false, publish_allowed_to: allowed });
    accepts(Location, { ...location, publish: true, publish_allowed_to: [] });
    rejects(Location, { ...location, publish: true, publish_allowed_to: allowed }, '/publish_allowed_to', 'may only be used when publish is false');
  });

  it('Hours: regular_hours required (non-empty) when not 24/7, absent or empty when 24/7', () => {
    const monday = { weekday: 1, period_begin: '08:00', period_end: '20:00' };
    accepts(Hours, { twentyfourseven: false, regular_hours: [monday] });
    accepts(Hours, { twentyfourseven: true });
    rejects(Hours, { twentyfourseven: false }, '/regular_hours', 'is required when twentyfourseven is false');
    rejects(Hours, { twentyfourseven: false, regular_hours: [] }, '/regular_hours', /at least one RegularHours/);
    rejects(Hours, { twentyfourseven: true, regular_hours: [monday] }, '/regular_hours', 'may only be used when twentyfourseven is false');
    rejects(Hours, { twentyfourseven: false, regular_hours: [{ ...monday, weekday: 0 }] }, '/regular_hours/0/weekday', 'must be at least 1');
    rejects(Hours, { twentyfourseven: false, regular_hours: [{ ...monday, weekday: 8 }] }, '/regular_hours/0/weekday', 'must be at most 7');
    rejects(Hours, { twentyfourseven: false, regular_hours: [{ ...monday, period_end: '24:00' }] }, '/regular_hours/0/period_end', /HH:MM/);
    rejects(Hours, { twentyfourseven: false, regular_hours: [{ ...monday, period_begin: '8:00' }] }, '/regular_hours/0/period_begin', /HH:MM/);
  });

  it('CDR: credit CDRs need credit_reference_id; only credit CDRs may use an id longer than 36', () => {
    const long = 'C'.repeat(37);
    accepts(CDR, { ...cdr, id: 'C'.repeat(36) });
    rejects(CDR, { ...cdr, id: long }, '/id', /at most 36 characters/);
    accepts(CDR, { ...cdr, id: long, credit: true, credit_reference_id: '12345' });
    rejects(CDR, { ...cdr, id: long, credit: true }, '/credit_reference_id', /credit CDR/);
    rejects(CDR, { ...cdr, id: 'C'.repeat(40), credit: true, credit_reference_id: '12345' }, '/id', 'must be at most 39 characters');
  });

  it('CDR: "Session Only" dimension types are rejected in CDRs but accepted in Sessions', () => {
    const period = { start_date_time: '2015-06-29T21:39:09Z', dimensions: [{ type: 'STATE_OF_CHARGE', volume: 80 }] };
    rejects(CDR, { ...cdr, charging_periods: [period] }, '/charging_periods/0/dimensions/0/type', /Session-only/);
    accepts(Session, { ...example('session_example_2_short_finished.json'), charging_periods: [period] });
  });

  it('CdrDimension STATE_OF_CHARGE is a percentage 0 to 100', () => {
    const session = example('session_example_2_short_finished.json');
    const soc = (volume: number) => ({
      ...session,
      charging_periods: [{ start_date_time: '2015-06-29T21:39:09Z', dimensions: [{ type: 'STATE_OF_CHARGE', volume }] }],
    });
    accepts(Session, soc(100));
    rejects(Session, soc(101), '/charging_periods/0/dimensions/0/volume', 'must be at most 100');
  });

  it('Tariff: a reservation TariffElement only has FLAT and TIME price components', () => {
    const tariff = example('tariff_15_reservation_5_euro_per_hour.json');
    accepts(Tariff, tariff);
    const element = { price_components: [{ type: 'ENERGY', price: 0.25, step_size: 1 }], restrictions: { reservation: 'RESERVATION' } };
    rejects(Tariff, { ...tariff, elements: [element] }, '/elements/0/price_components/0/type', /FLAT or TIME/);
    accepts(Tariff, { ...tariff, elements: [{ ...element, restrictions: {} }] });
  });

  it('StartSession: evse_uid is required when connector_id is set', () => {
    const command = { response_url: 'https://server.com/ocpi/cmd/1', token, location_id: 'LOC1' };
    accepts(StartSession, { ...command, evse_uid: '3256', connector_id: '1' });
    rejects(StartSession, { ...command, connector_id: '1' }, '/evse_uid', 'is required when connector_id is set');
  });
});

describe('cardinality', () => {
  it('+ arrays need at least one item', () => {
    rejects(EVSE, { ...evse, connectors: [] }, '/connectors', 'must contain at least 1 item');
    rejects(CDR, { ...cdr, charging_periods: [] }, '/charging_periods', 'must contain at least 1 item');
  });

  it('* arrays may be empty', () => {
    accepts(Location, { ...location, evses: [], directions: [], facilities: [] });
  });

  it('int fields reject fractions and numeric strings (no coercion)', () => {
    rejects(EVSE, { ...evse, connectors: [{ ...connector, max_voltage: 220.5 }] }, '/connectors/0/max_voltage', 'must be an integer');
    rejects(EVSE, { ...evse, connectors: [{ ...connector, max_voltage: '220' }] }, '/connectors/0/max_voltage', 'must be an integer');
  });

  it('reports a missing nested required field with its full path', () => {
    const { standard: _omitted, ...withoutStandard } = connector;
    rejects(Location, { ...location, evses: [{ ...evse, connectors: [withoutStandard] }] }, '/evses/0/connectors/0/standard', 'is required');
  });
});

describe('PATCH bodies', () => {
  it('require last_updated and nothing else', () => {
    accepts(LocationPatch, { name: 'Interparking Gent Zuid', last_updated: '2019-06-24T12:39:09Z' });
    accepts(TokenPatch, { last_updated: '2019-06-19T02:11:11Z' });
    rejects(TokenPatch, { valid: false }, '/last_updated', 'is required');
    rejects(ConnectorPatch, {}, '/last_updated', 'is required');
  });

  it('validate the fields that are present, nested objects in full', () => {
    rejects(TokenPatch, { valid: 'no', last_updated: '2019-06-19T02:11:11Z' }, '/valid', 'must be a boolean');
    rejects(LocationPatch, { evses: [{ uid: '1' }], last_updated: '2019-06-24T12:39:09Z' }, '/evses/0/status', 'is required');
    rejects(
      SessionPatch,
      { charging_periods: [{ start_date_time: '2019-06-23T08:16:02Z', dimensions: [] }], last_updated: '2019-06-23T08:16:02Z' },
      '/charging_periods/0/dimensions',
      'must contain at least 1 item',
    );
  });

  it('patchOf keeps the property schemas and only relaxes the top-level required list', () => {
    const Thing = Type.Object({ id: Type.String(), n: Type.Integer(), last_updated: DateTime }, { title: 'Thing' });
    const ThingPatch = patchOf(Thing);
    expect(ThingPatch.title).toBe('ThingPatch');
    expect(ThingPatch.required).toEqual(['last_updated']);
    expect(ThingPatch.properties.n.type).toBe('integer');
    expectTypeOf<(typeof ThingPatch)['static']>().toEqualTypeOf<{ id?: string; n?: number; last_updated: string }>();
  });
});

describe('response envelope', () => {
  it('validates the envelope and the data', () => {
    const LocationResponse = ResponseEnvelope(Location);
    const envelope = { data: location, status_code: 1000, status_message: 'Success', timestamp: '2015-06-30T21:59:59Z' };
    accepts(LocationResponse, envelope);
    rejects(LocationResponse, { ...envelope, data: { ...location, id: undefined } }, '/data/id', 'is required');
    rejects(LocationResponse, { ...envelope, status_code: '1000' }, '/status_code', 'must be an integer');
    rejects(LocationResponse, { ...envelope, status_code: 200 }, '/status_code', 'must be at least 1000');
    const { timestamp: _t, ...withoutTimestamp } = envelope;
    rejects(LocationResponse, withoutTimestamp, '/timestamp', 'is required');
  });

  it('accepts an error response without data (transport_and_format example)', () => {
    accepts(AnyResponseEnvelope, { status_code: 2001, status_message: 'Missing required field: type', timestamp: '2015-06-30T21:59:59Z' });
    accepts(ResponseEnvelope(Type.Array(Token)), { status_code: 1000, timestamp: '2015-06-30T21:59:59' });
  });
});

describe('static types', () => {
  it('follow the cardinality', () => {
    expectTypeOf<Location['id']>().toEqualTypeOf<string>();
    expectTypeOf<Location['name']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<EVSE['status']>().toEqualTypeOf<Status>();
    expectTypeOf<Token['default_profile_type']>().toEqualTypeOf<'CHEAP' | 'FAST' | 'GREEN' | 'REGULAR' | undefined>();
  });
});

describe('objects without an official example', () => {
  const url = 'https://emsp.example.com/ocpi/2.2.1/results/42';
  const profile = {
    charging_rate_unit: 'W',
    start_date_time: '2019-06-24T12:00:00Z',
    duration: 3600,
    min_charging_rate: 1400.5,
    charging_profile_period: [
      { start_period: 0, limit: 11000 },
      { start_period: 1800, limit: 7400.1 },
    ],
  };

  it.each([
    [
      'SetChargingProfile',
      SetChargingProfile,
      { charging_profile: profile, response_url: url },
      '/charging_profile/charging_rate_unit',
      { charging_profile: { ...profile, charging_rate_unit: 'kW' }, response_url: url },
    ],
    ['ChargingProfileResponse', ChargingProfileResponse, { result: 'ACCEPTED', timeout: 30 }, '/timeout', { result: 'ACCEPTED', timeout: 1.5 }],
    [
      'ActiveChargingProfileResult',
      ActiveChargingProfileResult,
      { result: 'ACCEPTED', profile: { start_date_time: '2019-06-24T12:00:00Z', charging_profile: profile } },
      '/profile/charging_profile/charging_profile_period/0/start_period',
      { result: 'ACCEPTED', profile: { start_date_time: '2019-06-24T12:00:00Z', charging_profile: { ...profile, charging_profile_period: [{ limit: 1 }] } } },
    ],
    ['ClearProfileResult', ClearProfileResult, { result: 'UNKNOWN' }, '/result', { result: 'CLEARED' }],
    ['CancelReservation', CancelReservation, { response_url: url, reservation_id: 'R1' }, '/reservation_id', { response_url: url }],
    [
      'ReserveNow',
      ReserveNow,
      { response_url: url, token, expiry_date: '2019-06-24T13:00:00Z', reservation_id: 'R1', location_id: 'LOC1' },
      '/token/uid',
      { response_url: url, token: { ...token, uid: undefined }, expiry_date: '2019-06-24T13:00:00Z', reservation_id: 'R1', location_id: 'LOC1' },
    ],
    ['StopSession', StopSession, { response_url: url, session_id: 'S1' }, '/session_id', { response_url: url, session_id: 'S'.repeat(37) }],
    [
      'UnlockConnector',
      UnlockConnector,
      { response_url: url, location_id: 'L', evse_uid: 'E', connector_id: 'C' },
      '/connector_id',
      { response_url: url, location_id: 'L', evse_uid: 'E' },
    ],
    [
      'CommandResponse',
      CommandResponse,
      { result: 'ACCEPTED', timeout: 30, message: [{ language: 'en', text: 'ok' }] },
      '/message/0/language',
      { result: 'ACCEPTED', timeout: 30, message: [{ language: 'eng', text: 'ok' }] },
    ],
    ['CommandResult', CommandResult, { result: 'EVSE_OCCUPIED' }, '/result', { result: 'OCCUPIED' }],
    [
      'AuthorizationInfo',
      AuthorizationInfo,
      { allowed: 'ALLOWED', token, location: { location_id: 'LOC1', evse_uids: ['3256'] }, authorization_reference: 'A1' },
      '/location/location_id',
      { allowed: 'ALLOWED', token, location: { evse_uids: [] } },
    ],
    [
      'ChargingPreferences',
      ChargingPreferences,
      { profile_type: 'FAST', departure_time: '2019-06-24T18:00:00Z', energy_need: 20, discharge_allowed: false },
      '/departure_time',
      { profile_type: 'FAST', departure_time: 'tonight' },
    ],
    [
      'ClientInfo',
      ClientInfo,
      { party_id: 'TNM', country_code: 'NL', role: 'EMSP', status: 'CONNECTED', last_updated: '2019-06-24T12:39:09Z' },
      '/role',
      { party_id: 'TNM', country_code: 'NL', role: 'MSP', status: 'CONNECTED', last_updated: '2019-06-24T12:39:09Z' },
    ],
  ] as const)('%s: accepts a valid object and names the field of an invalid one', (_name, schema, valid, path, invalid) => {
    accepts(schema, valid);
    rejects(schema, invalid, path);
  });

  it('CommandRequestSchemas maps each CommandType to its body schema', () => {
    expect(Object.keys(CommandRequestSchemas).sort()).toEqual(['CANCEL_RESERVATION', 'RESERVE_NOW', 'START_SESSION', 'STOP_SESSION', 'UNLOCK_CONNECTOR']);
    expect(CommandRequestSchemas.START_SESSION).toBe(StartSession);
  });
});
