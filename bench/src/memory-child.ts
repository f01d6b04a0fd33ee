// Resident memory of a node holding N Locations in the memory store, run as its own process:
//   node --expose-gc memory-child.mjs <count> <full|compact>
// Prints one JSON line: RSS before and after putting the Locations (after full GCs), heap and external.
import { createMemoryStore, putOwnObject, STORE_MODULES } from '@ocpi-ts/core';
import { benchLocations } from './locations.js';
import { CPO } from './scenario.js';

const [countArg, kind] = process.argv.slice(2);
const count = Number(countArg);
const full = kind !== 'compact';
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc || !Number.isInteger(count)) throw new Error('usage: node --expose-gc memory-child.mjs <count> <full|compact>');

const settle = async () => {
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return process.memoryUsage();
};

const store = createMemoryStore();
// Everything but the objects themselves is allocated before the first reading.
await putOwnObject(store, STORE_MODULES.locations, CPO, benchLocations(1, CPO, full, count + 1)[0]);
const before = await settle();
let bytes = 0;
for (let from = 1; from <= count; from += 1000) {
  // Generated a thousand at a time and dropped once stored: what stays is what the store holds.
  for (const location of benchLocations(Math.min(1000, count - from + 1), CPO, full, from)) {
    bytes += JSON.stringify(location).length;
    await putOwnObject(store, STORE_MODULES.locations, CPO, location);
  }
}
const after = await settle();
const total = (await store.objects.list({ module: STORE_MODULES.locations, offset: 0, limit: 1 })).total;
if (total !== count + 1) throw new Error(`the store holds ${total} Locations, not ${count + 1}`);
process.stdout.write(
  `${JSON.stringify({
    count,
    kind: full ? 'full' : 'compact',
    jsonBytes: bytes,
    rssBefore: before.rss,
    rssAfter: after.rss,
    heapUsedDelta: after.heapUsed - before.heapUsed,
    externalDelta: after.external - before.external,
  })}\n`,
);
