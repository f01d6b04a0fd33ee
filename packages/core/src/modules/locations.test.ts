import { readdirSync } from 'node:fs';
import { beforeEach, describe, expect, it } from 'vitest';
import type { CredentialsRole } from '../partners/partner.js';
import type { Connector, EVSE, Location } from '../schemas/v2.2.1/index.js';
import { EXAMPLES_2_2_1, example } from '../testing/examples.js';
import { EMSP_ROLE } from '../testing/fixtures.js';
import { type ModuleHarness, moduleHarness } from '../testing/modules-harness.js';
import { TEST_BASE_URL } from '../testing/test-node.js';
import { putOwnObject, STORE_MODULES } from './common.js';
import { type LocationsSenderHandler, locationsReceiver, locationsSender, putOwnLocationChild, storeLocationsSender } from './locations.js';

const BEC: CredentialsRole = { role: 'CPO', country_code: 'BE', party_id: 'BEC', business_details: { name: 'BeCharged' } };
const TNM: CredentialsRole = { role: 'CPO', country_code: 'NL', party_id: 'TNM', business_details: { name: 'TNM' } };

/** location_example.json: BE/BEC LOC1, EVSEs 3256 (connectors 1, 2) and 3257. */
const loc1 = () => example<Location>('location_example.json');

describe('Locations Receiver (eMSP side)', () => {
  let h: ModuleHarness;
  const url = (path: string) => `receiver/locations/${path}`;
  const asBec = { token: 'bec' };
  const asTnm = { token: 'tnm' };

  beforeEach(async () => {
    h = moduleHarness({ parties: [EMSP_ROLE], modules: [locationsReceiver()] });
    await h.partner('bec', [BEC]);
    await h.partner('tnm', [TNM]);
  });

  describe('PUT and GET of a Location', () => {
    it('stores the official example: 201 when created, then GET returns it as pushed', async () => {
      const put = await h.call('PUT', url('BE/BEC/LOC1'), { ...asBec, body: loc1() });
      expect(put.status).toBe(201);
      expect(put.json.status_code).toBe(1000);
      const get = await h.call('GET', url('BE/BEC/LOC1'), asBec);
      expect(get.status).toBe(200);
      expect(get.json.data).toEqual(loc1());
    });

    it('answers 200 when a PUT replaces an existing Location, and the replacement wins', async () => {
      await h.call('PUT', url('BE/BEC/LOC1'), { ...asBec, body: loc1() });
      const replacement = { ...loc1(), name: 'Gent Noord', evses: [], last_updated: '2020-01-01T00:00:00Z' };
      const put = await h.call('PUT', url('BE/BEC/LOC1'), { ...asBec, body: replacement });
      expect(put.status).toBe(200);
      expect((await h.call('GET', url('BE/BEC/LOC1'), asBec)).json.data).toEqual(replacement);
    });

    it('accepts every official Location example', async () => {
      const files = readdirSync(EXAMPLES_2_2_1).filter((f) => /^location_example.*\.json$/.test(f));
      expect(files.length).toBeGreaterThanOrEqual(6);
      for (const file of files) {
        // Several examples share owner and id: each goes to a fresh node.
        h = moduleHarness({ parties: [EMSP_ROLE], modules: [locationsReceiver()] });
        const location = example<Location>(file);
        const partner = `${location.country_code}${location.party_id}`;
        await h.partner(partner, [{ role: 'CPO', country_code: location.country_code, party_id: location.party_id, business_details: { name: file } }]);
        const put = await h.call('PUT', url(`${location.country_code}/${location.party_id}/${location.id}`), { token: partner, body: location });
        expect(put.status, file).toBe(201);
      }
    });

    it('refuses with 2001 a Location whose id differs from the URL', async () => {
      const put = await h.call('PUT', url('BE/BEC/LOC2'), { ...asBec, body: loc1() });
      expect(put.status).toBe(200);
      expect(put.json.status_code).toBe(2001);
      expect(put.json.status_message).toMatch(/id 'LOC1'.*'LOC2'/);
      expect((await h.call('GET', url('BE/BEC/LOC2'), asBec)).status).toBe(404);
    });

    it('refuses with 2001 a Location whose country_code/party_id differ from the URL', async () => {
      const put = await h.call('PUT', url('NL/TNM/LOC1'), { token: 'tnm', body: loc1() });
      expect(put.json.status_code).toBe(2001);
      expect(put.json.status_message).toMatch(/country_code 'BE'/);
    });

    it('compares ids as CiStrings: loc1 in the URL names LOC1', async () => {
      expect((await h.call('PUT', url('be/bec/loc1'), { ...asBec, body: loc1() })).status).toBe(201);
      expect((await h.call('GET', url('BE/BEC/Loc1'), asBec)).json.data.id).toBe('LOC1');
    });

    it('refuses an invalid Location with 2001 naming the field', async () => {
      const { city, ...withoutCity } = loc1();
      const put = await h.call('PUT', url('BE/BEC/LOC1'), { ...asBec, body: withoutCity });
      expect(put.json.status_code).toBe(2001);
      expect(put.json.status_message).toContain('/city');
    });

    it('gives HTTP 404 with 2003 Unknown Location for a GET of an unknown Location', async () => {
      const get = await h.call('GET', url('BE/BEC/NOPE'), asBec);
      expect(get.status).toBe(404);
      expect(get.json.status_code).toBe(2003);
      expect(get.json.data).toBeUndefined();
    });

    it('has no POST or DELETE (405)', async () => {
      expect((await h.call('DELETE', url('BE/BEC/LOC1'), asBec)).status).toBe(405);
      expect((await h.call('POST', url('BE/BEC/LOC1'), { ...asBec, body: loc1() })).status).toBe(405);
    });
  });

  describe('nested EVSE and Connector writes', () => {
    beforeEach(async () => {
      await h.call('PUT', url('BE/BEC/LOC1'), { ...asBec, body: loc1() });
    });

    const newEvse = (): EVSE => ({ ...(loc1().evses?.[0] as EVSE), uid: '4000', evse_id: 'BE*BEC*E4000', last_updated: '2021-05-05T05:05:05Z' });

    it('adds a new EVSE (201) and gives the Location its last_updated', async () => {
      const put = await h.call('PUT', url('BE/BEC/LOC1/4000'), { ...asBec, body: newEvse() });
      expect(put.status).toBe(201);
      const location = (await h.call('GET', url('BE/BEC/LOC1'), asBec)).json.data as Location;
      expect(location.evses?.map((e) => e.uid)).toEqual(['3256', '3257', '4000']);
      expect(location.last_updated).toBe('2021-05-05T05:05:05Z');
      expect((await h.call('GET', url('BE/BEC/LOC1/4000'), asBec)).json.data).toEqual(newEvse());
    });

    it('replaces an existing EVSE in place (200)', async () => {
      const evse = { ...(loc1().evses?.[1] as EVSE), status: 'OUTOFORDER', last_updated: '2021-05-05T05:05:05Z' };
      const put = await h.call('PUT', url('BE/BEC/LOC1/3257'), { ...asBec, body: evse });
      expect(put.status).toBe(200);
      const location = (await h.call('GET', url('BE/BEC/LOC1'), asBec)).json.data as Location;
      expect(location.evses?.map((e) => e.uid)).toEqual(['3256', '3257']);
      expect(location.evses?.[1]).toEqual(evse);
    });

    it('refuses an EVSE whose uid differs from the URL (2001)', async () => {
      const put = await h.call('PUT', url('BE/BEC/LOC1/4001'), { ...asBec, body: newEvse() });
      expect(put.json.status_code).toBe(2001);
      expect(put.json.status_message).toMatch(/uid/);
    });

    it('refuses the official "add an EVSE" example, which lacks required Connector fields, naming them', async () => {
      const put = await h.call('PUT', url('BE/BEC/LOC1/3256'), { ...asBec, body: example('location_put_example_add_evse.json') });
      expect(put.json.status_code).toBe(2001);
      expect(put.json.status_message).toContain('/connectors/0/power_type');
    });

    it('refuses an EVSE for an unknown Location: HTTP 404 with 2003, nothing created', async () => {
      const put = await h.call('PUT', url('BE/BEC/LOC9/4000'), { ...asBec, body: newEvse() });
      expect(put.status).toBe(404);
      expect(put.json.status_code).toBe(2003);
      expect(put.json.status_message).toBe('Location LOC9 is not known; PUT the Location first');
      expect((await h.call('GET', url('BE/BEC/LOC9'), asBec)).status).toBe(404);
    });

    it('adds a Connector (201) and gives its EVSE and Location its last_updated', async () => {
      const connector: Connector = {
        id: '3',
        standard: 'CHADEMO',
        format: 'CABLE',
        power_type: 'DC',
        max_voltage: 500,
        max_amperage: 120,
        last_updated: '2022-02-02T02:02:02Z',
      };
      const put = await h.call('PUT', url('BE/BEC/LOC1/3256/3'), { ...asBec, body: connector });
      expect(put.status).toBe(201);
      expect((await h.call('GET', url('BE/BEC/LOC1/3256/3'), asBec)).json.data).toEqual(connector);
      const location = (await h.call('GET', url('BE/BEC/LOC1'), asBec)).json.data as Location;
      expect(location.last_updated).toBe('2022-02-02T02:02:02Z');
      expect(location.evses?.[0]?.last_updated).toBe('2022-02-02T02:02:02Z');
      expect(location.evses?.[0]?.connectors.map((c) => c.id)).toEqual(['1', '2', '3']);
      expect(location.evses?.[1]?.last_updated).toBe(loc1().evses?.[1]?.last_updated);
    });

    it('replaces a Connector (200) and refuses one for an unknown EVSE (404)', async () => {
      const connector = { ...(loc1().evses?.[0]?.connectors[1] as Connector), max_amperage: 32, last_updated: '2022-02-02T02:02:02Z' };
      expect((await h.call('PUT', url('BE/BEC/LOC1/3256/2'), { ...asBec, body: connector })).status).toBe(200);
      expect((await h.call('GET', url('BE/BEC/LOC1/3256/2'), asBec)).json.data.max_amperage).toBe(32);
      const unknown = await h.call('PUT', url('BE/BEC/LOC1/9999/2'), { ...asBec, body: connector });
      expect(unknown.status).toBe(404);
      expect(unknown.json.status_message).toMatch(/EVSE 9999/);
    });

    it('gives 404 for a GET of an unknown EVSE or Connector', async () => {
      expect((await h.call('GET', url('BE/BEC/LOC1/9999'), asBec)).status).toBe(404);
      expect((await h.call('GET', url('BE/BEC/LOC1/3256/9'), asBec)).status).toBe(404);
    });
  });

  describe('PATCH', () => {
    beforeEach(async () => {
      await h.call('PUT', url('BE/BEC/LOC1'), { ...asBec, body: loc1() });
    });

    it('updates an EVSE status with the official example and sets the Location last_updated', async () => {
      const patch = await h.call('PATCH', url('BE/BEC/LOC1/3256'), { ...asBec, body: example('location_patch_example_status.json') });
      expect(patch.status).toBe(200);
      expect(patch.json.status_code).toBe(1000);
      const location = (await h.call('GET', url('BE/BEC/LOC1'), asBec)).json.data as Location;
      expect(location.evses?.[0]).toEqual({ ...loc1().evses?.[0], status: 'CHARGING', last_updated: '2019-06-24T12:39:09Z' });
      expect(location.last_updated).toBe('2019-06-24T12:39:09Z');
      expect(location.evses?.[1]).toEqual(loc1().evses?.[1]);
    });

    it('changes the Location name with the official example and leaves the rest unchanged', async () => {
      await h.call('PATCH', url('BE/BEC/LOC1'), { ...asBec, body: example('location_patch_example_location.json') });
      const location = (await h.call('GET', url('BE/BEC/LOC1'), asBec)).json.data as Location;
      expect(location).toEqual({ ...loc1(), name: 'Interparking Gent Zuid', last_updated: '2019-06-24T12:39:09Z' });
    });

    it('sets Connector tariffs with the official example, updating the EVSE and Location last_updated', async () => {
      await h.call('PATCH', url('BE/BEC/LOC1/3256/2'), { ...asBec, body: example('location_patch_example_tariff.json') });
      const location = (await h.call('GET', url('BE/BEC/LOC1'), asBec)).json.data as Location;
      const evse = location.evses?.[0] as EVSE;
      expect(evse.connectors[1]).toEqual({ ...loc1().evses?.[0]?.connectors[1], tariff_ids: ['15'], last_updated: '2019-06-24T12:39:09Z' });
      expect(evse.connectors[0]).toEqual(loc1().evses?.[0]?.connectors[0]);
      expect(evse.last_updated).toBe('2019-06-24T12:39:09Z');
      expect(location.last_updated).toBe('2019-06-24T12:39:09Z');
    });

    it('marks an EVSE REMOVED with the official example: it stays, with status REMOVED', async () => {
      await h.call('PATCH', url('BE/BEC/LOC1/3257'), { ...asBec, body: example('location_patch_example_remove_evse.json') });
      const evse = (await h.call('GET', url('BE/BEC/LOC1/3257'), asBec)).json.data as EVSE;
      expect(evse.status).toBe('REMOVED');
      expect(evse.connectors).toEqual(loc1().evses?.[1]?.connectors);
    });

    it('refuses a PATCH without last_updated with 2001 naming it', async () => {
      const patch = await h.call('PATCH', url('BE/BEC/LOC1/3256'), { ...asBec, body: { status: 'CHARGING' } });
      expect(patch.status).toBe(200);
      expect(patch.json.status_code).toBe(2001);
      expect(patch.json.status_message).toContain('/last_updated');
      expect(((await h.call('GET', url('BE/BEC/LOC1/3256'), asBec)).json.data as EVSE).status).toBe('AVAILABLE');
    });

    it('answers a PATCH of an unknown object with HTTP 404 (the client should PUT it)', async () => {
      const location = await h.call('PATCH', url('BE/BEC/LOC9'), { ...asBec, body: example('location_patch_example_location.json') });
      expect(location.status).toBe(404);
      expect(location.json.status_code).toBe(2003);
      const evse = await h.call('PATCH', url('BE/BEC/LOC1/9999'), { ...asBec, body: example('location_patch_example_status.json') });
      expect(evse.status).toBe(404);
      const connector = await h.call('PATCH', url('BE/BEC/LOC1/3256/9'), { ...asBec, body: example('location_patch_example_tariff.json') });
      expect(connector.status).toBe(404);
      expect((await h.call('GET', url('BE/BEC/LOC9'), asBec)).status).toBe(404);
    });

    it('refuses a PATCH whose id differs from the URL (2001)', async () => {
      const patch = await h.call('PATCH', url('BE/BEC/LOC1/3256'), {
        ...asBec,
        body: { uid: '3257', status: 'CHARGING', last_updated: '2019-06-24T12:39:09Z' },
      });
      expect(patch.json.status_code).toBe(2001);
      expect((await h.call('GET', url('BE/BEC/LOC1'), asBec)).json.data).toEqual(loc1());
    });

    it('refuses a PATCH that would make the object invalid, and changes nothing', async () => {
      const uc4 = example<Location>('location_example_uc4_limited_visibility.json');
      await h.partner('uc4', [{ role: 'CPO', country_code: uc4.country_code, party_id: uc4.party_id, business_details: { name: 'uc4' } }]);
      const path = url(`${uc4.country_code}/${uc4.party_id}/${uc4.id}`);
      await h.call('PUT', path, { token: 'uc4', body: uc4 });
      const patch = await h.call('PATCH', path, { token: 'uc4', body: { publish: true, last_updated: '2023-01-01T00:00:00Z' } });
      expect(patch.json.status_code).toBe(2001);
      expect(patch.json.status_message).toContain('/publish_allowed_to');
      expect((await h.call('GET', path, { token: 'uc4' })).json.data).toEqual(uc4);
    });

    it('answers 200 to a PATCH that changes nothing', async () => {
      const same = { status: 'AVAILABLE', last_updated: loc1().evses?.[0]?.last_updated };
      const patch = await h.call('PATCH', url('BE/BEC/LOC1/3256'), { ...asBec, body: same });
      expect(patch.status).toBe(200);
    });
  });

  describe('party isolation', () => {
    beforeEach(async () => {
      await h.call('PUT', url('BE/BEC/LOC1'), { ...asBec, body: loc1() });
    });

    it('another party can neither read nor change what BE/BEC pushed (404)', async () => {
      expect((await h.call('GET', url('BE/BEC/LOC1'), asTnm)).status).toBe(404);
      expect((await h.call('GET', url('BE/BEC/LOC1/3256'), asTnm)).status).toBe(404);
      expect((await h.call('PUT', url('BE/BEC/LOC1'), { ...asTnm, body: loc1() })).status).toBe(404);
      expect((await h.call('PATCH', url('BE/BEC/LOC1/3256'), { ...asTnm, body: example('location_patch_example_status.json') })).status).toBe(404);
      expect((await h.call('GET', url('BE/BEC/LOC1'), asBec)).json.data).toEqual(loc1());
    });

    it('the same Location id under another party is another object', async () => {
      const theirs = { ...loc1(), country_code: 'NL', party_id: 'TNM', name: 'TNM one' };
      expect((await h.call('GET', url('NL/TNM/LOC1'), asTnm)).status).toBe(404);
      expect((await h.call('PUT', url('NL/TNM/LOC1'), { ...asTnm, body: theirs })).status).toBe(201);
      await h.call('PATCH', url('NL/TNM/LOC1/3256'), { ...asTnm, body: example('location_patch_example_status.json') });
      expect((await h.call('GET', url('BE/BEC/LOC1'), asBec)).json.data).toEqual(loc1());
      expect((await h.call('GET', url('NL/TNM/LOC1'), asTnm)).json.data.name).toBe('TNM one');
    });
  });
});

describe('Locations Sender (CPO side)', () => {
  let h: ModuleHarness;
  const MSP: CredentialsRole = EMSP_ROLE;

  async function putOwn(location: Location) {
    await putOwnObject(h.store, STORE_MODULES.locations, location, location);
  }

  beforeEach(async () => {
    h = moduleHarness({ parties: [BEC], modules: [locationsSender(), locationsReceiver()], pagination: { defaultLimit: 2, maxLimit: 2 } });
    await h.partner('msp', [MSP]);
  });

  const ids = (data: Location[]) => data.map((l) => l.id);

  it("lists the operator's Locations oldest first, paginated with X-Total-Count, X-Limit and Link", async () => {
    for (const id of ['L1', 'L2', 'L3']) await putOwn({ ...loc1(), id });
    const first = await h.call('GET', 'sender/locations', { token: 'msp' });
    expect(first.status).toBe(200);
    expect(ids(first.json.data)).toEqual(['L1', 'L2']);
    expect(first.headers['x-total-count']).toBe('3');
    expect(first.headers['x-limit']).toBe('2');
    expect(first.headers.link).toBe(`<${TEST_BASE_URL}/2.2.1/sender/locations?offset=2&limit=2>; rel="next"`);
    const second = await h.call('GET', 'sender/locations?offset=2&limit=2', { token: 'msp' });
    expect(ids(second.json.data)).toEqual(['L3']);
    expect(second.headers.link).toBeUndefined();
  });

  it('filters on last_updated with date_from (inclusive) and date_to (exclusive)', async () => {
    await putOwn({ ...loc1(), id: 'OLD', last_updated: '2019-01-01T00:00:00Z' });
    await putOwn({ ...loc1(), id: 'MID', last_updated: '2020-01-01T00:00:00Z' });
    await putOwn({ ...loc1(), id: 'NEW', last_updated: '2021-01-01T00:00:00Z' });
    const res = await h.call('GET', 'sender/locations?date_from=2020-01-01T00:00:00Z&date_to=2021-01-01T00:00:00Z', { token: 'msp' });
    expect(ids(res.json.data)).toEqual(['MID']);
    expect(res.headers['x-total-count']).toBe('1');
  });

  it('serves Locations pushed into the store with an EVSE change as updated: the parent last_updated follows', async () => {
    await putOwn({ ...loc1(), last_updated: '2019-01-01T00:00:00Z' });
    const evse = { ...(loc1().evses?.[0] as EVSE), status: 'CHARGING' as const, last_updated: '2024-03-03T03:03:03Z' };
    expect(await putOwnLocationChild(h.store, BEC, { level: 'evse', locationId: 'LOC1', evseUid: '3256', object: evse })).toBe('updated');
    const res = await h.call('GET', 'sender/locations?date_from=2024-01-01T00:00:00Z', { token: 'msp' });
    expect(ids(res.json.data)).toEqual(['LOC1']);
    expect(res.json.data[0].evses[0].status).toBe('CHARGING');
  });

  it('GETs one Location, EVSE or Connector', async () => {
    await putOwn(loc1());
    expect((await h.call('GET', 'sender/locations/LOC1', { token: 'msp' })).json.data).toEqual(loc1());
    expect((await h.call('GET', 'sender/locations/LOC1/3257', { token: 'msp' })).json.data).toEqual(loc1().evses?.[1]);
    expect((await h.call('GET', 'sender/locations/LOC1/3256/2', { token: 'msp' })).json.data).toEqual(loc1().evses?.[0]?.connectors[1]);
    const unknown = await h.call('GET', 'sender/locations/NOPE', { token: 'msp' });
    expect(unknown.status).toBe(404);
    expect(unknown.json.status_code).toBe(2003);
    // A partner cannot PUT to a Sender: the message only says what is unknown.
    expect(unknown.json.status_message).toBe('Location NOPE is not known');
    expect((await h.call('GET', 'sender/locations/LOC1/3256/7', { token: 'msp' })).status).toBe(404);
  });

  it("serves only the operator's own Locations, not those partners pushed to its Receiver", async () => {
    await putOwn({ ...loc1(), id: 'MINE' });
    await h.partner('tnm', [TNM]);
    await h.call('PUT', 'receiver/locations/NL/TNM/THEIRS', { token: 'tnm', body: { ...loc1(), country_code: 'NL', party_id: 'TNM', id: 'THEIRS' } });
    const res = await h.call('GET', 'sender/locations', { token: 'msp' });
    expect(ids(res.json.data)).toEqual(['MINE']);
    expect(res.headers['x-total-count']).toBe('1');
    expect((await h.call('GET', 'sender/locations/THEIRS', { token: 'msp' })).status).toBe(404);
  });

  it('has no PUT on the Sender (405)', async () => {
    expect((await h.call('PUT', 'sender/locations/LOC1', { token: 'msp', body: loc1() })).status).toBe(405);
  });

  it('uses an operator handler instead of the store, and may wrap the default', async () => {
    const calls: string[] = [];
    const handler: LocationsSenderHandler = {
      ...storeLocationsSender,
      async get(target, request) {
        calls.push(`${target.level}:${target.locationId}:${request.partner.roles[0]?.party_id}`);
        return target.locationId === 'LIVE' ? { ...loc1(), id: 'LIVE' } : undefined;
      },
    };
    h = moduleHarness({ parties: [BEC], modules: [locationsSender(handler)] });
    await h.partner('msp', [MSP]);
    expect((await h.call('GET', 'sender/locations/LIVE', { token: 'msp' })).json.data.id).toBe('LIVE');
    expect((await h.call('GET', 'sender/locations/GONE', { token: 'msp' })).status).toBe(404);
    expect(calls).toEqual(['location:LIVE:MSP', 'location:GONE:MSP']);
  });
});
