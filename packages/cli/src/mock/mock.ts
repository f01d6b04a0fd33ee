// The mock partner: an ordinary OCPI node of one role (the core with its store-backed defaults), seeded
// with made-up data, with the faults of `faults.ts` switched on in front of it.
import {
  type CredentialsRole,
  createRegistrationToken,
  type OcpiStore,
  type PartnerChange,
  type PartyRef,
  putOwnObject,
  STORE_MODULES,
  type v221,
} from '@ocpi-ts/core';
import { type NodeRole, type RoleNode, startRoleNode } from '../node.js';
import {
  canonical,
  cdrTokenOf,
  ocpiTime,
  SAMPLE_TARIFF_ID,
  sampleCdr,
  sampleClientInfo,
  sampleLocation,
  sampleSession,
  sampleTariff,
  sampleToken,
} from '../samples.js';
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

/** The parties of a mock: one of its role, or for a hub the hub and a few parties behind it. */
function partiesOf(options: MockOptions): CredentialsRole[] {
  if (options.role === 'HUB') {
    const hub = options.party ?? { country_code: 'NL', party_id: 'HUB' };
    return [
      role('HUB', hub, 'Mock Hub'),
      role('CPO', { country_code: 'NL', party_id: 'HC1' }, 'Mock CPO 1 behind the hub'),
      role('CPO', { country_code: 'DE', party_id: 'HC2' }, 'Mock CPO 2 behind the hub'),
      role('EMSP', { country_code: 'NL', party_id: 'HE1' }, 'Mock eMSP behind the hub'),
    ];
  }
  return [role(options.role, options.party ?? { country_code: 'NL', party_id: 'MCK' }, `Mock ${options.role}`)];
}

async function acceptTokenA(store: OcpiStore, given: string | undefined): Promise<string> {
  return (
    await createRegistrationToken(store, { label: given === undefined ? 'ocpi mock' : 'ocpi mock --token-a', ...(given === undefined ? {} : { token: given }) })
  ).token;
}

/** Starts the mock partner; `close()` stops it (and lets go of requests a fault holds). */
export async function startMock(options: MockOptions): Promise<RunningMock> {
  const parties = partiesOf(options);
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
  const hub = parties.find((p) => p.role === 'HUB');
  if (hub) {
    for (const party of parties.filter((p) => p !== hub)) {
      await putOwnObject(
        store,
        STORE_MODULES.hubClientInfo,
        hub,
        canonical('ClientInfo', sampleClientInfo(party, party.role as v221.ClientInfo['role'], at(0, 1))),
      );
    }
  }
  const tokenA = await acceptTokenA(store, options.tokenA);
  const running = node;
  return {
    node: running,
    parties,
    versionsUrl: running.versionsUrl,
    tokenA,
    async close() {
      release.abort();
      await running.close();
    },
  };
}
