import { beforeEach, describe, expect, it } from 'vitest';
import type { CredentialsRole } from '../partners/partner.js';
import type { ClientInfo } from '../schemas/v2.3.0/index.js';
import { createMemoryStore } from '../store/memory.js';
import { CPO_ROLE, EMSP_ROLE } from '../testing/fixtures.js';
import { type ModuleHarness, moduleHarness } from '../testing/modules-harness.js';
import { putOwnObject, STORE_MODULES } from './common.js';
import { hubClientInfoReceiver, hubClientInfoSender } from './hub-client-info.js';

const HUB: CredentialsRole = { role: 'HUB', country_code: 'NL', party_id: 'HUB', business_details: { name: 'The Hub' } };
const OTHER_HUB: CredentialsRole = { role: 'HUB', country_code: 'DE', party_id: 'HBB', business_details: { name: 'Another Hub' } };

const info = (country_code: string, party_id: string, extra: Partial<ClientInfo> = {}): ClientInfo => ({
  country_code,
  party_id,
  role: 'CPO',
  status: 'PLANNED',
  last_updated: '2019-06-24T12:39:09Z',
  ...extra,
});

describe('Hub Client Info Receiver (a party connected to a Hub)', () => {
  let h: ModuleHarness;
  const url = (path: string) => `receiver/hubclientinfo/${path}`;

  beforeEach(async () => {
    h = moduleHarness({ parties: [EMSP_ROLE], modules: [hubClientInfoReceiver()] });
    await h.partner('hub', [HUB]);
    await h.partner('hub2', [OTHER_HUB]);
    await h.partner('cpo', [CPO_ROLE]);
  });

  it('keeps what the Hub pushes: 201 when new, 200 when replaced, served back on GET', async () => {
    const put = await h.call('PUT', url('NL/ALL'), { token: 'hub', body: info('NL', 'ALL') });
    expect(put.status).toBe(201);
    expect((await h.call('GET', url('NL/ALL'), { token: 'hub' })).json.data).toEqual(info('NL', 'ALL'));
    const connected = info('NL', 'ALL', { status: 'CONNECTED', last_updated: '2019-06-25T00:00:00Z' });
    expect((await h.call('PUT', url('NL/ALL'), { token: 'hub', body: connected })).status).toBe(200);
    expect((await h.call('GET', url('NL/ALL'), { token: 'hub' })).json.data).toEqual(connected);
  });

  it('uses no routing headers: a configuration module is platform to platform', async () => {
    const put = await h.call('PUT', url('NL/ALL'), { token: 'hub', body: info('NL', 'ALL') });
    expect(Object.keys(put.headers).filter((name) => name.startsWith('ocpi-'))).toEqual([]);
  });

  it('refuses with 2001 a ClientInfo for another party than the URL names', async () => {
    const put = await h.call('PUT', url('NL/ALL'), { token: 'hub', body: info('NL', 'XYZ') });
    expect(put.json.status_code).toBe(2001);
    expect(put.json.status_message).toMatch(/party_id 'XYZ'/);
  });

  it('refuses an invalid ClientInfo with 2001 naming the field', async () => {
    const put = await h.call('PUT', url('NL/ALL'), { token: 'hub', body: { ...info('NL', 'ALL'), status: 'ONLINE' } });
    expect(put.json.status_code).toBe(2001);
    expect(put.json.status_message).toContain('/status');
  });

  it('takes ClientInfo only from a Hub', async () => {
    const put = await h.call('PUT', url('NL/ALL'), { token: 'cpo', body: info('NL', 'ALL') });
    expect(put.json.status_code).toBe(2000);
    expect((await h.call('GET', url('NL/ALL'), { token: 'hub' })).status).toBe(404);
  });

  it("keeps each Hub's ClientInfo apart, and gives 404 for an unknown one", async () => {
    await h.call('PUT', url('NL/ALL'), { token: 'hub', body: info('NL', 'ALL') });
    expect((await h.call('GET', url('NL/ALL'), { token: 'hub2' })).status).toBe(404);
    await h.call('PUT', url('NL/ALL'), { token: 'hub2', body: info('NL', 'ALL', { status: 'SUSPENDED' }) });
    expect((await h.call('GET', url('NL/ALL'), { token: 'hub' })).json.data.status).toBe('PLANNED');
    expect((await h.call('GET', url('BE/ZZZ'), { token: 'hub' })).status).toBe(404);
  });
});

describe('Hub Client Info Sender (the Hub)', () => {
  it('lists the ClientInfo objects the Hub operator put in the store, paginated', async () => {
    const h = moduleHarness({ parties: [HUB], modules: [hubClientInfoSender()], pagination: { defaultLimit: 2, maxLimit: 2 } });
    await h.partner('cpo', [CPO_ROLE]);
    for (const party of ['AAA', 'BBB', 'CCC']) await putOwnObject(h.store, STORE_MODULES.hubClientInfo, HUB, info('NL', party));
    // The same party again replaces its ClientInfo rather than adding one.
    await putOwnObject(h.store, STORE_MODULES.hubClientInfo, HUB, info('NL', 'BBB', { status: 'CONNECTED' }));
    const first = await h.call('GET', 'sender/hubclientinfo', { token: 'cpo' });
    expect(first.json.data).toEqual([info('NL', 'AAA'), info('NL', 'BBB', { status: 'CONNECTED' })]);
    expect(first.headers['x-total-count']).toBe('3');
    expect(Object.keys(first.headers).filter((name) => name.startsWith('ocpi-'))).toEqual([]);
    expect((await h.call('GET', 'sender/hubclientinfo?offset=2', { token: 'cpo' })).json.data).toEqual([info('NL', 'CCC')]);
  });
});

describe('Hub Client Info in each version (one module, the canonical 2.3.0 ClientInfo)', () => {
  const ptp = (party_id: string): ClientInfo => ({ ...info('NL', party_id), role: 'PTP' });

  it('takes a 2.3.0 ClientInfo of a Payment Terminal Provider, which 2.2.1 has no role for (2001 naming /role)', async () => {
    for (const version of ['2.3.0', '2.2.1']) {
      const h = moduleHarness({ parties: [EMSP_ROLE], modules: [hubClientInfoReceiver()], version });
      await h.partner('hub', [HUB]);
      const put = await h.call('PUT', 'receiver/hubclientinfo/NL/PTP', { token: 'hub', body: ptp('PTP') });
      if (version === '2.3.0') {
        expect(put.status, version).toBe(201);
        expect((await h.call('GET', 'receiver/hubclientinfo/NL/PTP', { token: 'hub' })).json.data).toEqual(ptp('PTP'));
      } else {
        expect(put.json.status_code, version).toBe(2001);
        expect(put.json.status_message, version).toContain('/role');
      }
    }
  });

  it("serves the store's ClientInfo in the version asked: what 2.2.1 cannot express is left out of its page", async () => {
    const store = createMemoryStore();
    await putOwnObject(store, STORE_MODULES.hubClientInfo, HUB, info('NL', 'AAA'));
    await putOwnObject(store, STORE_MODULES.hubClientInfo, HUB, ptp('PTP'));
    const served: Record<string, unknown> = {};
    for (const version of ['2.3.0', '2.2.1']) {
      const h = moduleHarness({ parties: [HUB], modules: [hubClientInfoSender()], version, store });
      await h.partner('cpo', [CPO_ROLE]);
      served[version] = (await h.call('GET', 'sender/hubclientinfo', { token: 'cpo' })).json.data;
    }
    expect(served).toEqual({ '2.3.0': [info('NL', 'AAA'), ptp('PTP')], '2.2.1': [info('NL', 'AAA')] });
  });

  it('is not mounted in 2.1.1, which has no hubs', () => {
    const h = moduleHarness({ parties: [HUB], modules: [hubClientInfoSender(), hubClientInfoReceiver()], version: '2.1.1' });
    expect(h.server.mounted('2.1.1').map((m) => m.module.identifier)).not.toContain('hubclientinfo');
    const latest = moduleHarness({ parties: [HUB], modules: [hubClientInfoSender()], version: '2.3.0' });
    expect(latest.server.mounted('2.3.0').map((m) => m.module.identifier)).toContain('hubclientinfo');
  });
});
