import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { responseText } from '../envelope.js';
import { LOCAL_OUTBOUND_POLICY } from '../outbound.js';
import { type CredentialsRole, partnerToken, type TokenEncoding } from '../partners/partner.js';
import { CommandResponse, CommandResult } from '../schemas/v2.2.1/commands.js';
import type { Location } from '../schemas/v2.2.1/locations.js';
import type { Session } from '../schemas/v2.2.1/sessions.js';
import type { Token } from '../schemas/v2.2.1/tokens.js';
import { createMemoryStore } from '../store/memory.js';
import type { OcpiStore } from '../store/types.js';
import { example } from '../testing/examples.js';
import { CPO_ROLE, EMSP_ROLE } from '../testing/fixtures.js';
import { type ModuleHarness, moduleHarness } from '../testing/modules-harness.js';
import { type RecordingFetch, recordingFetch } from '../testing/recording-fetch.js';
import { createAjvValidatorFactory } from '../validation/ajv.js';
import { createDeferred } from './async-results.js';
import { CommandMemory } from './command-memory.js';
import { type CommandsReceiverHandler, type CommandsReceiverOptions, commandsReceiver, readReservation } from './commands.js';
import { STORE_MODULES } from './common.js';

const CPO = { country_code: 'NL', party_id: 'CPO' };
const OTHER_EMSP: CredentialsRole = { role: 'EMSP', country_code: 'FR', party_id: 'OTH', business_details: { name: 'Other eMSP' } };
const RESPONSE_URL = 'https://emsp.example.com/ocpi/2.2.1/commands/START_SESSION/cmd-1';

const location: Location = { ...example<Location>('location_example.json'), country_code: 'NL', party_id: 'CPO' };
const token: Token = { ...example<Token>('token_example_1_app_user.json'), country_code: 'DE', party_id: 'MSP' };
const session: Session = {
  ...example<Session>('session_example_1_simple_start.json'),
  country_code: 'NL',
  party_id: 'CPO',
  status: 'ACTIVE',
  cdr_token: { country_code: 'DE', party_id: 'MSP', uid: token.uid, type: 'APP_USER', contract_id: token.contract_id },
};

const commandResultValidator = createAjvValidatorFactory().compile(CommandResult);
const commandResponseValidator = createAjvValidatorFactory().compile(CommandResponse);

interface Setup {
  h: ModuleHarness;
  rec: RecordingFetch;
  module: ReturnType<typeof commandsReceiver>;
  hooks: {
    onResultPostFailed: ReturnType<typeof vi.fn>;
    onResultPosted: ReturnType<typeof vi.fn>;
    onResultTimeout: ReturnType<typeof vi.fn>;
    onResultError: ReturnType<typeof vi.fn>;
  };
}

async function registerPartner(store: OcpiStore, h: ModuleHarness, tokenValue: string, roles: CredentialsRole[], encoding: TokenEncoding = 'base64') {
  await h.partner(tokenValue, roles);
  const partner = await store.partners.get(`partner-${tokenValue}`);
  if (!partner) throw new Error('partner not saved');
  await store.partners.save({ ...partner, outboundToken: partnerToken(`outbound-for-${tokenValue}`), tokenEncoding: encoding });
}

async function setup(handler: Partial<CommandsReceiverHandler> = {}, options: CommandsReceiverOptions = {}): Promise<Setup> {
  const rec = recordingFetch();
  const hooks = { onResultPostFailed: vi.fn(), onResultPosted: vi.fn(), onResultTimeout: vi.fn(), onResultError: vi.fn() };
  const module = commandsReceiver(handler, { fetch: rec.fetch, defaults: { resultDelayMs: 0 }, ...hooks, ...options });
  const h = moduleHarness({ parties: [CPO_ROLE], modules: [module] });
  await registerPartner(h.store, h, 'emsp', [EMSP_ROLE]);
  await registerPartner(h.store, h, 'other', [OTHER_EMSP]);
  await h.store.objects.put({ module: STORE_MODULES.locations, owner: CPO, id: location.id }, { data: location });
  await h.store.objects.put({ module: STORE_MODULES.sessions, owner: CPO, id: session.id }, { data: session });
  return { h, rec, module, hooks };
}

const startSession = (extra: Record<string, unknown> = {}) => ({ response_url: RESPONSE_URL, token, location_id: 'LOC1', evse_uid: '3256', ...extra });

const bodies = {
  START_SESSION: startSession(),
  STOP_SESSION: { response_url: RESPONSE_URL, session_id: session.id },
  RESERVE_NOW: { response_url: RESPONSE_URL, token, expiry_date: '2099-01-01T00:00:00Z', reservation_id: 'R1', location_id: 'LOC1', evse_uid: '3256' },
  CANCEL_RESERVATION: { response_url: RESPONSE_URL, reservation_id: 'R1' },
  UNLOCK_CONNECTOR: { response_url: RESPONSE_URL, location_id: 'LOC1', evse_uid: '3256', connector_id: '1' },
} as const;

let opened: Setup | undefined;
afterEach(async () => {
  await opened?.module.drain();
  opened = undefined;
});

async function open(handler: Partial<CommandsReceiverHandler> = {}, options: CommandsReceiverOptions = {}) {
  opened = await setup(handler, options);
  return opened;
}

describe('Commands Receiver: the immediate CommandResponse', () => {
  it('answers every CommandType at once with a CommandResponse, and posts the CommandResult ACCEPTED afterwards', async () => {
    const { h, rec, module } = await open();
    for (const [type, body] of Object.entries(bodies)) {
      const res = await h.call('POST', `receiver/commands/${type}`, { token: 'emsp', body });
      expect(res.status, type).toBe(200);
      expect(res.json.status_code, `${type}: ${res.json.status_message}`).toBe(1000);
      expect(res.json.data, type).toEqual({ result: 'ACCEPTED', timeout: 30 });
      expect(commandResponseValidator.validate(res.json.data).ok).toBe(true);
    }
    await module.drain();
    expect(rec.calls.map((c) => [c.method, c.url, c.json])).toEqual(Object.keys(bodies).map(() => ['POST', RESPONSE_URL, { result: 'ACCEPTED' }]));
  });

  it('does not wait for the result: the answer comes while the Charge Point has not answered yet', async () => {
    const pending = createDeferred<CommandResult>();
    const { h, rec, module } = await open({ startSession: () => ({ response: { result: 'ACCEPTED', timeout: 60 }, result: pending.promise }) });
    const res = await h.call('POST', 'receiver/commands/START_SESSION', { token: 'emsp', body: startSession() });
    expect(res.json.data).toEqual({ result: 'ACCEPTED', timeout: 60 });
    expect(rec.calls).toHaveLength(0);
    pending.resolve({ result: 'EVSE_OCCUPIED', message: [{ language: 'en', text: 'Occupied' }] });
    await module.drain();
    expect(rec.calls).toHaveLength(1);
    expect(rec.calls[0]?.json).toEqual({ result: 'EVSE_OCCUPIED', message: [{ language: 'en', text: 'Occupied' }] });
  });

  it('posts the result with the partner token, a new X-Request-ID, the original X-Correlation-ID and routing headers from our party to theirs', async () => {
    const { h, rec, module, hooks } = await open();
    const res = await h.call('POST', 'receiver/commands/START_SESSION', {
      token: 'emsp',
      body: startSession(),
      headers: { 'x-request-id': 'req-1', 'x-correlation-id': 'corr-1' },
    });
    expect(res.json.status_code).toBe(1000);
    await module.drain();
    const call = rec.calls[0];
    expect(call?.headers).toMatchObject({
      authorization: `Token ${btoa('outbound-for-emsp')}`,
      'content-type': 'application/json',
      'x-correlation-id': 'corr-1',
      'ocpi-from-country-code': 'NL',
      'ocpi-from-party-id': 'CPO',
      'ocpi-to-country-code': 'DE',
      'ocpi-to-party-id': 'MSP',
    });
    expect(call?.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(call?.headers['x-request-id']).not.toBe('req-1');
    expect(hooks.onResultPosted).toHaveBeenCalledWith(
      expect.objectContaining({ kind: 'START_SESSION', correlationId: 'corr-1', requestId: 'req-1', statusCode: 1000, timedOut: false }),
    );
    expect(hooks.onResultPostFailed).not.toHaveBeenCalled();
  });

  it('on a platform of several CPOs, posts the result from the party the command addressed (OCPI-to), and finds only its Locations', async () => {
    const rec = recordingFetch();
    const module = commandsReceiver({}, { fetch: rec.fetch, defaults: { resultDelayMs: 0 } });
    const second: CredentialsRole = { ...CPO_ROLE, party_id: 'CP2' };
    const h = moduleHarness({ parties: [CPO_ROLE, second], modules: [module] });
    await registerPartner(h.store, h, 'emsp', [EMSP_ROLE]);
    await h.store.objects.put(
      { module: STORE_MODULES.locations, owner: { country_code: 'NL', party_id: 'CP2' }, id: 'LOC2' },
      { data: { ...location, id: 'LOC2', party_id: 'CP2' } },
    );
    const to = (party: string) => ({ 'ocpi-to-country-code': 'NL', 'ocpi-to-party-id': party });
    const wrongParty = await h.call('POST', 'receiver/commands/START_SESSION', {
      token: 'emsp',
      body: startSession({ location_id: 'LOC2' }),
      headers: to('CPO'),
    });
    expect(wrongParty.json.status_code).toBe(2003);
    const res = await h.call('POST', 'receiver/commands/START_SESSION', { token: 'emsp', body: startSession({ location_id: 'LOC2' }), headers: to('CP2') });
    expect(res.json.data.result).toBe('ACCEPTED');
    await module.drain();
    expect(rec.calls[0]?.headers).toMatchObject({ 'ocpi-from-country-code': 'NL', 'ocpi-from-party-id': 'CP2', 'ocpi-to-party-id': 'MSP' });
  });

  it('takes the timeout from the module option when the handler gives none, and the handler message along', async () => {
    const { h } = await open(
      { startSession: () => ({ response: { result: 'NOT_SUPPORTED', message: [{ language: 'en', text: 'No remote start here' }] } }) },
      { timeout: 45 },
    );
    const res = await h.call('POST', 'receiver/commands/START_SESSION', { token: 'emsp', body: startSession() });
    expect(res.json.data).toEqual({ result: 'NOT_SUPPORTED', timeout: 45, message: [{ language: 'en', text: 'No remote start here' }] });
  });

  it('posts nothing when the response is not ACCEPTED, even if the handler gave a result', async () => {
    const { h, rec, module } = await open({ stopSession: () => ({ response: { result: 'REJECTED' }, result: Promise.reject(new Error('ignored')) }) });
    const res = await h.call('POST', 'receiver/commands/STOP_SESSION', { token: 'emsp', body: bodies.STOP_SESSION });
    expect(res.json.data.result).toBe('REJECTED');
    await module.drain();
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(rec.calls).toHaveLength(0);
  });

  it('answers HTTP 500 (3000) when the handler answers an invalid CommandResponse', async () => {
    const { h, rec } = await open({ unlockConnector: () => ({ response: { result: 'MAYBE' as never } }) });
    const spy = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const res = await h.call('POST', 'receiver/commands/UNLOCK_CONNECTOR', { token: 'emsp', body: bodies.UNLOCK_CONNECTOR });
    spy.mockRestore();
    expect(res.status).toBe(500);
    expect(res.json.status_code).toBe(3000);
    expect(rec.calls).toHaveLength(0);
  });

  it('tells onCommand about every answered command', async () => {
    const onCommand = vi.fn();
    const { h } = await open({}, { onCommand });
    await h.call('POST', 'receiver/commands/UNLOCK_CONNECTOR', { token: 'emsp', body: bodies.UNLOCK_CONNECTOR });
    expect(onCommand).toHaveBeenCalledWith(
      expect.objectContaining({ type: 'UNLOCK_CONNECTOR', command: bodies.UNLOCK_CONNECTOR, response: { result: 'ACCEPTED', timeout: 30 } }),
    );
  });

  it('uses a partial handler for its commands and the store default for the others', async () => {
    const startSessionHandler = vi.fn(() => ({ response: { result: 'ACCEPTED' as const, timeout: 5 }, result: { result: 'ACCEPTED' as const } }));
    const { h } = await open({ startSession: startSessionHandler });
    const res = await h.call('POST', 'receiver/commands/START_SESSION', { token: 'emsp', body: startSession({ location_id: 'NOWHERE' }) });
    expect(res.json.data).toEqual({ result: 'ACCEPTED', timeout: 5 });
    expect(startSessionHandler).toHaveBeenCalledWith(
      startSession({ location_id: 'NOWHERE' }),
      expect.objectContaining({ partner: expect.objectContaining({ id: 'partner-emsp' }) }),
    );
    const unlock = await h.call('POST', 'receiver/commands/UNLOCK_CONNECTOR', { token: 'emsp', body: { ...bodies.UNLOCK_CONNECTOR, location_id: 'NOWHERE' } });
    expect(unlock.json.status_code).toBe(2003);
  });
});

describe('Commands Receiver: retries', () => {
  it('a command retried with the same response_url gets the same answer, runs the handler once and posts one result', async () => {
    let started = 0;
    const { h, rec, module } = await open({
      startSession: () => {
        started += 1;
        return { response: { result: 'ACCEPTED', timeout: 45 }, result: { result: 'ACCEPTED' } };
      },
    });
    const first = await h.call('POST', 'receiver/commands/START_SESSION', { token: 'emsp', body: startSession() });
    const retry = await h.call('POST', 'receiver/commands/START_SESSION', { token: 'emsp', body: startSession() });
    expect(retry.json.data).toEqual(first.json.data);
    expect(started).toBe(1);
    await module.drain();
    expect(rec.calls).toHaveLength(1);
    // Another response_url is another command.
    await h.call('POST', 'receiver/commands/START_SESSION', { token: 'emsp', body: startSession({ response_url: `${RESPONSE_URL}-2` }) });
    expect(started).toBe(2);
  });

  it('another partner reusing a response_url is a new command of its own: checked, answered and posted with its token (issue 19, finding 5)', async () => {
    const { h, rec, module } = await open();
    const first = await h.call('POST', 'receiver/commands/START_SESSION', { token: 'emsp', body: startSession() });
    expect(first.json.data).toMatchObject({ result: 'ACCEPTED' });
    // The other eMSP, same response_url, a Location that does not exist: 2003, not the first answer again.
    const other = await h.call('POST', 'receiver/commands/START_SESSION', {
      token: 'other',
      body: startSession({ location_id: 'LOC404', token: { ...token, country_code: 'FR', party_id: 'OTH' } }),
    });
    expect(other.json.status_code).toBe(2003);
    await module.drain();
    expect(rec.calls.map((c) => c.headers.authorization)).toEqual([`Token ${btoa('outbound-for-emsp')}`]);
  });

  it('remembers commands in the store, per partner, for 15 minutes and at most 10,000 of them', async () => {
    let now = Date.parse('2026-01-01T00:00:00Z');
    const store = createMemoryStore();
    const memory = new CommandMemory({ maxPerPartner: 3, now: () => now });
    const answer = { result: 'ACCEPTED' as const, timeout: 30 };
    let runs = 0;
    const remember = (partner: string, key: string) =>
      memory.answerOnce(store, partner, key, async () => {
        runs++;
        return answer;
      });
    for (const key of ['a', 'b', 'c', 'd']) await remember('p1', key);
    await remember('p2', 'a');
    expect(await memory.size(store, 'p1')).toBe(3);
    expect(await memory.size(store, 'p2')).toBe(1);
    expect(runs).toBe(5);
    await remember('p1', 'd');
    expect(runs).toBe(5); // remembered
    await remember('p1', 'a');
    expect(runs).toBe(6); // the oldest was forgotten
    now += 15 * 60_000 + 1;
    await remember('p1', 'd');
    expect(runs).toBe(7); // expired
    expect(await memory.size(store, 'p1')).toBe(1);
  });

  it('of two copies of a command racing, one runs the handler and the other gets its answer', async () => {
    const store = createMemoryStore();
    const memory = new CommandMemory();
    let runs = 0;
    const slow = async () => {
      runs++;
      await new Promise((resolve) => setTimeout(resolve, 50));
      return { result: 'ACCEPTED' as const, timeout: runs };
    };
    const [first, second] = await Promise.all([memory.answerOnce(store, 'p', 'k', slow), memory.answerOnce(store, 'p', 'k', slow)]);
    expect(runs).toBe(1);
    expect(second).toEqual(first);
  });
});

describe('Commands Receiver: what it refuses', () => {
  it('refuses an unknown command type in the URL with HTTP 404, naming the valid ones', async () => {
    const { h } = await open();
    const res = await h.call('POST', 'receiver/commands/SELF_DESTRUCT', { token: 'emsp', body: bodies.START_SESSION });
    expect(res.status).toBe(404);
    expect(res.json.status_message).toContain("Unknown command type 'SELF_DESTRUCT'");
    expect(res.json.status_message).toContain('START_SESSION');
    const lower = await h.call('POST', 'receiver/commands/start_session', { token: 'emsp', body: bodies.START_SESSION });
    expect(lower.status).toBe(404);
    expect(lower.json.status_message).toContain('upper case: START_SESSION');
  });

  it('offers only POST on a command (mod_commands: GET, PUT, PATCH, DELETE are n/a)', async () => {
    const { h } = await open();
    const res = await h.call('GET', 'receiver/commands/START_SESSION', { token: 'emsp' });
    expect(res.status).toBe(405);
  });

  it('refuses an invalid body with 2001 naming the field, and posts nothing', async () => {
    const { h, rec, module } = await open();
    const { token: _omitted, ...withoutToken } = startSession();
    const missing = await h.call('POST', 'receiver/commands/START_SESSION', { token: 'emsp', body: withoutToken });
    expect(missing.status).toBe(200);
    expect(missing.json.status_code).toBe(2001);
    expect(missing.json.status_message).toMatch(/^Invalid StartSession: .*\/token/);
    const connectorWithoutEvse = await h.call('POST', 'receiver/commands/START_SESSION', {
      token: 'emsp',
      body: { response_url: RESPONSE_URL, token, location_id: 'LOC1', connector_id: '1' },
    });
    expect(connectorWithoutEvse.json.status_code).toBe(2001);
    expect(connectorWithoutEvse.json.status_message).toContain('evse_uid');
    const tooLong = await h.call('POST', 'receiver/commands/STOP_SESSION', { token: 'emsp', body: { response_url: RESPONSE_URL, session_id: 'x'.repeat(37) } });
    expect(tooLong.json.status_code).toBe(2001);
    expect(tooLong.json.status_message).toMatch(/^Invalid StopSession: \/session_id/);
    await module.drain();
    expect(rec.calls).toHaveLength(0);
  });

  it('refuses a response_url it cannot post to with 2001 naming response_url', async () => {
    const { h } = await open();
    for (const response_url of ['/relative/path', 'ftp://emsp.example.com/results']) {
      const res = await h.call('POST', 'receiver/commands/START_SESSION', { token: 'emsp', body: startSession({ response_url }) });
      expect(res.json.status_code, response_url).toBe(2001);
      expect(res.json.status_message).toMatch(/^response_url must be an/);
    }
  });

  it('lets the operator restrict the response_url hosts (allowResponseUrl)', async () => {
    const { h } = await open({}, { allowResponseUrl: (url) => url.hostname.endsWith('.example.com') });
    const internal = await h.call('POST', 'receiver/commands/START_SESSION', { token: 'emsp', body: startSession({ response_url: 'http://10.0.0.1/admin' }) });
    expect(internal.json.status_code).toBe(2001);
    expect(internal.json.status_message).toContain('response_url');
    const fine = await h.call('POST', 'receiver/commands/START_SESSION', { token: 'emsp', body: startSession() });
    expect(fine.json.status_code).toBe(1000);
  });
});

describe('Commands Receiver: a response_url the outbound policy refuses (issue 19, finding 11)', () => {
  it.each([
    ['http://127.0.0.1:9/cb', /loopback/],
    ['http://169.254.169.254/latest/meta-data/', /link-local/],
    ['http://[64:ff9b::7f00:1]/cb', /loopback/],
    ['http://198.18.0.1/cb', /private/],
  ])('answers %s with 2001 at once, runs no handler and posts nothing', async (responseUrl, reason) => {
    const startSession = vi.fn();
    // No fetch of the operator's: the library's guarded fetch and its default (strict) policy.
    const module = commandsReceiver({ startSession }, { defaults: { resultDelayMs: 0 } });
    const h = moduleHarness({ parties: [CPO_ROLE], modules: [module] });
    await registerPartner(h.store, h, 'emsp', [EMSP_ROLE]);
    const res = await h.call('POST', 'receiver/commands/START_SESSION', { token: 'emsp', body: { ...bodies.START_SESSION, response_url: responseUrl } });
    expect(res.status).toBe(200);
    expect(res.json.status_code).toBe(2001);
    expect(res.json.status_message).toMatch(reason);
    expect(startSession).not.toHaveBeenCalled();
    await module.drain();
  });
});

describe('Commands Receiver: the store-backed default', () => {
  it('answers 2003 Unknown Location (HTTP 200) for START_SESSION, RESERVE_NOW and UNLOCK_CONNECTOR at an unknown Location', async () => {
    const { h, rec, module } = await open();
    for (const type of ['START_SESSION', 'RESERVE_NOW', 'UNLOCK_CONNECTOR'] as const) {
      const res = await h.call('POST', `receiver/commands/${type}`, { token: 'emsp', body: { ...bodies[type], location_id: 'LOC404' } });
      expect(res.status, type).toBe(200);
      expect(res.json.status_code, type).toBe(2003);
      expect(res.json.status_message).toContain('LOC404');
    }
    await module.drain();
    expect(rec.calls).toHaveLength(0);
  });

  it("only knows the operator's own Locations: one stored under another party is unknown", async () => {
    const { h } = await open();
    await h.store.objects.put(
      { module: STORE_MODULES.locations, owner: { country_code: 'BE', party_id: 'BEC' }, id: 'FOREIGN' },
      { data: { ...location, id: 'FOREIGN', country_code: 'BE', party_id: 'BEC' } },
    );
    const res = await h.call('POST', 'receiver/commands/START_SESSION', { token: 'emsp', body: startSession({ location_id: 'FOREIGN' }) });
    expect(res.json.status_code).toBe(2003);
  });

  it('answers REJECTED for an unknown EVSE or connector, with a message', async () => {
    const { h } = await open();
    const evse = await h.call('POST', 'receiver/commands/START_SESSION', { token: 'emsp', body: startSession({ evse_uid: 'NOPE' }) });
    expect(evse.json.status_code).toBe(1000);
    expect(evse.json.data.result).toBe('REJECTED');
    expect(evse.json.data.message[0].text).toContain("Unknown EVSE 'NOPE'");
    const connector = await h.call('POST', 'receiver/commands/UNLOCK_CONNECTOR', { token: 'emsp', body: { ...bodies.UNLOCK_CONNECTOR, connector_id: '9' } });
    expect(connector.json.data.result).toBe('REJECTED');
    expect(connector.json.data.message[0].text).toContain("Unknown connector '9'");
  });

  it('matches Location ids and EVSE uids case-insensitively (CiString)', async () => {
    const { h } = await open();
    const res = await h.call('POST', 'receiver/commands/START_SESSION', { token: 'emsp', body: startSession({ location_id: 'loc1', evse_uid: '3256' }) });
    expect(res.json.data.result).toBe('ACCEPTED');
  });

  it("rejects a START_SESSION with another party's Token", async () => {
    const { h } = await open();
    const res = await h.call('POST', 'receiver/commands/START_SESSION', { token: 'other', body: startSession() });
    expect(res.json.data.result).toBe('REJECTED');
  });

  it('STOP_SESSION: UNKNOWN_SESSION for an unknown session, REJECTED for a session of another eMSP', async () => {
    const { h, rec, module } = await open();
    const unknown = await h.call('POST', 'receiver/commands/STOP_SESSION', { token: 'emsp', body: { response_url: RESPONSE_URL, session_id: 'S404' } });
    expect(unknown.json.data.result).toBe('UNKNOWN_SESSION');
    const foreign = await h.call('POST', 'receiver/commands/STOP_SESSION', { token: 'other', body: bodies.STOP_SESSION });
    expect(foreign.json.data.result).toBe('REJECTED');
    await module.drain();
    expect(rec.calls).toHaveLength(0);
    const own = await h.call('POST', 'receiver/commands/STOP_SESSION', { token: 'emsp', body: bodies.STOP_SESSION });
    expect(own.json.data.result).toBe('ACCEPTED');
  });

  it('keeps reservations per eMSP: another eMSP cannot cancel them (UNKNOWN_RESERVATION), the owner can', async () => {
    const { h, rec, module } = await open();
    const reserve = await h.call('POST', 'receiver/commands/RESERVE_NOW', { token: 'emsp', body: bodies.RESERVE_NOW });
    expect(reserve.json.data.result).toBe('ACCEPTED');
    expect(await readReservation(h.store, EMSP_ROLE, 'R1')).toMatchObject({
      reservation_id: 'R1',
      location_id: 'LOC1',
      evse_uid: '3256',
      token_uid: token.uid,
    });

    const foreign = await h.call('POST', 'receiver/commands/CANCEL_RESERVATION', { token: 'other', body: bodies.CANCEL_RESERVATION });
    expect(foreign.json.data.result).toBe('ACCEPTED');
    await module.drain();
    expect(rec.calls.at(-1)?.json).toMatchObject({ result: 'UNKNOWN_RESERVATION' });
    expect(rec.calls.at(-1)?.headers.authorization).toBe(`Token ${btoa('outbound-for-other')}`);
    expect(await readReservation(h.store, EMSP_ROLE, 'R1')).toBeDefined();

    const own = await h.call('POST', 'receiver/commands/CANCEL_RESERVATION', { token: 'emsp', body: bodies.CANCEL_RESERVATION });
    expect(own.json.data.result).toBe('ACCEPTED');
    await module.drain();
    expect(rec.calls.at(-1)?.json).toEqual({ result: 'ACCEPTED' });
    expect(await readReservation(h.store, EMSP_ROLE, 'R1')).toBeUndefined();
  });

  it('rejects a RESERVE_NOW whose expiry_date has passed', async () => {
    const { h } = await open();
    const res = await h.call('POST', 'receiver/commands/RESERVE_NOW', { token: 'emsp', body: { ...bodies.RESERVE_NOW, expiry_date: '2001-01-01T00:00:00Z' } });
    expect(res.json.data.result).toBe('REJECTED');
  });
});

describe('Commands Receiver: results that do not come, or cannot be delivered', () => {
  it('posts CommandResult TIMEOUT when the result does not come within the advertised timeout, and drops a late one', async () => {
    const late = createDeferred<CommandResult>();
    const { h, rec, module, hooks } = await open(
      { startSession: () => ({ response: { result: 'ACCEPTED', timeout: 2 }, result: late.promise }) },
      { deadlineMs: (seconds) => seconds * 10 },
    );
    const res = await h.call('POST', 'receiver/commands/START_SESSION', { token: 'emsp', body: startSession() });
    expect(res.json.data).toEqual({ result: 'ACCEPTED', timeout: 2 });
    await module.drain();
    expect(rec.calls.map((c) => c.json)).toEqual([{ result: 'TIMEOUT' }]);
    expect(hooks.onResultTimeout).toHaveBeenCalledWith(expect.objectContaining({ kind: 'START_SESSION', responseUrl: RESPONSE_URL }));
    expect(hooks.onResultPosted).toHaveBeenCalledWith(expect.objectContaining({ result: { result: 'TIMEOUT' }, timedOut: true }));
    late.resolve({ result: 'ACCEPTED' });
    await new Promise((resolve) => setTimeout(resolve, 20));
    await module.drain();
    expect(rec.calls).toHaveLength(1);
  });

  it('posts TIMEOUT when an ACCEPTED answer comes without any result', async () => {
    const { h, rec, module } = await open({ unlockConnector: () => ({ response: { result: 'ACCEPTED', timeout: 1 } }) }, { deadlineMs: () => 5 });
    await h.call('POST', 'receiver/commands/UNLOCK_CONNECTOR', { token: 'emsp', body: bodies.UNLOCK_CONNECTOR });
    await module.drain();
    expect(rec.calls.map((c) => c.json)).toEqual([{ result: 'TIMEOUT' }]);
  });

  it('waits the advertised timeout in seconds by default', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const never = createDeferred<CommandResult>();
      const { h, rec, module } = await open({ startSession: () => ({ response: { result: 'ACCEPTED', timeout: 30 }, result: never.promise }) });
      await h.call('POST', 'receiver/commands/START_SESSION', { token: 'emsp', body: startSession() });
      await vi.advanceTimersByTimeAsync(29_900);
      expect(rec.calls).toHaveLength(0);
      await vi.advanceTimersByTimeAsync(200);
      await module.drain();
      expect(rec.calls.map((c) => c.json)).toEqual([{ result: 'TIMEOUT' }]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('posts FAILED when the result promise rejects, and reports the error', async () => {
    const { h, rec, module, hooks } = await open({
      stopSession: () => ({ response: { result: 'ACCEPTED' }, result: Promise.reject(new Error('charge point offline')) }),
    });
    await h.call('POST', 'receiver/commands/STOP_SESSION', { token: 'emsp', body: bodies.STOP_SESSION });
    await module.drain();
    expect(rec.calls.map((c) => c.json)).toEqual([{ result: 'FAILED' }]);
    expect(hooks.onResultError).toHaveBeenCalledWith(
      expect.objectContaining({ message: 'charge point offline' }),
      expect.objectContaining({ kind: 'STOP_SESSION' }),
    );
  });

  it('reports a network failure, an HTTP error, a non-1xxx status and a non-envelope answer through onResultPostFailed, never crashing', async () => {
    const { h, rec, module, hooks } = await open();
    const answers = [
      new TypeError('fetch failed'),
      new Response('{"status_code":3000,"status_message":"boom","timestamp":"2024-01-01T00:00:00Z"}', { status: 500 }),
      new Response('{"status_code":2001,"status_message":"unknown id","timestamp":"2024-01-01T00:00:00Z"}', { status: 200 }),
      new Response('OK', { status: 200 }),
    ];
    rec.answerWith(() => answers.shift() ?? new Error('no more answers'));
    for (let i = 0; i < 4; i++) {
      // Four commands (four response_urls): the same one four times would be one command retried.
      const body = { ...bodies.UNLOCK_CONNECTOR, response_url: i === 0 ? RESPONSE_URL : `${RESPONSE_URL}/${i}` };
      const res = await h.call('POST', 'receiver/commands/UNLOCK_CONNECTOR', { token: 'emsp', body });
      expect(res.json.status_code).toBe(1000);
      await module.drain();
    }
    expect(hooks.onResultPostFailed.mock.calls.map(([failure]) => [failure.reason, failure.httpStatus, failure.statusCode])).toEqual([
      ['network', undefined, undefined],
      ['http_status', 500, 3000],
      ['ocpi_status', 200, 2001],
      ['invalid_response', 200, undefined],
    ]);
    expect(hooks.onResultPostFailed.mock.calls[0]?.[0]).toMatchObject({
      kind: 'UNLOCK_CONNECTOR',
      responseUrl: RESPONSE_URL,
      result: { result: 'ACCEPTED' },
      partnerId: 'partner-emsp',
    });
    expect(hooks.onResultPosted).not.toHaveBeenCalled();
  });

  it('gives up a POST that hangs after postTimeoutMs', async () => {
    const { h, rec, module, hooks } = await open({}, { postTimeoutMs: 20 });
    rec.answerWith(
      (call) =>
        new Promise<Response>((_, reject) => {
          // As fetch does: the abort signal rejects the pending call.
          call.signal?.addEventListener('abort', () => reject(call.signal?.reason));
          setTimeout(() => reject(new Error('fake never answered')), 200);
        }),
    );
    await h.call('POST', 'receiver/commands/UNLOCK_CONNECTOR', { token: 'emsp', body: bodies.UNLOCK_CONNECTOR });
    await module.drain();
    expect(rec.calls).toHaveLength(1);
    expect(hooks.onResultPostFailed).toHaveBeenCalledWith(
      expect.objectContaining({ reason: 'network', message: expect.stringContaining('No answer within 20 ms') }),
    );
  });

  it('reports an invalid result from the handler instead of sending it', async () => {
    const { h, rec, module, hooks } = await open({ startSession: () => ({ response: { result: 'ACCEPTED' }, result: { result: 'DONE' as never } }) });
    await h.call('POST', 'receiver/commands/START_SESSION', { token: 'emsp', body: startSession() });
    await module.drain();
    expect(rec.calls).toHaveLength(0);
    expect(hooks.onResultPostFailed).toHaveBeenCalledWith(
      expect.objectContaining({ reason: 'invalid_result', message: expect.stringMatching(/^Invalid CommandResult: \/result/) }),
    );
  });

  it('reports a partner without a token for us (no_token) and survives a throwing hook', async () => {
    const failures: string[] = [];
    const { h, rec, module } = await open(
      {},
      {
        onResultPostFailed: (failure) => {
          failures.push(failure.reason);
          throw new Error('hook broke');
        },
      },
    );
    const partner = await h.store.partners.get('partner-emsp');
    const { outboundToken: _removed, ...withoutToken } = partner!;
    await h.store.partners.save(withoutToken);
    const res = await h.call('POST', 'receiver/commands/UNLOCK_CONNECTOR', { token: 'emsp', body: bodies.UNLOCK_CONNECTOR });
    expect(res.json.status_code).toBe(1000);
    await module.drain();
    expect(rec.calls).toHaveLength(0);
    expect(failures).toEqual(['no_token']);
  });
});

describe('Commands Receiver over real HTTP', () => {
  it('POSTs a valid CommandResult to a real response_url, with the raw token of a raw-token partner, routing headers and the correlation id', async () => {
    const received: { method: string; url: string; headers: IncomingMessage['headers']; body: string }[] = [];
    const http = createServer((request, response) => {
      let body = '';
      request.setEncoding('utf8');
      request.on('data', (chunk: string) => {
        body += chunk;
      });
      request.on('end', () => {
        received.push({ method: request.method ?? '', url: request.url ?? '', headers: request.headers, body });
        response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status_code: 1000, timestamp: new Date().toISOString() }));
      });
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const origin = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
    try {
      const posted = vi.fn();
      const module = commandsReceiver(
        {},
        { outbound: LOCAL_OUTBOUND_POLICY, defaults: { resultDelayMs: 0 }, onResultPosted: posted, onResultPostFailed: (f) => console.error(f) },
      );
      opened = undefined;
      const h = moduleHarness({ parties: [CPO_ROLE], modules: [module] });
      await registerPartner(h.store, h, 'legacy', [EMSP_ROLE], 'raw');
      await h.store.objects.put({ module: STORE_MODULES.locations, owner: CPO, id: location.id }, { data: location });
      const responseUrl = `${origin}/ocpi/emsp/2.2.1/commands/START_SESSION/abc-123`;
      const res = await h.server.handle({
        method: 'POST',
        url: '/ocpi/2.2.1/receiver/commands/START_SESSION',
        headers: {
          authorization: 'Token legacy',
          'x-correlation-id': 'corr-http',
          'ocpi-from-country-code': 'DE',
          'ocpi-from-party-id': 'MSP',
          'ocpi-to-country-code': 'NL',
          'ocpi-to-party-id': 'CPO',
        },
        body: JSON.stringify(startSession({ response_url: responseUrl })),
      });
      expect(JSON.parse(responseText(res))).toMatchObject({ status_code: 1000, data: { result: 'ACCEPTED', timeout: 30 } });
      await module.drain();
      expect(posted).toHaveBeenCalledOnce();
      expect(received).toHaveLength(1);
      const [post] = received;
      expect(post?.method).toBe('POST');
      expect(post?.url).toBe('/ocpi/emsp/2.2.1/commands/START_SESSION/abc-123');
      expect(post?.headers.authorization).toBe('Token outbound-for-legacy');
      expect(post?.headers['content-type']).toBe('application/json');
      expect(post?.headers['x-correlation-id']).toBe('corr-http');
      expect(post?.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
      expect(post?.headers).toMatchObject({
        'ocpi-from-country-code': 'NL',
        'ocpi-from-party-id': 'CPO',
        'ocpi-to-country-code': 'DE',
        'ocpi-to-party-id': 'MSP',
      });
      const body: unknown = JSON.parse(post?.body ?? '');
      expect(commandResultValidator.validate(body).ok).toBe(true);
      expect(body).toEqual({ result: 'ACCEPTED' });
    } finally {
      await new Promise<void>((resolve) => {
        http.close(() => resolve());
        http.closeAllConnections();
      });
    }
  });
});
