import { readdirSync } from 'node:fs';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Tariff } from '../schemas/v2.2.1/index.js';
import { EXAMPLES_2_2_1, example, role } from '../testing/examples.js';
import { EMSP_ROLE } from '../testing/fixtures.js';
import { type ModuleHarness, moduleHarness } from '../testing/modules-harness.js';
import { putOwnObject, STORE_MODULES } from './common.js';
import { tariffsReceiver, tariffsSender } from './tariffs.js';

const ALL = role('CPO', 'DE', 'ALL');
const TNM = role('CPO', 'NL', 'TNM');

/** tariff_1_simple_2hour.json: DE/ALL tariff 12. */
const simple = () => example<Tariff>('tariff_1_simple_2hour.json');

describe('Tariffs Receiver (eMSP side)', () => {
  let h: ModuleHarness;
  const url = (path: string) => `receiver/tariffs/${path}`;

  beforeEach(async () => {
    h = moduleHarness({ parties: [EMSP_ROLE], modules: [tariffsReceiver()] });
    await h.partner('all', [ALL]);
    await h.partner('tnm', [TNM]);
  });

  it('stores every official Tariff example (201) and serves it back on GET', async () => {
    const files = readdirSync(EXAMPLES_2_2_1).filter((f) => /^tariff_\d+_.*\.json$/.test(f));
    expect(files.length).toBeGreaterThanOrEqual(15);
    for (const file of files) {
      const tariff = example<Tariff>(file);
      h = moduleHarness({ parties: [EMSP_ROLE], modules: [tariffsReceiver()] });
      await h.partner('owner', [role('CPO', tariff.country_code, tariff.party_id)]);
      const path = url(`${tariff.country_code}/${tariff.party_id}/${tariff.id}`);
      expect((await h.call('PUT', path, { token: 'owner', body: tariff })).status, file).toBe(201);
      expect((await h.call('GET', path, { token: 'owner' })).json.data, file).toEqual(tariff);
    }
  });

  it('answers 200 to a PUT replacing a Tariff', async () => {
    await h.call('PUT', url('DE/ALL/12'), { token: 'all', body: simple() });
    const replaced = { ...simple(), currency: 'CHF', last_updated: '2020-01-01T00:00:00Z' };
    expect((await h.call('PUT', url('DE/ALL/12'), { token: 'all', body: replaced })).status).toBe(200);
    expect((await h.call('GET', url('DE/ALL/12'), { token: 'all' })).json.data).toEqual(replaced);
  });

  it('refuses the official PUT example, which has no last_updated, with 2001 naming it', async () => {
    const put = await h.call('PUT', url('DE/ALL/12'), { token: 'all', body: example('tariff_put_example.json') });
    expect(put.json.status_code).toBe(2001);
    expect(put.json.status_message).toContain('/last_updated');
  });

  it('refuses with 2001 a Tariff whose id or owner differs from the URL', async () => {
    const id = await h.call('PUT', url('DE/ALL/13'), { token: 'all', body: simple() });
    expect(id.json.status_code).toBe(2001);
    const owner = await h.call('PUT', url('NL/TNM/12'), { token: 'tnm', body: simple() });
    expect(owner.json.status_code).toBe(2001);
    expect((await h.call('GET', url('NL/TNM/12'), { token: 'tnm' })).status).toBe(404);
  });

  it('deletes a Tariff; deleting or getting an unknown one is HTTP 404', async () => {
    await h.call('PUT', url('DE/ALL/12'), { token: 'all', body: simple() });
    const del = await h.call('DELETE', url('DE/ALL/12'), { token: 'all' });
    expect(del.status).toBe(200);
    expect(del.json.status_code).toBe(1000);
    expect((await h.call('GET', url('DE/ALL/12'), { token: 'all' })).status).toBe(404);
    expect((await h.call('DELETE', url('DE/ALL/12'), { token: 'all' })).status).toBe(404);
  });

  it('has no PATCH or POST (405)', async () => {
    expect((await h.call('PATCH', url('DE/ALL/12'), { token: 'all', body: { last_updated: '2020-01-01T00:00:00Z' } })).status).toBe(405);
    expect((await h.call('POST', url('DE/ALL/12'), { token: 'all', body: simple() })).status).toBe(405);
  });

  it('another party can neither read, replace nor delete a Tariff, and the same id is its own', async () => {
    await h.call('PUT', url('DE/ALL/12'), { token: 'all', body: simple() });
    expect((await h.call('GET', url('DE/ALL/12'), { token: 'tnm' })).status).toBe(404);
    expect((await h.call('DELETE', url('DE/ALL/12'), { token: 'tnm' })).status).toBe(404);
    expect((await h.call('PUT', url('DE/ALL/12'), { token: 'tnm', body: simple() })).status).toBe(404);
    expect((await h.call('DELETE', url('NL/TNM/12'), { token: 'tnm' })).status).toBe(404);
    expect((await h.call('PUT', url('NL/TNM/12'), { token: 'tnm', body: { ...simple(), country_code: 'NL', party_id: 'TNM' } })).status).toBe(201);
    expect((await h.call('DELETE', url('NL/TNM/12'), { token: 'tnm' })).status).toBe(200);
    expect((await h.call('GET', url('DE/ALL/12'), { token: 'all' })).json.data).toEqual(simple());
  });
});

describe('Tariffs Sender (CPO side)', () => {
  it("lists the operator's Tariffs to every partner, paginated, oldest first", async () => {
    const h = moduleHarness({ parties: [ALL], modules: [tariffsSender()], pagination: { defaultLimit: 2, maxLimit: 10 } });
    await h.partner('msp', [EMSP_ROLE]);
    for (const id of ['T1', 'T2', 'T3']) await putOwnObject(h.store, STORE_MODULES.tariffs, ALL, { ...simple(), id });
    await h.store.objects.put(
      { module: STORE_MODULES.tariffs, owner: TNM, id: 'FOREIGN' },
      { data: { ...simple(), country_code: 'NL', party_id: 'TNM', id: 'FOREIGN' } },
    );
    const first = await h.call('GET', 'sender/tariffs', { token: 'msp' });
    expect(first.json.data.map((t: Tariff) => t.id)).toEqual(['T1', 'T2']);
    expect(first.headers['x-total-count']).toBe('3');
    const rest = await h.call('GET', 'sender/tariffs?offset=2&limit=5', { token: 'msp' });
    expect(rest.json.data.map((t: Tariff) => t.id)).toEqual(['T3']);
    expect(rest.headers['x-limit']).toBe('5');
  });
});
