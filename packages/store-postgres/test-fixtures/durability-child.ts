// Writes forever, printing the number of each write once the store acknowledged it; the test
// SIGKILLs this process and checks every acknowledged write survived.
import { createEmbeddedStore } from '../src/index.js';

const dataDir = process.argv[2];
if (!dataDir) throw new Error('usage: durability-child <dataDir>');
const store = await createEmbeddedStore({ dataDir });
const key = (id: string) => ({ module: 'locations', owner: { country_code: 'NL', party_id: 'CPO' }, id });
for (let i = 1; ; i++) {
  await store.objects.update<{ id: string; count: number }>(key('COUNTER'), (current) => ({
    data: { id: 'COUNTER', count: (current?.data.count ?? 0) + 1 },
  }));
  await store.objects.put(key(`O${i}`), { data: { id: `O${i}`, n: i } });
  await store.registrationTokens.create({ id: `t${i}`, hash: `hash-${i}`, createdAt: new Date().toISOString() });
  process.stdout.write(`${i}\n`);
}
