/**
 * Ordered writes on a store, as a vitest suite every store runs: `describeOrderedWrites('my store',
 * () => createMyStore())`. Partners push over parallel connections, so PUTs and PATCHes arrive out of
 * order: whatever the order, an object ends in the state of its latest write (by `last_updated`),
 * older writes are acknowledged and reported (`object.outdated`), and a parent's `last_updated`
 * only moves forward.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createEventBus, type ObjectOutdatedEvent } from '../events.js';
import { locationsReceiver } from '../modules/locations.js';
import { tokensReceiver } from '../modules/tokens.js';
import type { CredentialsRole } from '../partners/partner.js';
import type { EVSE, Location, Token } from '../schemas/v2.2.1/index.js';
import type { OcpiStore } from '../store/types.js';
import { type ModuleHarness, moduleHarness } from './modules-harness.js';

const US: CredentialsRole = { role: 'EMSP', country_code: 'NL', party_id: 'OUR', business_details: { name: 'Receiving node' } };
const PARTNER_ROLES: CredentialsRole[] = [
  { role: 'CPO', country_code: 'NL', party_id: 'CPO', business_details: { name: 'Pushing CPO' } },
  { role: 'EMSP', country_code: 'DE', party_id: 'MSP', business_details: { name: 'Pushing eMSP' } },
];
const TOKEN = 'ordered-writes-partner';
const BASE = Date.parse('2025-03-01T00:00:00Z');
/** `last_updated` n seconds after the base instant. */
const at = (n: number) => new Date(BASE + n * 1000).toISOString().replace('.000Z', 'Z');

/** 1..n in an order that is the same every run and far from sorted. */
function shuffled(n: number): number[] {
  const order = Array.from({ length: n }, (_, i) => i + 1);
  let state = 7;
  for (let i = order.length - 1; i > 0; i--) {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    const j = state % (i + 1);
    [order[i], order[j]] = [order[j] as number, order[i] as number];
  }
  return order;
}

const token = (): Token => ({
  country_code: 'DE',
  party_id: 'MSP',
  uid: 'ORDERED01',
  type: 'RFID',
  contract_id: 'DE-MSP-C00000001',
  issuer: 'Pushing eMSP',
  valid: true,
  whitelist: 'ALLOWED',
  last_updated: at(0),
});

const evse = (uid: string): EVSE => ({
  uid,
  status: 'AVAILABLE',
  connectors: [{ id: '1', standard: 'IEC_62196_T2', format: 'SOCKET', power_type: 'AC_3_PHASE', max_voltage: 230, max_amperage: 32, last_updated: at(0) }],
  last_updated: at(0),
});

const location = (evses: EVSE[]): Location => ({
  country_code: 'NL',
  party_id: 'CPO',
  id: 'ORDERED-LOC',
  publish: true,
  address: 'Stationsplein 1',
  city: 'Utrecht',
  country: 'NLD',
  coordinates: { latitude: '52.089444', longitude: '5.110278' },
  time_zone: 'Europe/Amsterdam',
  evses,
  last_updated: at(0),
});

export function describeOrderedWrites(name: string, makeStore: () => Promise<OcpiStore>, cleanup?: (store: OcpiStore) => Promise<void>): void {
  describe(`ordered writes: ${name}`, () => {
    let store: OcpiStore;
    let node: ModuleHarness;
    let outdated: ObjectOutdatedEvent[];

    beforeEach(async () => {
      store = await makeStore();
      const events = createEventBus();
      // Each test's own list: events of an earlier test may still be delivered.
      const reported: ObjectOutdatedEvent[] = [];
      outdated = reported;
      events.on('object.outdated', (event) => {
        reported.push(event);
      });
      node = moduleHarness({ parties: [US], modules: [tokensReceiver(), locationsReceiver()], store, events });
      await node.partner(TOKEN, PARTNER_ROLES);
    });

    afterEach(async () => {
      await store.close();
      await cleanup?.(store);
    });

    const call = async (method: string, path: string, body: unknown) => {
      const answer = await node.call(method, path, { token: TOKEN, body });
      expect(answer.json.status_code, `${method} ${path}: ${answer.json.status_message}`).toBe(1000);
      return answer;
    };
    /** Events are delivered in tasks of their own, after the answers. */
    const settled = () => new Promise((resolve) => setTimeout(resolve, 20));
    const stored = async <T>(path: string): Promise<T> => (await call('GET', path, undefined)).json.data as T;

    it('100 concurrent PATCHes of one Token in any order: it ends in the state of the latest', async () => {
      await call('PUT', 'receiver/tokens/DE/MSP/ORDERED01', token());
      const answers = await Promise.all(
        shuffled(100).map((n) => call('PATCH', 'receiver/tokens/DE/MSP/ORDERED01', { visual_number: `V${n}`, valid: n % 2 === 0, last_updated: at(n) })),
      );
      expect(answers.every((answer) => answer.status === 200)).toBe(true);
      const final = await stored<Token>('receiver/tokens/DE/MSP/ORDERED01');
      expect(final).toMatchObject({ visual_number: 'V100', valid: true, last_updated: at(100) });
      await settled();
      // Out of order, some arrived after a later one: acknowledged, reported, not applied.
      expect(outdated.length).toBeGreaterThan(0);
      for (const event of outdated) {
        expect(event).toMatchObject({ module: 'tokens', partnerId: `partner-${TOKEN}` });
        expect(Date.parse(event.received)).toBeLessThan(Date.parse(event.stored));
      }
    });

    it('100 concurrent PATCHes of one EVSE in any order: the EVSE ends in the latest state, its Location stamped with it', async () => {
      await call('PUT', 'receiver/locations/NL/CPO/ORDERED-LOC', location([evse('E1'), evse('E2')]));
      await Promise.all(
        shuffled(100).map((n) =>
          call('PATCH', 'receiver/locations/NL/CPO/ORDERED-LOC/E1', {
            status: n % 3 === 0 ? 'CHARGING' : 'AVAILABLE',
            physical_reference: `P${n}`,
            last_updated: at(n),
          }),
        ),
      );
      const final = await stored<Location>('receiver/locations/NL/CPO/ORDERED-LOC');
      expect(final.evses?.[0]).toMatchObject({ uid: 'E1', physical_reference: 'P100', status: 'AVAILABLE', last_updated: at(100) });
      expect(final.evses?.[1]).toEqual(evse('E2'));
      expect(final.last_updated).toBe(at(100));
      await settled();
      expect(outdated.length).toBeGreaterThan(0);
      expect(outdated.every((event) => event.target === 'EVSE E1')).toBe(true);
    });

    it('100 concurrent PATCHes spread over the 10 EVSEs of one Location: each ends in its latest state', async () => {
      const uids = Array.from({ length: 10 }, (_, i) => `E${i}`);
      await call('PUT', 'receiver/locations/NL/CPO/ORDERED-LOC', location(uids.map(evse)));
      await Promise.all(
        shuffled(100).map((n) => call('PATCH', `receiver/locations/NL/CPO/ORDERED-LOC/E${n % 10}`, { physical_reference: `P${n}`, last_updated: at(n) })),
      );
      const final = await stored<Location>('receiver/locations/NL/CPO/ORDERED-LOC');
      for (let k = 0; k < 10; k++) {
        const latest = k === 0 ? 100 : 90 + k;
        expect(final.evses?.find((e) => e.uid === `E${k}`)).toMatchObject({ physical_reference: `P${latest}`, last_updated: at(latest) });
      }
      expect(final.last_updated).toBe(at(100));
    });

    it('Connector PATCHes: the Connector ends in its latest state; its EVSE and Location take the later stamp', async () => {
      await call('PUT', 'receiver/locations/NL/CPO/ORDERED-LOC', location([evse('E1')]));
      await Promise.all(
        shuffled(30).map((n) => call('PATCH', 'receiver/locations/NL/CPO/ORDERED-LOC/E1/1', { max_electric_power: 1000 * n, last_updated: at(n) })),
      );
      let final = await stored<Location>('receiver/locations/NL/CPO/ORDERED-LOC');
      expect(final.evses?.[0]?.connectors[0]).toMatchObject({ max_electric_power: 30_000, last_updated: at(30) });
      expect([final.evses?.[0]?.last_updated, final.last_updated]).toEqual([at(30), at(30)]);
      // An EVSE's last_updated covers its Connectors (mod_locations, EVSE Object): a PATCH of the EVSE
      // stamped before the Connector's change is older than the EVSE and is not applied.
      await call('PATCH', 'receiver/locations/NL/CPO/ORDERED-LOC/E1', { status: 'CHARGING', last_updated: at(29) });
      final = await stored<Location>('receiver/locations/NL/CPO/ORDERED-LOC');
      expect(final.evses?.[0]?.status).toBe('AVAILABLE');
      await call('PATCH', 'receiver/locations/NL/CPO/ORDERED-LOC/E1', { status: 'CHARGING', last_updated: at(30) });
      expect((await stored<Location>('receiver/locations/NL/CPO/ORDERED-LOC')).evses?.[0]?.status).toBe('CHARGING');
    });

    it('an older PUT of a Location, EVSE, Connector or Token is acknowledged and reported, not applied; an equal or newer one is', async () => {
      await call('PUT', 'receiver/locations/NL/CPO/ORDERED-LOC', { ...location([evse('E1')]), last_updated: at(50) });
      // The EVSE (stamped 0) may be replaced by a newer one; its Location keeps its later stamp.
      await call('PUT', 'receiver/locations/NL/CPO/ORDERED-LOC/E1', { ...evse('E1'), status: 'CHARGING', last_updated: at(10) });
      let final = await stored<Location>('receiver/locations/NL/CPO/ORDERED-LOC');
      expect(final.evses?.[0]?.status).toBe('CHARGING');
      expect(final.last_updated).toBe(at(50));
      // An older EVSE and an older Connector: nothing changes.
      await call('PUT', 'receiver/locations/NL/CPO/ORDERED-LOC/E1', { ...evse('E1'), status: 'BLOCKED', last_updated: at(5) });
      await call('PUT', 'receiver/locations/NL/CPO/ORDERED-LOC/E1/1', { ...(evse('E1').connectors[0] as object), max_voltage: 400, last_updated: at(-1) });
      // An older Location: nothing changes. The same stamp again: applied.
      await call('PUT', 'receiver/locations/NL/CPO/ORDERED-LOC', { ...location([]), last_updated: at(49) });
      expect(await stored<Location>('receiver/locations/NL/CPO/ORDERED-LOC')).toEqual(final);
      await call('PUT', 'receiver/locations/NL/CPO/ORDERED-LOC', { ...location([]), city: 'Amersfoort', last_updated: at(50) });
      final = await stored<Location>('receiver/locations/NL/CPO/ORDERED-LOC');
      expect(final.city).toBe('Amersfoort');
      expect(final.evses).toEqual([]);

      await call('PUT', 'receiver/tokens/DE/MSP/ORDERED01', { ...token(), last_updated: at(20) });
      await call('PUT', 'receiver/tokens/DE/MSP/ORDERED01', { ...token(), valid: false, last_updated: at(19) });
      expect((await stored<Token>('receiver/tokens/DE/MSP/ORDERED01')).valid).toBe(true);
      await settled();
      expect(outdated.map((event) => [event.module, event.target, event.received, event.stored])).toEqual([
        ['locations', 'EVSE E1', at(5), at(10)],
        ['locations', 'Connector 1 of EVSE E1', at(-1), at(0)],
        ['locations', undefined, at(49), new Date(BASE + 50_000).toISOString()],
        ['tokens', undefined, at(19), new Date(BASE + 20_000).toISOString()],
      ]);
    });
  });
}
