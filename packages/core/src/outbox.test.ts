import { describe, expect, it } from 'vitest';
import { createEventBus, type OcpiEvent } from './events.js';
import { createOutbox, type OutboxDelivery } from './outbox.js';
import type { Partner } from './partners/partner.js';
import { createMemoryStore } from './store/memory.js';
import type { OcpiStore, StoredObject } from './store/types.js';

const cpo = { country_code: 'NL', party_id: 'CPO' };
const key = (id: string) => ({ module: 'sessions', owner: cpo, id });

async function withPartner(store: OcpiStore, id = 'emsp'): Promise<Partner> {
  const partner: Partner = {
    id,
    status: 'REGISTERED',
    roles: [{ role: 'EMSP', country_code: 'DE', party_id: id.slice(0, 3).toUpperCase(), business_details: { name: id } }],
    endpoints: [],
    tokenEncoding: 'base64',
    createdAt: '2024-01-01T00:00:00.000Z',
    updatedAt: '2024-01-01T00:00:00.000Z',
  };
  await store.partners.save(partner);
  return partner;
}

/** A partner that records what it was pushed, and can be down. */
function recordingPartner() {
  const pushed: { partnerId: string; id: string; kwh: number }[] = [];
  let down = false;
  const deliver: OutboxDelivery = async (partner, object: StoredObject) => {
    await new Promise((resolve) => setTimeout(resolve, 1));
    if (down) throw new Error('connect ECONNREFUSED');
    pushed.push({ partnerId: partner.id, id: object.key.id, kwh: (object.data as { kwh: number }).kwh });
  };
  return {
    pushed,
    deliver,
    setDown: (value: boolean) => {
      down = value;
    },
  };
}

const session = (id: string, kwh: number, second: number) => ({ id, kwh, last_updated: `2024-01-01T00:00:${String(second).padStart(2, '0')}Z` });

describe('the push outbox', () => {
  it('ten changes while the partner is down give one push, of the latest state, when it is back', async () => {
    const store = createMemoryStore();
    const partner = await withPartner(store);
    const target = recordingPartner();
    let now = Date.parse('2024-01-01T00:00:00Z');
    const events = createEventBus();
    const seen: OcpiEvent[] = [];
    events.on('*', (e) => {
      seen.push(e);
    });
    const outbox = createOutbox({ store, deliver: target.deliver, events, now: () => now, initialBackoffMs: 1000 });
    target.setDown(true);
    for (let kwh = 1; kwh <= 10; kwh++) {
      await store.objects.put(key('S1'), { data: session('S1', kwh, kwh) });
      await outbox.enqueue(partner, key('S1'));
      await outbox.runOnce();
    }
    expect(target.pushed).toEqual([]);
    expect(await outbox.stats()).toMatchObject({ depth: 1, failed: 1 });
    await expect.poll(() => seen.filter((e) => e.type === 'outbox.failed').length).toBe(1);
    expect(seen.find((e) => e.type === 'outbox.failed')).toMatchObject({
      partnerId: 'emsp',
      module: 'sessions',
      id: 'S1',
      attempts: 1,
      error: 'connect ECONNREFUSED',
    });

    target.setDown(false);
    expect(await outbox.runOnce()).toBe(0); // not due yet: backing off
    now += 1001;
    expect(await outbox.runOnce()).toBe(1);
    expect(target.pushed).toEqual([{ partnerId: 'emsp', id: 'S1', kwh: 10 }]);
    expect((await outbox.stats()).depth).toBe(0);
  });

  it('backs off exponentially, up to the maximum', async () => {
    const store = createMemoryStore();
    const partner = await withPartner(store);
    const target = recordingPartner();
    target.setDown(true);
    let now = 0;
    const dues: number[] = [];
    const events = createEventBus();
    events.on('outbox.failed', (e) => {
      dues.push(Date.parse(e.nextAttemptAt));
    });
    const outbox = createOutbox({ store, deliver: target.deliver, events, now: () => now, initialBackoffMs: 1000, maxBackoffMs: 8000 });
    await store.objects.put(key('S1'), { data: session('S1', 1, 1) });
    await outbox.enqueue(partner, key('S1'));
    for (let i = 0; i < 6; i++) {
      await outbox.runOnce();
      now += 10_000;
    }
    await expect.poll(() => dues.length).toBe(6);
    // 1, 2, 4, 8, 8, 8 seconds, each with up to 25% less (jitter).
    const bases = [1000, 2000, 4000, 8000, 8000, 8000];
    dues.forEach((due, i) => {
      const delay = due - i * 10_000; // attempt i ran at now = i * 10 s
      expect(delay).toBeLessThanOrEqual(bases[i] as number);
      expect(delay).toBeGreaterThanOrEqual((bases[i] as number) * 0.75);
    });
  });

  it('a change during a delivery is delivered after it, in its latest state', async () => {
    const store = createMemoryStore();
    const partner = await withPartner(store);
    const pushed: number[] = [];
    let outbox: ReturnType<typeof createOutbox>;
    let changed = false;
    const deliver: OutboxDelivery = async (_partner, object) => {
      pushed.push((object.data as { kwh: number }).kwh);
      if (!changed) {
        changed = true;
        await store.objects.put(key('S1'), { data: session('S1', 2, 2) });
        await outbox.enqueue(partner, key('S1'));
      }
    };
    outbox = createOutbox({ store, deliver });
    await store.objects.put(key('S1'), { data: session('S1', 1, 1) });
    await outbox.enqueue(partner, key('S1'));
    await outbox.runOnce();
    await outbox.runOnce();
    expect(pushed).toEqual([1, 2]);
    expect((await outbox.stats()).depth).toBe(0);
  });

  it('a partner that pulls instead is owed nothing (transport_and_format, "Offline behaviour")', async () => {
    const store = createMemoryStore();
    const partner = await withPartner(store);
    const target = recordingPartner();
    const outbox = createOutbox({ store, deliver: target.deliver, pushesTo: (p) => p.id !== 'emsp' });
    await store.objects.put(key('S1'), { data: session('S1', 1, 1) });
    await outbox.enqueue(partner, key('S1'));
    await outbox.runOnce();
    expect(target.pushed).toEqual([]);
    expect((await outbox.stats()).depth).toBe(0);
  });

  it('two nodes sharing a store deliver each entry once', async () => {
    const store = createMemoryStore();
    const partners = [await withPartner(store, 'emsp'), await withPartner(store, 'msp2')];
    const target = recordingPartner();
    const [a, b] = [createOutbox({ store, deliver: target.deliver, nodeId: 'a' }), createOutbox({ store, deliver: target.deliver, nodeId: 'b' })];
    for (let i = 0; i < 50; i++) {
      await store.objects.put(key(`S${i}`), { data: session(`S${i}`, i, 1) });
      for (const partner of partners) await (i % 2 ? a : b).enqueue(partner, key(`S${i}`));
    }
    const [byA, byB] = await Promise.all([a.runOnce(), b.runOnce()]);
    expect(byA + byB).toBe(100);
    expect(new Set(target.pushed.map((p) => `${p.partnerId}/${p.id}`)).size).toBe(100);
    expect(target.pushed).toHaveLength(100);
  });

  it('an object deleted before its delivery, or a partner gone, leaves nothing queued', async () => {
    const store = createMemoryStore();
    const partner = await withPartner(store);
    const target = recordingPartner();
    const outbox = createOutbox({ store, deliver: target.deliver });
    await store.objects.put(key('S1'), { data: session('S1', 1, 1) });
    await outbox.enqueue(partner, key('S1'));
    await store.objects.delete(key('S1'));
    await store.objects.put(key('S2'), { data: session('S2', 1, 1) });
    await outbox.enqueue(partner, key('S2'));
    await store.partners.save({ ...partner, status: 'UNREGISTERED' });
    await outbox.runOnce();
    expect(target.pushed).toEqual([]);
    expect((await outbox.stats()).depth).toBe(0);
  });
});
