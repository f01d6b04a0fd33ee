import { describe, expect, it } from 'vitest';
import { normalizeOcpiDateTime } from './date-time.js';
import { createEventBus, type OcpiEvent } from './events.js';
import { locationsReceiver, locationsSender } from './modules/locations.js';
import type { CredentialsRole } from './partners/partner.js';
import type { Location } from './schemas/v2.2.1/index.js';
import { fastPathLocation } from './testing/fast-path.js';
import { moduleHarness } from './testing/modules-harness.js';
import { checkPartnerQuirks, ToleranceCounters } from './tolerances.js';

const role = (r: CredentialsRole['role'], country_code: string, party_id: string): CredentialsRole => ({
  role: r,
  country_code,
  party_id,
  business_details: { name: party_id },
});
const CPO = role('CPO', 'NL', 'CPO');
const EMSP = role('EMSP', 'NL', 'MSP');
const BEC = role('CPO', 'BE', 'BEC');
const IOT = role('EMSP', 'NL', 'IOT');
const becLocation = (extra: Partial<Location> = {}): Location => ({ ...fastPathLocation(1), country_code: 'BE', party_id: 'BEC', id: 'L1', ...extra });
const withStandard = (location: Location, standard: string): Location =>
  ({
    ...location,
    evses: location.evses?.map((e) => ({ ...e, connectors: e.connectors.map((c) => ({ ...c, standard })) })),
  }) as Location;

describe('DateTimes (types.asciidoc "DateTime type"): liberal in, strict out', () => {
  it.each([
    ['2015-06-29T20:39:09+00:00', '2015-06-29T20:39:09Z'],
    ['2015-06-29T22:39:09+02:00', '2015-06-29T20:39:09Z'],
    ['2015-06-29T18:39:09-0200', '2015-06-29T20:39:09Z'],
    ['2015-06-29T20:39:09.123456Z', '2015-06-29T20:39:09.123Z'],
    ['2015-06-29T20:39:09.000000+00:00', '2015-06-29T20:39:09Z'],
    ['2015-06-29 20:39:09z', '2015-06-29T20:39:09Z'],
    ['2016-01-01T00:30:00+01:00', '2015-12-31T23:30:00Z'],
  ])('reads %s as %s', (given, expected) => {
    expect(normalizeOcpiDateTime(given)).toBe(expected);
  });

  it.each(['2015-02-30T10:00:00+01:00', '2015-06-29T24:00:00Z', 'yesterday', '2015-06-29'])('does not guess at %s', (given) => {
    expect(normalizeOcpiDateTime(given)).toBeUndefined();
  });

  it('stores a pushed Location with offsets and microseconds as UTC Z, emitting one event per field', async () => {
    const events: OcpiEvent[] = [];
    const bus = createEventBus();
    bus.on('partner.tolerated', (e) => {
      events.push(e);
    });
    const h = moduleHarness({ parties: [EMSP], modules: [locationsReceiver()], events: bus });
    await h.partner('bec', [BEC]);
    const put = await h.call('PUT', 'receiver/locations/BE/BEC/L1', { token: 'bec', body: becLocation({ last_updated: '2024-03-01T13:00:00.123456+01:00' }) });
    expect(put.status).toBe(201);
    const stored = await h.call('GET', 'receiver/locations/BE/BEC/L1', { token: 'bec' });
    expect(stored.json.data.last_updated).toBe('2024-03-01T12:00:00.123Z');
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(events).toEqual([
      expect.objectContaining({
        type: 'partner.tolerated',
        kind: 'date-time',
        partnerId: 'partner-bec',
        objectType: 'Location',
        field: '/last_updated',
        value: '2024-03-01T13:00:00.123456+01:00',
        message: "Location /last_updated: DateTime '2024-03-01T13:00:00.123456+01:00' taken as 2024-03-01T12:00:00.123Z",
      }),
    ]);
  });

  it('still refuses a DateTime that names no instant, naming the field', async () => {
    const h = moduleHarness({ parties: [EMSP], modules: [locationsReceiver()] });
    await h.partner('bec', [BEC]);
    const put = await h.call('PUT', 'receiver/locations/BE/BEC/L1', { token: 'bec', body: becLocation({ last_updated: '2024-02-30T10:00:00+01:00' }) });
    expect(put.json.status_code).toBe(2001);
    expect(put.json.status_message).toContain('/last_updated');
    expect(h.server.tolerances.list()).toEqual([]);
  });
});

describe('open enums', () => {
  it('keeps an unknown value (a connector standard NACS) and counts it per partner, object type, field and value', async () => {
    const h = moduleHarness({ parties: [EMSP], modules: [locationsReceiver()] });
    await h.partner('bec', [BEC]);
    const put = await h.call('PUT', 'receiver/locations/BE/BEC/L1', { token: 'bec', body: withStandard(becLocation(), 'NACS') });
    expect(put.status).toBe(201);
    const stored = await h.call('GET', 'receiver/locations/BE/BEC/L1', { token: 'bec' });
    expect(stored.json.data.evses.map((e: { connectors: { standard: string }[] }) => e.connectors[0]?.standard)).toEqual(['NACS', 'NACS']);
    expect(h.server.tolerances.list('partner-bec')).toEqual([
      {
        partnerId: 'partner-bec',
        kind: 'open-enum',
        objectType: 'Location',
        field: '/evses/*/connectors/*/standard',
        value: 'NACS',
        count: 2,
        last: expect.any(String),
      },
    ]);
  });

  it('refuses it with 2001 naming the field for a partner whose quirks make enums strict, and keeps nothing', async () => {
    const h = moduleHarness({ parties: [EMSP], modules: [locationsReceiver()] });
    await h.partner('bec', [BEC]);
    const partner = await h.store.partners.get('partner-bec');
    await h.store.partners.save({ ...partner!, quirks: { enums: 'strict' } });
    const put = await h.call('PUT', 'receiver/locations/BE/BEC/L1', { token: 'bec', body: withStandard(becLocation(), 'NACS') });
    expect(put.status).toBe(200);
    expect(put.json.status_code).toBe(2001);
    expect(put.json.status_message).toBe(
      "Invalid Location: /evses/0/connectors/0/standard: 'NACS' is not a known ConnectorType value (this platform takes only known values from you); " +
        "/evses/1/connectors/0/standard: 'NACS' is not a known ConnectorType value (this platform takes only known values from you)",
    );
    expect((await h.call('GET', 'receiver/locations/BE/BEC/L1', { token: 'bec' })).status).toBe(404);
    // Known values still pass.
    expect((await h.call('PUT', 'receiver/locations/BE/BEC/L1', { token: 'bec', body: becLocation() })).status).toBe(201);
  });
});

describe('a wrong OCPI-to on a platform that is not a hub', () => {
  const headers = { 'ocpi-from-country-code': 'NL', 'ocpi-from-party-id': 'IOT', 'ocpi-to-country-code': 'NL', 'ocpi-to-party-id': 'IOT' };

  it('is answered for the one party of ours that serves the interface (a CPO and an eMSP on one platform)', async () => {
    const h = moduleHarness({ parties: [CPO, EMSP], modules: [locationsSender()] });
    await h.partner('iot', [IOT]);
    const res = await h.call('GET', 'sender/locations', { token: 'iot', headers });
    expect(res.json.status_code).toBe(1000);
    expect(res.headers).toMatchObject({ 'ocpi-from-country-code': 'NL', 'ocpi-from-party-id': 'CPO', 'ocpi-to-party-id': 'IOT' });
    expect(h.server.tolerances.list('partner-iot')).toEqual([expect.objectContaining({ kind: 'ocpi-to', value: 'NL*IOT', count: 1 })]);
  });

  it('is refused when the request could be for several of our parties', async () => {
    const h = moduleHarness({ parties: [CPO, role('CPO', 'NL', 'CP2')], modules: [locationsSender()] });
    await h.partner('iot', [IOT]);
    const res = await h.call('GET', 'sender/locations', { token: 'iot', headers });
    expect(res.json.status_code).toBe(2001);
    expect(res.json.status_message).toBe('OCPI-to-country-code/OCPI-to-party-id NL/IOT is not a party on this platform');
    expect(res.headers['ocpi-from-party-id']).toBeUndefined();
  });

  it('is refused by a hub, which routes by OCPI-to', async () => {
    const h = moduleHarness({ parties: [role('HUB', 'NL', 'HUB')], modules: [locationsSender()] });
    await h.partner('iot', [IOT]);
    const res = await h.call('GET', 'sender/locations', { token: 'iot', headers });
    expect(res.json.status_code).toBe(2001);
    expect(h.server.tolerances.list()).toEqual([]);
  });
});

describe('partner quirks and counters', () => {
  it('checks quirks an operator gives, naming each problem', () => {
    expect(checkPartnerQuirks({ enums: 'strict', dateFromRequired: true, maxPageSize: 50, clockSkewSeconds: -300 })).toEqual([]);
    expect(checkPartnerQuirks({ enums: 'loose', maxPageSize: 0, clockSkewSeconds: 1.5, dateFromRequired: 'yes', pageSize: 10 })).toEqual([
      "enums must be 'lenient' or 'strict', got \"loose\"",
      'maxPageSize must be a whole number of at least 1, got 0',
      'clockSkewSeconds must be a whole number of seconds within a day, got 1.5',
      'dateFromRequired must be true or false, got "yes"',
      "unknown quirk 'pageSize'; the quirks are enums, dateFromRequired, maxPageSize, clockSkewSeconds",
    ]);
    expect(checkPartnerQuirks([])).toEqual(['quirks must be an object']);
  });

  it('keeps at most the given number of counters: a partner sending ever new values is summed per kind', () => {
    const counters = new ToleranceCounters(3);
    for (let i = 0; i < 100; i++) counters.record({ partnerId: 'p', kind: 'open-enum', objectType: 'Location', field: '/facilities/0', value: `V${i}` });
    // Three with their details, then one without them for the partner and kind.
    expect(counters.list().map((c) => c.value ?? 'others')).toEqual(['others', 'V0', 'V1', 'V2']);
    expect(counters.totals()).toEqual([{ partnerId: 'p', kind: 'open-enum', count: 100 }]);
  });
});
