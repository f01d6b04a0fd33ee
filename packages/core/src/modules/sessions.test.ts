import { beforeEach, describe, expect, it } from 'vitest';
import type { CredentialsRole } from '../partners/partner.js';
import type { Location, Session } from '../schemas/v2.2.1/index.js';
import { example, role } from '../testing/examples.js';
import { type ModuleHarness, moduleHarness } from '../testing/modules-harness.js';
import { getOwnObject, putOwnObject, STORE_MODULES } from './common.js';
import { type SessionsSenderHandler, sessionsReceiver, sessionsSender } from './sessions.js';

const STK = role('CPO', 'NL', 'STK');
const BEC = role('CPO', 'BE', 'BEC');
const TST = role('EMSP', 'NL', 'TST');
const MSP = role('EMSP', 'DE', 'MSP');

/** session_example_1_simple_start.json: NL/STK 101, PENDING, token of NL/TST at LOC1/3256. */
const start = () => example<Session>('session_example_1_simple_start.json');
/** session_example_2_short_finished.json: BE/BEC 101, COMPLETED, three charging periods. */
const finished = () => example<Session>('session_example_2_short_finished.json');

describe('Sessions Receiver (eMSP side)', () => {
  let h: ModuleHarness;
  const url = (path: string) => `receiver/sessions/${path}`;

  beforeEach(async () => {
    h = moduleHarness({ parties: [TST], modules: [sessionsReceiver()] });
    await h.partner('stk', [STK]);
    await h.partner('bec', [BEC]);
  });

  it('stores a pushed Session (201), serves it on GET, and answers 200 to a replacing PUT', async () => {
    const put = await h.call('PUT', url('NL/STK/101'), { token: 'stk', body: start() });
    expect(put.status).toBe(201);
    expect((await h.call('GET', url('NL/STK/101'), { token: 'stk' })).json.data).toEqual(start());
    const active = { ...start(), status: 'ACTIVE', last_updated: '2020-03-09T10:20:00Z' };
    expect((await h.call('PUT', url('NL/STK/101'), { token: 'stk', body: active })).status).toBe(200);
    expect((await h.call('GET', url('NL/STK/101'), { token: 'stk' })).json.data).toEqual(active);
  });

  it('replaces the charging_periods on PUT: a Session without them removes the old ones', async () => {
    await h.call('PUT', url('BE/BEC/101'), { token: 'bec', body: finished() });
    const { charging_periods, ...withoutPeriods } = finished();
    expect(charging_periods).toHaveLength(3);
    await h.call('PUT', url('BE/BEC/101'), { token: 'bec', body: withoutPeriods });
    expect((await h.call('GET', url('BE/BEC/101'), { token: 'bec' })).json.data).toEqual(withoutPeriods);
  });

  it('PATCHes the total cost with the official example and leaves the rest unchanged', async () => {
    await h.call('PUT', url('BE/BEC/101'), { token: 'bec', body: finished() });
    const patch = await h.call('PATCH', url('BE/BEC/101'), { token: 'bec', body: example('session_patch_example_total_cost.json') });
    expect(patch.status).toBe(200);
    expect(patch.json.status_code).toBe(1000);
    expect((await h.call('GET', url('BE/BEC/101'), { token: 'bec' })).json.data).toEqual({
      ...finished(),
      total_cost: { excl_vat: 0.6, incl_vat: 0.66 },
      last_updated: '2019-06-23T08:11:00Z',
    });
  });

  it('adds the charging_periods of a PATCH to the existing ones (official example)', async () => {
    await h.call('PUT', url('BE/BEC/101'), { token: 'bec', body: finished() });
    const body = example('session_patch_example_charging_period.json');
    await h.call('PATCH', url('BE/BEC/101'), { token: 'bec', body });
    const session = (await h.call('GET', url('BE/BEC/101'), { token: 'bec' })).json.data as Session;
    expect(session.charging_periods).toEqual([...(finished().charging_periods ?? []), ...body.charging_periods]);
    expect(session.kwh).toBe(15);
    expect(session.last_updated).toBe('2019-06-23T08:16:02Z');
  });

  it('adds charging_periods to a Session that had none, and an empty list in a PATCH changes nothing', async () => {
    await h.call('PUT', url('NL/STK/101'), { token: 'stk', body: start() });
    const periods = example('session_patch_example_charging_period.json').charging_periods;
    await h.call('PATCH', url('NL/STK/101'), { token: 'stk', body: { charging_periods: periods, last_updated: '2020-03-09T10:30:00Z' } });
    await h.call('PATCH', url('NL/STK/101'), { token: 'stk', body: { charging_periods: [], last_updated: '2020-03-09T10:31:00Z' } });
    const session = (await h.call('GET', url('NL/STK/101'), { token: 'stk' })).json.data as Session;
    expect(session.charging_periods).toEqual(periods);
    expect(session.last_updated).toBe('2020-03-09T10:31:00Z');
  });

  it('refuses a PATCH without last_updated (2001, naming it)', async () => {
    await h.call('PUT', url('NL/STK/101'), { token: 'stk', body: start() });
    const patch = await h.call('PATCH', url('NL/STK/101'), { token: 'stk', body: { kwh: 3 } });
    expect(patch.json.status_code).toBe(2001);
    expect(patch.json.status_message).toContain('/last_updated');
    expect((await h.call('GET', url('NL/STK/101'), { token: 'stk' })).json.data.kwh).toBe(0);
  });

  it('answers a PATCH of an unknown Session with HTTP 404, and a GET too', async () => {
    const patch = await h.call('PATCH', url('NL/STK/999'), { token: 'stk', body: example('session_patch_example_total_cost.json') });
    expect(patch.status).toBe(404);
    expect((await h.call('GET', url('NL/STK/999'), { token: 'stk' })).status).toBe(404);
  });

  it('refuses a PATCH on an inner object URL: PATCH works on the whole Session only', async () => {
    await h.call('PUT', url('NL/STK/101'), { token: 'stk', body: start() });
    expect((await h.call('PATCH', url('NL/STK/101/charging_periods'), { token: 'stk', body: { last_updated: '2020-03-09T10:30:00Z' } })).status).toBe(404);
  });

  it('refuses with 2001 a Session whose id or owner differs from the URL', async () => {
    const id = await h.call('PUT', url('NL/STK/102'), { token: 'stk', body: start() });
    expect(id.json.status_code).toBe(2001);
    expect(id.json.status_message).toMatch(/id '101'/);
    const owner = await h.call('PUT', url('BE/BEC/101'), { token: 'bec', body: start() });
    expect(owner.json.status_code).toBe(2001);
    const patch = await h.call('PATCH', url('NL/STK/101'), { token: 'stk', body: { id: '102', last_updated: '2020-03-09T10:30:00Z' } });
    expect(patch.json.status_code).toBe(2001);
  });

  it("keeps each CPO's Sessions apart: same id, other owner, other object; no access to another's", async () => {
    await h.call('PUT', url('NL/STK/101'), { token: 'stk', body: start() });
    expect((await h.call('GET', url('NL/STK/101'), { token: 'bec' })).status).toBe(404);
    expect((await h.call('PATCH', url('NL/STK/101'), { token: 'bec', body: example('session_patch_example_total_cost.json') })).status).toBe(404);
    expect((await h.call('GET', url('BE/BEC/101'), { token: 'bec' })).status).toBe(404);
    expect((await h.call('PUT', url('BE/BEC/101'), { token: 'bec', body: finished() })).status).toBe(201);
    expect((await h.call('GET', url('NL/STK/101'), { token: 'stk' })).json.data).toEqual(start());
  });
});

describe('Sessions Sender (CPO side)', () => {
  let h: ModuleHarness;
  const location = (): Location => {
    const loc = example<Location>('location_example.json');
    const [first, ...rest] = loc.evses ?? [];
    // EVSE 3256 takes charging preferences; 3257 does not.
    return { ...loc, country_code: 'NL', party_id: 'STK', evses: [{ ...first!, capabilities: ['RESERVABLE', 'CHARGING_PREFERENCES_CAPABLE'] }, ...rest] };
  };
  const session = (id: string, token: CredentialsRole, extra: Partial<Session> = {}): Session => ({
    ...start(),
    id,
    cdr_token: { ...start().cdr_token, country_code: token.country_code, party_id: token.party_id },
    ...extra,
  });
  const preferences = { profile_type: 'FAST', departure_time: '2020-03-09T18:00:00Z', energy_need: 20 };

  beforeEach(async () => {
    h = moduleHarness({ parties: [STK], modules: [sessionsSender()] });
    await h.partner('tst', [TST]);
    await h.partner('msp', [MSP]);
    await putOwnObject(h.store, STORE_MODULES.locations, STK, location());
  });

  it('lists to each eMSP only the Sessions of its own tokens, with a matching X-Total-Count', async () => {
    await putOwnObject(h.store, STORE_MODULES.sessions, STK, session('S1', TST));
    await putOwnObject(h.store, STORE_MODULES.sessions, STK, session('S2', MSP));
    await putOwnObject(h.store, STORE_MODULES.sessions, STK, session('S3', TST));
    const tst = await h.call('GET', 'sender/sessions?date_from=2020-01-01T00:00:00Z', { token: 'tst' });
    expect(tst.json.data.map((s: Session) => s.id)).toEqual(['S1', 'S3']);
    expect(tst.headers['x-total-count']).toBe('2');
    const msp = await h.call('GET', 'sender/sessions', { token: 'msp' });
    expect(msp.json.data).toEqual([session('S2', MSP)]);
    expect(msp.headers['x-total-count']).toBe('1');
  });

  it('pages through Sessions with limit and offset', async () => {
    for (const id of ['A', 'B', 'C']) await putOwnObject(h.store, STORE_MODULES.sessions, STK, session(id, TST));
    const page = await h.call('GET', 'sender/sessions?offset=1&limit=1', { token: 'tst' });
    expect(page.json.data.map((s: Session) => s.id)).toEqual(['B']);
    expect(page.headers['x-total-count']).toBe('3');
    expect(page.headers.link).toContain('offset=2&limit=1');
  });

  it('accepts Charging Preferences for an ACTIVE Session on a capable EVSE, and keeps them', async () => {
    await putOwnObject(h.store, STORE_MODULES.sessions, STK, session('S1', TST, { status: 'ACTIVE' }));
    const put = await h.call('PUT', 'sender/sessions/S1/charging_preferences', { token: 'tst', body: preferences });
    expect(put.status).toBe(200);
    expect(put.json).toMatchObject({ data: 'ACCEPTED', status_code: 1000 });
    expect(await getOwnObject(h.store, STORE_MODULES.chargingPreferences, STK, 'S1')).toEqual(preferences);
  });

  it('answers HTTP 404 with 2001 when the EVSE is not CHARGING_PREFERENCES_CAPABLE', async () => {
    await putOwnObject(h.store, STORE_MODULES.sessions, STK, session('S1', TST, { status: 'ACTIVE', evse_uid: '3257' }));
    const put = await h.call('PUT', 'sender/sessions/S1/charging_preferences', { token: 'tst', body: preferences });
    expect(put.status).toBe(404);
    expect(put.json.status_code).toBe(2001);
    expect(put.json.status_message).toMatch(/CHARGING_PREFERENCES_CAPABLE/);
  });

  it("answers HTTP 404 for an unknown Session, and for another eMSP's Session", async () => {
    await putOwnObject(h.store, STORE_MODULES.sessions, STK, session('S1', TST, { status: 'ACTIVE' }));
    expect((await h.call('PUT', 'sender/sessions/NOPE/charging_preferences', { token: 'tst', body: preferences })).status).toBe(404);
    expect((await h.call('PUT', 'sender/sessions/S1/charging_preferences', { token: 'msp', body: preferences })).status).toBe(404);
    expect(await getOwnObject(h.store, STORE_MODULES.chargingPreferences, STK, 'S1')).toBeUndefined();
  });

  it('refuses Charging Preferences for a Session that is not ongoing (2001)', async () => {
    await putOwnObject(h.store, STORE_MODULES.sessions, STK, session('S1', TST, { status: 'COMPLETED' }));
    const put = await h.call('PUT', 'sender/sessions/S1/charging_preferences', { token: 'tst', body: preferences });
    expect(put.status).toBe(200);
    expect(put.json.status_code).toBe(2001);
  });

  it('refuses invalid Charging Preferences with 2001 naming the field', async () => {
    await putOwnObject(h.store, STORE_MODULES.sessions, STK, session('S1', TST, { status: 'ACTIVE' }));
    const put = await h.call('PUT', 'sender/sessions/S1/charging_preferences', { token: 'tst', body: { energy_need: 20 } });
    expect(put.json.status_code).toBe(2001);
    expect(put.json.status_message).toContain('/profile_type');
  });

  it('answers what an operator handler decides', async () => {
    const handler: SessionsSenderHandler = {
      list: async () => ({ items: [], total: 0 }),
      setChargingPreferences: async (id, prefs) => (id === 'S9' && !prefs.departure_time ? 'DEPARTURE_REQUIRED' : 'ACCEPTED'),
    };
    h = moduleHarness({ parties: [STK], modules: [sessionsSender(handler)] });
    await h.partner('tst', [TST]);
    const put = await h.call('PUT', 'sender/sessions/S9/charging_preferences', { token: 'tst', body: { profile_type: 'GREEN' } });
    expect(put.json.data).toBe('DEPARTURE_REQUIRED');
  });
});
