import { describe, expect, it } from 'vitest';
import { describeOrderedWrites } from '../testing/ordered-writes.js';
import { describeUnstorableInput } from '../testing/unstorable-input.js';
import { describeStoreContract } from './contract.js';
import { createMemoryStore } from './memory.js';

describeStoreContract('memory', async () => createMemoryStore());
describeOrderedWrites('memory', async () => createMemoryStore());
describeUnstorableInput('memory', async () => createMemoryStore());

describe('memory store: a page names the version of each object it serves', () => {
  it('gives the same revision on every read and a new one after a write, so encodings in other versions are found again', async () => {
    const store = createMemoryStore();
    const key = { module: 'things', owner: { country_code: 'NL', party_id: 'CPO' }, id: 'T1' };
    const query = { module: 'things', offset: 0, limit: 10 };
    await store.objects.put(key, { data: { id: 'T1', last_updated: '2024-01-01T00:00:00Z' } });
    const [first] = (await store.objects.listJson(query)).items;
    const [again] = (await store.objects.listJson(query)).items;
    expect(first?.revision).toBeDefined();
    // Each read is a new view of the bytes: only the revision tells they are the same.
    expect(again?.utf8).not.toBe(first?.utf8);
    expect(again?.revision).toBe(first?.revision);
    await store.objects.put(key, { data: { id: 'T1', last_updated: '2024-01-02T00:00:00Z' } });
    const [changed] = (await store.objects.listJson(query)).items;
    expect(changed?.revision).not.toBe(first?.revision);
  });
});
