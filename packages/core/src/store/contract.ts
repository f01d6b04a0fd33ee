/**
 * The behaviour every OcpiStore must show, as a vitest suite: run it on an implementation with
 * `describeStoreContract('my store', () => createMyStore())`. Test-support code: not part of the
 * core bundle (src/index.ts does not import it); published as `@ocpi-ts/core/testing/store-contract`,
 * apart from the rest of the kit because it is written with vitest's matchers and hooks throughout
 * (vitest is an optional peer dependency of the core, needed only by this entry).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../audit.js';
import { CommandMemory } from '../modules/command-memory.js';
import { createOutbox } from '../outbox.js';
import { type Partner, PartyTakenError, partnerToken, type RegistrationToken } from '../partners/partner.js';
import type { ObjectKey, OcpiStore, PartyRef, StoredObject } from './types.js';

const LOCATIONS = 'locations';
const TARIFFS = 'tariffs';

const party = (country_code: string, party_id: string): PartyRef => ({ country_code, party_id });
const key = (owner: PartyRef, id: string, module = LOCATIONS): ObjectKey => ({ module, owner, id });

interface Counter {
  id: string;
  count: number;
  last_updated: string;
}

const location = (id: string, last_updated = '2024-01-01T00:00:00Z', extra: Record<string, unknown> = {}) => ({
  id,
  name: `Location ${id}`,
  last_updated,
  ...extra,
});

const ids = (items: readonly StoredObject[]) => items.map((item) => item.key.id);

const partner = (id: string, overrides: Partial<Partner> = {}): Partner => ({
  id,
  status: 'REGISTERED',
  roles: [{ role: 'CPO', country_code: 'NL', party_id: `C${id.slice(-2).toUpperCase()}`, business_details: { name: `CPO ${id}` } }],
  endpoints: [],
  tokenEncoding: 'base64',
  createdAt: '2024-01-01T00:00:00.000Z',
  updatedAt: '2024-01-01T00:00:00.000Z',
  ...overrides,
});

const registrationToken = (id: string, overrides: Partial<RegistrationToken> = {}): RegistrationToken => ({
  id,
  hash: `hash-${id}`,
  createdAt: '2024-01-01T00:00:00.000Z',
  ...overrides,
});

/** A record without its token hash, which a store may return in a keyed form of its own. */
function withoutHash<T extends { inboundTokenHash?: string; hash?: string }>(record: T | undefined) {
  if (!record) return record;
  const { inboundTokenHash: _partner, hash: _token, ...rest } = record;
  return rest;
}

const tick = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/**
 * Registers the store contract tests. `makeStore` is called before each test and must return an
 * empty store; after each test the store is closed, then `cleanup` (if given) runs.
 */
export function describeStoreContract(name: string, makeStore: () => Promise<OcpiStore>, cleanup?: (store: OcpiStore) => Promise<void>): void {
  describe(`OcpiStore contract: ${name}`, () => {
    let store: OcpiStore;

    beforeEach(async () => {
      store = await makeStore();
    });

    afterEach(async () => {
      await store.close();
      await cleanup?.(store);
    });

    const NL_CPO = party('NL', 'CPO');
    const DE_ABC = party('DE', 'ABC');
    const BE_XYZ = party('BE', 'XYZ');

    describe('objects: get / put / delete', () => {
      it('get of an unknown object is undefined', async () => {
        expect(await store.objects.get(key(NL_CPO, 'nope'))).toBeUndefined();
      });

      it('put creates, then replaces', async () => {
        const first = await store.objects.put(key(NL_CPO, 'LOC1'), { data: location('LOC1') });
        expect(first.created).toBe(true);
        expect(first.object.data).toEqual(location('LOC1'));
        expect(first.object.json).toBe(JSON.stringify(location('LOC1')));

        const replacement = location('LOC1', '2024-02-01T00:00:00Z', { name: 'Renamed' });
        const second = await store.objects.put(key(NL_CPO, 'LOC1'), { data: replacement });
        expect(second.created).toBe(false);
        expect(second.object.data).toEqual(replacement);

        const got = await store.objects.get(key(NL_CPO, 'LOC1'));
        expect(got).toEqual({
          key: { module: LOCATIONS, owner: { country_code: 'NL', party_id: 'CPO' }, id: 'LOC1' },
          data: replacement,
          json: JSON.stringify(replacement),
          lastUpdated: '2024-02-01T00:00:00.000Z',
          audience: [],
        });
      });

      it('keys are case-insensitive and stored upper-cased', async () => {
        const put = await store.objects.put(key(party('nl', 'cpo'), 'loc-a1'), { data: location('loc-a1') });
        expect(put.object.key).toEqual({ module: LOCATIONS, owner: { country_code: 'NL', party_id: 'CPO' }, id: 'LOC-A1' });

        const got = await store.objects.get(key(party('Nl', 'cPo'), 'LOC-a1'));
        expect(got?.key).toEqual({ module: LOCATIONS, owner: { country_code: 'NL', party_id: 'CPO' }, id: 'LOC-A1' });
        expect(got?.data).toEqual(location('loc-a1'));

        const replaced = await store.objects.put(key(NL_CPO, 'LOC-A1'), { data: location('LOC-A1') });
        expect(replaced.created).toBe(false);
        const listed = await store.objects.list({ module: LOCATIONS, offset: 0, limit: 10 });
        expect(listed.total).toBe(1);
        expect(listed.items[0]?.data).toEqual(location('LOC-A1'));

        expect(await store.objects.delete(key(party('nL', 'Cpo'), 'loc-A1'))).toBe(true);
        expect(await store.objects.get(key(NL_CPO, 'LOC-A1'))).toBeUndefined();
      });

      it('modules and owners are separate namespaces', async () => {
        await store.objects.put(key(NL_CPO, 'X1', LOCATIONS), { data: { id: 'X1', module: 'l' } });
        await store.objects.put(key(NL_CPO, 'X1', TARIFFS), { data: { id: 'X1', module: 't' } });
        await store.objects.put(key(DE_ABC, 'X1', LOCATIONS), { data: { id: 'X1', module: 'l', owner: 'de' } });

        expect((await store.objects.get(key(NL_CPO, 'X1', LOCATIONS)))?.data).toEqual({ id: 'X1', module: 'l' });
        expect((await store.objects.get(key(NL_CPO, 'X1', TARIFFS)))?.data).toEqual({ id: 'X1', module: 't' });
        expect((await store.objects.get(key(DE_ABC, 'X1', LOCATIONS)))?.data).toEqual({ id: 'X1', module: 'l', owner: 'de' });
        expect((await store.objects.list({ module: LOCATIONS, offset: 0, limit: 10 })).total).toBe(2);
        expect((await store.objects.list({ module: TARIFFS, offset: 0, limit: 10 })).total).toBe(1);

        expect(await store.objects.delete(key(NL_CPO, 'X1', TARIFFS))).toBe(true);
        expect(await store.objects.get(key(NL_CPO, 'X1', LOCATIONS))).toBeDefined();
      });

      it('delete reports whether the object existed', async () => {
        await store.objects.put(key(NL_CPO, 'D1'), { data: location('D1') });
        expect(await store.objects.delete(key(NL_CPO, 'D1'))).toBe(true);
        expect(await store.objects.delete(key(NL_CPO, 'D1'))).toBe(false);
        expect(await store.objects.delete(key(NL_CPO, 'NEVER'))).toBe(false);
        expect(await store.objects.get(key(NL_CPO, 'D1'))).toBeUndefined();
        expect((await store.objects.list({ module: LOCATIONS, offset: 0, limit: 10 })).total).toBe(0);
      });

      it('lastUpdated is the ISO instant of data.last_updated (UTC when zone-less, epoch when absent)', async () => {
        const a = await store.objects.put(key(NL_CPO, 'A'), { data: { last_updated: '2024-03-01T12:00:00' } });
        const b = await store.objects.put(key(NL_CPO, 'B'), { data: { last_updated: '2024-03-01T12:00:00.5+02:00' } });
        const c = await store.objects.put(key(NL_CPO, 'C'), { data: { name: 'no date' } });
        const d = await store.objects.put(key(NL_CPO, 'D'), { data: { last_updated: '2024-03-01T12:00:00.123Z' } });
        expect(a.object.lastUpdated).toBe('2024-03-01T12:00:00.000Z');
        expect(b.object.lastUpdated).toBe('2024-03-01T10:00:00.500Z');
        expect(c.object.lastUpdated).toBe('1970-01-01T00:00:00.000Z');
        expect(d.object.lastUpdated).toBe('2024-03-01T12:00:00.123Z');
        const listed = await store.objects.list({ module: LOCATIONS, offset: 0, limit: 10 });
        expect(listed.items.map((item) => item.lastUpdated)).toEqual([
          '2024-03-01T12:00:00.000Z',
          '2024-03-01T10:00:00.500Z',
          '1970-01-01T00:00:00.000Z',
          '2024-03-01T12:00:00.123Z',
        ]);
        expect((await store.objects.get(key(NL_CPO, 'B')))?.lastUpdated).toBe('2024-03-01T10:00:00.500Z');
      });

      it('audience is normalized, kept by a put without one, replaced by a put with one', async () => {
        const put = await store.objects.put(key(NL_CPO, 'P1'), { data: location('P1'), audience: [party('de', 'abc')] });
        expect(put.object.audience).toEqual([DE_ABC]);
        await store.objects.put(key(NL_CPO, 'P1'), { data: location('P1', '2024-01-02T00:00:00Z') });
        expect((await store.objects.get(key(NL_CPO, 'P1')))?.audience).toEqual([DE_ABC]);
        await store.objects.put(key(NL_CPO, 'P1'), { data: location('P1'), audience: [BE_XYZ, party('de', 'Abc')] });
        expect((await store.objects.get(key(NL_CPO, 'P1')))?.audience).toEqual([BE_XYZ, DE_ABC]);
        await store.objects.put(key(NL_CPO, 'P1'), { data: location('P1'), audience: [] });
        expect((await store.objects.get(key(NL_CPO, 'P1')))?.audience).toEqual([]);
      });

      it('returns copies: changing a returned object does not change the store', async () => {
        const put = await store.objects.put(key(NL_CPO, 'C1'), { data: { id: 'C1', nested: { n: 1 } } });
        (put.object.data as { nested: { n: number } }).nested.n = 99;
        const got = await store.objects.get<{ id: string; nested: { n: number } }>(key(NL_CPO, 'C1'));
        expect(got?.data.nested.n).toBe(1);
        if (got) got.data.nested.n = 42;
        expect((await store.objects.get<{ nested: { n: number } }>(key(NL_CPO, 'C1')))?.data.nested.n).toBe(1);
        const listed = await store.objects.list<{ nested: { n: number } }>({ module: LOCATIONS, offset: 0, limit: 1 });
        expect(listed.items[0]?.data.nested.n).toBe(1);
      });

      it('JSON text round-trips byte-identical: key order, unicode, escapes, numbers', async () => {
        const data = {
          z_last_first: 1,
          id: 'UNI1',
          ключ: 'значение',
          emoji: '⚡🔌 charging — “quoted” \u00e9\u0301',
          cjk: '充电站',
          escapes: 'line\nbreak\t"quote" \\ backslash / \u2028 \u2029 \u0000 \u001f',
          numbers: [0, -1, 1.5, 1e21, 123456789012345, -0.000001],
          nested: { b: [true, false, null], a: { y: 'y', x: 'x' } },
          empty: { obj: {}, arr: [], str: '' },
          last_updated: '2024-05-05T05:05:05Z',
          a_first_last: 2,
        };
        const expected = JSON.stringify(data);
        const put = await store.objects.put(key(NL_CPO, 'UNI1'), { data });
        expect(put.object.json).toBe(expected);

        const got = await store.objects.get<typeof data>(key(NL_CPO, 'UNI1'));
        if (!got) throw new Error('UNI1 not found');
        expect(got.json).toBe(expected);
        expect(got.data).toEqual(data);
        expect(Object.keys(got.data)).toEqual(Object.keys(data));
        expect(Object.keys(got.data.nested.a)).toEqual(['y', 'x']);
        expect(JSON.stringify(got.data)).toBe(expected);

        const listed = await store.objects.list({ module: LOCATIONS, offset: 0, limit: 10 });
        expect(listed.items[0]?.json).toBe(expected);
        expect(JSON.stringify(listed.items[0]?.data)).toBe(expected);

        const updated = await store.objects.update<typeof data>(key(NL_CPO, 'UNI1'), (current) =>
          current ? { data: { ...current.data, cjk: '电动汽车 🚗' } } : undefined,
        );
        expect(updated.kind).toBe('updated');
        const expectedAfter = JSON.stringify({ ...data, cjk: '电动汽车 🚗' });
        expect((await store.objects.get(key(NL_CPO, 'UNI1')))?.json).toBe(expectedAfter);
      });
    });

    describe('objects: list', () => {
      const put = (owner: PartyRef, id: string, last_updated = '2024-01-01T00:00:00Z', audience?: PartyRef[]) =>
        store.objects.put(key(owner, id), audience ? { data: location(id, last_updated), audience } : { data: location(id, last_updated) });

      it('is oldest first by creation; a replaced or updated object keeps its place; a re-created one goes last', async () => {
        for (const id of ['C', 'A', 'B', 'D']) await put(NL_CPO, id);
        const all = async () => ids((await store.objects.list({ module: LOCATIONS, offset: 0, limit: 100 })).items);
        expect(await all()).toEqual(['C', 'A', 'B', 'D']);

        await put(NL_CPO, 'C', '2024-06-01T00:00:00Z');
        await store.objects.update<ReturnType<typeof location>>(key(NL_CPO, 'a'), (current) =>
          current ? { data: { ...current.data, name: 'changed' } } : undefined,
        );
        expect(await all()).toEqual(['C', 'A', 'B', 'D']);

        await store.objects.delete(key(NL_CPO, 'A'));
        await put(NL_CPO, 'A');
        expect(await all()).toEqual(['C', 'B', 'D', 'A']);

        await store.objects.update(key(NL_CPO, 'B'), () => null);
        await store.objects.update(key(NL_CPO, 'B'), () => ({ data: location('B') }));
        expect(await all()).toEqual(['C', 'D', 'A', 'B']);
      });

      it('an empty module lists nothing', async () => {
        await put(NL_CPO, 'L1');
        expect(await store.objects.list({ module: TARIFFS, offset: 0, limit: 10 })).toEqual({ items: [], total: 0 });
      });

      it('filters by owners, case-insensitively; an empty owners list matches nothing', async () => {
        await put(NL_CPO, 'N1');
        await put(DE_ABC, 'D1');
        await put(BE_XYZ, 'B1');
        await put(NL_CPO, 'N2');
        await put(party('NL', 'ABC'), 'X1');
        await put(party('DE', 'CPO'), 'X2');

        const byOwners = async (owners: PartyRef[]) => {
          const result = await store.objects.list({ module: LOCATIONS, owners, offset: 0, limit: 100 });
          expect(result.total).toBe(result.items.length);
          return ids(result.items);
        };
        expect(await byOwners([NL_CPO])).toEqual(['N1', 'N2']);
        expect(await byOwners([party('nl', 'cpo')])).toEqual(['N1', 'N2']);
        expect(await byOwners([BE_XYZ, party('de', 'abc')])).toEqual(['D1', 'B1']);
        expect(await byOwners([party('FR', 'CPO')])).toEqual([]);
        expect(await byOwners([])).toEqual([]);
        expect((await store.objects.list({ module: LOCATIONS, offset: 0, limit: 100 })).total).toBe(6);
      });

      it('filters by visibleTo: an empty audience is visible to all, otherwise one viewer must be in it', async () => {
        await put(NL_CPO, 'PUBLIC');
        await put(NL_CPO, 'FOR_DE', undefined, [DE_ABC]);
        await put(NL_CPO, 'FOR_BE', undefined, [party('be', 'xyz')]);
        await put(NL_CPO, 'FOR_BOTH', undefined, [BE_XYZ, DE_ABC]);

        const visible = async (visibleTo: PartyRef[]) => {
          const result = await store.objects.list({ module: LOCATIONS, visibleTo, offset: 0, limit: 100 });
          expect(result.total).toBe(result.items.length);
          return ids(result.items);
        };
        expect(await visible([DE_ABC])).toEqual(['PUBLIC', 'FOR_DE', 'FOR_BOTH']);
        expect(await visible([party('Be', 'xYz')])).toEqual(['PUBLIC', 'FOR_BE', 'FOR_BOTH']);
        expect(await visible([DE_ABC, BE_XYZ])).toEqual(['PUBLIC', 'FOR_DE', 'FOR_BE', 'FOR_BOTH']);
        expect(await visible([party('FR', 'ABC')])).toEqual(['PUBLIC']);
        expect(await visible([party('DE', 'XYZ')])).toEqual(['PUBLIC']);
        expect(await visible([])).toEqual(['PUBLIC']);
        expect(ids((await store.objects.list({ module: LOCATIONS, offset: 0, limit: 100 })).items)).toHaveLength(4);

        // Changing the audience through update changes visibility.
        await store.objects.update(key(NL_CPO, 'FOR_DE'), (current) => (current ? { data: current.data, audience: [] } : undefined));
        expect(await visible([party('FR', 'ABC')])).toEqual(['PUBLIC', 'FOR_DE']);
      });

      it('a changed audience changes who sees the object: parties dropped, kept and added', async () => {
        const FR_AAA = party('FR', 'AAA');
        await put(NL_CPO, 'SHIFT', undefined, [DE_ABC, BE_XYZ]);
        const seenBy = async (viewer: PartyRef) => (await store.objects.list({ module: LOCATIONS, visibleTo: [viewer], offset: 0, limit: 10 })).total;
        expect([await seenBy(DE_ABC), await seenBy(BE_XYZ), await seenBy(FR_AAA)]).toEqual([1, 1, 0]);
        await put(NL_CPO, 'SHIFT', undefined, [BE_XYZ, FR_AAA]);
        expect([await seenBy(DE_ABC), await seenBy(BE_XYZ), await seenBy(FR_AAA)]).toEqual([0, 1, 1]);
        await store.objects.delete(key(NL_CPO, 'SHIFT'));
        await put(NL_CPO, 'SHIFT', undefined, [DE_ABC]);
        expect([await seenBy(DE_ABC), await seenBy(BE_XYZ), await seenBy(FR_AAA)]).toEqual([1, 0, 0]);
        await store.objects.update(key(NL_CPO, 'SHIFT'), () => null);
        await put(NL_CPO, 'SHIFT');
        expect([await seenBy(DE_ABC), await seenBy(BE_XYZ), await seenBy(FR_AAA)]).toEqual([1, 1, 1]);
      });

      it('an audience of thousands of parties is stored, returned and filtered', async () => {
        const many = Array.from({ length: 3000 }, (_, i) => party(['NL', 'DE', 'BE', 'FR'][i % 4] as string, `P${i.toString(36).toUpperCase()}`));
        await put(NL_CPO, 'WIDE', undefined, many);
        await put(NL_CPO, 'NARROW', undefined, [DE_ABC]);
        const got = await store.objects.get(key(NL_CPO, 'WIDE'));
        expect(got?.audience).toEqual(many);
        const last = many[many.length - 1] as PartyRef;
        expect(ids((await store.objects.list({ module: LOCATIONS, visibleTo: [last], offset: 0, limit: 10 })).items)).toEqual(['WIDE']);
        expect(ids((await store.objects.list({ module: LOCATIONS, visibleTo: [DE_ABC], offset: 0, limit: 10 })).items)).toEqual(['NARROW']);
        const listed = await store.objects.list({ module: LOCATIONS, offset: 0, limit: 10 });
        expect(listed.items[0]?.audience).toHaveLength(3000);
      });

      it('filters dateFrom inclusive and dateTo exclusive on lastUpdated', async () => {
        await put(NL_CPO, 'T0', '2024-01-01T00:00:00Z');
        await put(NL_CPO, 'T1', '2024-01-01T00:00:01.000Z');
        await put(NL_CPO, 'T1B', '2024-01-01T02:00:01+02:00'); // the same instant as T1
        await put(NL_CPO, 'T2', '2024-01-01T00:00:01.001Z');
        await put(NL_CPO, 'T3', '2024-01-02T00:00:00');

        const between = async (dateFrom?: Date, dateTo?: Date) => {
          const result = await store.objects.list({
            module: LOCATIONS,
            ...(dateFrom ? { dateFrom } : {}),
            ...(dateTo ? { dateTo } : {}),
            offset: 0,
            limit: 100,
          });
          expect(result.total).toBe(result.items.length);
          return ids(result.items);
        };
        const t1 = new Date('2024-01-01T00:00:01.000Z');
        expect(await between(t1)).toEqual(['T1', 'T1B', 'T2', 'T3']);
        expect(await between(undefined, t1)).toEqual(['T0']);
        expect(await between(t1, new Date('2024-01-01T00:00:01.001Z'))).toEqual(['T1', 'T1B']);
        expect(await between(t1, new Date('2024-01-01T00:00:01.002Z'))).toEqual(['T1', 'T1B', 'T2']);
        expect(await between(new Date('2024-01-01T00:00:00.999Z'), t1)).toEqual([]);
        expect(await between(t1, t1)).toEqual([]);
        expect(await between(new Date('2024-01-02T00:00:00Z'))).toEqual(['T3']);
        expect(await between(new Date('2024-01-02T00:00:00.001Z'))).toEqual([]);
        expect(await between(new Date('2023-01-01T00:00:00Z'), new Date('2025-01-01T00:00:00Z'))).toEqual(['T0', 'T1', 'T1B', 'T2', 'T3']);

        // An update that moves last_updated moves the object in and out of the window, not in the order.
        await store.objects.update<ReturnType<typeof location>>(key(NL_CPO, 'T0'), (current) =>
          current ? { data: { ...current.data, last_updated: '2024-01-03T00:00:00Z' } } : undefined,
        );
        expect(await between(new Date('2024-01-02T00:00:00Z'))).toEqual(['T0', 'T3']);
        expect(await between(undefined, t1)).toEqual([]);
      });

      it('combines owners, visibleTo and dates', async () => {
        await put(NL_CPO, 'M1', '2024-01-01T00:00:00Z');
        await put(NL_CPO, 'M2', '2024-02-01T00:00:00Z', [BE_XYZ]);
        await put(DE_ABC, 'M3', '2024-02-01T00:00:00Z');
        await put(NL_CPO, 'M4', '2024-02-02T00:00:00Z', [DE_ABC]);
        await put(NL_CPO, 'M5', '2024-03-01T00:00:00Z');
        const result = await store.objects.list({
          module: LOCATIONS,
          owners: [NL_CPO],
          visibleTo: [DE_ABC],
          dateFrom: new Date('2024-01-15T00:00:00Z'),
          dateTo: new Date('2024-03-01T00:00:00Z'),
          offset: 0,
          limit: 10,
        });
        expect(ids(result.items)).toEqual(['M4']);
        expect(result.total).toBe(1);
      });

      it('pages with offset and limit; total ignores them', async () => {
        const all: string[] = [];
        for (let i = 0; i < 25; i++) {
          const id = `P${String(i).padStart(2, '0')}`;
          all.push(id);
          await put(i % 2 === 0 ? NL_CPO : DE_ABC, id, `2024-01-01T00:00:${String(59 - i).padStart(2, '0')}Z`);
        }
        const page = async (offset: number, limit: number, owners?: PartyRef[]) => {
          const result = await store.objects.list({ module: LOCATIONS, ...(owners ? { owners } : {}), offset, limit });
          return { ids: ids(result.items), total: result.total };
        };
        expect(await page(0, 5)).toEqual({ ids: all.slice(0, 5), total: 25 });
        expect(await page(10, 5)).toEqual({ ids: all.slice(10, 15), total: 25 });
        expect(await page(20, 10)).toEqual({ ids: all.slice(20), total: 25 });
        expect(await page(24, 1)).toEqual({ ids: ['P24'], total: 25 });
        expect(await page(25, 10)).toEqual({ ids: [], total: 25 });
        expect(await page(1000, 10)).toEqual({ ids: [], total: 25 });
        expect(await page(3, 0)).toEqual({ ids: [], total: 25 });
        expect(await page(0, 1000)).toEqual({ ids: all, total: 25 });

        const nl = all.filter((_, i) => i % 2 === 0);
        expect(await page(2, 3, [NL_CPO])).toEqual({ ids: nl.slice(2, 5), total: 13 });
        expect(await page(12, 3, [NL_CPO])).toEqual({ ids: nl.slice(12), total: 13 });

        const dated = await store.objects.list({ module: LOCATIONS, dateFrom: new Date('2024-01-01T00:00:50Z'), offset: 2, limit: 3 });
        expect(ids(dated.items)).toEqual(['P02', 'P03', 'P04']);
        expect(dated.total).toBe(10);

        // Walking every page visits every object exactly once.
        const walked: string[] = [];
        for (let offset = 0; ; offset += 7) {
          const result = await page(offset, 7);
          if (result.ids.length === 0) break;
          walked.push(...result.ids);
        }
        expect(walked).toEqual(all);
      });
    });

    describe('objects: listJson', () => {
      it("is the page of list, as each object's JSON, for every kind of query", async () => {
        const FR = party('FR', 'AAA');
        for (let i = 0; i < 30; i++) {
          const audience = i % 3 === 0 ? [DE_ABC] : i % 5 === 0 ? [FR] : [];
          const data = location(`J${i}`, `2024-01-01T00:00:${String(i).padStart(2, '0')}Z`, { ü: `⚡${i}` });
          await store.objects.put(key(i % 4 === 0 ? DE_ABC : NL_CPO, `J${i}`), { data, audience });
        }
        const queries = [
          { module: LOCATIONS, offset: 0, limit: 100 },
          { module: LOCATIONS, owners: [NL_CPO], visibleTo: [DE_ABC], offset: 3, limit: 7 },
          { module: LOCATIONS, visibleTo: [FR], dateFrom: new Date('2024-01-01T00:00:10Z'), offset: 1, limit: 5 },
          { module: LOCATIONS, dateTo: new Date('2024-01-01T00:00:05Z'), offset: 0, limit: 100 },
          { module: LOCATIONS, owners: [], offset: 0, limit: 10 },
          { module: TARIFFS, offset: 0, limit: 10 },
        ];
        for (const query of queries) {
          const listed = await store.objects.list(query);
          const json = await store.objects.listJson(query);
          expect(json.total).toBe(listed.total);
          expect(json.items.map((item) => item.text)).toEqual(listed.items.map((item) => item.json));
        }
      });
    });

    describe('objects: update', () => {
      it('creates when absent and the mutation returns data', async () => {
        const seen: Array<StoredObject | undefined> = [];
        const outcome = await store.objects.update(key(party('nl', 'cpo'), 'new1'), (current) => {
          seen.push(current);
          return { data: location('NEW1'), audience: [party('de', 'abc')] };
        });
        expect(seen).toEqual([undefined]);
        expect(outcome.kind).toBe('created');
        if (outcome.kind !== 'created') throw new Error('unreachable');
        expect(outcome.object).toEqual({
          key: { module: LOCATIONS, owner: NL_CPO, id: 'NEW1' },
          data: location('NEW1'),
          json: JSON.stringify(location('NEW1')),
          lastUpdated: '2024-01-01T00:00:00.000Z',
          audience: [DE_ABC],
        });
        expect(await store.objects.get(key(NL_CPO, 'NEW1'))).toEqual(outcome.object);
      });

      it('reports absent when there is nothing and the mutation returns undefined or null', async () => {
        expect(await store.objects.update(key(NL_CPO, 'GHOST'), () => undefined)).toEqual({ kind: 'absent' });
        expect(await store.objects.update(key(NL_CPO, 'GHOST'), () => null)).toEqual({ kind: 'absent' });
        expect(await store.objects.get(key(NL_CPO, 'GHOST'))).toBeUndefined();
      });

      it('passes the current object to the mutation and reports updated', async () => {
        await store.objects.put(key(NL_CPO, 'U1'), { data: location('U1'), audience: [BE_XYZ] });
        let seen: StoredObject<ReturnType<typeof location>> | undefined;
        const outcome = await store.objects.update<ReturnType<typeof location>>(key(party('nl', 'CPO'), 'u1'), (current) => {
          seen = current;
          return current ? { data: { ...current.data, name: 'Updated' } } : undefined;
        });
        expect(seen?.key).toEqual({ module: LOCATIONS, owner: NL_CPO, id: 'U1' });
        expect(seen?.data).toEqual(location('U1'));
        expect(seen?.json).toBe(JSON.stringify(location('U1')));
        expect(seen?.audience).toEqual([BE_XYZ]);
        expect(outcome.kind).toBe('updated');
        if (outcome.kind !== 'updated') throw new Error('unreachable');
        expect(outcome.object.data.name).toBe('Updated');
        expect(outcome.object.json).toBe(JSON.stringify({ ...location('U1'), name: 'Updated' }));
        expect(outcome.object.audience).toEqual([BE_XYZ]);
        expect((await store.objects.get(key(NL_CPO, 'U1')))?.data).toEqual({ ...location('U1'), name: 'Updated' });
      });

      it('reports unchanged when the new JSON equals the current JSON, or the mutation returns undefined', async () => {
        await store.objects.put(key(NL_CPO, 'S1'), { data: location('S1'), audience: [DE_ABC] });
        const same = await store.objects.update(key(NL_CPO, 'S1'), () => ({ data: location('S1') }));
        expect(same.kind).toBe('unchanged');
        if (same.kind !== 'unchanged') throw new Error('unreachable');
        expect(same.object.data).toEqual(location('S1'));
        expect(same.object.audience).toEqual([DE_ABC]);

        const sameAudience = await store.objects.update(key(NL_CPO, 'S1'), () => ({ data: location('S1'), audience: [party('de', 'abc')] }));
        expect(sameAudience.kind).toBe('unchanged');

        const untouched = await store.objects.update(key(NL_CPO, 'S1'), () => undefined);
        expect(untouched.kind).toBe('unchanged');
        if (untouched.kind !== 'unchanged') throw new Error('unreachable');
        expect(untouched.object.json).toBe(JSON.stringify(location('S1')));

        // Same values in another key order is other JSON: an update.
        const { id, name, last_updated } = location('S1');
        const reordered = await store.objects.update(key(NL_CPO, 'S1'), () => ({ data: { name, id, last_updated } }));
        expect(reordered.kind).toBe('updated');
        expect((await store.objects.get(key(NL_CPO, 'S1')))?.json).toBe(JSON.stringify({ name, id, last_updated }));
      });

      it('an audience change alone is an update', async () => {
        await store.objects.put(key(NL_CPO, 'AU1'), { data: location('AU1') });
        const outcome = await store.objects.update(key(NL_CPO, 'AU1'), (current) => (current ? { data: current.data, audience: [DE_ABC] } : undefined));
        expect(outcome.kind).toBe('updated');
        expect((await store.objects.get(key(NL_CPO, 'AU1')))?.audience).toEqual([DE_ABC]);
        const visible = await store.objects.list({ module: LOCATIONS, visibleTo: [BE_XYZ], offset: 0, limit: 10 });
        expect(visible.total).toBe(0);
      });

      it('deletes when the mutation returns null', async () => {
        await store.objects.put(key(NL_CPO, 'DEL1'), { data: location('DEL1') });
        expect(await store.objects.update(key(party('nl', 'cpo'), 'del1'), () => null)).toEqual({ kind: 'deleted' });
        expect(await store.objects.get(key(NL_CPO, 'DEL1'))).toBeUndefined();
        expect((await store.objects.list({ module: LOCATIONS, offset: 0, limit: 10 })).total).toBe(0);
      });

      it('a mutation that throws writes nothing and releases the key', async () => {
        await store.objects.put(key(NL_CPO, 'ERR1'), { data: location('ERR1') });
        await expect(
          store.objects.update(key(NL_CPO, 'ERR1'), async () => {
            await tick();
            throw new Error('boom');
          }),
        ).rejects.toThrow('boom');
        await expect(store.objects.update(key(NL_CPO, 'ERR2'), () => Promise.reject(new Error('bang')))).rejects.toThrow('bang');
        expect((await store.objects.get(key(NL_CPO, 'ERR1')))?.data).toEqual(location('ERR1'));
        expect(await store.objects.get(key(NL_CPO, 'ERR2'))).toBeUndefined();
        const after = await store.objects.update(key(NL_CPO, 'ERR1'), () => null);
        expect(after.kind).toBe('deleted');
      });

      it('50 concurrent increments of one counter (created by the first) lose nothing', async () => {
        const counterKey = key(NL_CPO, 'COUNTER', 'counters');
        const outcomes = await Promise.all(
          Array.from({ length: 50 }, (_, i) =>
            store.objects.update<Counter>(i % 2 === 0 ? counterKey : key(party('nl', 'cpo'), 'counter', 'counters'), async (current) => {
              await tick();
              return { data: { id: 'COUNTER', count: (current?.data.count ?? 0) + 1, last_updated: '2024-01-01T00:00:00Z' } };
            }),
          ),
        );
        expect(outcomes.filter((o) => o.kind === 'created')).toHaveLength(1);
        expect(outcomes.filter((o) => o.kind === 'updated')).toHaveLength(49);
        const counts = outcomes.map((o) => (o.kind === 'created' || o.kind === 'updated' ? o.object.data.count : -1)).sort((a, b) => a - b);
        expect(counts).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
        expect((await store.objects.get<Counter>(counterKey))?.data.count).toBe(50);
        expect((await store.objects.list({ module: 'counters', offset: 0, limit: 10 })).total).toBe(1);
      });

      it('concurrent updates of different keys do not wait on each other', async () => {
        let releaseFirst!: () => void;
        const firstHeld = new Promise<void>((resolve) => {
          releaseFirst = resolve;
        });
        const first = store.objects.update(key(NL_CPO, 'K1'), async () => {
          await firstHeld;
          return { data: location('K1') };
        });
        const second = await store.objects.update(key(NL_CPO, 'K2'), () => ({ data: location('K2') }));
        expect(second.kind).toBe('created');
        releaseFirst();
        expect((await first).kind).toBe('created');
      });

      it('many concurrent writes of different keys (creates, updates, audience changes, no-ops) each land as written', async () => {
        // SQL stores group writes that arrive together into one statement: each must still get its own outcome.
        const viewer = party('DE', 'MSP');
        for (let i = 0; i < 40; i++) await store.objects.put(key(NL_CPO, `B${i}`), { data: location(`B${i}`), audience: i % 4 === 0 ? [viewer] : [] });
        const outcomes = await Promise.all(
          Array.from({ length: 80 }, (_, i) =>
            store.objects.update(key(NL_CPO, `B${i}`), (current) => {
              if (i % 10 === 9) return current ? undefined : { data: location(`B${i}`) };
              const data = location(`B${i}`, '2024-02-01T00:00:00Z', { round: 2 });
              // Every fifth: the audience changes (added, or dropped where it was given).
              return i % 5 === 0 ? { data, audience: i % 4 === 0 ? [] : [viewer] } : { data };
            }),
          ),
        );
        outcomes.forEach((outcome, i) => {
          const expected = i % 10 === 9 ? (i < 40 ? 'unchanged' : 'created') : i < 40 ? 'updated' : 'created';
          expect(`${i}: ${outcome.kind}`).toBe(`${i}: ${expected}`);
        });
        for (let i = 0; i < 80; i++) {
          const object = await store.objects.get<{ round?: number }>(key(NL_CPO, `B${i}`));
          expect(object?.data.round).toBe(i % 10 === 9 ? undefined : 2);
        }
        const seen = await store.objects.list({ module: LOCATIONS, visibleTo: [party('FR', 'OTH')], offset: 0, limit: 100 });
        const restricted = Array.from({ length: 80 }, (_, i) => i).filter((i) =>
          i % 10 === 9 ? i < 40 && i % 4 === 0 : i % 5 === 0 ? i % 4 !== 0 : i < 40 && i % 4 === 0,
        );
        expect(seen.total).toBe(80 - restricted.length);
        // Updated objects keep their place; those created together come after them, in no set order.
        const listed = ids((await store.objects.list({ module: LOCATIONS, offset: 0, limit: 100 })).items);
        expect(listed.slice(0, 40)).toEqual(Array.from({ length: 40 }, (_, i) => `B${i}`));
        expect([...listed.slice(40)].sort()).toEqual(Array.from({ length: 40 }, (_, i) => `B${i + 40}`).sort());
      });

      it('a delete or put of a key waits for the update in progress on it', async () => {
        const k = key(NL_CPO, 'HELD');
        await store.objects.put(k, { data: { id: 'HELD', count: 1, last_updated: '2024-01-01T00:00:00Z' } });
        let entered!: () => void;
        const mutationEntered = new Promise<void>((resolve) => {
          entered = resolve;
        });
        let release!: () => void;
        const gate = new Promise<void>((resolve) => {
          release = resolve;
        });
        const update = store.objects.update<Counter>(k, async (current) => {
          entered();
          await gate;
          return current ? { data: { ...current.data, count: current.data.count + 1 } } : undefined;
        });
        await mutationEntered;
        const deleted = store.objects.delete(k);
        const replaced = deleted.then(() => store.objects.put(k, { data: { id: 'HELD', count: 100, last_updated: '2024-01-01T00:00:00Z' } }));
        await new Promise((resolve) => setTimeout(resolve, 50));
        release();
        const outcome = await update;
        expect(outcome.kind).toBe('updated');
        expect(await deleted).toBe(true);
        expect((await replaced).created).toBe(true);
        expect((await store.objects.get<Counter>(k))?.data.count).toBe(100);
      });

      it('put, update and delete of one key interleave without losing writes', async () => {
        const k = key(NL_CPO, 'MIX');
        await store.objects.put(k, { data: { id: 'MIX', count: 0, last_updated: '2024-01-01T00:00:00Z' } });
        const work: Promise<unknown>[] = [];
        for (let i = 0; i < 20; i++) {
          work.push(
            store.objects.update<Counter>(k, async (current) => {
              await tick();
              return current ? { data: { ...current.data, count: current.data.count + 1 } } : undefined;
            }),
          );
        }
        await Promise.all(work);
        expect((await store.objects.get<Counter>(k))?.data.count).toBe(20);
        await Promise.all([
          store.objects.delete(k),
          store.objects.update<Counter>(k, async (current) => {
            await tick();
            return { data: { id: 'MIX', count: (current?.data.count ?? 100) + 1, last_updated: '2024-01-01T00:00:00Z' } };
          }),
        ]);
        const final = await store.objects.get<Counter>(k);
        // Either the delete ran first (update recreated from nothing: 101) or the update ran first and was deleted.
        if (final) expect(final.data.count).toBe(101);
      });
    });

    describe('partners', () => {
      it('save, get, list, delete', async () => {
        expect(await store.partners.get('p1')).toBeUndefined();
        expect(await store.partners.list()).toEqual([]);
        const full = partner('p1', {
          status: 'PENDING',
          versionsUrl: 'https://partner.example.com/ocpi/versions',
          version: '2.2.1',
          endpoints: [{ identifier: 'locations', role: 'SENDER', url: 'https://partner.example.com/ocpi/2.2.1/locations' }],
          inboundTokenHash: 'a'.repeat(64),
          outboundToken: partnerToken('partner-token'),
          tokenEncoding: 'raw',
          quirks: { enums: 'strict', dateFromRequired: true, maxPageSize: 25, clockSkewSeconds: -120 },
          roles: [
            {
              role: 'CPO',
              country_code: 'NL',
              party_id: 'P1A',
              business_details: {
                name: 'Één — CPO ⚡',
                website: 'https://cpo.example.com',
                logo: { url: 'https://x/l.png', category: 'OPERATOR', type: 'png', width: 10 },
              },
            },
            { role: 'EMSP', country_code: 'NL', party_id: 'P1B', business_details: { name: 'eMSP' } },
          ],
        });
        await store.partners.save(full);
        await store.partners.save(partner('p2'));
        // The token hash may come back in a keyed form of the store's (see PartnerStore); the rest as saved.
        expect(withoutHash(await store.partners.get('p1'))).toEqual(withoutHash(full));
        expect((await store.partners.findByTokenHash('a'.repeat(64)))?.id).toBe('p1');
        const listed = await store.partners.list();
        expect(listed.map((p) => p.id).sort()).toEqual(['p1', 'p2']);
        expect(withoutHash(listed.find((p) => p.id === 'p1'))).toEqual(withoutHash(full));

        expect(await store.partners.delete('p1')).toBe(true);
        expect(await store.partners.delete('p1')).toBe(false);
        expect(await store.partners.get('p1')).toBeUndefined();
        expect((await store.partners.list()).map((p) => p.id)).toEqual(['p2']);
      });

      it('save replaces by id and normalizes role parties to upper case', async () => {
        await store.partners.save(partner('p1', { roles: [{ role: 'CPO', country_code: 'nl', party_id: 'abc', business_details: { name: 'n' } }] }));
        expect((await store.partners.get('p1'))?.roles[0]).toMatchObject({ country_code: 'NL', party_id: 'ABC' });
        await store.partners.save(partner('p1', { status: 'SUSPENDED', version: '2.2.1' }));
        const got = await store.partners.get('p1');
        expect(got?.status).toBe('SUSPENDED');
        expect(got?.version).toBe('2.2.1');
        expect(await store.partners.list()).toHaveLength(1);
        expect(await store.partners.findByParty(party('NL', 'ABC'))).toBeUndefined();
      });

      it('saved partners are copies', async () => {
        const p = partner('p1');
        await store.partners.save(p);
        p.status = 'UNREGISTERED';
        expect((await store.partners.get('p1'))?.status).toBe('REGISTERED');
        const got = await store.partners.get('p1');
        if (got) got.status = 'SUSPENDED';
        expect((await store.partners.get('p1'))?.status).toBe('REGISTERED');
      });

      it('findByTokenHash', async () => {
        await store.partners.save(partner('p1', { inboundTokenHash: 'h1' }));
        await store.partners.save(partner('p2', { inboundTokenHash: 'h2' }));
        await store.partners.save(partner('p3'));
        expect((await store.partners.findByTokenHash('h1'))?.id).toBe('p1');
        expect((await store.partners.findByTokenHash('h2'))?.id).toBe('p2');
        expect(await store.partners.findByTokenHash('h3')).toBeUndefined();
        expect(await store.partners.findByTokenHash('H1')).toBeUndefined();

        await store.partners.save(partner('p1', { inboundTokenHash: 'h1-rotated' }));
        expect(await store.partners.findByTokenHash('h1')).toBeUndefined();
        expect((await store.partners.findByTokenHash('h1-rotated'))?.id).toBe('p1');

        await store.partners.delete('p2');
        expect(await store.partners.findByTokenHash('h2')).toBeUndefined();
      });

      it('a token hash belongs to one partner only', async () => {
        await store.partners.save(partner('p1', { inboundTokenHash: 'shared' }));
        await expect(store.partners.save(partner('p2', { inboundTokenHash: 'shared' }))).rejects.toThrow();
        expect(await store.partners.get('p2')).toBeUndefined();
        expect((await store.partners.findByTokenHash('shared'))?.id).toBe('p1');

        await store.partners.save(partner('p2', { inboundTokenHash: 'other' }));
        await expect(store.partners.save(partner('p2', { inboundTokenHash: 'shared', status: 'SUSPENDED' }))).rejects.toThrow();
        expect((await store.partners.findByTokenHash('other'))?.id).toBe('p2');
        expect((await store.partners.get('p2'))?.status).toBe('REGISTERED');

        // Re-saving the holder with its own hash is fine; once it lets go, another may take it.
        await store.partners.save(partner('p1', { inboundTokenHash: 'shared', status: 'SUSPENDED' }));
        await store.partners.save(partner('p1', { inboundTokenHash: 'new' }));
        await store.partners.save(partner('p2', { inboundTokenHash: 'shared' }));
        expect((await store.partners.findByTokenHash('shared'))?.id).toBe('p2');
      });

      it('a partner read back and saved again keeps its token hash and its token', async () => {
        await store.partners.save(partner('p1', { inboundTokenHash: 'h1', outboundToken: partnerToken('their-token') }));
        const read = await store.partners.get('p1');
        await store.partners.save({ ...(read as Partner), status: 'SUSPENDED' });
        expect((await store.partners.findByTokenHash('h1'))?.status).toBe('SUSPENDED');
        expect((await store.partners.get('p1'))?.outboundToken).toBe('their-token');
      });

      it('a party is held by one partner that is not unregistered (PartyTakenError)', async () => {
        const roles = (party_id: string) => [{ role: 'EMSP' as const, country_code: 'NL', party_id, business_details: { name: party_id } }];
        await store.partners.save(partner('p1', { roles: roles('AAA') }));
        const failed = await store.partners.save(partner('p2', { roles: [...roles('BBB'), ...roles('aaa')] })).catch((error: unknown) => error);
        expect(failed).toBeInstanceOf(PartyTakenError);
        expect(failed).toMatchObject({ party: { country_code: 'NL', party_id: 'AAA' } });
        expect(await store.partners.get('p2')).toBeUndefined();
        expect(await store.partners.findByParty(party('NL', 'BBB'))).toBeUndefined();
        // The holder may save itself again; once unregistered, another may take the party.
        await store.partners.save(partner('p1', { roles: roles('AAA'), version: '2.2.1' }));
        await store.partners.save(partner('p1', { roles: roles('AAA'), status: 'UNREGISTERED' }));
        await store.partners.save(partner('p2', { roles: roles('AAA') }));
        expect((await store.partners.findByParty(party('NL', 'AAA')))?.id).toBe('p2');
        // Nor may an unregistered partner come back to a party held meanwhile.
        await expect(store.partners.save(partner('p1', { roles: roles('AAA') }))).rejects.toBeInstanceOf(PartyTakenError);
      });

      it('concurrent saves of one party by two partners: exactly one wins', async () => {
        const roles = [{ role: 'CPO' as const, country_code: 'DE', party_id: 'RAC', business_details: { name: 'race' } }];
        const results = await Promise.allSettled(['p1', 'p2', 'p3'].map((id) => store.partners.save(partner(id, { roles }))));
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        const winner = (await store.partners.findByParty(party('DE', 'RAC')))?.id;
        expect((await store.partners.list()).map((p) => p.id)).toEqual([winner]);
      });

      it('concurrent saves of one token hash by two partners: exactly one wins', async () => {
        const results = await Promise.allSettled([
          store.partners.save(partner('p1', { inboundTokenHash: 'race' })),
          store.partners.save(partner('p2', { inboundTokenHash: 'race' })),
        ]);
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        expect(await store.partners.list()).toHaveLength(1);
      });

      it('findByParty: any role, case-insensitive, ignoring UNREGISTERED partners', async () => {
        await store.partners.save(
          partner('p1', {
            roles: [
              { role: 'CPO', country_code: 'NL', party_id: 'AAA', business_details: { name: 'a' } },
              { role: 'EMSP', country_code: 'de', party_id: 'bbb', business_details: { name: 'b' } },
            ],
          }),
        );
        await store.partners.save(
          partner('p2', { status: 'UNREGISTERED', roles: [{ role: 'CPO', country_code: 'FR', party_id: 'CCC', business_details: { name: 'c' } }] }),
        );
        await store.partners.save(
          partner('p3', { status: 'PENDING', roles: [{ role: 'HUB', country_code: 'BE', party_id: 'DDD', business_details: { name: 'd' } }] }),
        );
        expect((await store.partners.findByParty(party('NL', 'AAA')))?.id).toBe('p1');
        expect((await store.partners.findByParty(party('de', 'BBB')))?.id).toBe('p1');
        expect((await store.partners.findByParty(party('De', 'bBb')))?.id).toBe('p1');
        expect(await store.partners.findByParty(party('FR', 'CCC'))).toBeUndefined();
        expect((await store.partners.findByParty(party('be', 'ddd')))?.id).toBe('p3');
        expect(await store.partners.findByParty(party('NL', 'BBB'))).toBeUndefined();
        expect(await store.partners.findByParty(party('DE', 'AAA'))).toBeUndefined();

        await store.partners.save(partner('p1', { status: 'UNREGISTERED', roles: (await store.partners.get('p1'))?.roles ?? [] }));
        expect(await store.partners.findByParty(party('NL', 'AAA'))).toBeUndefined();
        await store.partners.save(partner('p4', { roles: [{ role: 'CPO', country_code: 'NL', party_id: 'AAA', business_details: { name: 'again' } }] }));
        expect((await store.partners.findByParty(party('nl', 'aaa')))?.id).toBe('p4');
      });
    });

    describe('registration tokens', () => {
      it('create, findByHash, list; a duplicate id is refused', async () => {
        const full = registrationToken('t1', { label: 'for ACME ⚡', expiresAt: '2030-01-01T00:00:00.000Z' });
        await store.registrationTokens.create(full);
        await store.registrationTokens.create(registrationToken('t2'));
        expect(withoutHash(await store.registrationTokens.findByHash('hash-t1'))).toEqual(withoutHash(full));
        expect(await store.registrationTokens.findByHash('hash-t3')).toBeUndefined();
        const listed = await store.registrationTokens.list();
        expect(listed.map((t) => t.id).sort()).toEqual(['t1', 't2']);
        expect(withoutHash(listed.find((t) => t.id === 't1'))).toEqual(withoutHash(full));

        await expect(store.registrationTokens.create(registrationToken('t1', { hash: 'other' }))).rejects.toThrow();
        expect(await store.registrationTokens.findByHash('other')).toBeUndefined();
        expect(await store.registrationTokens.list()).toHaveLength(2);
      });

      it('revoke marks the token revoked once; unknown tokens report false', async () => {
        await store.registrationTokens.create(registrationToken('t1'));
        expect(await store.registrationTokens.revoke('t1')).toBe(true);
        const revoked = await store.registrationTokens.findByHash('hash-t1');
        expect(revoked?.revokedAt).toBeDefined();
        expect(Number.isNaN(Date.parse(revoked?.revokedAt ?? ''))).toBe(false);
        expect(await store.registrationTokens.revoke('t1')).toBe(true);
        expect((await store.registrationTokens.findByHash('hash-t1'))?.revokedAt).toBe(revoked?.revokedAt);
        expect(await store.registrationTokens.revoke('nope')).toBe(false);
        expect(await store.registrationTokens.markUsed('t1', 'p1', '2024-01-01T00:00:00.000Z')).toBe(false);
        expect((await store.registrationTokens.findByHash('hash-t1'))?.usedAt).toBeUndefined();
      });

      it('markUsed succeeds once', async () => {
        await store.registrationTokens.create(registrationToken('t1'));
        expect(await store.registrationTokens.markUsed('t1', 'p1', '2024-02-02T02:02:02.000Z')).toBe(true);
        expect(withoutHash(await store.registrationTokens.findByHash('hash-t1'))).toEqual(
          withoutHash({ ...registrationToken('t1'), usedAt: '2024-02-02T02:02:02.000Z', usedByPartnerId: 'p1' }),
        );
        expect(await store.registrationTokens.markUsed('t1', 'p2', '2024-03-03T03:03:03.000Z')).toBe(false);
        expect((await store.registrationTokens.findByHash('hash-t1'))?.usedByPartnerId).toBe('p1');
        expect(await store.registrationTokens.markUsed('unknown', 'p1', '2024-03-03T03:03:03.000Z')).toBe(false);
        // A used token can still be revoked (an operator cleaning up); it stays used by p1.
        expect(await store.registrationTokens.revoke('t1')).toBe(true);
        expect((await store.registrationTokens.findByHash('hash-t1'))?.usedByPartnerId).toBe('p1');
      });

      it('concurrent markUsed: exactly one caller wins', async () => {
        await store.registrationTokens.create(registrationToken('t1'));
        const results = await Promise.all(
          Array.from({ length: 20 }, (_, i) => store.registrationTokens.markUsed('t1', `p${i}`, `2024-01-01T00:00:${String(i).padStart(2, '0')}.000Z`)),
        );
        expect(results.filter(Boolean)).toHaveLength(1);
        const winner = results.indexOf(true);
        const token = await store.registrationTokens.findByHash('hash-t1');
        expect(token?.usedByPartnerId).toBe(`p${winner}`);
        expect(token?.usedAt).toBe(`2024-01-01T00:00:${String(winner).padStart(2, '0')}.000Z`);
      });

      it('concurrent revoke and markUsed: the token ends revoked, or used by the one winner', async () => {
        await store.registrationTokens.create(registrationToken('t1'));
        const [revoked, ...used] = await Promise.all([
          store.registrationTokens.revoke('t1'),
          ...Array.from({ length: 5 }, (_, i) => store.registrationTokens.markUsed('t1', `p${i}`, '2024-01-01T00:00:00.000Z')),
        ]);
        expect(revoked).toBe(true);
        expect(used.filter(Boolean).length).toBeLessThanOrEqual(1);
        const token = await store.registrationTokens.findByHash('hash-t1');
        expect(token?.revokedAt).toBeDefined();
        if (used.some(Boolean)) expect(token?.usedByPartnerId).toBe(`p${used.indexOf(true)}`);
        else expect(token?.usedAt).toBeUndefined();
      });
    });

    describe('audit log', () => {
      const entry = (at: string, action: AuditEntry['action'], extra: Partial<AuditEntry> = {}): AuditEntry => ({ at, action, count: 1, ...extra });

      it('appends rows with increasing seq and returns them newest first', async () => {
        expect(await store.audit.query()).toEqual([]);
        await store.audit.append(entry('2024-01-01T00:00:00.000Z', 'partner.registered', { partnerId: 'p1', parties: [NL_CPO], requestId: 'r1' }));
        await store.audit.append(
          entry('2024-01-01T00:00:01.000Z', 'auth.failed', { count: 7, details: { address: '10.0.0.1', reason: 'unknown token', ü: '⚡' } }),
        );
        await store.audit.append(entry('2024-01-01T00:00:02.000Z', 'partner.updated', { partnerId: 'p1', seq: 999 }));
        const rows = await store.audit.query();
        expect(rows.map((row) => row.action)).toEqual(['partner.updated', 'auth.failed', 'partner.registered']);
        const seqs = rows.map((row) => row.seq as number);
        expect(seqs.every((seq) => typeof seq === 'number')).toBe(true);
        expect(seqs[0]).toBeGreaterThan(seqs[1] as number);
        expect(seqs[1]).toBeGreaterThan(seqs[2] as number);
        expect(seqs[0]).not.toBe(999);
        expect(rows[1]).toEqual({
          ...entry('2024-01-01T00:00:01.000Z', 'auth.failed', { count: 7, details: { address: '10.0.0.1', reason: 'unknown token', ü: '⚡' } }),
          seq: seqs[1],
        });
        expect(rows[2]).toMatchObject({ partnerId: 'p1', parties: [NL_CPO], requestId: 'r1', at: '2024-01-01T00:00:00.000Z', count: 1 });
      });

      it('filters by action, partner and since (inclusive), and limits (default 100)', async () => {
        for (let i = 0; i < 105; i++) {
          const at = new Date(Date.UTC(2024, 0, 1, 0, 0, i)).toISOString();
          await store.audit.append(entry(at, i % 3 === 0 ? 'command.received' : 'result.sent', { partnerId: i % 2 === 0 ? 'even' : 'odd' }));
        }
        expect(await store.audit.query()).toHaveLength(100);
        expect(await store.audit.query({ limit: 1000 })).toHaveLength(105);
        expect((await store.audit.query({ limit: 3 })).map((row) => row.at)).toEqual([
          '2024-01-01T00:01:44.000Z',
          '2024-01-01T00:01:43.000Z',
          '2024-01-01T00:01:42.000Z',
        ]);
        expect(await store.audit.query({ action: 'command.received', limit: 1000 })).toHaveLength(35);
        expect(await store.audit.query({ partnerId: 'even', limit: 1000 })).toHaveLength(53);
        const both = await store.audit.query({ action: 'command.received', partnerId: 'odd', limit: 1000 });
        expect(both).toHaveLength(17);
        expect(both.every((row) => row.action === 'command.received' && row.partnerId === 'odd')).toBe(true);
        const since = await store.audit.query({ since: new Date('2024-01-01T00:01:40.000Z') });
        expect(since.map((row) => row.at)).toEqual(['44', '43', '42', '41', '40'].map((s) => `2024-01-01T00:01:${s}.000Z`));
        expect(await store.audit.query({ since: new Date('2024-01-01T00:01:44.001Z') })).toEqual([]);
        expect(await store.audit.query({ action: 'auth.failed' })).toEqual([]);
      });

      it('returns copies', async () => {
        await store.audit.append(entry('2024-01-01T00:00:00.000Z', 'command.sent', { details: { n: 1 } }));
        const [row] = await store.audit.query();
        if (row?.details) row.details.n = 2;
        expect((await store.audit.query())[0]?.details).toEqual({ n: 1 });
      });
    });

    // State shared by the nodes of one database, kept as records in the object store (internal-records.ts).
    describe('shared state', () => {
      it('tells change listeners of every write and delete, once each', async () => {
        // A store without a feed (a SQL store without its read model) leaves onObjectChange out, and
        // those waiting on shared state poll it instead (command-results.ts).
        if (!store.onObjectChange) return;
        const heard: string[] = [];
        const stop = store.onObjectChange((change) => heard.push(`${change.origin}:${change.key.id}`));
        await store.objects.put(key(NL_CPO, 'LOC1'), { data: location('LOC1') });
        await store.objects.update(key(NL_CPO, 'LOC1'), () => ({ data: location('LOC1', '2024-02-01T00:00:00Z') }));
        await store.objects.update(key(NL_CPO, 'LOC1'), () => undefined);
        await store.objects.delete(key(NL_CPO, 'LOC1'));
        await expect.poll(() => heard).toEqual(['local:LOC1', 'local:LOC1', 'local:LOC1']);
        stop();
        await store.objects.put(key(NL_CPO, 'LOC2'), { data: location('LOC2') });
        await new Promise((resolve) => setTimeout(resolve, 20));
        expect(heard).toHaveLength(3);
      });

      it('a command answered once: of ten copies racing, one runs the handler; a partner gets at most its bound; answers expire', async () => {
        let now = Date.parse('2024-01-01T00:00:00Z');
        const memory = new CommandMemory({ maxPerPartner: 5, now: () => now });
        let runs = 0;
        const answer = async () => {
          runs++;
          await new Promise((resolve) => setTimeout(resolve, 20));
          return { result: 'ACCEPTED' as const, timeout: runs };
        };
        const copies = await Promise.all(Array.from({ length: 10 }, () => memory.answerOnce(store, 'partner-1', 'START_SESSION same body', answer)));
        expect(runs).toBe(1);
        expect(new Set(copies.map((c) => c.timeout))).toEqual(new Set([1]));
        for (let i = 0; i < 8; i++) await memory.answerOnce(store, 'partner-1', `other ${i}`, answer);
        await memory.answerOnce(store, 'partner-2', 'START_SESSION same body', answer);
        expect(await memory.size(store, 'partner-1')).toBe(5);
        expect(await memory.size(store, 'partner-2')).toBe(1);
        expect(runs).toBe(10);
        now += 15 * 60_000 + 1;
        await memory.answerOnce(store, 'partner-2', 'START_SESSION same body', answer);
        expect(runs).toBe(11);
      });

      it('the push outbox: changes while queued give one push of the latest state; two outboxes deliver each entry once', async () => {
        const emsp = partner('p-outbox', { roles: [{ role: 'EMSP', country_code: 'DE', party_id: 'OBX', business_details: { name: 'eMSP' } }] });
        await store.partners.save(emsp);
        const pushed: string[] = [];
        const deliver = async (to: Partner, object: StoredObject) => {
          pushed.push(`${to.id} ${object.key.id} ${(object.data as { name: string }).name}`);
        };
        const [a, b] = [createOutbox({ store, deliver, nodeId: 'a' }), createOutbox({ store, deliver, nodeId: 'b' })];
        for (let i = 0; i < 20; i++) {
          for (let change = 1; change <= 3; change++) {
            await store.objects.put(key(NL_CPO, `LOC${i}`), { data: location(`LOC${i}`, `2024-01-01T00:00:0${change}Z`, { name: `v${change}` }) });
            await (change % 2 ? a : b).enqueue(emsp, key(NL_CPO, `LOC${i}`));
          }
        }
        expect((await a.stats()).depth).toBe(20);
        await Promise.all([a.runOnce(), b.runOnce()]);
        expect(pushed.sort()).toEqual(Array.from({ length: 20 }, (_, i) => `p-outbox LOC${i} v3`).sort());
        expect((await b.stats()).depth).toBe(0);
      });

      it('a command whose handler failed is not remembered: the retry runs it', async () => {
        const memory = new CommandMemory();
        await expect(memory.answerOnce(store, 'p', 'k', () => Promise.reject(new Error('charger offline')))).rejects.toThrow('charger offline');
        expect(await memory.answerOnce(store, 'p', 'k', async () => ({ result: 'REJECTED' as const, timeout: 30 }))).toEqual({
          result: 'REJECTED',
          timeout: 30,
        });
      });
    });
  });
}
