/** What differs between the versions' object models, and the open enum report, beyond the official examples. */
import { describe, expect, it } from 'vitest';
import { example } from '../testing/examples.js';
import { createAjvValidatorFactory } from '../validation/ajv.js';
import { knownValues } from './common/enums.js';
import { findUnknownEnumValues } from './common/unknown-enum-values.js';
import * as v211 from './v2.1.1/index.js';
import * as v221 from './v2.2.1/index.js';
import * as v230 from './v2.3.0/index.js';

const factory = createAjvValidatorFactory();
const issuesOf = (schema: Parameters<typeof factory.compile>[0], value: unknown) => {
  const result = factory.compile(schema).validate(value);
  return result.ok ? [] : result.issues;
};

const location230 = example<v230.Location>('location_example.json', '2.3.0');
const location221 = example<v221.Location>('location_example.json');

describe('open enums', () => {
  const withNewValues = <T extends v221.Location | v230.Location>(location: T): T => {
    const [evse] = location.evses ?? [];
    if (!evse) throw new Error('the example has an EVSE');
    const [connector] = evse.connectors;
    return {
      ...location,
      facilities: ['BEACH'],
      evses: [{ ...evse, connectors: [{ ...connector, standard: 'NACS' }] }],
    } as T;
  };

  it('2.3.0 and 2.2.1 accept an unknown ConnectorType or Facility, and findUnknownEnumValues names each by JSON Pointer', () => {
    for (const [schema, location] of [
      [v230.Location, withNewValues(location230)],
      [v221.Location, withNewValues(location221)],
    ] as const) {
      expect(issuesOf(schema, location)).toEqual([]);
      expect(findUnknownEnumValues(schema, location)).toEqual([
        { pointer: '/evses/0/connectors/0/standard', enum: 'ConnectorType', value: 'NACS' },
        { pointer: '/facilities/0', enum: 'Facility', value: 'BEACH' },
      ]);
    }
  });

  it('report nothing for known values, in 2.3.0 the values taken from 3.0 included', () => {
    expect(findUnknownEnumValues(v230.Location, location230)).toEqual([]);
    expect(knownValues(v230.ConnectorType)).toEqual(expect.arrayContaining(['MCS', 'SAE_J3400', 'IEC_62196_T2']));
    expect(knownValues(v230.TokenType)).toContain('EMAID');
    expect(findUnknownEnumValues(v230.Token, { ...example<v230.Token>('token_put_example.json', '2.3.0'), type: 'EMAID' })).toEqual([]);
    expect(findUnknownEnumValues(v221.Token, { ...example<v221.Token>('token_put_example.json'), type: 'EMAID' })).toEqual([
      { pointer: '/type', enum: 'TokenType', value: 'EMAID' },
    ]);
  });

  it('still hold an unknown value to the type rules: a string, not empty, no control characters, at most 255 characters', () => {
    const standard = (value: unknown) => issuesOf(v230.Connector, { ...location230.evses?.[0]?.connectors[0], standard: value });
    expect(standard('NACS')).toEqual([]);
    for (const wrong of ['', 'line\nbreak', 'x'.repeat(256), 7]) expect(standard(wrong).map((issue) => issue.path)).toEqual(['/standard']);
  });

  it('2.1.1 has only closed enums (but ModuleID and VersionNumber): an unknown ConnectorType is rejected', () => {
    const location = example<Record<string, unknown>>('mod_locations.md-L432.txt', '2.1.1');
    expect(issuesOf(v211.Location, location)).toEqual([]);
    const evses = location.evses as { connectors: Record<string, unknown>[] }[];
    const changed = { ...location, evses: [{ ...evses[0], connectors: [{ ...evses[0]?.connectors[0], standard: 'NACS' }] }] };
    expect(issuesOf(v211.Location, changed).map((issue) => issue.path)).toEqual(['/evses/0/connectors/0/standard']);
    expect(findUnknownEnumValues(v211.VersionDetails, { version: '2.1.1', endpoints: [{ identifier: 'nltnm-tokens', url: 'https://x.example/t' }] })).toEqual([
      { pointer: '/endpoints/0/identifier', enum: 'ModuleID', value: 'nltnm-tokens' },
    ]);
  });
});

describe('OCPI 2.3.0', () => {
  it('keeps custom fields (transport_and_format "Non-specified JSON fields")', () => {
    const value = { ...location230, operator_rating: 5 };
    const result = factory.compile(v230.Location).validate(value);
    expect(result.ok && result.value).toBe(value);
  });

  it('prices carry taxes; a 2.2.1 Price is not a 2.3.0 Price', () => {
    expect(issuesOf(v230.Price, { before_taxes: 10, taxes: [{ name: 'VAT', percentage: 21, amount: 2.1 }] })).toEqual([]);
    expect(issuesOf(v230.Price, { excl_vat: 10 }).map((issue) => issue.path)).toEqual(['/before_taxes']);
    expect(issuesOf(v230.Price, { before_taxes: 10, taxes: [{ name: 'VAT' }] }).map((issue) => issue.path)).toEqual(['/taxes/0/amount']);
  });

  it('Tariffs need tax_included; a booking TariffElement has only FLAT and TIME components', () => {
    const tariff = example<v230.Tariff>('tariff_1_simple_2hour.json', '2.3.0');
    const { tax_included: _dropped, ...withoutTaxIncluded } = tariff;
    expect(issuesOf(v230.Tariff, withoutTaxIncluded).map((issue) => issue.path)).toEqual(['/tax_included']);
    const element = { price_components: [{ type: 'ENERGY', price: 0.25, step_size: 1 }], restrictions: { booking: 'BOOKING' } };
    expect(issuesOf(v230.TariffElement, element)).toEqual([{ path: '/price_components/0/type', message: 'must be FLAT or TIME in a booking TariffElement' }]);
  });

  it('Credentials name the hub in hub_party_id (CiString(5)); Role has no HUB', () => {
    const credentials = { ...example<v230.Credentials>('credentials_example.json', '2.3.0'), hub_party_id: 'NLHUB' };
    expect(issuesOf(v230.Credentials, credentials)).toEqual([]);
    expect(issuesOf(v230.Credentials, { ...credentials, hub_party_id: 'NLHUB1' }).map((issue) => issue.path)).toEqual(['/hub_party_id']);
    expect(knownValues(v230.Role)).not.toContain('HUB');
    expect(knownValues(v221.Role)).toContain('HUB');
  });

  it('a Parking needs its vehicle types and the two restriction flags', () => {
    const parking = location230.parking_places?.[0];
    expect(issuesOf(v230.Parking, parking)).toEqual([]);
    expect(issuesOf(v230.Parking, { id: 'P1' }).map((issue) => issue.path)).toEqual(['/vehicle_types', '/restricted_to_type', '/reservation_required']);
  });
});

describe('the object type tables', () => {
  it('name the same object types in every version where the object exists, with the PATCH schema where the module has PATCH', () => {
    for (const table of [v211.OBJECT_TYPES, v221.OBJECT_TYPES, v230.OBJECT_TYPES]) {
      expect(table.Location).toMatchObject({ module: 'locations' });
      expect(table.Location?.patch?.title).toBe('LocationPatch');
      expect(table.CDR?.patch).toBeUndefined();
    }
    expect(v211.OBJECT_TYPES.Location?.schema).toBe(v211.Location);
    expect(v230.OBJECT_TYPES.Tariff?.patch).toBeUndefined();
    expect(v211.OBJECT_TYPES.Tariff?.patch).toBe(v211.TariffPatch);
    expect(v230.OBJECT_TYPES.Terminal).toEqual({ module: 'payments', schema: v230.Terminal, patch: v230.TerminalPatch });
    expect(v230.OBJECT_TYPES.Booking).toEqual({ module: 'bookings', schema: v230.Booking, patch: v230.BookingPatch });
    expect(Object.keys(v211.OBJECT_TYPES)).not.toContain('ClientInfo');
  });

  it('2.1.1 PATCH bodies need no last_updated; 2.2.1 and 2.3.0 ones do', () => {
    expect(issuesOf(v211.EvsePatch, { status: 'CHARGING' })).toEqual([]);
    expect(issuesOf(v230.EvsePatch, { status: 'CHARGING' }).map((issue) => issue.path)).toEqual(['/last_updated']);
  });
});
