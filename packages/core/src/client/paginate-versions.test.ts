// The client's pagination speaks the partner's version and yields the canonical model (2.3.0), as its
// single-object calls do: a 2.1.1 CPO's Locations and Sessions (no owner, an embedded Location, the
// driver by auth_id) come out as 2.3.0 objects owned by the CPO's party, their losses reported.
import { describe, expect, it } from 'vitest';
import { createRegistrationToken } from '../credentials/registration-tokens.js';
import type { VersionLossEvent } from '../edges/losses.js';
import { putOwnObject, STORE_MODULES } from '../modules/common.js';
import { locationsSender } from '../modules/locations.js';
import { sessionsSender } from '../modules/sessions.js';
import { type CredentialsRole, partnerToken } from '../partners/partner.js';
import * as v211 from '../schemas/v2.1.1/index.js';
import type { Location, Session } from '../schemas/v2.3.0/index.js';
import * as v230 from '../schemas/v2.3.0/index.js';
import { example } from '../testing/examples.js';
import { testNodesClosedAfterEach } from '../testing/nodes.js';
import { createAjvValidatorFactory } from '../validation/ajv.js';
import type { InvalidPageItem } from './paginate.js';

const start = testNodesClosedAfterEach();
const CPO: CredentialsRole = { role: 'CPO', country_code: 'NL', party_id: 'CPO', business_details: { name: 'Old CPO' } };
const EMSP: CredentialsRole = { role: 'EMSP', country_code: 'DE', party_id: 'MSP', business_details: { name: 'eMSP' } };
const OWNER = { country_code: 'NL', party_id: 'CPO' };
const validators = createAjvValidatorFactory();

describe('paginate from a 2.1.1 partner', () => {
  it('yields canonical Locations and Sessions, owned by the partner, with the losses reported once per field', async () => {
    const cpo = await start({ parties: [CPO], versions: ['2.1.1'], modules: [locationsSender(), sessionsSender()] });
    const location: Location = { ...example<Location>('location_example.json', '2.3.0'), ...OWNER, id: 'LOC1' };
    await putOwnObject(cpo.store, STORE_MODULES.locations, OWNER, location);
    const evse = location.evses?.[0];
    const base = example<Session>('session_example_1_simple_start.json', '2.3.0');
    const session: Session = {
      ...base,
      ...OWNER,
      id: 'S1',
      location_id: location.id,
      evse_uid: evse?.uid as string,
      connector_id: evse?.connectors[0]?.id as string,
      cdr_token: { ...base.cdr_token, country_code: 'DE', party_id: 'MSP' },
    };
    await putOwnObject(cpo.store, STORE_MODULES.sessions, OWNER, session);

    const emsp = await start({ parties: [EMSP], versions: ['2.2.1', '2.1.1'], modules: [] });
    const partner = await emsp.registry.register({ versionsUrl: cpo.versionsUrl, tokenA: partnerToken((await createRegistrationToken(cpo.store)).token) });
    expect(partner.version).toBe('2.1.1');
    const losses: VersionLossEvent[] = [];
    emsp.node.events.on('version.loss', (event) => {
      losses.push(event);
    });
    const client = emsp.client.forPartner(partner);

    // Checked as sent (2.1.1), yielded canonical (2.3.0).
    const locations: Location[] = [];
    const invalid: InvalidPageItem[] = [];
    const onInvalid = (item: InvalidPageItem) => invalid.push(item);
    for await (const item of client.paginate<Location>('locations', 'SENDER', { validator: validators.compile(v211.Location), onInvalid }))
      locations.push(item);
    expect(invalid).toEqual([]);
    expect(locations.map((l) => [l.country_code, l.party_id, l.id])).toEqual([['NL', 'CPO', 'LOC1']]);
    const canonical = validators.compile(v230.Location);
    expect(canonical.validate(locations[0]).ok).toBe(true);
    expect(locations[0]?.evses?.map((e) => e.uid)).toEqual(location.evses?.map((e) => e.uid));

    const sessions: Session[] = [];
    for (let pull = 0; pull < 2; pull++) for await (const item of client.paginate<Session>('sessions', 'SENDER')) sessions.push(item);
    expect(sessions).toHaveLength(2);
    const [pulled] = sessions as [Session];
    // 2.1.1 embeds the Location: canonical names it by id, EVSE and connector.
    expect([pulled.location_id, pulled.evse_uid, pulled.connector_id]).toEqual([session.location_id, session.evse_uid, session.connector_id]);
    expect([pulled.country_code, pulled.party_id]).toEqual(['NL', 'CPO']);
    expect(pulled.cdr_token.contract_id).toBe(session.cdr_token.contract_id);
    expect(validators.compile(v230.Session).validate(pulled).ok).toBe(true);

    // What 2.1.1 could not say is reported from the partner, once per field though read twice.
    const fromPartner = losses.filter((e) => e.direction === 'from-partner' && e.objectType === 'Session');
    expect(fromPartner.length).toBeGreaterThan(0);
    expect(new Set(fromPartner.map((e) => e.field)).size).toBe(fromPartner.length);
    expect(fromPartner.every((e) => e.partnerId === partner.id && e.version === '2.1.1')).toBe(true);
    const counted = emsp.node.losses.counts(partner.id).find((c) => c.objectType === 'Session' && c.direction === 'from-partner');
    expect(counted?.count).toBe(2);
  });

  it('names an item the partner sent invalid in its version, and yields the others', async () => {
    const cpo = await start({ parties: [CPO], versions: ['2.1.1'], modules: [locationsSender()] });
    for (const id of ['LOC1', 'LOC2']) {
      await putOwnObject(cpo.store, STORE_MODULES.locations, OWNER, { ...example<Location>('location_example.json', '2.3.0'), ...OWNER, id });
    }
    const emsp = await start({ parties: [EMSP], versions: ['2.1.1'], modules: [] });
    const partner = await emsp.registry.register({ versionsUrl: cpo.versionsUrl, tokenA: partnerToken((await createRegistrationToken(cpo.store)).token) });
    // A validator that refuses LOC2 as the partner sent it: the 2.1.1 object is what it sees.
    const seen: unknown[] = [];
    const validator = {
      validate(value: unknown) {
        seen.push(value);
        const id = (value as { id?: string }).id;
        return id === 'LOC2' ? { ok: false as const, issues: [{ path: '/id', message: 'refused' }] } : { ok: true as const, value };
      },
    };
    const invalid: InvalidPageItem[] = [];
    const ids: string[] = [];
    for await (const item of emsp.client.forPartner(partner).paginate<Location>('locations', 'SENDER', { validator, onInvalid: (i) => invalid.push(i) }))
      ids.push(item.id);
    expect(ids).toEqual(['LOC1']);
    expect(invalid.map((i) => [i.index, i.issues[0]?.path])).toEqual([[1, '/id']]);
    // The validator saw 2.1.1 objects: no owner in them.
    expect(seen.every((value) => (value as { country_code?: string }).country_code === undefined)).toBe(true);
  });
});
