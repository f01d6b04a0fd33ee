import { describe, expect, it } from 'vitest';
import type { JsonText } from '../envelope.js';
import { SLAB_BYTES } from './byte-arena.js';
import { keyString, partyString } from './keys.js';
import { type MissingBytes, ObjectIndex } from './object-index.js';
import type { ListQuery, PartyRef, StoredObject } from './types.js';

const party = (country_code: string, party_id: string): PartyRef => ({ country_code, party_id });
const OWNERS = [party('NL', 'CPO'), party('DE', 'ABC'), party('BE', 'XYZ')];
const VIEWERS = [party('DE', 'MSP'), party('FR', 'MSP'), party('NL', 'MSP')];

/** A deterministic pseudo-random sequence in [0, 1): a 32-bit linear congruential generator. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

interface Reference {
  id: string;
  owner: PartyRef;
  seq: number;
  version: number;
  updatedAt: number;
  audience: PartyRef[];
  json: string;
}

/** The same queries answered by filtering a plain array: what the index must agree with. */
function referencePage(objects: Reference[], query: ListQuery): { ids: string[]; total: number } {
  const owners = query.owners?.map(partyString);
  const viewers = query.visibleTo?.map(partyString);
  const from = query.dateFrom?.getTime();
  const to = query.dateTo?.getTime();
  const matching = objects
    .filter((o) => !owners || owners.includes(partyString(o.owner)))
    .filter((o) => !viewers || o.audience.length === 0 || o.audience.some((p) => viewers.includes(partyString(p))))
    .filter((o) => (from === undefined || o.updatedAt >= from) && (to === undefined || o.updatedAt < to))
    .sort((a, b) => a.seq - b.seq);
  return { ids: matching.slice(query.offset, query.offset + query.limit).map((o) => o.id), total: matching.length };
}

const idsOf = (items: (StoredObject | MissingBytes)[]) => items.map((item) => ('missing' in item ? `?${item.seq}` : item.key.id));

describe('ObjectIndex', () => {
  it('agrees with a plain filter over thousands of random writes, deletes and re-creations, for every kind of query', () => {
    const next = random(42);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T;
    const index = new ObjectIndex();
    const objects = new Map<string, Reference>();
    let clock = 0;
    const base = Date.parse('2024-01-01T00:00:00Z');
    for (let step = 0; step < 6000; step++) {
      const id = `O${Math.floor(next() * 2500)}`;
      const owner = pick(OWNERS);
      const refKey = `${partyString(owner)}/${id}`;
      const key = { module: 'locations', owner, id };
      const existing = objects.get(refKey);
      if (existing && next() < 0.1) {
        expect(index.remove(key)).toBe(true);
        objects.delete(refKey);
        continue;
      }
      const audience = next() < 0.3 ? [pick(VIEWERS)] : next() < 0.1 ? [VIEWERS[0] as PartyRef, VIEWERS[1] as PartyRef] : [];
      const updatedAt = base + Math.floor(next() * 1000) * 1000;
      const json = JSON.stringify({ id, n: step, last_updated: new Date(updatedAt).toISOString() });
      const row: Reference = { id, owner, seq: existing?.seq ?? ++clock, version: ++clock, updatedAt, audience, json };
      objects.set(refKey, row);
      index.upsert({ key, seq: row.seq, version: row.version, updatedAt, audience, json });
    }
    expect(index.stats().objects).toBe(objects.size);
    const all = [...objects.values()];
    const queries: ListQuery[] = [];
    for (let q = 0; q < 300; q++) {
      const query: ListQuery = { module: 'locations', offset: Math.floor(next() * (q % 3 === 0 ? 2500 : 60)), limit: 1 + Math.floor(next() * 80) };
      if (next() < 0.6) query.owners = next() < 0.8 ? [pick(OWNERS)] : [OWNERS[0] as PartyRef, OWNERS[2] as PartyRef];
      if (next() < 0.6) query.visibleTo = next() < 0.9 ? [pick(VIEWERS)] : [];
      if (next() < 0.5) query.dateFrom = new Date(base + Math.floor(next() * 1000) * 1000);
      if (next() < 0.3) query.dateTo = new Date(base + Math.floor(next() * 1000) * 1000);
      queries.push(query);
    }
    queries.push({ module: 'locations', offset: 0, limit: 100_000 }, { module: 'locations', owners: [], offset: 0, limit: 10 });
    for (const query of queries) {
      const page = index.page(query);
      const expected = referencePage(all, query);
      expect({ ids: idsOf(page.items), total: page.total }, JSON.stringify(query)).toEqual(expected);
    }
    // Each object reads back as last written.
    for (const object of all.slice(0, 200)) {
      const read = index.read({ module: 'locations', owner: object.owner, id: object.id });
      expect(read?.json).toBe(object.json);
      expect(read?.audience).toEqual(object.audience);
      expect(read?.lastUpdated).toBe(new Date(object.updatedAt).toISOString());
    }
  });

  it('keeps the highest version it was given, and moves an object given a new seq (deleted and created again)', () => {
    const index = new ObjectIndex();
    const key = { module: 'tokens', owner: OWNERS[0] as PartyRef, id: 'T1' };
    const other = { module: 'tokens', owner: OWNERS[0] as PartyRef, id: 'T2' };
    index.upsert({ key, seq: 1, version: 5, updatedAt: 0, audience: [], json: '{"v":5}' });
    index.upsert({ key: other, seq: 2, version: 6, updatedAt: 0, audience: [], json: '{"t":2}' });
    expect(index.upsert({ key, seq: 1, version: 4, updatedAt: 0, audience: [], json: '{"v":4}' })).toBe(false);
    expect(index.read(key)?.json).toBe('{"v":5}');
    expect(index.upsert({ key, seq: 3, version: 7, updatedAt: 0, audience: [], json: '{"v":7}' })).toBe(true);
    expect(idsOf(index.page({ module: 'tokens', offset: 0, limit: 10 }).items)).toEqual(['T2', 'T1']);
    expect(index.remove(key, 6)).toBe(false);
    expect(index.remove(key, 7)).toBe(true);
    expect(index.page({ module: 'tokens', offset: 0, limit: 10 }).total).toBe(1);
  });

  it('names each write of an object by the same revision on every read, and a new write by another', () => {
    const index = new ObjectIndex();
    const key = { module: 'locations', owner: OWNERS[0] as PartyRef, id: 'L1' };
    const page = () => index.pageJson({ module: 'locations', offset: 0, limit: 1 }).items[0] as JsonText;
    index.upsert({ key, seq: 1, version: 5, updatedAt: 0, audience: [], json: '{"v":5}' });
    const first = page();
    expect(first.revision).toBeDefined();
    // A page and a read hand out two views of the bytes: the revision is what names them alike.
    expect(index.read(key)?.utf8).not.toBe(first.utf8);
    expect(index.read(key)?.revision).toBe(first.revision);
    index.upsert({ key, seq: 1, version: 6, updatedAt: 0, audience: [], json: '{"v":6}' });
    expect(page().revision).not.toBe(first.revision);
    expect(index.read(key)?.revision).toBe(page().revision);
    // Not part of the object's value: comparing and spreading ignore it.
    expect(Object.keys(index.read(key) as object)).not.toContain('revision');
  });

  it('hands the same frozen page to the same query until its module changes, and never a stale one', () => {
    const index = new ObjectIndex();
    const at = (id: string) => ({ module: 'locations', owner: OWNERS[0] as PartyRef, id });
    const other = { module: 'tariffs', owner: OWNERS[0] as PartyRef, id: 'T1' };
    const query = { module: 'locations', owners: [OWNERS[0] as PartyRef], visibleTo: [VIEWERS[0] as PartyRef], offset: 0, limit: 10 };
    index.upsert({ key: at('L1'), seq: 1, version: 1, updatedAt: 0, audience: [], json: '{"v":1}' });
    const first = index.pageJson(query);
    expect(Object.isFrozen(first.items)).toBe(true);
    expect(index.pageJson({ ...query })).toBe(first);
    expect(index.pageJson({ ...query, limit: 5 })).not.toBe(first);
    // Another module's change keeps it; a change of its own gives a new page with the change.
    index.upsert({ key: other, seq: 2, version: 2, updatedAt: 0, audience: [], json: '{"t":1}' });
    expect(index.pageJson(query)).toBe(first);
    index.upsert({ key: at('L2'), seq: 3, version: 3, updatedAt: 0, audience: [], json: '{"v":3}' });
    const second = index.pageJson(query);
    expect(second.total).toBe(2);
    index.upsert({ key: at('L1'), seq: 1, version: 4, updatedAt: 0, audience: [], json: '{"v":4}' });
    expect((index.pageJson(query).items[0] as JsonText).text).toBe('{"v":4}');
    index.remove(at('L2'));
    expect(index.pageJson(query).total).toBe(1);
    expect(first.total).toBe(1);
  });

  it('fills in the bytes of a version it knows without them, and reports objects without bytes as missing', () => {
    const index = new ObjectIndex();
    const key = { module: 'cdrs', owner: OWNERS[1] as PartyRef, id: 'C1' };
    index.upsert({ key, seq: 10, version: 3, updatedAt: 0, audience: [VIEWERS[0] as PartyRef] });
    expect(index.read(key)).toBeUndefined();
    expect(index.entry(key)).toMatchObject({ seq: 10, version: 3, utf8: undefined, audience: [VIEWERS[0]] });
    expect(index.page({ module: 'cdrs', offset: 0, limit: 5 }).items).toEqual([{ missing: true, module: 'cdrs', seq: 10, version: 3 }]);
    expect(index.upsert({ key, seq: 10, version: 3, updatedAt: 0, audience: [VIEWERS[0] as PartyRef], json: '{"id":"C1"}' })).toBe(true);
    expect(index.read(key)?.data).toEqual({ id: 'C1' });
  });

  it('within a byte budget, forgets the oldest bytes but never the objects', () => {
    const index = new ObjectIndex({ cacheBytes: 2 * SLAB_BYTES });
    const body = 'x'.repeat(10_000);
    const count = 1500; // about 15 MB of JSON, in 4 MiB slabs
    for (let n = 1; n <= count; n++) {
      index.upsert({
        key: { module: 'm', owner: OWNERS[0] as PartyRef, id: `K${n}` },
        seq: n,
        version: n,
        updatedAt: 0,
        audience: [],
        json: `{"b":"${body}"}`,
      });
    }
    const stats = index.stats();
    expect(stats.objects).toBe(count);
    expect(stats.allocatedBytes).toBeLessThanOrEqual(2 * SLAB_BYTES);
    const page = index.page({ module: 'm', offset: 0, limit: count });
    expect(page.total).toBe(count);
    const missing = page.items.filter((item) => 'missing' in item).length;
    expect(missing).toBeGreaterThan(count / 2);
    // The newest are held, the oldest not.
    expect('missing' in (page.items[0] as object)).toBe(true);
    expect('missing' in (page.items[count - 1] as object)).toBe(false);
  });

  it('copies live bytes out of mostly-garbage slabs, so rewriting the same objects does not grow memory', () => {
    const index = new ObjectIndex();
    const body = 'y'.repeat(2000);
    for (let round = 0; round < 40; round++) {
      for (let n = 1; n <= 1000; n++) {
        const key = { module: 'm', owner: OWNERS[0] as PartyRef, id: `K${n}` };
        index.upsert({ key, seq: n, version: round * 1000 + n, updatedAt: 0, audience: [], json: `{"r":${round},"b":"${body}"}` });
      }
    }
    const stats = index.stats();
    expect(stats.heldBytes).toBeGreaterThan(1000 * 2000);
    // 40 rounds of 2 MB were written; what stays allocated is the live 2 MB plus bounded garbage.
    expect(stats.allocatedBytes).toBeLessThan(8 * SLAB_BYTES);
    for (let n = 1; n <= 1000; n += 97) {
      expect(JSON.parse(index.read({ module: 'm', owner: OWNERS[0] as PartyRef, id: `K${n}` })?.json ?? '{}').r).toBe(39);
    }
  });

  it('holds an object larger than a slab', () => {
    const index = new ObjectIndex();
    const json = JSON.stringify({ big: 'z'.repeat(SLAB_BYTES * 2), ü: 'é⚡' });
    const key = { module: 'm', owner: OWNERS[0] as PartyRef, id: 'BIG' };
    index.upsert({ key, seq: 1, version: 1, updatedAt: 0, audience: [], json });
    index.upsert({ key: { ...key, id: 'SMALL' }, seq: 2, version: 2, updatedAt: 0, audience: [], json: '{"s":1}' });
    expect(index.read(key)?.json).toBe(json);
    expect(index.read({ ...key, id: 'SMALL' })?.json).toBe('{"s":1}');
    expect(keyString(key)).toBe('m/NL*CPO/BIG');
  });
});
