import { afterEach, describe, expect, it, vi } from 'vitest';
import { responseText } from '../envelope.js';
import type { OcpiRequest } from '../http.js';
import { type CredentialsRole, partnerToken } from '../partners/partner.js';
import {
  type ActiveChargingProfile,
  ActiveChargingProfileResult,
  type ChargingProfile,
  ChargingProfileResponse,
  type ChargingProfileResult,
} from '../schemas/v2.2.1/charging-profiles.js';
import type { Session } from '../schemas/v2.2.1/sessions.js';
import { example } from '../testing/examples.js';
import { CPO_ROLE, EMSP_ROLE, tokenHeader } from '../testing/fixtures.js';
import { type ModuleHarness, moduleHarness } from '../testing/modules-harness.js';
import { type RecordingFetch, recordingFetch } from '../testing/recording-fetch.js';
import { TEST_BASE_URL } from '../testing/test-node.js';
import { createAjvValidatorFactory } from '../validation/ajv.js';
import { type AsyncResultModule, createDeferred } from './async-results.js';
import {
  type ChargingProfilesReceiverHandler,
  type ChargingProfilesReceiverOptions,
  type ChargingProfilesSenderModule,
  chargingProfilesReceiver,
  chargingProfilesSender,
  readActiveChargingProfile,
  readChargingProfile,
} from './charging-profiles.js';
import { STORE_MODULES } from './common.js';

const CPO = { country_code: 'NL', party_id: 'CPO' };
const OTHER_EMSP: CredentialsRole = { role: 'EMSP', country_code: 'FR', party_id: 'OTH', business_details: { name: 'Other eMSP' } };
const RESPONSE_URL = 'https://emsp.example.com/ocpi/2.2.1/chargingprofiles/result/5678';

const session: Session = {
  ...example<Session>('session_example_1_simple_start.json'),
  country_code: 'NL',
  party_id: 'CPO',
  id: '1234',
  status: 'ACTIVE',
  cdr_token: { country_code: 'DE', party_id: 'MSP', uid: '123abc', type: 'RFID', contract_id: 'DE-MSP-C12345678-S' },
};

const profile: ChargingProfile = {
  charging_rate_unit: 'W',
  min_charging_rate: 2000,
  charging_profile_period: [
    { start_period: 0, limit: 11000 },
    { start_period: 1800, limit: 6000.5 },
  ],
};

const activeResultValidator = createAjvValidatorFactory().compile(ActiveChargingProfileResult);
const responseValidator = createAjvValidatorFactory().compile(ChargingProfileResponse);
const query = (params: Record<string, string>) => new URLSearchParams(params).toString();

async function registerPartner(h: ModuleHarness, token: string, roles: CredentialsRole[]) {
  await h.partner(token, roles);
  const partner = await h.store.partners.get(`partner-${token}`);
  if (!partner) throw new Error('partner not saved');
  await h.store.partners.save({ ...partner, outboundToken: partnerToken(`outbound-for-${token}`) });
}

interface ReceiverSetup {
  h: ModuleHarness;
  rec: RecordingFetch;
  module: AsyncResultModule;
  hooks: { onResultPostFailed: ReturnType<typeof vi.fn>; onResultTimeout: ReturnType<typeof vi.fn>; onResultError: ReturnType<typeof vi.fn> };
}

let opened: AsyncResultModule | undefined;
afterEach(async () => {
  await opened?.drain();
  opened = undefined;
});

async function receiver(handler: Partial<ChargingProfilesReceiverHandler> = {}, options: ChargingProfilesReceiverOptions = {}): Promise<ReceiverSetup> {
  const rec = recordingFetch();
  const hooks = { onResultPostFailed: vi.fn(), onResultTimeout: vi.fn(), onResultError: vi.fn() };
  const module = chargingProfilesReceiver(handler, { fetch: rec.fetch, defaults: { resultDelayMs: 0 }, ...hooks, ...options });
  opened = module;
  const h = moduleHarness({ parties: [CPO_ROLE], modules: [module] });
  await registerPartner(h, 'emsp', [EMSP_ROLE]);
  await registerPartner(h, 'other', [OTHER_EMSP]);
  await h.store.objects.put({ module: STORE_MODULES.sessions, owner: CPO, id: session.id }, { data: session });
  return { h, rec, module, hooks };
}

const getPath = (sessionId = '1234', params: Record<string, string> = { duration: '900', response_url: RESPONSE_URL }) =>
  `receiver/chargingprofiles/${sessionId}?${query(params)}`;
const deletePath = (sessionId = '1234', params: Record<string, string> = { response_url: RESPONSE_URL }) =>
  `receiver/chargingprofiles/${sessionId}?${query(params)}`;

describe('ChargingProfiles Receiver: PUT, GET and DELETE answered at once, results posted to response_url', () => {
  it('PUT SetChargingProfile: answers ChargingProfileResponse ACCEPTED, stores the profile, posts ChargingProfileResult ACCEPTED', async () => {
    const { h, rec, module } = await receiver();
    const res = await h.call('PUT', 'receiver/chargingprofiles/1234', {
      token: 'emsp',
      body: { charging_profile: profile, response_url: RESPONSE_URL },
      headers: { 'x-correlation-id': 'corr-put' },
    });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ status_code: 1000, data: { result: 'ACCEPTED', timeout: 30 } });
    expect(responseValidator.validate(res.json.data).ok).toBe(true);
    expect(await readChargingProfile(h.store, CPO, '1234')).toMatchObject({
      session_id: '1234',
      charging_profile: profile,
      set_by: [{ country_code: 'DE', party_id: 'MSP' }],
      partner_id: 'partner-emsp',
    });
    await module.drain();
    expect(rec.calls).toHaveLength(1);
    expect(rec.calls[0]).toMatchObject({ method: 'POST', url: RESPONSE_URL, json: { result: 'ACCEPTED' } });
    expect(rec.calls[0]?.headers).toMatchObject({
      authorization: `Token ${btoa('outbound-for-emsp')}`,
      'x-correlation-id': 'corr-put',
      'ocpi-from-party-id': 'CPO',
      'ocpi-to-party-id': 'MSP',
    });
  });

  it('GET ActiveChargingProfile: ACCEPTED at once, then the ActiveChargingProfileResult (UNKNOWN before a profile was set, the profile after)', async () => {
    const { h, rec, module } = await receiver();
    const before = await h.call('GET', getPath(), { token: 'emsp' });
    expect(before.json.data).toEqual({ result: 'ACCEPTED', timeout: 30 });
    await module.drain();
    expect(rec.calls[0]?.json).toEqual({ result: 'UNKNOWN' });

    await h.call('PUT', 'receiver/chargingprofiles/1234', { token: 'emsp', body: { charging_profile: profile, response_url: RESPONSE_URL } });
    await h.call('GET', getPath(), { token: 'emsp' });
    await module.drain();
    const result = rec.calls.at(-1)?.json as ActiveChargingProfileResult;
    expect(activeResultValidator.validate(result).ok).toBe(true);
    expect(result).toMatchObject({ result: 'ACCEPTED', profile: { charging_profile: profile } });
    expect(result.profile?.start_date_time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
  });

  it('accepts a response_url that carries its own query, as in the spec example', async () => {
    const { h, rec, module } = await receiver();
    const url = 'https://www.msp.com/ocpi/2.2.1/chargingprofile/response?request_id=5678';
    const res = await h.call('GET', getPath('1234', { duration: '900', response_url: url }), { token: 'emsp' });
    expect(res.json.status_code).toBe(1000);
    await module.drain();
    expect(rec.calls[0]?.url).toBe(url);
  });

  it('DELETE: ACCEPTED at once; ClearProfileResult ACCEPTED when a profile was set, UNKNOWN when none was', async () => {
    const { h, rec, module } = await receiver();
    await h.call('PUT', 'receiver/chargingprofiles/1234', { token: 'emsp', body: { charging_profile: profile, response_url: RESPONSE_URL } });
    const first = await h.call('DELETE', deletePath(), { token: 'emsp' });
    expect(first.json.data).toEqual({ result: 'ACCEPTED', timeout: 30 });
    await module.drain();
    expect(rec.calls.at(-1)?.json).toEqual({ result: 'ACCEPTED' });
    expect(await readChargingProfile(h.store, CPO, '1234')).toBeUndefined();
    await h.call('DELETE', deletePath(), { token: 'emsp' });
    await module.drain();
    expect(rec.calls.at(-1)?.json).toEqual({ result: 'UNKNOWN' });
  });

  it('answers at once while the handler result is still pending', async () => {
    const pending = createDeferred<ChargingProfileResult>();
    const { h, rec, module } = await receiver({ setChargingProfile: () => ({ response: { result: 'ACCEPTED', timeout: 90 }, result: pending.promise }) });
    const res = await h.call('PUT', 'receiver/chargingprofiles/1234', { token: 'emsp', body: { charging_profile: profile, response_url: RESPONSE_URL } });
    expect(res.json.data).toEqual({ result: 'ACCEPTED', timeout: 90 });
    expect(rec.calls).toHaveLength(0);
    pending.resolve({ result: 'REJECTED' });
    await module.drain();
    expect(rec.calls.map((c) => c.json)).toEqual([{ result: 'REJECTED' }]);
  });

  it('passes the decoded request to the handler', async () => {
    const get = vi.fn(() => ({ response: { result: 'NOT_SUPPORTED' as const } }));
    const { h, rec, module } = await receiver({ getActiveChargingProfile: get });
    const res = await h.call('GET', getPath('abc'), { token: 'emsp' });
    expect(res.json.data).toEqual({ result: 'NOT_SUPPORTED', timeout: 30 });
    expect(get).toHaveBeenCalledWith(
      { session_id: 'abc', duration: 900, response_url: RESPONSE_URL },
      expect.objectContaining({ partner: expect.objectContaining({ id: 'partner-emsp' }) }),
    );
    await module.drain();
    expect(rec.calls).toHaveLength(0);
  });
});

describe('ChargingProfiles Receiver: what it refuses', () => {
  it('refuses missing or malformed query parameters with 2001 naming the parameter', async () => {
    const { h, rec, module } = await receiver();
    const cases: [string, RegExp][] = [
      [getPath('1234', { response_url: RESPONSE_URL }), /^Query parameter duration is required/],
      [getPath('1234', { duration: 'abc', response_url: RESPONSE_URL }), /^Query parameter duration must be a positive whole number/],
      [getPath('1234', { duration: '-5', response_url: RESPONSE_URL }), /^Query parameter duration/],
      [getPath('1234', { duration: '1.5', response_url: RESPONSE_URL }), /^Query parameter duration/],
      [getPath('1234', { duration: '0', response_url: RESPONSE_URL }), /^Query parameter duration/],
      [getPath('1234', { duration: '900' }), /^Query parameter response_url is required/],
      [getPath('1234', { duration: '900', response_url: 'not a url' }), /^Query parameter response_url must be an absolute URL/],
      [getPath('1234', { duration: '900', response_url: `https://emsp.example.com/${'x'.repeat(250)}` }), /^Query parameter response_url must be at most 255/],
      [getPath('x'.repeat(37)), /^session_id must be 1 to 36/],
    ];
    for (const [path, message] of cases) {
      const res = await h.call('GET', path, { token: 'emsp' });
      expect(res.status, path).toBe(200);
      expect(res.json.status_code, path).toBe(2001);
      expect(res.json.status_message, path).toMatch(message);
    }
    const del = await h.call('DELETE', 'receiver/chargingprofiles/1234', { token: 'emsp' });
    expect(del.json).toMatchObject({ status_code: 2001, status_message: 'Query parameter response_url is required' });
    const delBad = await h.call('DELETE', deletePath('1234', { response_url: 'mailto:someone@example.com' }), { token: 'emsp' });
    expect(delBad.json.status_code).toBe(2001);
    expect(delBad.json.status_message).toMatch(/^Query parameter response_url must be an http or https URL/);
    await module.drain();
    expect(rec.calls).toHaveLength(0);
  });

  it('refuses an invalid SetChargingProfile with 2001 naming the field', async () => {
    const { h } = await receiver();
    const res = await h.call('PUT', 'receiver/chargingprofiles/1234', {
      token: 'emsp',
      body: { charging_profile: { ...profile, charging_rate_unit: 'kW' }, response_url: RESPONSE_URL },
    });
    expect(res.json.status_code).toBe(2001);
    expect(res.json.status_message).toMatch(/^Invalid SetChargingProfile: \/charging_profile\/charging_rate_unit/);
    const noUrl = await h.call('PUT', 'receiver/chargingprofiles/1234', { token: 'emsp', body: { charging_profile: profile } });
    expect(noUrl.json.status_message).toMatch(/\/response_url/);
    const relative = await h.call('PUT', 'receiver/chargingprofiles/1234', { token: 'emsp', body: { charging_profile: profile, response_url: '/results/1' } });
    expect(relative.json.status_code).toBe(2001);
    expect(relative.json.status_message).toMatch(/^response_url must be an absolute URL/);
  });

  it('answers UNKNOWN_SESSION for a session that is not one of ours, and posts nothing', async () => {
    const { h, rec, module } = await receiver();
    await h.store.objects.put(
      { module: STORE_MODULES.sessions, owner: { country_code: 'BE', party_id: 'BEC' }, id: 'FOREIGN' },
      { data: { ...session, id: 'FOREIGN', party_id: 'BEC' } },
    );
    for (const path of ['S404', 'FOREIGN']) {
      expect((await h.call('GET', getPath(path), { token: 'emsp' })).json.data).toEqual({ result: 'UNKNOWN_SESSION', timeout: 30 });
      expect(
        (await h.call('PUT', `receiver/chargingprofiles/${path}`, { token: 'emsp', body: { charging_profile: profile, response_url: RESPONSE_URL } })).json.data
          .result,
      ).toBe('UNKNOWN_SESSION');
      expect((await h.call('DELETE', deletePath(path), { token: 'emsp' })).json.data.result).toBe('UNKNOWN_SESSION');
    }
    await module.drain();
    expect(rec.calls).toHaveLength(0);
  });

  it("rejects another eMSP's request on a session of someone else's token, and leaves the profile alone", async () => {
    const { h, rec, module } = await receiver();
    await h.call('PUT', 'receiver/chargingprofiles/1234', { token: 'emsp', body: { charging_profile: profile, response_url: RESPONSE_URL } });
    await module.drain();
    const put = await h.call('PUT', 'receiver/chargingprofiles/1234', {
      token: 'other',
      body: { charging_profile: { charging_rate_unit: 'A' }, response_url: RESPONSE_URL },
    });
    expect(put.json.data.result).toBe('REJECTED');
    const del = await h.call('DELETE', deletePath(), { token: 'other' });
    expect(del.json.data.result).toBe('REJECTED');
    const get = await h.call('GET', getPath(), { token: 'other' });
    expect(get.json.data.result).toBe('REJECTED');
    await module.drain();
    expect(rec.calls).toHaveLength(1);
    expect((await readChargingProfile(h.store, CPO, '1234'))?.charging_profile).toEqual(profile);
  });

  it('rejects a profile for a session that is no longer running', async () => {
    const { h } = await receiver();
    await h.store.objects.put({ module: STORE_MODULES.sessions, owner: CPO, id: 'DONE' }, { data: { ...session, id: 'DONE', status: 'COMPLETED' } });
    const res = await h.call('PUT', 'receiver/chargingprofiles/DONE', { token: 'emsp', body: { charging_profile: profile, response_url: RESPONSE_URL } });
    expect(res.json.data.result).toBe('REJECTED');
  });

  it('lets the operator widen who may control a session (an SCSP working for the CPO)', async () => {
    const { h } = await receiver({}, { defaults: { resultDelayMs: 0, mayControl: (_session, ctx) => ctx.partner.id === 'partner-other' } });
    const res = await h.call('PUT', 'receiver/chargingprofiles/1234', { token: 'other', body: { charging_profile: profile, response_url: RESPONSE_URL } });
    expect(res.json.data.result).toBe('ACCEPTED');
  });
});

describe('ChargingProfiles Receiver: results that do not come', () => {
  it('posts nothing when the result does not come within the timeout (no timeout value in ChargingProfileResultType), and reports it', async () => {
    const never = createDeferred<ChargingProfileResult>();
    const { h, rec, module, hooks } = await receiver(
      { setChargingProfile: () => ({ response: { result: 'ACCEPTED', timeout: 3 }, result: never.promise }) },
      { deadlineMs: (seconds) => seconds * 5 },
    );
    await h.call('PUT', 'receiver/chargingprofiles/1234', { token: 'emsp', body: { charging_profile: profile, response_url: RESPONSE_URL } });
    await module.drain();
    expect(rec.calls).toHaveLength(0);
    expect(hooks.onResultTimeout).toHaveBeenCalledWith(expect.objectContaining({ kind: 'SET_CHARGING_PROFILE', responseUrl: RESPONSE_URL }));
  });

  it('posts REJECTED when the result promise rejects', async () => {
    const { h, rec, module, hooks } = await receiver({
      clearChargingProfile: () => ({ response: { result: 'ACCEPTED' }, result: Promise.reject(new Error('ocpp error')) }),
    });
    await h.call('DELETE', deletePath(), { token: 'emsp' });
    await module.drain();
    expect(rec.calls.map((c) => c.json)).toEqual([{ result: 'REJECTED' }]);
    expect(hooks.onResultError).toHaveBeenCalledOnce();
  });

  it('reports a failed result POST through onResultPostFailed', async () => {
    const { h, rec, module, hooks } = await receiver();
    rec.answerWith(() => new Response('busy', { status: 503 }));
    const res = await h.call('DELETE', deletePath(), { token: 'emsp' });
    expect(res.json.status_code).toBe(1000);
    await module.drain();
    expect(hooks.onResultPostFailed).toHaveBeenCalledWith(expect.objectContaining({ kind: 'CLEAR_CHARGING_PROFILE', reason: 'http_status', httpStatus: 503 }));
  });
});

// ---------------------------------------------------------------------------------------------
// Sender interface
// ---------------------------------------------------------------------------------------------

const SENDER_URL = `${TEST_BASE_URL}/2.2.1/sender/chargingprofiles`;
const CPO_PARTNER: CredentialsRole = { ...CPO_ROLE, business_details: { name: 'Remote CPO' } };
const OTHER_CPO: CredentialsRole = { role: 'CPO', country_code: 'BE', party_id: 'BEC', business_details: { name: 'Other CPO' } };

async function sender(handler: Parameters<typeof chargingProfilesSender>[0] = {}): Promise<{ h: ModuleHarness; module: ChargingProfilesSenderModule }> {
  const module = chargingProfilesSender(handler, { moduleUrl: SENDER_URL });
  const h = moduleHarness({ parties: [EMSP_ROLE], modules: [module] });
  await h.partner('cpo', [CPO_PARTNER]);
  await h.partner('cpo2', [OTHER_CPO]);
  return { h, module };
}

const pathOf = (url: string) => url.slice(`${TEST_BASE_URL}/2.2.1/`.length);

describe('ChargingProfiles Sender: results at our response_url', () => {
  it('gives a response_url per request and hands the posted result to the waiter, answering without data', async () => {
    const { h, module } = await sender();
    const pending = module.expectResult('set', { timeoutMs: 5000 });
    expect(pending.responseUrl).toBe(`${SENDER_URL}/set/${pending.uid}`);
    expect(module.waiting).toBe(1);
    const res = await h.call('POST', pathOf(pending.responseUrl), { token: 'cpo', body: { result: 'ACCEPTED' } });
    expect(res.status).toBe(200);
    expect(res.json.status_code).toBe(1000);
    expect(res.json).not.toHaveProperty('data');
    expect(await pending.result).toEqual({ ok: true, result: { result: 'ACCEPTED' }, partnerId: 'partner-cpo' });
    expect(module.waiting).toBe(0);
  });

  it('builds the response_url on the node where the Sender interface is mounted', async () => {
    const { h, module } = await sender();
    const pending = module.expectResult('clear', { node: h.server.node, timeoutMs: 5000 });
    expect(pending.responseUrl).toBe(`${SENDER_URL}/clear/${pending.uid}`);
    pending.cancel();
    const bare = chargingProfilesSender();
    expect(() => bare.expectResult('set', { node: h.server.node, version: '2.1.1' })).toThrow(/node/);
    expect(() => bare.expectResult('set')).toThrow(/moduleUrl/);
  });

  it('validates each kind of result against its schema, 2001 naming the field', async () => {
    const { h, module } = await sender();
    const active = module.expectResult('active', { timeoutMs: 5000 });
    const bad = await h.call('POST', pathOf(active.responseUrl), {
      token: 'cpo',
      body: { result: 'ACCEPTED', profile: { start_date_time: 'yesterday', charging_profile: profile } },
    });
    expect(bad.json.status_code).toBe(2001);
    expect(bad.json.status_message).toMatch(/^Invalid ActiveChargingProfileResult: \/profile\/start_date_time/);
    const clear = module.expectResult('clear', { timeoutMs: 5000 });
    const badClear = await h.call('POST', pathOf(clear.responseUrl), { token: 'cpo', body: { result: 'DONE' } });
    expect(badClear.json.status_message).toMatch(/^Invalid ClearProfileResult: \/result/);
    const good: ActiveChargingProfileResult = { result: 'ACCEPTED', profile: { start_date_time: '2024-05-01T10:00:00Z', charging_profile: profile } };
    expect((await h.call('POST', pathOf(active.responseUrl), { token: 'cpo', body: good })).json.status_code).toBe(1000);
    expect(await active.result).toMatchObject({ ok: true, result: good });
    clear.cancel();
    expect(await clear.result).toEqual({ ok: false, reason: 'cancelled' });
  });

  it('answers 404 for an unknown uid, a result of another kind, and one from a partner the request did not go to', async () => {
    const { h, module } = await sender();
    expect((await h.call('POST', 'sender/chargingprofiles/set/never-issued', { token: 'cpo', body: { result: 'ACCEPTED' } })).status).toBe(404);
    const pending = module.expectResult('set', { timeoutMs: 5000, partnerId: 'partner-cpo' });
    expect((await h.call('POST', `sender/chargingprofiles/clear/${pending.uid}`, { token: 'cpo', body: { result: 'ACCEPTED' } })).status).toBe(404);
    const intruder = await h.call('POST', pathOf(pending.responseUrl), { token: 'cpo2', body: { result: 'REJECTED' } });
    expect(intruder.status).toBe(404);
    expect(module.waiting).toBe(1);
    expect((await h.call('POST', pathOf(pending.responseUrl), { token: 'cpo', body: { result: 'ACCEPTED' } })).status).toBe(200);
    expect(await pending.result).toMatchObject({ ok: true, result: { result: 'ACCEPTED' } });
  });

  it('times out a waiter, after which the result is unknown (404)', async () => {
    const { h, module } = await sender();
    const pending = module.expectResult('set', { timeoutMs: 10 });
    expect(await pending.result).toEqual({ ok: false, reason: 'timeout' });
    expect((await h.call('POST', pathOf(pending.responseUrl), { token: 'cpo', body: { result: 'ACCEPTED' } })).status).toBe(404);
  });

  it('restarts the deadline with resetTimeout (e.g. to the timeout of the CPO response)', async () => {
    const { h, module } = await sender();
    const pending = module.expectResult('set', { timeoutMs: 10 });
    pending.resetTimeout(5000);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect((await h.call('POST', pathOf(pending.responseUrl), { token: 'cpo', body: { result: 'ACCEPTED' } })).status).toBe(200);
    expect((await pending.result).ok).toBe(true);
  });

  it('lets a handler take results no waiter on this node expected (several nodes, a queue)', async () => {
    const seen: unknown[] = [];
    const { h } = await sender({ result: (event) => void seen.push(event) });
    const res = await h.call('POST', 'sender/chargingprofiles/active/elsewhere-1', { token: 'cpo', body: { result: 'UNKNOWN' } });
    expect(res.json.status_code).toBe(1000);
    expect(seen).toEqual([{ kind: 'active', uid: 'elsewhere-1', result: { result: 'UNKNOWN' }, matched: false }]);
  });
});

describe('ChargingProfiles Sender: ActiveChargingProfile pushed by the CPO (PUT)', () => {
  const active: ActiveChargingProfile = { start_date_time: '2024-05-01T10:00:00Z', charging_profile: profile };

  it('stores it per CPO party and session: 201 when new, 200 when replaced, no data', async () => {
    const { h } = await sender();
    const first = await h.call('PUT', 'sender/chargingprofiles/1234', { token: 'cpo', body: active });
    expect(first.status).toBe(201);
    expect(first.json.status_code).toBe(1000);
    expect(first.json).not.toHaveProperty('data');
    const updated = { ...active, charging_profile: { charging_rate_unit: 'W' as const, charging_profile_period: [{ start_period: 0, limit: 22000 }] } };
    const second = await h.call('PUT', 'sender/chargingprofiles/1234', { token: 'cpo', body: updated });
    expect(second.status).toBe(200);
    expect((await readActiveChargingProfile(h.store, CPO, '1234'))?.profile).toEqual(updated);
  });

  it("keeps each CPO's profiles apart: the same session id from another CPO does not overwrite", async () => {
    const { h } = await sender();
    await h.call('PUT', 'sender/chargingprofiles/1234', { token: 'cpo', body: active });
    const other = { ...active, start_date_time: '2024-06-01T00:00:00Z' };
    expect((await h.call('PUT', 'sender/chargingprofiles/1234', { token: 'cpo2', body: other })).status).toBe(201);
    expect((await readActiveChargingProfile(h.store, CPO, '1234'))?.profile).toEqual(active);
    expect((await readActiveChargingProfile(h.store, OTHER_CPO, '1234'))?.profile).toEqual(other);
  });

  it('refuses an invalid ActiveChargingProfile with 2001 naming the field', async () => {
    const { h } = await sender();
    const res = await h.call('PUT', 'sender/chargingprofiles/1234', { token: 'cpo', body: { start_date_time: '2024-05-01T10:00:00Z' } });
    expect(res.json.status_code).toBe(2001);
    expect(res.json.status_message).toMatch(/^Invalid ActiveChargingProfile: \/charging_profile/);
  });

  it('needs OCPI-from headers from a partner with several CPO parties', async () => {
    const { h } = await sender();
    await h.partner(
      'multi',
      [CPO_PARTNER, { ...OTHER_CPO, party_id: 'BE2' }].map((r, i) => ({ ...r, party_id: i === 0 ? 'M01' : 'M02' })),
    );
    const unrouted = await h.call('PUT', 'sender/chargingprofiles/1234', { token: 'multi', body: active });
    expect(unrouted.json.status_code).toBe(2001);
    expect(unrouted.json.status_message).toMatch(/OCPI-from/);
    const routed = await h.call('PUT', 'sender/chargingprofiles/1234', {
      token: 'multi',
      body: active,
      headers: { 'ocpi-from-country-code': 'BE', 'ocpi-from-party-id': 'M02' },
    });
    expect(routed.status).toBe(201);
    expect(await readActiveChargingProfile(h.store, { country_code: 'BE', party_id: 'M02' }, '1234')).toBeDefined();
  });
});

describe('ChargingProfiles end to end: a CPO node posts results to an eMSP node', () => {
  it('the eMSP awaits the result of its SetChargingProfile through the response_url it handed out', async () => {
    const emsp = await sender();
    // The CPO node is this connection's CPO party (a party is held by one partner).
    await emsp.h.store.partners.delete('partner-cpo');
    await emsp.h.partner('cpo-for-e2e', [CPO_PARTNER]);
    // The CPO node's outbound HTTP goes straight into the eMSP node's handle().
    const wire = async (input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> => {
      const url = new URL(String(input));
      const headers: Record<string, string> = {};
      new Headers(init.headers).forEach((value, name) => {
        headers[name] = value;
      });
      const request: OcpiRequest = { method: init.method ?? 'GET', url: `${url.pathname}${url.search}`, headers, body: init.body as string };
      const response = await emsp.h.server.handle(request);
      return new Response(response.body, { status: response.status, headers: response.headers });
    };
    const posted = vi.fn();
    const cpoModule = chargingProfilesReceiver(
      {},
      { fetch: wire as typeof fetch, defaults: { resultDelayMs: 0 }, onResultPosted: posted, onResultPostFailed: (f) => console.error(f) },
    );
    opened = cpoModule;
    const cpo = moduleHarness({ parties: [CPO_ROLE], modules: [cpoModule] });
    await cpo.partner('emsp', [EMSP_ROLE]);
    const emspAtCpo = await cpo.store.partners.get('partner-emsp');
    // The token the CPO presents to the eMSP is the one the eMSP issued for it.
    await cpo.store.partners.save({ ...emspAtCpo!, outboundToken: partnerToken('cpo-for-e2e') });
    await cpo.store.objects.put({ module: STORE_MODULES.sessions, owner: CPO, id: session.id }, { data: session });

    const pending = emsp.module.expectResult('set', { timeoutMs: 5000, partnerId: 'partner-cpo-for-e2e' });
    const res = await cpo.server.handle({
      method: 'PUT',
      url: '/ocpi/2.2.1/receiver/chargingprofiles/1234',
      headers: { authorization: tokenHeader('emsp') },
      body: JSON.stringify({ charging_profile: profile, response_url: pending.responseUrl }),
    });
    const answer = JSON.parse(responseText(res)) as { data: ChargingProfileResponse };
    expect(answer.data.result).toBe('ACCEPTED');
    pending.resetTimeout(answer.data.timeout * 1000);
    expect(await pending.result).toEqual({ ok: true, result: { result: 'ACCEPTED' }, partnerId: 'partner-cpo-for-e2e' });
    await cpoModule.drain();
    expect(posted).toHaveBeenCalledWith(expect.objectContaining({ kind: 'SET_CHARGING_PROFILE', statusCode: 1000 }));
  });
});
