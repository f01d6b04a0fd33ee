// The mock partner: an ordinary OCPI node of one role (the core with its store-backed defaults), seeded
// with made-up data, with the faults of `faults.ts` switched on in front of it. A mock hub is the core's
// hub (`createHub`, in memory) with two mock CPOs and a mock eMSP registered with it through the
// handshake: what a partner tests against routes as a real hub does.
import {
  type CredentialsRole,
  createRegistrationToken,
  type OcpiStore,
  type PartnerChange,
  type PartyRef,
  partnerToken,
  putOwnObject,
  STORE_MODULES,
} from '@ocpi-ts/core';
import { type NodeRole, type RoleNode, startRoleNode } from '../node.js';
import { canonical, cdrTokenOf, ocpiTime, SAMPLE_TARIFF_ID, sampleCdr, sampleLocation, sampleSession, sampleTariff, sampleToken } from '../samples.js';
import { type ActiveFault, withFaults } from './faults.js';

export interface MockOptions {
  role: NodeRole;
  /** Our own party (the HUB party of a hub). Default NL*MCK (NL*HUB for a hub). */
  party?: PartyRef;
  faults?: readonly ActiveFault[];
  host?: string;
  port?: number;
  publicUrl?: string;
  /** The registration token partners use; default a new one. */
  tokenA?: string;
  /** Locations per CPO party (default 30). */
  locations?: number;
  /** Tokens per eMSP party (default 12). */
  tokens?: number;
  /** Sessions and CDRs made for each eMSP party that registers (default 3). */
  sessions?: number;
  /** How long the Commands Receiver takes to post a result (default 100 ms). */
  resultDelayMs?: number;
  /** The OCPI versions it serves (default 2.2.1). */
  versions?: readonly string[];
}

export interface RunningMock {
  node: RoleNode;
  parties: CredentialsRole[];
  versionsUrl: string;
  tokenA: string;
  close(): Promise<void>;
}

const role = (r: CredentialsRole['role'], party: PartyRef, name: string): CredentialsRole => ({ role: r, ...party, business_details: { name } });

/** The parties behind a mock hub, each a mock of its own registered with the hub. */
const BEHIND_THE_HUB: readonly CredentialsRole[] = [
  role('CPO', { country_code: 'NL', party_id: 'HC1' }, 'Mock CPO 1 behind the hub'),
  role('CPO', { country_code: 'DE', party_id: 'HC2' }, 'Mock CPO 2 behind the hub'),
  role('EMSP', { country_code: 'NL', party_id: 'HE1' }, 'Mock eMSP behind the hub'),
];

async function acceptTokenA(store: OcpiStore, given: string | undefined): Promise<string> {
  return (
    await createRegistrationToken(store, { label: given === undefined ? 'ocpi mock' : 'ocpi mock --token-a', ...(given === undefined ? {} : { token: given }) })
  ).token;
}

/** Starts the mock partner; `close()` stops it (and lets go of requests a fault holds). */
export async function startMock(options: MockOptions): Promise<RunningMock> {
  return options.role === 'HUB' ? startMockHub(options) : startMockParty(options, undefined);
}

/**
 * The core's hub, and behind it a mock of each party of `BEHIND_THE_HUB` (on 127.0.0.1, any port),
 * registered with the hub through the handshake. An eMSP registering with the hub gets Sessions and
 * CDRs at each CPO behind it, as with a mock CPO.
 */
async function startMockHub(options: MockOptions): Promise<RunningMock> {
  const hubParty = role('HUB', options.party ?? { country_code: 'NL', party_id: 'HUB' }, 'Mock Hub');
  const members: MockParty[] = [];
  const release = new AbortController();
  const hub = await startRoleNode({
    role: 'HUB',
    parties: [hubParty],
    ...(options.host ? { host: options.host } : {}),
    ...(options.port === undefined ? {} : { port: options.port }),
    ...(options.publicUrl ? { publicUrl: options.publicUrl } : {}),
    ...(options.versions ? { versions: options.versions } : {}),
    onPartnerChange: async (change) => {
      for (const member of members) await member.sessionsFor(change);
    },
    wrap: (handle) => withFaults(handle, options.faults ?? [], release.signal),
  });
  const close = async () => {
    release.abort();
    await Promise.allSettled(members.map((m) => m.close()));
    await hub.close();
  };
  // The parties behind the hub share the seeding options; they listen locally, reached by the hub only.
  const { faults: _faults, host: _host, port: _port, publicUrl: _publicUrl, tokenA: _tokenA, party: _party, ...seeding } = options;
  try {
    for (const party of BEHIND_THE_HUB) {
      const member = await startMockParty({ ...seeding, role: party.role as NodeRole, host: '127.0.0.1' }, party);
      members.push(member);
      const { token } = await createRegistrationToken(hub.store, { label: `ocpi mock: ${party.country_code}*${party.party_id}` });
      await member.node.registry.register({ versionsUrl: hub.versionsUrl, tokenA: partnerToken(token) });
    }
  } catch (error) {
    await close();
    throw error;
  }
  return { node: hub, parties: [hubParty, ...BEHIND_THE_HUB], versionsUrl: hub.versionsUrl, tokenA: await acceptTokenA(hub.store, options.tokenA), close };
}

interface MockParty extends RunningMock {
  /** Sessions and CDRs for an eMSP that registered (with this mock, or with the hub in front of it). */
  sessionsFor(change: PartnerChange): Promise<void>;
}

/** A mock of one party (`party`, else the one of the options). */
async function startMockParty(options: MockOptions, party: CredentialsRole | undefined): Promise<MockParty> {
  const parties = [party ?? role(options.role, options.party ?? { country_code: 'NL', party_id: 'MCK' }, `Mock ${options.role}`)];
  const cpos = parties.filter((p) => p.role === 'CPO');
  const emsps = parties.filter((p) => p.role === 'EMSP');
  const release = new AbortController();
  // Objects were last updated one minute apart, the newest a minute ago: date filters have something to cut.
  const locationCount = options.locations ?? 30;
  const started = Date.now();
  const at = (n: number, of: number) => ocpiTime(started - (of - n + 1) * 60_000);
  let node: RoleNode | undefined;

  /** Sessions and CDRs for an eMSP that registers with a mock CPO, so it has some of its own to pull. */
  async function sessionsFor(change: PartnerChange) {
    if (change.kind !== 'registered' || !node) return;
    const count = options.sessions ?? 3;
    for (const emsp of change.partner.roles.filter((r) => r.role === 'EMSP')) {
      for (const cpo of cpos) {
        for (let n = 1; n <= count; n++) {
          const token = cdrTokenOf(sampleToken(emsp, n, at(n, count)));
          const location = sampleLocation(cpo, n, at(n, count));
          const id = `${emsp.country_code}${emsp.party_id}-${n}`;
          await putOwnObject(node.store, STORE_MODULES.sessions, cpo, canonical('Session', sampleSession(cpo, id, token, location, at(n, count))));
          await putOwnObject(node.store, STORE_MODULES.cdrs, cpo, canonical('CDR', sampleCdr(cpo, id, token, location, at(n, count))));
        }
      }
    }
  }

  node = await startRoleNode({
    role: options.role,
    parties,
    ...(options.host ? { host: options.host } : {}),
    ...(options.port === undefined ? {} : { port: options.port }),
    ...(options.publicUrl ? { publicUrl: options.publicUrl } : {}),
    ...(options.resultDelayMs === undefined ? {} : { resultDelayMs: options.resultDelayMs }),
    ...(options.versions ? { versions: options.versions } : {}),
    onPartnerChange: sessionsFor,
    wrap: (handle) => withFaults(handle, options.faults ?? [], release.signal),
  });
  const { store } = node;
  for (const cpo of cpos) {
    for (let n = 1; n <= locationCount; n++)
      await putOwnObject(store, STORE_MODULES.locations, cpo, canonical('Location', sampleLocation(cpo, n, at(n, locationCount))));
    await putOwnObject(store, STORE_MODULES.tariffs, cpo, canonical('Tariff', sampleTariff(cpo, SAMPLE_TARIFF_ID, at(0, 1))));
    await putOwnObject(store, STORE_MODULES.tariffs, cpo, canonical('Tariff', sampleTariff(cpo, 'FAST', at(1, 1))));
  }
  const tokenCount = options.tokens ?? 12;
  for (const emsp of emsps) {
    for (let n = 1; n <= tokenCount; n++) {
      const token = sampleToken(emsp, n, at(n, tokenCount));
      await putOwnObject(store, STORE_MODULES.tokens, emsp, canonical('Token', token));
    }
  }
  const tokenA = await acceptTokenA(store, options.tokenA);
  const running = node;
  return {
    node: running,
    parties,
    versionsUrl: running.versionsUrl,
    tokenA,
    sessionsFor,
    async close() {
      release.abort();
      await running.close();
    },
  };
}
