// One CPO node, one store, three eMSPs at once over real HTTP: one speaks 2.1.1, one 2.2.1, one 2.3.0.
// Each registers (the handshake picks the version both sides have), pulls the same Locations in its
// version (yielded as the canonical model), and receives a Session and its CDR pushed by the CPO's client in its version; what 2.1.1
// cannot carry is reported once per partner, object type and field.
import { afterEach, describe, expect, it } from 'vitest';
import { createRegistrationToken } from '../credentials/registration-tokens.js';
import { cdrsReceiver, cdrsSender } from '../modules/cdrs.js';
import { putOwnObject, STORE_MODULES } from '../modules/common.js';
import { locationsReceiver, locationsSender } from '../modules/locations.js';
import { sessionsReceiver, sessionsSender } from '../modules/sessions.js';
import { type CredentialsRole, type Partner, partnerToken } from '../partners/partner.js';
import type { CDR, Location, Session } from '../schemas/v2.3.0/index.js';
import { example } from '../testing/examples.js';
import { type HttpTestNode, startHttpTestNode } from '../testing/nodes.js';
import type { VersionLossEvent } from './losses.js';

const CPO: CredentialsRole = { role: 'CPO', country_code: 'NL', party_id: 'CPO', business_details: { name: 'One CPO' } };
const emspOf = (party_id: string): CredentialsRole => ({ role: 'EMSP', country_code: 'DE', party_id, business_details: { name: `eMSP ${party_id}` } });
const OWNER = { country_code: 'NL', party_id: 'CPO' };

const running: HttpTestNode[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((n) => n.close()));
});

async function start(options: Parameters<typeof startHttpTestNode>[0]): Promise<HttpTestNode> {
  const node = await startHttpTestNode(options);
  running.push(node);
  return node;
}

/** A canonical Location with what only 2.3.0 can say (help_phone), so 2.1.1 and 2.2.1 lose it. */
const location = (): Location => ({ ...example<Location>('location_example.json', '2.3.0'), ...OWNER, id: 'LOC1', help_phone: '+31201234567' });

describe('one CPO store served to a 2.1.1, a 2.2.1 and a 2.3.0 eMSP at once', () => {
  it('negotiates each version, serves the same Locations in each, and delivers a Session and its CDR to the right one', async () => {
    const cpo = await start({ parties: [CPO], versions: ['2.3.0', '2.2.1', '2.1.1'], modules: [locationsSender(), sessionsSender(), cdrsSender()] });
    const lossEvents: VersionLossEvent[] = [];
    cpo.node.events.on('version.loss', (event) => {
      lossEvents.push(event);
    });
    await putOwnObject(cpo.store, STORE_MODULES.locations, OWNER, location());

    const emsps = new Map<string, { node: HttpTestNode; cpoPartner: Partner; party: CredentialsRole }>();
    for (const [version, party_id] of [
      ['2.1.1', 'OLD'],
      ['2.2.1', 'MID'],
      ['2.3.0', 'NEW'],
    ] as const) {
      const party = emspOf(party_id);
      const node = await start({ parties: [party], versions: [version], modules: [locationsReceiver(), sessionsReceiver(), cdrsReceiver()] });
      const tokenA = partnerToken((await createRegistrationToken(cpo.store)).token);
      const cpoPartner = await node.registry.register({ versionsUrl: cpo.versionsUrl, tokenA });
      // The highest version both have; 2.1.1 tokens travel raw.
      expect(cpoPartner.version, version).toBe(version);
      expect(cpoPartner.tokenEncoding, version).toBe(version === '2.1.1' ? 'raw' : 'base64');
      // 2.1.1 Credentials name one party and no role: it follows from ours.
      expect(
        cpoPartner.roles.map((r) => [r.role, r.country_code, r.party_id]),
        version,
      ).toEqual([['CPO', 'NL', 'CPO']]);
      emsps.set(version, { node, cpoPartner, party });
    }
    // The CPO's records of its partners remember their versions.
    const partners = await cpo.store.partners.list();
    expect(Object.fromEntries(partners.map((p) => [p.roles[0]?.party_id, [p.version, p.roles[0]?.role]]))).toEqual({
      OLD: ['2.1.1', 'EMSP'],
      MID: ['2.2.1', 'EMSP'],
      NEW: ['2.3.0', 'EMSP'],
    });

    // The same Location, pulled in each version twice: valid there, help_phone only in 2.3.0.
    for (const [version, { node, cpoPartner }] of emsps) {
      for (let pull = 0; pull < 2; pull++) {
        const pulled: Record<string, unknown>[] = [];
        for await (const item of node.client.forPartner(cpoPartner).paginate<Record<string, unknown>>('locations', 'SENDER')) pulled.push(item);
        expect(
          pulled.map((l) => l.id),
          version,
        ).toEqual(['LOC1']);
        const [one] = pulled as [Record<string, unknown>];
        expect(one.help_phone, version).toBe(version === '2.3.0' ? '+31201234567' : undefined);
        // The client yields the canonical model: 2.1.1 names no owner, the CPO's credentials do.
        expect([one.country_code, one.party_id], version).toEqual(['NL', 'CPO']);
      }
    }
    // Reported once per partner, object type and field, though pulled twice.
    const helpPhone = lossEvents.filter((e) => e.objectType === 'Location' && e.field === '/help_phone');
    expect(helpPhone.map((e) => e.version).sort()).toEqual(['2.1.1', '2.2.1']);
    const oldId = partners.find((p) => p.roles[0]?.party_id === 'OLD')?.id as string;
    expect(cpo.node.losses.counts(oldId).find((c) => c.objectType === 'Location' && c.field === '/help_phone')?.count).toBe(2);

    // A session and its CDR for each eMSP's driver, pushed by the CPO's client in that eMSP's version.
    for (const [version, { node, party }] of emsps) {
      const cpoSide = partners.find((p) => p.roles[0]?.party_id === party.party_id) as Partner;
      const base = example<Session>('session_example_1_simple_start.json', '2.3.0');
      const session: Session = {
        ...base,
        ...OWNER,
        id: `S-${party.party_id}`,
        location_id: 'LOC1',
        evse_uid: location().evses?.[0]?.uid as string,
        connector_id: location().evses?.[0]?.connectors[0]?.id as string,
        cdr_token: { ...base.cdr_token, country_code: party.country_code, party_id: party.party_id },
      };
      const client = cpo.client.forPartner(cpoSide);
      await client.pushSession(session);
      const cdrBase = example<CDR>('cdr_example.json', '2.3.0');
      const cdr: CDR = {
        ...cdrBase,
        ...OWNER,
        id: `CDR-${party.party_id}`,
        session_id: session.id,
        cdr_token: session.cdr_token,
        cdr_location: { ...cdrBase.cdr_location, id: 'LOC1' },
        tariffs: (cdrBase.tariffs ?? []).map((t) => ({ ...t, tax_included: 'NO' as const })),
      };
      await client.postCdr(cdr);

      // The eMSP keeps them as canonical objects, under the CPO (2.1.1 names no owner: its credentials do).
      const stored = await node.store.objects.get<Session>({ module: STORE_MODULES.sessions, owner: OWNER, id: session.id });
      expect(stored?.data.id, version).toBe(session.id);
      // 2.1.1 names the driver by auth_id (the contract id): taken as the Token uid, a reported default.
      expect(stored?.data.cdr_token.uid, version).toBe(version === '2.1.1' ? session.cdr_token.contract_id : session.cdr_token.uid);
      expect(stored?.data.cdr_token.contract_id, version).toBe(session.cdr_token.contract_id);
      expect(stored?.data.location_id, version).toBe('LOC1');
      const cdrs = await node.store.objects.list({ module: STORE_MODULES.cdrs, owners: [OWNER], offset: 0, limit: 10 });
      expect(
        cdrs.items.map((c) => (c.data as CDR).id),
        version,
      ).toEqual([cdr.id]);
      // Only its own: another eMSP's session did not reach it.
      const sessions = await node.store.objects.list({ module: STORE_MODULES.sessions, owners: [OWNER], offset: 0, limit: 10 });
      expect(
        sessions.items.map((s) => (s.data as Session).id),
        version,
      ).toEqual([session.id]);
    }
  }, 60_000);
});
