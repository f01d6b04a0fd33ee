import { beforeEach, describe, expect, it } from 'vitest';
import type { Location, Token } from '../schemas/v2.2.1/index.js';
import { example, role } from '../testing/examples.js';
import { type ModuleHarness, moduleHarness } from '../testing/modules-harness.js';
import { putOwnObject, STORE_MODULES } from './common.js';
import { authorizationNeedsLocation, storeTokensSender, type TokensSenderHandler, tokensReceiver, tokensSender } from './tokens.js';

const NL_TNM = role('EMSP', 'NL', 'TNM');
const DE_TNM = role('EMSP', 'DE', 'TNM');
const MSP = role('EMSP', 'DE', 'MSP');
const BEC = role('CPO', 'BE', 'BEC');

/** token_put_example.json: NL/TNM, uid 012345678, RFID, valid. */
const rfid = () => example<Token>('token_put_example.json');
/** token_example_1_app_user.json: DE/TNM, APP_USER. */
const appUser = () => example<Token>('token_example_1_app_user.json');
/** token_example_2_full_rfid.json: DE/TNM, uid 12345678905880, RFID (on uc4's publish_allowed_to list). */
const fullRfid = () => example<Token>('token_example_2_full_rfid.json');

describe('Tokens Sender (eMSP side)', () => {
  let h: ModuleHarness;
  const authorize = (path: string, body?: unknown, token = 'bec') =>
    h.call('POST', `sender/tokens/${path}`, { token, ...(body === undefined ? {} : { body }) });

  beforeEach(async () => {
    h = moduleHarness({ parties: [NL_TNM, DE_TNM], modules: [tokensSender()], pagination: { defaultLimit: 2, maxLimit: 2 } });
    await h.partner('bec', [BEC]);
    for (const token of [rfid(), appUser(), fullRfid()]) await putOwnObject(h.store, STORE_MODULES.tokens, token, token);
  });

  it("lists the operator's Tokens, paginated", async () => {
    const first = await h.call('GET', 'sender/tokens', { token: 'bec' });
    expect(first.json.data).toEqual([rfid(), appUser()]);
    expect(first.headers['x-total-count']).toBe('3');
    expect(first.headers.link).toContain('offset=2');
    expect((await h.call('GET', 'sender/tokens?offset=2', { token: 'bec' })).json.data).toEqual([fullRfid()]);
  });

  it('authorizes a known, valid RFID Token: ALLOWED with the complete Token', async () => {
    const res = await authorize('012345678/authorize');
    expect(res.status).toBe(200);
    expect(res.json.status_code).toBe(1000);
    expect(res.json.data).toMatchObject({ allowed: 'ALLOWED', token: rfid() });
    expect(res.json.data.authorization_reference).toMatch(/^[\x20-\x7E]{1,36}$/);
    expect(res.json.data.location).toBeUndefined();
  });

  it('finds a Token by uid AND type: ?type=APP_USER authorizes the app user, the RFID default does not', async () => {
    const res = await authorize(`${appUser().uid}/authorize?type=APP_USER`);
    expect(res.json.data).toMatchObject({ allowed: 'ALLOWED', token: appUser() });
    const asRfid = await authorize(`${appUser().uid}/authorize`);
    expect(asRfid.status).toBe(404);
    expect(asRfid.json.status_code).toBe(2004);
    expect((await authorize('012345678/authorize?type=APP_USER')).json.status_code).toBe(2004);
  });

  it('answers an unknown Token with HTTP 404, status 2004 and no data', async () => {
    const res = await authorize('unknown-uid/authorize', { location_id: 'LOC1' });
    expect(res.status).toBe(404);
    expect(res.json.status_code).toBe(2004);
    expect('data' in res.json).toBe(false);
  });

  it('refuses an unknown type parameter with 2001', async () => {
    const res = await authorize('012345678/authorize?type=BADGE');
    expect(res.json.status_code).toBe(2001);
    expect(res.json.status_message).toMatch(/type/);
  });

  it('answers BLOCKED for a Token that is not valid', async () => {
    await putOwnObject(h.store, STORE_MODULES.tokens, NL_TNM, { ...rfid(), valid: false });
    const res = await authorize('012345678/authorize');
    expect(res.json.data).toEqual({ allowed: 'BLOCKED', token: { ...rfid(), valid: false } });
  });

  it('returns the given LocationReferences with an ALLOWED answer', async () => {
    const location = { location_id: 'LOC1', evse_uids: ['3256', '3257'] };
    const res = await authorize('012345678/authorize', location);
    expect(res.json.data).toMatchObject({ allowed: 'ALLOWED', location });
  });

  it('answers NOT_ALLOWED at a Location the CPO published only to other Tokens (publish_allowed_to), ALLOWED to a listed one', async () => {
    const uc4 = example<Location>('location_example_uc4_limited_visibility.json');
    const cpo = role('CPO', uc4.country_code, uc4.party_id);
    await h.partner('uc4', [cpo]);
    await h.store.objects.put({ module: STORE_MODULES.locations, owner: cpo, id: uc4.id }, { data: uc4 });
    const refs = { location_id: uc4.id };
    expect((await authorize('012345678/authorize', refs, 'uc4')).json.data.allowed).toBe('NOT_ALLOWED');
    expect((await authorize(`${fullRfid().uid}/authorize`, refs, 'uc4')).json.data).toMatchObject({ allowed: 'ALLOWED', location: refs });
    // Another CPO's Location with the same id says nothing about this one: an unknown Location is no reason to refuse.
    expect((await authorize('012345678/authorize', refs, 'bec')).json.data.allowed).toBe('ALLOWED');
  });

  it('refuses invalid LocationReferences with 2001 naming the field', async () => {
    const res = await authorize('012345678/authorize', { evse_uids: ['1'] });
    expect(res.json.status_code).toBe(2001);
    expect(res.json.status_message).toContain('/location_id');
  });

  it('lets an operator handler ask for LocationReferences (2002) and otherwise use the default', async () => {
    const handler: TokensSenderHandler = {
      ...storeTokensSender,
      async authorize(token, location, request) {
        if (!location) throw authorizationNeedsLocation();
        return storeTokensSender.authorize(token, location, request);
      },
    };
    h = moduleHarness({ parties: [NL_TNM], modules: [tokensSender(handler)] });
    await h.partner('bec', [BEC]);
    await putOwnObject(h.store, STORE_MODULES.tokens, NL_TNM, rfid());
    const bare = await authorize('012345678/authorize');
    expect(bare.status).toBe(200);
    expect(bare.json.status_code).toBe(2002);
    expect((await authorize('012345678/authorize', { location_id: 'LOC1' })).json.data.allowed).toBe('ALLOWED');
  });
});

describe('Tokens Receiver (CPO side)', () => {
  let h: ModuleHarness;
  const url = (path: string) => `receiver/tokens/${path}`;

  beforeEach(async () => {
    h = moduleHarness({ parties: [BEC], modules: [tokensReceiver()] });
    await h.partner('tnm', [NL_TNM]);
    await h.partner('msp', [MSP]);
  });

  it('stores the official PUT example (201) and serves it, RFID being the default type', async () => {
    const put = await h.call('PUT', url('NL/TNM/012345678'), { token: 'tnm', body: rfid() });
    expect(put.status).toBe(201);
    expect((await h.call('GET', url('NL/TNM/012345678'), { token: 'tnm' })).json.data).toEqual(rfid());
    expect((await h.call('GET', url('NL/TNM/012345678?type=RFID'), { token: 'tnm' })).json.data).toEqual(rfid());
    expect((await h.call('GET', url('NL/TNM/012345678?type=APP_USER'), { token: 'tnm' })).status).toBe(404);
    expect((await h.call('PUT', url('NL/TNM/012345678'), { token: 'tnm', body: rfid() })).status).toBe(200);
  });

  it('keys Tokens by uid and type: the same uid as APP_USER is another Token', async () => {
    await h.call('PUT', url('NL/TNM/012345678'), { token: 'tnm', body: rfid() });
    const app = { ...rfid(), type: 'APP_USER', whitelist: 'NEVER' };
    expect((await h.call('PUT', url('NL/TNM/012345678?type=APP_USER'), { token: 'tnm', body: app })).status).toBe(201);
    expect((await h.call('GET', url('NL/TNM/012345678?type=APP_USER'), { token: 'tnm' })).json.data).toEqual(app);
    expect((await h.call('GET', url('NL/TNM/012345678'), { token: 'tnm' })).json.data).toEqual(rfid());
  });

  it('refuses with 2001 a Token whose type differs from the URL (RFID when omitted)', async () => {
    const app = { ...rfid(), type: 'APP_USER' };
    const put = await h.call('PUT', url('NL/TNM/012345678'), { token: 'tnm', body: app });
    expect(put.json.status_code).toBe(2001);
    expect(put.json.status_message).toMatch(/type 'APP_USER'.*'RFID'/);
  });

  it('refuses with 2001 a Token whose uid or owner differs from the URL', async () => {
    expect((await h.call('PUT', url('NL/TNM/999'), { token: 'tnm', body: rfid() })).json.status_code).toBe(2001);
    expect((await h.call('PUT', url('DE/MSP/012345678'), { token: 'msp', body: rfid() })).json.status_code).toBe(2001);
  });

  it('invalidates a Token with the official PATCH example, leaving the rest unchanged', async () => {
    await h.call('PUT', url('NL/TNM/012345678'), { token: 'tnm', body: rfid() });
    const patch = await h.call('PATCH', url('NL/TNM/012345678'), { token: 'tnm', body: example('token_patch_example.json') });
    expect(patch.status).toBe(200);
    expect((await h.call('GET', url('NL/TNM/012345678'), { token: 'tnm' })).json.data).toEqual({
      ...rfid(),
      valid: false,
      last_updated: '2019-06-19T02:11:11Z',
    });
  });

  it('refuses a PATCH without last_updated (2001), and answers 404 to a PATCH of an unknown Token', async () => {
    await h.call('PUT', url('NL/TNM/012345678'), { token: 'tnm', body: rfid() });
    const bare = await h.call('PATCH', url('NL/TNM/012345678'), { token: 'tnm', body: { valid: false } });
    expect(bare.json.status_code).toBe(2001);
    expect(bare.json.status_message).toContain('/last_updated');
    expect((await h.call('GET', url('NL/TNM/012345678'), { token: 'tnm' })).json.data.valid).toBe(true);
    expect((await h.call('PATCH', url('NL/TNM/unknown'), { token: 'tnm', body: example('token_patch_example.json') })).status).toBe(404);
    expect((await h.call('PATCH', url('NL/TNM/012345678?type=OTHER'), { token: 'tnm', body: example('token_patch_example.json') })).status).toBe(404);
  });

  it('refuses a PATCH that names another uid or type (2001)', async () => {
    await h.call('PUT', url('NL/TNM/012345678'), { token: 'tnm', body: rfid() });
    const patch = await h.call('PATCH', url('NL/TNM/012345678'), { token: 'tnm', body: { type: 'OTHER', last_updated: '2020-01-01T00:00:00Z' } });
    expect(patch.json.status_code).toBe(2001);
  });

  it("keeps each eMSP's Tokens apart", async () => {
    await h.call('PUT', url('NL/TNM/012345678'), { token: 'tnm', body: rfid() });
    expect((await h.call('GET', url('NL/TNM/012345678'), { token: 'msp' })).status).toBe(404);
    expect((await h.call('PATCH', url('NL/TNM/012345678'), { token: 'msp', body: example('token_patch_example.json') })).status).toBe(404);
    expect((await h.call('GET', url('DE/MSP/012345678'), { token: 'msp' })).status).toBe(404);
    const theirs = { ...rfid(), country_code: 'DE', party_id: 'MSP', valid: false };
    expect((await h.call('PUT', url('DE/MSP/012345678'), { token: 'msp', body: theirs })).status).toBe(201);
    expect((await h.call('GET', url('NL/TNM/012345678'), { token: 'tnm' })).json.data).toEqual(rfid());
  });
});
