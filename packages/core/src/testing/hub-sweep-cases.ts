// The hub's sweep on a store: records that are done or expired go, live ones stay. Run on the memory
// store (hub/sweep.test.ts) and on PostgreSQL (store-postgres), since it relies on the store's
// `last_updated` filter and deletes.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatOcpiDateTime } from '../date-time.js';
import { HUB_MODULES, sweepHubRecords } from '../hub/sweep.js';
import { createOutbox } from '../outbox.js';
import type { Partner } from '../partners/partner.js';
import { INTERNAL_MODULES } from '../store/internal-records.js';
import type { OcpiStore } from '../store/types.js';

const HUB = { country_code: 'NL', party_id: 'HUB' };
const NOW = Date.parse('2026-06-01T12:00:00Z');
const MINUTE = 60_000;
const DAY = 86_400_000;
const at = (ms: number) => formatOcpiDateTime(NOW + ms);

const partner = (id: string): Partner => ({
  id,
  status: 'REGISTERED',
  roles: [{ role: 'EMSP', country_code: 'DE', party_id: id.toUpperCase().slice(0, 3), business_details: { name: id } }],
  endpoints: [],
  tokenEncoding: 'base64',
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
});

export function describeHubSweep(name: string, makeStore: () => OcpiStore | Promise<OcpiStore>, cleanup?: (store: OcpiStore) => Promise<void>): void {
  describe(`the hub's sweep (${name})`, () => {
    let store: OcpiStore;
    beforeEach(async () => {
      store = await makeStore();
    });
    afterEach(async () => {
      await store.close();
      await cleanup?.(store);
    });

    it('removes delivered, expired and stale records, and keeps the live ones', async () => {
      const key = (module: string, id: string) => ({ module, owner: HUB, id });
      await store.partners.save(partner('msa'));
      await store.partners.save(partner('msb'));
      // Broadcasts: one delivered to both receivers, one still owed to msb, one just written (its entries being queued), one owed for too long.
      const broadcast = (receivers: string[], last_updated: string) => ({ data: { receivers, last_updated } });
      await store.objects.put(key(HUB_MODULES.broadcasts, 'delivered'), broadcast(['msa', 'msb'], at(-10 * MINUTE)));
      await store.objects.put(key(HUB_MODULES.broadcasts, 'owed'), broadcast(['msa', 'msb'], at(-10 * MINUTE)));
      await store.objects.put(key(HUB_MODULES.broadcasts, 'fresh'), broadcast(['msa'], at(-10_000)));
      await store.objects.put(key(HUB_MODULES.broadcasts, 'missed'), broadcast(['msb'], at(-8 * DAY)));
      const outbox = createOutbox({ store, deliver: async () => {}, now: () => NOW });
      await outbox.enqueue(partner('msb'), key(HUB_MODULES.broadcasts, 'owed'));
      await outbox.enqueue(partner('msb'), key(HUB_MODULES.broadcasts, 'missed'));
      // Callbacks: last_updated is the expiry.
      await store.objects.put(key(HUB_MODULES.callbacks, 'expired'), { data: { responseUrl: 'x', last_updated: at(-MINUTE) } });
      await store.objects.put(key(HUB_MODULES.callbacks, 'waiting'), { data: { responseUrl: 'x', last_updated: at(DAY) } });
      // Owner records: refreshed by every push.
      await store.objects.put(key(HUB_MODULES.routes, 'token:OLD'), { data: { party: HUB, last_updated: at(-31 * DAY) } });
      await store.objects.put(key(HUB_MODULES.routes, 'token:NEW'), { data: { party: HUB, last_updated: at(-DAY) } });

      expect(await sweepHubRecords(store, HUB, {}, NOW)).toEqual({ broadcasts: 2, callbacks: 1, routes: 1 });
      const left = async (module: string) => (await store.objects.list({ module, offset: 0, limit: 10 })).items.map((i) => i.key.id.toUpperCase()).sort();
      expect(await left(HUB_MODULES.broadcasts)).toEqual(['FRESH', 'OWED']);
      expect(await left(HUB_MODULES.callbacks)).toEqual(['WAITING']);
      expect(await left(HUB_MODULES.routes)).toEqual(['TOKEN:NEW']);
      // Once msb took it, the last broadcast goes too; a second sweep finds nothing else to do.
      const entries = await store.objects.list({ module: INTERNAL_MODULES.outbox, offset: 0, limit: 10 });
      for (const entry of entries.items) await store.objects.delete(entry.key);
      expect(await sweepHubRecords(store, HUB, {}, NOW)).toEqual({ broadcasts: 1, callbacks: 0, routes: 0 });
      expect(await left(HUB_MODULES.broadcasts)).toEqual(['FRESH']);
    });
  });
}
