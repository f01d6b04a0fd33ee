// `pnpm start`: a CPO and two eMSPs on 127.0.0.1, each on its own embedded store. One eMSP roams with
// the CPO over OCPI 2.3.0 (the highest version both serve): handshake, locations page by page, a session started and stopped by
// command, the session's progress and its CDR. `--once` exits after the flow (0 when every step worked).
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { type CDR, createRegistrationToken, type Location, type ObjectEvent, type OcpiEvent, type Partner, partnerToken, type Session } from '@ocpi-ts/core';
import { type NodeConfig, readConfig } from './config.js';
import { type RunningNode, startNode } from './node.js';

export interface DemoOptions {
  adapter?: NodeConfig['adapter'];
  /** Where the two embedded stores live; wiped first, so every run starts from scratch. */
  dataDir?: string;
  print?: (line: string) => void;
  /** Pace of the simulated chargers. */
  tickMs?: number;
  /** How many meter readings to wait for before stopping the session. */
  readings?: number;
}

export interface DemoResult {
  cpo: RunningNode;
  emsp: RunningNode;
  /** The eMSP that speaks only OCPI 2.1.1, roaming with the same CPO at the same time. */
  emsp211: RunningNode;
  partner: Partner;
  /** The CPO as the 2.1.1 eMSP's partner. */
  partner211: Partner;
  /** The Locations the 2.1.1 eMSP pulled. */
  locations211: number;
  /** What the CPO could not send the 2.1.1 eMSP: one line per object type and field. */
  losses211: string[];
  locations: number;
  session: Session;
  cdr: CDR;
}

/** Resolves with the first event that matches, or fails after `ms`. */
export function nextEvent<T extends OcpiEvent>(node: RunningNode, match: (event: OcpiEvent) => event is T, what: string, ms = 15_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`timed out waiting for ${what}`));
    }, ms);
    const off = node.events.on('*', (event) => {
      if (!match(event)) return;
      clearTimeout(timer);
      off();
      resolve(event);
    });
  });
}

/** A 2.3.0 Price as one amount including taxes, for the narration. */
const afterTaxes = (price: { before_taxes: number; taxes?: { amount: number }[] } | undefined) =>
  price === undefined ? '?' : (price.before_taxes + (price.taxes ?? []).reduce((sum, tax) => sum + tax.amount, 0)).toFixed(2);
/** `1 charging period`, `2 charging periods`. */
const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? '' : 's'}`;

type ObjectEventOf = ObjectEvent;
/** Matches an object created or updated in a module, whose object passes `test`. */
export const objectEvent =
  (module: string, test: (object: any) => boolean = () => true) =>
  (event: OcpiEvent): event is ObjectEventOf =>
    (event.type === 'object.created' || event.type === 'object.updated') && event.module === module && test(event.object);

export async function runDemo(options: DemoOptions = {}): Promise<DemoResult> {
  const print = options.print ?? ((line: string) => console.log(line));
  const adapter = options.adapter ?? 'fastify';
  const dataDir = options.dataDir ?? '.data/demo';
  rmSync(dataDir, { recursive: true, force: true });
  const base = { PORT: '0', OCPI_ADAPTER: adapter, OCPI_LOG: 'off' };
  const started = Date.now();
  print(
    `ocpi-ts demo: a CPO roaming with two eMSPs at once, one on OCPI 2.3.0 and one on 2.1.1 (${adapter} adapter, embedded stores in ${dataDir}); starting them`,
  );

  const cpo = await startNode({
    config: readConfig({
      ...base,
      OCPI_ROLE: 'CPO',
      OCPI_COUNTRY_CODE: 'NL',
      OCPI_PARTY_ID: 'CPO',
      OCPI_DATA_DIR: join(dataDir, 'cpo'),
      OCPI_SEED_LOCATIONS: '20',
    }),
    simulation: { tickMs: options.tickMs ?? 400, resultDelayMs: 200 },
  });
  // Two eMSPs at once: one on every version, one that only speaks the older OCPI 2.1.1.
  const [emsp, emsp211] = await Promise.all([
    startNode({ config: readConfig({ ...base, OCPI_ROLE: 'EMSP', OCPI_COUNTRY_CODE: 'DE', OCPI_PARTY_ID: 'MSP', OCPI_DATA_DIR: join(dataDir, 'emsp') }) }),
    startNode({
      config: readConfig({
        ...base,
        OCPI_ROLE: 'EMSP',
        OCPI_COUNTRY_CODE: 'BE',
        OCPI_PARTY_ID: 'OLD',
        OCPI_VERSIONS: '2.1.1',
        OCPI_DATA_DIR: join(dataDir, 'emsp-2.1.1'),
      }),
    }),
  ]);
  try {
    print(`  CPO  NL*CPO  ${cpo.versionsUrl}   Charge Point Operator: runs the chargers`);
    print(`  eMSP DE*MSP  ${emsp.versionsUrl}   e-Mobility Service Provider: has the drivers and bills them`);
    print(`  eMSP BE*OLD  ${emsp211.versionsUrl}   another eMSP, whose platform only speaks the older OCPI 2.1.1`);
    print("  Roaming lets the eMSP's drivers charge at the CPO's chargers; each node speaks OCPI at its versions URL.");

    // 1. The handshake: the eMSP got the CPO's versions URL and token A out of band.
    const partner = await emsp.partners.register({ versionsUrl: cpo.versionsUrl, tokenA: partnerToken(cpo.tokenA) });
    const cpoSide = (await cpo.store.partners.list()).find((p) => p.status === 'REGISTERED');
    print(`1. eMSP -> CPO  POST credentials with token A: registered on OCPI ${partner.version}`);
    print('   token A: a one-time registration token the CPO gave the eMSP out of band, with its versions URL;');
    print('   credentials: what each side sends the other, its token, versions URL and roles (the handshake)');
    print(
      `   the CPO offers ${partner.endpoints.length} endpoints (module URLs), the eMSP ${cpoSide?.endpoints.length ?? 0}; token A is now dead, each side holds the other's new token`,
    );
    // The 2.1.1 eMSP registers with the same CPO: the handshake picks 2.1.1, the highest version both have.
    const partner211 = await emsp211.partners.register({
      versionsUrl: cpo.versionsUrl,
      tokenA: partnerToken((await createRegistrationToken(cpo.store)).token),
    });
    print(`   BE*OLD -> CPO  POST credentials: registered on OCPI ${partner211.version}; the CPO serves both versions from one store`);
    print(`2. eMSP -> CPO  PUT tokens: 3 driver tokens (an app user, RFID cards: what a driver starts a charge with) pushed, so the CPO can authorize them`);

    // 2. Every location, page by page (the CPO's X-Limit caps the page size).
    const client = emsp.client.forPartner(partner);
    let pages = 0;
    let total = 0;
    const locations: Location[] = [];
    for await (const location of client.paginate<Location>('locations', 'SENDER', {
      limit: 8,
      onPage: (page) => {
        pages += 1;
        total = page.total ?? total;
      },
    })) {
      locations.push(location);
    }
    print(`3. eMSP -> CPO  GET locations page by page: ${locations.length} locations in ${pages} pages (X-Total-Count ${total})`);
    print('   a location: a charging site with its EVSEs (the charge points) and their connectors (the plugs)');
    let locations211 = 0;
    for await (const _ of emsp211.client.forPartner(partner211).paginate('locations', 'SENDER', { limit: 8 })) locations211 += 1;
    print(`   BE*OLD -> CPO  GET locations in OCPI 2.1.1: the same ${locations211} locations, written as 2.1.1 has them`);

    // 3. START_SESSION at the first location, with a response_url on the eMSP for the result.
    const location = locations[0] as Location;
    const evse = location.evses?.[0];
    const token = {
      country_code: 'DE',
      party_id: 'MSP',
      uid: 'APP0000001',
      type: 'APP_USER' as const,
      contract_id: 'DE-MSP-C000001',
      issuer: 'Demo eMSP',
      valid: true,
      whitelist: 'ALLOWED' as const,
      last_updated: '2026-01-01T00:00:00Z',
    };
    const sessionStarted = nextEvent(
      emsp,
      objectEvent('sessions', (s) => s.status === 'ACTIVE'),
      'the ACTIVE session',
    );
    const results = { receiver: emsp.commandResults!, node: emsp.server.node, timeoutMs: 15_000 };
    const start = await client.sendCommand('START_SESSION', { token, location_id: location.id, ...(evse ? { evse_uid: evse.uid } : {}) }, { results });
    print(
      `4. eMSP -> CPO  POST commands/START_SESSION at ${location.id} ${evse?.uid ?? ''}: CommandResponse ${start.response.result} (timeout ${start.response.timeout} s)`,
    );
    print("   a command is asynchronous: the CommandResponse says the CPO accepted it; the charger's own answer, the");
    print("   CommandResult, comes later as a POST to the response_url, a URL of the eMSP's that it put in the command");
    const startResult = await start.result;
    print(`5. CPO -> eMSP  POST response_url: CommandResult ${startResult?.result}`);
    if (start.response.result !== 'ACCEPTED' || startResult?.result !== 'ACCEPTED') throw new Error('START_SESSION was not accepted');
    const active = (await sessionStarted).object as Session;
    print(`6. CPO -> eMSP  PUT sessions/NL/CPO/${active.id}: session ACTIVE at ${active.location_id} ${active.evse_uid}`);
    print('   a session: one charge in progress, pushed by the CPO as it changes');

    // 4. Meter readings: each push carries the session's latest state (the outbox sends what is stored
    // when it delivers, so readings close together may arrive as one).
    let reading: Session = active;
    for (let n = 0; n < (options.readings ?? 2); n++) {
      reading = (
        await nextEvent(
          emsp,
          objectEvent('sessions', (s) => s.id === active.id && (s.charging_periods?.length ?? 0) > n),
          'a meter reading',
        )
      ).object as Session;
      print(
        `   CPO -> eMSP  PUT sessions/NL/CPO/${active.id}: ${reading.kwh} kWh, ${plural(reading.charging_periods?.length ?? 0, 'charging period')}, EUR ${afterTaxes(reading.total_cost)} so far`,
      );
    }

    // 5. STOP_SESSION; the session completes and its CDR is posted.
    const cdrArrived = nextEvent(
      emsp,
      objectEvent('cdrs', (c) => c.session_id === active.id),
      'the CDR',
    );
    const completed = nextEvent(
      emsp,
      objectEvent('sessions', (s) => s.id === active.id && s.status === 'COMPLETED'),
      'the COMPLETED session',
    );
    const stop = await client.sendCommand('STOP_SESSION', { session_id: active.id }, { results });
    const stopResult = await stop.result;
    print(`7. eMSP -> CPO  POST commands/STOP_SESSION: CommandResponse ${stop.response.result}, then CommandResult ${stopResult?.result}`);
    if (stop.response.result !== 'ACCEPTED' || stopResult?.result !== 'ACCEPTED') throw new Error('STOP_SESSION was not accepted');
    const session = (await completed).object as Session;
    const cdr = (await cdrArrived).object as CDR;
    print(`8. CPO -> eMSP  PUT session COMPLETED, then POST cdrs: CDR ${cdr.id}, ${cdr.total_energy} kWh, EUR ${afterTaxes(cdr.total_cost)} incl. VAT`);
    print('   a CDR (Charge Detail Record): the final, priced record of the session, what the eMSP bills its driver for');
    // The session and CDR were DE*MSP's driver's: they went to DE*MSP only. What 2.1.1 could not carry is reported.
    const cpoSide211 = (await cpo.store.partners.list()).find((p) => p.version === '2.1.1');
    const losses211 = cpo.server.node.losses
      .counts(cpoSide211?.id)
      .map((loss) => `${loss.objectType}${loss.field} ${loss.kind} (${loss.count}x): ${loss.reason}`);
    print(`9. The CPO's loss report for BE*OLD (OCPI 2.1.1): ${plural(losses211.length, 'field')} it could not receive as the CPO has them`);
    for (const line of losses211.slice(0, 6)) print(`   ${line}`);
    if (losses211.length > 6) print(`   ... and ${losses211.length - 6} more (node.losses.counts(), the version.loss events)`);
    print(`Done in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
    return { cpo, emsp, emsp211, partner, partner211, locations: locations.length, locations211, losses211, session, cdr };
  } catch (error) {
    await Promise.allSettled([cpo.close(), emsp.close(), emsp211.close()]);
    throw error;
  }
}
