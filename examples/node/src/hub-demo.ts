// `pnpm start --hub`: two CPOs and one eMSP roaming through one hub, each a node of its own on
// 127.0.0.1 talking real HTTP, each on its own embedded store. Every party registers with the hub only;
// the eMSP sees both CPOs' Locations (GET All via the hub, then a Broadcast Push), starts and stops a
// session at each through the hub, and gets each CDR. `--once` exits after the flow.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import {
  type CDR,
  type ClientInfo,
  createRegistrationToken,
  type Location,
  type Partner,
  partnerToken,
  type Session,
  STORE_MODULES,
  type Token,
} from '@ocpi-ts/core';
import { type NodeConfig, readConfig } from './config.js';
import { nextEvent, objectEvent } from './demo.js';
import { type RunningNode, startNode } from './node.js';
import { demoTokens } from './seed.js';

export interface HubDemoOptions {
  adapter?: NodeConfig['adapter'];
  dataDir?: string;
  print?: (line: string) => void;
  tickMs?: number;
}

export interface HubDemoResult {
  hub: RunningNode;
  cpos: RunningNode[];
  emsp: RunningNode;
  /** The hub, as the eMSP's partner. */
  partner: Partner;
  /** The Locations the eMSP got through GET All via the hub, per owner (`NL*CPA`). */
  locationsByOwner: Record<string, number>;
  /** The Sessions and CDRs the eMSP received, one per CPO. */
  sessions: Session[];
  cdrs: CDR[];
  close(): Promise<void>;
}

const PARTIES = { hub: ['NL', 'HUB'], cpoA: ['NL', 'CPA'], cpoB: ['BE', 'CPB'], emsp: ['DE', 'MSP'] } as const;

async function until(what: string, check: () => Promise<boolean>, ms = 20_000) {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export async function runHubDemo(options: HubDemoOptions = {}): Promise<HubDemoResult> {
  const print = options.print ?? ((line: string) => console.log(line));
  const adapter = options.adapter ?? 'fastify';
  const dataDir = options.dataDir ?? '.data/hub-demo';
  rmSync(dataDir, { recursive: true, force: true });
  const started = Date.now();
  const base = { PORT: '0', OCPI_ADAPTER: adapter, OCPI_LOG: 'off' };
  // Every party grants the hub its HUB role: it may speak for the parties it connects.
  const member = (role: 'CPO' | 'EMSP', [country, party]: readonly [string, string], extra: Record<string, string> = {}) =>
    readConfig({
      ...base,
      OCPI_ROLE: role,
      OCPI_COUNTRY_CODE: country,
      OCPI_PARTY_ID: party,
      OCPI_HUB_PARTIES: PARTIES.hub.join('*'),
      OCPI_DATA_DIR: join(dataDir, `${country}-${party}`),
      ...extra,
    });
  print(`ocpi-ts hub demo: two CPOs and one eMSP roaming through one hub (${adapter} adapter, embedded stores in ${dataDir})`);
  const nodes: RunningNode[] = [];
  const close = async () => {
    await Promise.allSettled(nodes.map((n) => n.close()));
  };
  try {
    const simulation = { tickMs: options.tickMs ?? 400, resultDelayMs: 200 };
    const starting = [
      startNode({ config: readConfig({ ...base, OCPI_ROLE: 'HUB', OCPI_COUNTRY_CODE: 'NL', OCPI_PARTY_ID: 'HUB', OCPI_DATA_DIR: join(dataDir, 'hub') }) }),
      startNode({ config: member('CPO', PARTIES.cpoA, { OCPI_SEED_LOCATIONS: '3' }), simulation }),
      startNode({ config: member('CPO', PARTIES.cpoB, { OCPI_SEED_LOCATIONS: '2' }), simulation }),
      startNode({ config: member('EMSP', PARTIES.emsp) }),
    ];
    // The ones that started are closed, whichever failed.
    for (const settled of await Promise.allSettled(starting)) if (settled.status === 'fulfilled') nodes.push(settled.value);
    if (nodes.length < starting.length) throw (await Promise.allSettled(starting)).find((s) => s.status === 'rejected')?.reason;
    const [hub, cpoA, cpoB, emsp] = nodes as [RunningNode, RunningNode, RunningNode, RunningNode];
    const cpos = [cpoA, cpoB];
    const name = (n: RunningNode) => `${n.config.countryCode}*${n.config.partyId}`;
    print(`  hub  ${name(hub)}  ${hub.versionsUrl}   routes between the parties connected to it`);
    for (const cpo of cpos) print(`  CPO  ${name(cpo)}  ${cpo.versionsUrl}   runs chargers; connected to the hub only`);
    print(`  eMSP ${name(emsp)}  ${emsp.versionsUrl}   has the drivers; connected to the hub only`);

    // 1. Each party registers with the hub (token A from the hub's operator); the hub tells everyone who is connected.
    const partners = new Map<RunningNode, Partner>();
    for (const party of [cpoA, cpoB, emsp]) {
      const { token } = await createRegistrationToken(hub.store, { label: `demo ${name(party)}` });
      partners.set(party, await party.partners.register({ versionsUrl: hub.versionsUrl, tokenA: partnerToken(token) }));
      print(`1. ${name(party)} -> hub  POST credentials: registered on OCPI ${partners.get(party)?.version}, the hub holds the HUB role`);
    }
    const partner = partners.get(emsp) as Partner;
    await until('Hub Client Info at every party', async () => {
      for (const party of [cpoA, cpoB, emsp]) {
        const infos = await party.store.objects.list<ClientInfo>({ module: STORE_MODULES.hubClientInfo, offset: 0, limit: 10 });
        if (infos.items.filter((i) => i.data.status === 'CONNECTED').length < 3) return false;
      }
      return true;
    });
    print('2. hub -> every party  PUT hubclientinfo: NL*CPA, BE*CPB and DE*MSP are CONNECTED (so each accepts what the hub relays for the others)');
    print("   the eMSP's driver tokens went to the hub addressed to the hub itself: a Broadcast Push, relayed to both CPOs");

    // 3. GET All via the hub: one paginated list over both CPOs.
    const client = emsp.client.forPartner(partner);
    const locationsByOwner: Record<string, number> = {};
    const firstOf = new Map<string, Location>();
    let pages = 0;
    let total: number | undefined;
    for await (const location of client.paginate<Location>('locations', 'SENDER', {
      limit: 2,
      onPage: (page) => {
        pages += 1;
        total = page.total ?? total;
      },
    })) {
      const owner = `${location.country_code}*${location.party_id}`;
      locationsByOwner[owner] = (locationsByOwner[owner] ?? 0) + 1;
      if (!firstOf.has(owner)) firstOf.set(owner, location);
    }
    print(
      `3. eMSP -> hub  GET locations (OCPI-to the hub: GET All): ${Object.entries(locationsByOwner)
        .map(([owner, n]) => `${n} of ${owner}`)
        .join(', ')} in ${pages} pages (X-Total-Count ${total}); the hub asked each CPO on the eMSP's behalf`,
    );

    // 4. A Broadcast Push: a CPO pushes a Location to the hub, the hub's outbox delivers it to every eMSP.
    const broadcastId = firstOf.get('BE*CPB')?.id as string;
    const broadcastArrived = nextEvent(
      emsp,
      objectEvent('locations', (l) => l.id === broadcastId),
      'the broadcast Location',
    );
    const changed = await cpoB.store.objects.update<Location>(
      { module: STORE_MODULES.locations, owner: { country_code: 'BE', party_id: 'CPB' }, id: broadcastId },
      (current) =>
        current ? { data: { ...current.data, name: 'Renamed by its CPO', last_updated: new Date().toISOString().replace(/\.\d+Z$/, 'Z') } } : undefined,
    );
    if (changed.kind === 'absent' || changed.kind === 'deleted') throw new Error(`Location ${broadcastId} is not stored at BE*CPB`);
    await cpoB.outbox.enqueue(partners.get(cpoB) as Partner, {
      module: STORE_MODULES.locations,
      owner: { country_code: 'BE', party_id: 'CPB' },
      id: broadcastId,
    });
    await broadcastArrived;
    print(`4. BE*CPB -> hub -> eMSP  PUT locations/BE/CPB/${broadcastId} (OCPI-to the hub: Broadcast Push; the hub answers at once, its outbox delivers)`);

    // 5. A session at each CPO, by command through the hub; the CommandResult comes back through the hub's response_url.
    const results = { receiver: emsp.commandResults!, node: emsp.server.node, timeoutMs: 15_000 };
    // The driver's app token the eMSP pushed to both CPOs (through the hub, by Broadcast Push).
    const token = demoTokens({ country_code: 'DE', party_id: 'MSP' })[0] as Token;
    const sessions: Session[] = [];
    const cdrs: CDR[] = [];
    let step = 5;
    for (const cpo of cpos) {
      const owner = name(cpo);
      const to = { country_code: cpo.config.countryCode, party_id: cpo.config.partyId };
      const location = firstOf.get(owner) as Location;
      const evse = location.evses?.[0];
      const active = nextEvent(
        emsp,
        objectEvent('sessions', (s) => s.party_id === to.party_id && s.status === 'ACTIVE'),
        `the session at ${owner}`,
      );
      const start = await client.sendCommand('START_SESSION', { token, location_id: location.id, ...(evse ? { evse_uid: evse.uid } : {}) }, { to, results });
      const startResult = await start.result;
      print(
        `${step++}. eMSP -> hub -> ${owner}  POST commands/START_SESSION at ${location.id} (OCPI-to ${owner}): ${start.response.result}; the hub put its own response_url in`,
      );
      print(`   ${owner} -> hub -> eMSP  POST response_url: CommandResult ${startResult?.result}`);
      if (startResult?.result !== 'ACCEPTED') throw new Error(`START_SESSION at ${owner} was not accepted`);
      const session = (await active).object as Session;
      print(
        `   ${owner} -> hub -> eMSP  PUT sessions/${to.country_code}/${to.party_id}/${session.id}: ACTIVE (open routing: the hub reads the eMSP from cdr_token)`,
      );
      const cdrArrived = nextEvent(
        emsp,
        objectEvent('cdrs', (c) => c.session_id === session.id),
        `the CDR of ${owner}`,
      );
      const stop = await client.sendCommand('STOP_SESSION', { session_id: session.id }, { to, results });
      const stopResult = await stop.result;
      if (stopResult?.result !== 'ACCEPTED') throw new Error(`STOP_SESSION at ${owner} was not accepted`);
      const cdr = (await cdrArrived).object as CDR;
      print(`${step++}. eMSP -> hub -> ${owner}  POST commands/STOP_SESSION: CommandResult ${stopResult.result}`);
      print(`   ${owner} -> hub -> eMSP  POST cdrs: CDR ${cdr.id}, ${cdr.total_energy} kWh (open routing by cdr_token; no other party sees it)`);
      sessions.push(session);
      cdrs.push(cdr);
    }
    print(`Done in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
    return { hub, cpos, emsp, partner, locationsByOwner, sessions, cdrs, close };
  } catch (error) {
    await close();
    throw error;
  }
}
