// A 2.1.1 partner on the PostgreSQL store: its objects name no owner (the party of its credentials
// owns them), are stored canonical, served back in 2.1.1 after a restart of our node, and stay when the
// partner moves to 2.2.1 with a credentials update. Needs a server: `pnpm test` runs through
// scripts/with-postgres.sh, which provides one.
import { createMemoryStore, type Location, type Partner, partnerToken, STORE_MODULES } from '@ocpi-ts/core';
import { TEST_SECRET_KEY } from '@ocpi-ts/core/test-support';
import { createPostgresStore } from '@ocpi-ts/postgres';
import { afterEach, describe, expect, it } from 'vitest';
import { demoLocations } from '../src/seed.js';
import { cleanUp, node } from './support.js';

const url = process.env.OCPI_TEST_DATABASE_URL;
const schema = `v211_${process.pid}_${Date.now()}`;
const OWNER = { country_code: 'NL', party_id: 'CPO' };

afterEach(() => cleanUp());

describe('a 2.1.1 partner on PostgreSQL', () => {
  it('has its objects stored under its credentials party, served after a restart, and kept when it moves to 2.2.1', async () => {
    if (!url) throw new Error('OCPI_TEST_DATABASE_URL is not set: run the tests through scripts/with-postgres.sh (pnpm test does)');
    const postgres = () => createPostgresStore({ url, schema, secretKey: TEST_SECRET_KEY });
    const emspSettings = { OCPI_ROLE: 'EMSP', OCPI_COUNTRY_CODE: 'DE', OCPI_PARTY_ID: 'MSP', OCPI_TOKEN_A: 'token-a-of-the-emsp-211' };
    const emsp = await node(emspSettings, { store: await postgres() });

    // A CPO that speaks 2.1.1 only registers: 2.1.1 is the version both have.
    const cpoStore = createMemoryStore();
    const oldCpo = await node({ OCPI_ROLE: 'CPO', OCPI_VERSIONS: '2.1.1' }, { store: cpoStore });
    const partner: Partner = await oldCpo.partners.register({ versionsUrl: emsp.versionsUrl, tokenA: partnerToken(emsp.tokenA) });
    expect([partner.version, partner.tokenEncoding]).toEqual(['2.1.1', 'raw']);

    // It pushes a Location in 2.1.1 (no country_code/party_id in it): stored canonical, owned by NL*CPO.
    const location = demoLocations(1, { ...OWNER, name: 'Old CPO' })[0] as Location;
    expect((await oldCpo.client.forPartner(partner).pushLocation(location)).statusCode).toBe(1000);
    const key = { module: STORE_MODULES.locations, owner: OWNER, id: location.id };
    const stored = await emsp.store.objects.get<Location>(key);
    expect([stored?.data.country_code, stored?.data.party_id, stored?.data.id]).toEqual(['NL', 'CPO', location.id]);
    const served = await oldCpo.client.forPartner(partner).get<Record<string, unknown>>('locations', 'RECEIVER', ['NL', 'CPO', location.id]);
    expect(served.data.id).toBe(location.id);
    expect(served.data.country_code).toBeUndefined();

    // Our node restarts on the same database and port: the partner's raw token and its Location survive.
    const port = emsp.port;
    await emsp.close();
    const restarted = await node({ ...emspSettings, PORT: String(port) }, { store: await postgres() });
    const again = await oldCpo.client.forPartner(partner).get<Record<string, unknown>>('locations', 'RECEIVER', ['NL', 'CPO', location.id]);
    expect(again.data).toEqual(served.data);

    // The CPO's software now speaks 2.2.1 as well: a credentials update moves it, its token Base64 now.
    const newCpo = await node({ OCPI_ROLE: 'CPO', OCPI_VERSIONS: '2.2.1,2.1.1' }, { store: cpoStore });
    const moved = await newCpo.partners.updateCredentials(partner.id);
    expect([moved.version, moved.tokenEncoding]).toEqual(['2.2.1', 'base64']);
    const ours = await restarted.store.partners.list();
    expect(ours.map((p) => [p.roles[0]?.party_id, p.version, p.tokenEncoding])).toEqual([['CPO', '2.2.1', 'base64']]);
    // Its Location is still there, one of it, now served in 2.2.1 with its owner.
    const in221 = await newCpo.client.forPartner(moved).get<Location>('locations', 'RECEIVER', ['NL', 'CPO', location.id]);
    expect([in221.data.country_code, in221.data.party_id, in221.data.id]).toEqual(['NL', 'CPO', location.id]);
    expect(in221.data.evses?.map((e) => e.uid)).toEqual(location.evses?.map((e) => e.uid));
    const list = await restarted.store.objects.list({ module: STORE_MODULES.locations, owners: [OWNER], offset: 0, limit: 10 });
    expect(list.items.map((item) => (item.data as Location).id)).toEqual([location.id]);
  }, 60_000);
});
