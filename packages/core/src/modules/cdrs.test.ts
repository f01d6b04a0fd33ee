import { beforeEach, describe, expect, it } from 'vitest';
import type { CredentialsRole } from '../partners/partner.js';
import type { CDR } from '../schemas/v2.2.1/index.js';
import { example, role } from '../testing/examples.js';
import { type ModuleHarness, moduleHarness } from '../testing/modules-harness.js';
import { TEST_BASE_URL } from '../testing/test-node.js';
import { cdrsReceiver, cdrsSender } from './cdrs.js';
import { putOwnObject, STORE_MODULES } from './common.js';

const BEC = role('CPO', 'BE', 'BEC');
const STK = role('CPO', 'NL', 'STK');
const TNM = role('EMSP', 'DE', 'TNM');
const MSP = role('EMSP', 'NL', 'MSP');

/** cdr_example.json: BE/BEC CDR 12345 for a token of DE/TNM. */
const cdr = () => example<CDR>('cdr_example.json');

describe('CDRs Receiver (eMSP side)', () => {
  let h: ModuleHarness;
  const CDR_URL = `${TEST_BASE_URL}/2.2.1/receiver/cdrs/BE/BEC/12345`;

  beforeEach(async () => {
    h = moduleHarness({ parties: [TNM], modules: [cdrsReceiver()] });
    await h.partner('bec', [BEC]);
    await h.partner('stk', [STK]);
  });

  it('takes a new CDR (201) and answers the URL where it can be fetched in the Location header', async () => {
    const post = await h.call('POST', 'receiver/cdrs', { token: 'bec', body: cdr() });
    expect(post.status).toBe(201);
    expect(post.json.status_code).toBe(1000);
    expect(post.headers.location).toBe(CDR_URL);
    const path = post.headers.location!.slice(`${TEST_BASE_URL}/2.2.1/`.length);
    const get = await h.call('GET', path, { token: 'bec' });
    expect(get.status).toBe(200);
    expect(get.json.data).toEqual(cdr());
  });

  it('answers the same CDR posted again with success (200) and the same Location, changing nothing', async () => {
    await h.call('POST', 'receiver/cdrs', { token: 'bec', body: cdr() });
    const reordered = Object.fromEntries(Object.entries(cdr()).reverse());
    const again = await h.call('POST', 'receiver/cdrs', { token: 'bec', body: reordered });
    expect(again.status).toBe(200);
    expect(again.json.status_code).toBe(1000);
    expect(again.headers.location).toBe(CDR_URL);
    expect((await h.call('GET', 'receiver/cdrs/BE/BEC/12345', { token: 'bec' })).body).toContain('"country_code":"BE","party_id":"BEC"');
  });

  it('refuses a different CDR under an id already received (2001): CDRs cannot be changed', async () => {
    await h.call('POST', 'receiver/cdrs', { token: 'bec', body: cdr() });
    const changed = { ...cdr(), total_cost: { excl_vat: 1, incl_vat: 1.1 } };
    const post = await h.call('POST', 'receiver/cdrs', { token: 'bec', body: changed });
    expect(post.status).toBe(200);
    expect(post.json.status_code).toBe(2001);
    expect(post.json.status_message).toMatch(/Credit CDR/);
    expect((await h.call('GET', 'receiver/cdrs/BE/BEC/12345', { token: 'bec' })).json.data).toEqual(cdr());
  });

  it('takes a Credit CDR under a new id', async () => {
    await h.call('POST', 'receiver/cdrs', { token: 'bec', body: cdr() });
    const credit = { ...cdr(), id: '12345-C', credit: true, credit_reference_id: '12345', total_cost: { excl_vat: -4, incl_vat: -4.4 } };
    const post = await h.call('POST', 'receiver/cdrs', { token: 'bec', body: credit });
    expect(post.status).toBe(201);
    expect(post.headers.location).toBe(`${CDR_URL}-C`);
  });

  it('refuses an invalid CDR with 2001 naming the field', async () => {
    const post = await h.call('POST', 'receiver/cdrs', { token: 'bec', body: { ...cdr(), credit: true } });
    expect(post.json.status_code).toBe(2001);
    expect(post.json.status_message).toContain('/credit_reference_id');
    expect((await h.call('GET', 'receiver/cdrs/BE/BEC/12345', { token: 'bec' })).status).toBe(404);
  });

  it('refuses a CDR of another party than the caller (2001), storing nothing', async () => {
    const post = await h.call('POST', 'receiver/cdrs', { token: 'stk', body: cdr() });
    expect(post.json.status_code).toBe(2001);
    expect(post.headers.location).toBeUndefined();
    expect((await h.call('GET', 'receiver/cdrs/BE/BEC/12345', { token: 'bec' })).status).toBe(404);
  });

  it("keeps each CPO's CDRs apart: another party cannot read them, and the same id is its own CDR", async () => {
    await h.call('POST', 'receiver/cdrs', { token: 'bec', body: cdr() });
    expect((await h.call('GET', 'receiver/cdrs/BE/BEC/12345', { token: 'stk' })).status).toBe(404);
    const theirs = { ...cdr(), country_code: 'NL', party_id: 'STK' };
    const post = await h.call('POST', 'receiver/cdrs', { token: 'stk', body: theirs });
    expect(post.status).toBe(201);
    expect(post.headers.location).toBe(`${TEST_BASE_URL}/2.2.1/receiver/cdrs/NL/STK/12345`);
    expect((await h.call('GET', 'receiver/cdrs/BE/BEC/12345', { token: 'bec' })).json.data).toEqual(cdr());
  });

  it('gives 404 for an unknown CDR and has no PUT, PATCH or DELETE (405)', async () => {
    expect((await h.call('GET', 'receiver/cdrs/BE/BEC/nope', { token: 'bec' })).status).toBe(404);
    for (const method of ['PUT', 'PATCH', 'DELETE']) {
      expect((await h.call(method, 'receiver/cdrs/BE/BEC/12345', { token: 'bec', body: cdr() })).status, method).toBe(405);
    }
  });
});

describe('CDRs Sender (CPO side)', () => {
  let h: ModuleHarness;
  const forToken = (id: string, emsp: CredentialsRole, last_updated = '2015-06-29T22:01:13Z'): CDR => ({
    ...cdr(),
    id,
    cdr_token: { ...cdr().cdr_token, country_code: emsp.country_code, party_id: emsp.party_id },
    last_updated,
  });

  beforeEach(async () => {
    h = moduleHarness({ parties: [BEC], modules: [cdrsSender()], pagination: { defaultLimit: 2, maxLimit: 2 } });
    await h.partner('tnm', [TNM]);
    await h.partner('msp', [MSP]);
  });

  it('serves the official example to the eMSP of its token', async () => {
    await putOwnObject(h.store, STORE_MODULES.cdrs, BEC, cdr());
    const res = await h.call('GET', 'sender/cdrs', { token: 'tnm' });
    expect(res.json.data).toEqual([cdr()]);
  });

  it('shows each eMSP only its own CDRs, counted in X-Total-Count, paginated', async () => {
    for (const [id, emsp] of [
      ['C1', TNM],
      ['C2', MSP],
      ['C3', TNM],
      ['C4', TNM],
    ] as const)
      await putOwnObject(h.store, STORE_MODULES.cdrs, BEC, forToken(id, emsp));
    const first = await h.call('GET', 'sender/cdrs', { token: 'tnm' });
    expect(first.json.data.map((c: CDR) => c.id)).toEqual(['C1', 'C3']);
    expect(first.headers['x-total-count']).toBe('3');
    expect(first.headers.link).toContain('offset=2');
    const second = await h.call('GET', 'sender/cdrs?offset=2', { token: 'tnm' });
    expect(second.json.data.map((c: CDR) => c.id)).toEqual(['C4']);
    const msp = await h.call('GET', 'sender/cdrs', { token: 'msp' });
    expect(msp.json.data.map((c: CDR) => c.id)).toEqual(['C2']);
    expect(msp.headers['x-total-count']).toBe('1');
  });

  it('filters on last_updated', async () => {
    await putOwnObject(h.store, STORE_MODULES.cdrs, BEC, forToken('OLD', TNM, '2015-01-01T00:00:00Z'));
    await putOwnObject(h.store, STORE_MODULES.cdrs, BEC, forToken('NEW', TNM, '2016-01-01T00:00:00Z'));
    const res = await h.call('GET', 'sender/cdrs?date_from=2015-06-01T00:00:00Z', { token: 'tnm' });
    expect(res.json.data.map((c: CDR) => c.id)).toEqual(['NEW']);
    const before = await h.call('GET', 'sender/cdrs?date_to=2016-01-01T00:00:00Z', { token: 'tnm' });
    expect(before.json.data.map((c: CDR) => c.id)).toEqual(['OLD']);
  });
});
