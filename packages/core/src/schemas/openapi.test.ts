/**
 * The OpenAPI components generated from our schemas against the official OCPI OpenAPI description
 * (vendor/ocpi/openapi), object by object and field by field: property names, required properties,
 * types, enum values and openness, lengths. Where the official description is wrong by the spec text,
 * the difference is listed below with the section that says so; any other difference fails.
 */
import { describe, expect, it } from 'vitest';
import type { OcpiVersion } from '../edges/edge.js';
import { compareSchema, officialSchemas } from '../testing/official-openapi.js';
import { openApiComponents, openApiSchemas } from './openapi.js';
import * as v221 from './v2.2.1/index.js';

/** Our name for an official component, where they differ. */
const OUR_NAME: Readonly<Record<string, string>> = { OCPIResponse: 'OcpiResponse' };

/** Official components we do not model as a schema, and why. */
const NOT_MODELLED: Readonly<Record<string, string>> = {
  StatusCode: 'status_codes: an OCPI status_code is any four-digit int (1000-9999 checked); the list is not closed (custom codes exist)',
};

const PATCH_IDS =
  'transport_and_format "PATCH": the official PATCH bodies leave out the identifying fields; ours accept them, since a PATCH may repeat them, and the modules check that they match the URL';

const patchIds = (patch: string, ...fields: string[]): Record<string, string> =>
  Object.fromEntries(fields.map((field) => [`${patch}.${field}: type official absent, ours string`, PATCH_IDS]));

/** Where both versions' official descriptions contradict the spec text. */
const BOTH: Readonly<Record<string, string>> = {
  'SignedValue.plain_data: maxLength official 512, ours 5000': 'mod_cdrs "SignedValue class": string(5000); the note says 512 was a mistake',
  'Location.address: maxLength official 45, ours 255': 'mod_locations "Location Object": string(255); the note says 45 was a mistake',
  'Location.state: maxLength official 20, ours 45': 'mod_locations "Location Object": string(45); the note says 20 was a mistake',
  'LocationPatch.address: maxLength official 45, ours 255': 'as Location.address',
  'LocationPatch.state: maxLength official 20, ours 45': 'as Location.state',
  ...patchIds('LocationPatch', 'country_code', 'party_id', 'id'),
  ...patchIds('EVSEPatch', 'uid'),
  ...patchIds('ConnectorPatch', 'id'),
  ...patchIds('SessionPatch', 'country_code', 'party_id', 'id'),
};

/** Differences where the official description contradicts the spec text (the spec text wins). */
const EXPECTED: Readonly<Record<OcpiVersion, Readonly<Record<string, string>>>> = {
  '2.1.1': {},
  '2.2.1': {
    ...BOTH,
    'ImageCategory: official open, ours closed': 'mod_locations "ImageCategory enum": a closed table, not among the enums made open (issue 17)',
    'TariffType: official open, ours closed': 'mod_tariffs "TariffType enum": a closed table, not among the enums made open (issue 17)',
    'OcpiResponse: required only ours: status_code, timestamp': 'transport_and_format "Response format": status_code and timestamp card. 1',
  },
  '2.3.0': {
    ...BOTH,
    'Role: values only ours: PTP': 'terminology: PTP is a role linked to the Role enum, and the data owner of mod_payments; the table omits it',
    'Parking.apds_reference: maxLength official 36, ours undefined': 'mod_locations "Parking object": apds_reference is a CiString without a length',
    'TerminalPatch: required only official: last_updated': 'mod_payments "PATCH Terminal Method": no last_updated rule, and its example has none',
    ...patchIds('TerminalPatch', 'terminal_id', 'party_id', 'country_code'),
    ...patchIds('BookingLocationPatch', 'country_code', 'party_id', 'id', 'location_id'),
    ...patchIds('BookingPatch', 'id', 'country_code', 'party_id', 'request_id'),
    ...patchIds('CalendarPatch', 'id'),
  },
};

describe.each(['2.2.1', '2.3.0'] as const)('OpenAPI components of OCPI %s', (version) => {
  const official = officialSchemas(version);
  const ours = new Map(Object.entries(openApiComponents(version).schemas));

  it('model every official component schema', () => {
    expect(official.size).toBeGreaterThan(60);
    const missing = [...official.keys()].filter((name) => !ours.has(OUR_NAME[name] ?? name) && !(name in NOT_MODELLED));
    expect(missing).toEqual([]);
  });

  it('agree with the official ones field by field, except where the official description contradicts the spec text', () => {
    const differences = [...official].flatMap(([name, schema]) => {
      const ourName = OUR_NAME[name] ?? name;
      const our = ours.get(ourName);
      return our ? compareSchema(ourName, schema, our, official, ours) : [];
    });
    expect(differences.sort()).toEqual(Object.keys(EXPECTED[version]).sort());
  });
});

describe('openApiComponents', () => {
  it('gives each named schema one component and refers to it from the others', () => {
    const { schemas } = openApiComponents('2.3.0');
    expect(schemas.EVSE?.properties).toMatchObject({ connectors: { type: 'array', items: { $ref: '#/components/schemas/Connector' } } });
    expect(schemas.ConnectorType).toMatchObject({ type: 'string', 'x-ocpi-open-enum': true, examples: expect.arrayContaining(['MCS']) });
    expect(schemas.TaxIncluded).toEqual({ title: 'TaxIncluded', type: 'string', enum: ['YES', 'NO', 'N/A'] });
    expect(schemas.StartSession).toMatchObject({ dependentRequired: { connector_id: ['evse_uid'] } });
    expect(JSON.stringify(schemas)).not.toContain('x-ocpi-messages');
    // 2.1.1 has no official OpenAPI: its components are still generated.
    expect(openApiComponents('2.1.1').schemas.Endpoint?.required).toEqual(['identifier', 'url']);
  });

  it('refuses two different schemas under one title', () => {
    expect(() => openApiSchemas([v221.Location, { ...v221.Location, required: [] }])).toThrow(/Two different schemas are titled 'Location'/);
  });
});
