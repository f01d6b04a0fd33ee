/**
 * The read model of a store: every object of every module in creation order, with what list pages
 * filter on (owner, audience, last_updated), its version, and its encoded bytes (held in a byte arena,
 * within a budget). The memory store is this index and nothing else; the SQL stores keep one in the
 * node in front of the database, kept coherent with it (see @ocpi-ts/postgres).
 *
 * Objects of one module sit in blocks of a few hundred, in `seq` order, each field in a typed array.
 * Per block and per "class" (owner and audience) a sorted array of `last_updated` lets a page count
 * the matching objects of a block with two binary searches, without looking at them: the total of a
 * query over a million objects is a few thousand binary searches, whatever the offset or `date_from`,
 * and finding the page then scans one block. Reads copy nothing but the page's bytes.
 */
import { JsonText } from '../envelope.js';
import { ByteArena, type BytesRef } from './byte-arena.js';
import { keyString, normalizeParty, partyString } from './keys.js';
import type { ListQuery, ObjectKey, PartyRef, StoredObject } from './types.js';

/** One object as a store gives it to the index. */
export interface IndexedRow {
  key: ObjectKey;
  /** Creation order within the module (a re-created object gets a new, higher one). */
  seq: number;
  /** Increases with every write of the object: the index keeps the highest it was given. */
  version: number;
  /** `last_updated` in milliseconds since the epoch. */
  updatedAt: number;
  audience: readonly PartyRef[];
  /** The object's JSON, as text or UTF-8 bytes; without it the index knows the object but not its bytes. */
  json?: string | Uint8Array;
}

/** What the index holds of one object. `utf8` is absent when its bytes are not held (evicted, or never fetched). */
export interface IndexedEntry {
  key: ObjectKey;
  seq: number;
  version: number;
  updatedAt: number;
  audience: readonly PartyRef[];
  utf8: Uint8Array<ArrayBuffer> | undefined;
}

/** An object of a page whose bytes the index does not hold: the store fetches it by `seq`. */
export interface MissingBytes {
  missing: true;
  module: string;
  seq: number;
  version: number;
}

/** A page of the index: its items (StoredObjects or JSON), or what to fetch for those whose bytes are not held. */
export interface IndexPage<I> {
  total: number;
  items: (I | MissingBytes)[];
}

export interface ObjectIndexOptions {
  /** Most bytes of encoded objects held (default: no limit); beyond it the oldest are dropped and fetched again when needed. */
  cacheBytes?: number;
}

const utf8Decoder = new TextDecoder();

/** Replaces a lazy property of a StoredObject read from the index with its value. */
function settle(object: StoredObject, name: 'json' | 'data', value: unknown): unknown {
  Object.defineProperty(object, name, { value, writable: true, enumerable: true, configurable: true });
  return value;
}
/** A lazy property: computed on first read and kept, or replaced by a write. */
const lazy = (name: 'json' | 'data', compute: (object: StoredObject) => unknown): PropertyDescriptor => ({
  enumerable: true,
  configurable: true,
  get(this: StoredObject) {
    return settle(this, name, compute(this));
  },
  set(this: StoredObject, value: unknown) {
    settle(this, name, value);
  },
});
// One accessor pair per property for every object, so they all share one shape (closures per object would give each its own).
const LAZY_JSON = lazy('json', (object) => utf8Decoder.decode(object.utf8));
const LAZY_DATA = lazy('data', (object) => JSON.parse(object.json));

/**
 * The StoredObject a reader gets: its own copies of key and audience, and `json` and `data` decoded
 * and parsed from the held bytes on first access, so a list page served from the bytes does neither.
 * `json` and `data` are own enumerable properties (getters that replace themselves with the value), so
 * the object compares, spreads and clones like a plain one; `utf8`, the held bytes, is a hint for the
 * envelope on the prototype, not part of the object's value.
 */
class IndexedObject<T> {
  readonly #utf8: Uint8Array<ArrayBuffer>;
  readonly #seq: number;
  readonly #version: number;
  key: ObjectKey;
  lastUpdated: string;
  audience: PartyRef[];
  declare json: string;
  declare data: T;

  constructor(
    module: string,
    owner: PartyRef,
    id: string,
    at: { updatedAt: number; seq: number; version: number },
    audience: readonly PartyRef[],
    utf8: Uint8Array<ArrayBuffer>,
  ) {
    this.key = { module, owner: { country_code: owner.country_code, party_id: owner.party_id }, id };
    const updatedAt = at.updatedAt;
    this.#seq = at.seq;
    this.#version = at.version;
    this.lastUpdated = new Date(updatedAt).toISOString();
    this.audience = audience.map((party) => ({ country_code: party.country_code, party_id: party.party_id }));
    this.#utf8 = utf8;
    Object.defineProperty(this, 'json', LAZY_JSON);
    Object.defineProperty(this, 'data', LAZY_DATA);
  }

  get utf8(): Uint8Array<ArrayBuffer> {
    return this.#utf8;
  }

  get revision(): string {
    return revisionOf(this.key.module, this.#seq, this.#version);
  }
}

/**
 * Names the bytes of one write of an object (`JsonText.revision`): versions are raised by every write
 * (the SQL stores' sequence, the memory store's clock), so equal revisions are equal JSON. Without it
 * the server's cache of encodings in other OCPI versions would be keyed by a new byte view every
 * page, and every 2.2.1 or 2.1.1 page would convert its objects again.
 */
const revisionOf = (module: string, seq: number, version: number): string => `${module}\n${seq}\n${version}`;

/** An owner with an audience: objects of one class match the same list filters. */
interface ObjectClass {
  owner: PartyRef;
  ownerString: string;
  audience: readonly PartyRef[];
  /** `partyString` of each audience party. */
  viewers: readonly string[];
}

/** The classes of a list filter: a mask by class id and the ids it selects. */
interface ClassFilter {
  classCount: number;
  mask: Uint8Array;
  ids: number[];
}

/** Index of the first element of a sorted array that is >= value. */
function lowerBound(sorted: ArrayLike<number>, value: number, end = sorted.length): number {
  let lo = 0;
  let hi = end;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as number) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const BLOCK = 512;
const INITIAL = 16;

/** Up to 2 × BLOCK objects of one module, in seq order, one typed array per field. */
class Block {
  n = 0;
  keys: string[] = [];
  seq = new Float64Array(INITIAL);
  version = new Float64Array(INITIAL);
  updatedAt = new Float64Array(INITIAL);
  cls = new Uint32Array(INITIAL);
  /** Slab of the bytes, -1 when not held. */
  slab = new Int32Array(INITIAL);
  offset = new Uint32Array(INITIAL);
  length = new Uint32Array(INITIAL);
  /** Per class, the sorted `updatedAt` of its objects in this block. */
  byClass = new Map<number, number[]>();

  private grow(): void {
    this.resize(this.seq.length * 2);
  }

  /** Gives every field array room for `capacity` objects (at least the `n` it holds). */
  private resize(capacity: number): void {
    const widen = <A extends Float64Array | Uint32Array | Int32Array>(from: A, make: (n: number) => A): A => {
      const to = make(capacity);
      to.set(from.subarray(0, Math.min(this.n, capacity)));
      return to;
    };
    this.seq = widen(this.seq, (n) => new Float64Array(n));
    this.version = widen(this.version, (n) => new Float64Array(n));
    this.updatedAt = widen(this.updatedAt, (n) => new Float64Array(n));
    this.cls = widen(this.cls, (n) => new Uint32Array(n));
    this.slab = widen(this.slab, (n) => new Int32Array(n));
    this.offset = widen(this.offset, (n) => new Uint32Array(n));
    this.length = widen(this.length, (n) => new Uint32Array(n));
  }

  insertAt(i: number, key: string, seq: number, version: number, updatedAt: number, cls: number): void {
    if (this.n === this.seq.length) this.grow();
    for (const array of [this.seq, this.version, this.updatedAt, this.cls, this.slab, this.offset, this.length]) array.copyWithin(i + 1, i, this.n);
    this.keys.splice(i, 0, key);
    this.seq[i] = seq;
    this.version[i] = version;
    this.updatedAt[i] = updatedAt;
    this.cls[i] = cls;
    this.slab[i] = -1;
    this.n++;
    this.addToClass(cls, updatedAt);
  }

  removeAt(i: number): void {
    this.removeFromClass(this.cls[i] as number, this.updatedAt[i] as number);
    for (const array of [this.seq, this.version, this.updatedAt, this.cls, this.slab, this.offset, this.length]) array.copyWithin(i, i + 1, this.n);
    this.keys.splice(i, 1);
    this.n--;
  }

  addToClass(cls: number, updatedAt: number): void {
    let sorted = this.byClass.get(cls);
    if (!sorted) {
      sorted = [];
      this.byClass.set(cls, sorted);
    }
    sorted.splice(lowerBound(sorted, updatedAt), 0, updatedAt);
  }

  removeFromClass(cls: number, updatedAt: number): void {
    const sorted = this.byClass.get(cls) as number[];
    sorted.splice(lowerBound(sorted, updatedAt), 1);
    if (sorted.length === 0) this.byClass.delete(cls);
  }

  /** Moves the upper half into a new block (kept in seq order after this one). */
  split(): Block {
    const half = this.n >>> 1;
    const upper = new Block();
    for (let i = half; i < this.n; i++) {
      const j = upper.n;
      upper.insertAt(j, this.keys[i] as string, this.seq[i] as number, this.version[i] as number, this.updatedAt[i] as number, this.cls[i] as number);
      upper.slab[j] = this.slab[i] as number;
      upper.offset[j] = this.offset[i] as number;
      upper.length[j] = this.length[i] as number;
    }
    this.keys.length = half;
    this.n = half;
    // Objects are created in seq order, so a block split off the end rarely takes another: its arrays
    // shrink to what it holds (half the index's typed arrays, measured: 4 MB per 100,000 objects).
    this.resize(half);
    this.byClass = new Map();
    for (let i = 0; i < half; i++) this.addToClass(this.cls[i] as number, this.updatedAt[i] as number);
    return upper;
  }
}

/** The objects of one module. */
class ModuleIndex {
  blocks: Block[] = [];
  /** seq by key string. */
  seqOf = new Map<string, number>();

  constructor(readonly name: string) {}

  /** The block that holds (or would hold) `seq`, and its number. */
  blockFor(seq: number): number {
    const blocks = this.blocks;
    let lo = 0;
    let hi = blocks.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (((blocks[mid] as Block).seq[0] as number) <= seq) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  locate(seq: number): { block: Block; b: number; i: number } | undefined {
    if (this.blocks.length === 0) return undefined;
    const b = this.blockFor(seq);
    const block = this.blocks[b] as Block;
    const i = lowerBound(block.seq, seq, block.n);
    return i < block.n && block.seq[i] === seq ? { block, b, i } : undefined;
  }
}

export class ObjectIndex {
  private readonly modules = new Map<string, ModuleIndex>();
  private readonly classes: ObjectClass[] = [];
  private readonly classIds = new Map<string, number>();
  private readonly filters = new Map<string, ClassFilter>();
  private readonly arena = new ByteArena();
  /** Per module, the pages `pageJson` answered since its last change, by query. */
  private readonly pages = new Map<string, Map<string, IndexPage<JsonText>>>();
  private readonly cacheBytes: number;
  private objects = 0;

  constructor(options: ObjectIndexOptions = {}) {
    this.cacheBytes = options.cacheBytes ?? Number.POSITIVE_INFINITY;
  }

  /** Objects indexed, bytes of encoded objects held, and bytes the arena holds for them. */
  stats(): { objects: number; heldBytes: number; allocatedBytes: number } {
    return { objects: this.objects, heldBytes: this.arena.liveBytes, allocatedBytes: this.arena.allocated };
  }

  /** What the index holds of one object (its bytes only when held). */
  entry(key: ObjectKey): IndexedEntry | undefined {
    const found = this.find(key);
    return found && this.entryOf(key.module, found.block, found.i);
  }

  /** What the index holds of the object at `seq` of `module` (its bytes only when held). */
  entryAt(module: string, seq: number): IndexedEntry | undefined {
    const found = this.modules.get(module)?.locate(seq);
    return found && this.entryOf(module, found.block, found.i);
  }

  private entryOf(module: string, block: Block, i: number): IndexedEntry {
    const objectClass = this.classes[block.cls[i] as number] as ObjectClass;
    return {
      key: { module, owner: { ...objectClass.owner }, id: this.idOf(module, objectClass, block.keys[i] as string) },
      seq: block.seq[i] as number,
      version: block.version[i] as number,
      updatedAt: block.updatedAt[i] as number,
      audience: objectClass.audience,
      utf8: this.bytesOf(block, i),
    };
  }

  /** The object, when the index holds it with its bytes. */
  read<T>(key: ObjectKey): StoredObject<T> | undefined {
    const found = this.find(key);
    return found ? this.storedAt<T>(key.module, found.block, found.i) : undefined;
  }

  /**
   * Takes what a store knows of an object: inserts it, or replaces a lower version (moving it when its
   * seq changed, i.e. it was deleted and created again), or adds the bytes of the same version.
   * Ignores a lower version. Returns whether anything changed.
   */
  upsert(row: IndexedRow): boolean {
    const changed = this.apply(row);
    if (changed) this.pages.delete(row.key.module);
    return changed;
  }

  private apply(row: IndexedRow): boolean {
    const module = this.module(row.key.module);
    const id = keyString(row.key);
    const owner = normalizeParty(row.key.owner);
    const cls = this.classOf(owner, row.audience.map(normalizeParty));
    const heldSeq = module.seqOf.get(id);
    if (heldSeq !== undefined) {
      const held = module.locate(heldSeq);
      if (!held) throw new Error(`object index: ${id} lost its place`);
      const { block, i } = held;
      const version = block.version[i] as number;
      if (row.version < version) return false;
      if (row.version === version) {
        if ((block.slab[i] as number) >= 0 || row.json === undefined) return false;
        this.holdBytes(block, i, row.json);
        this.maintain();
        return true;
      }
      if (heldSeq === row.seq) {
        this.dropBytes(block, i);
        if (block.cls[i] !== cls || block.updatedAt[i] !== row.updatedAt) {
          block.removeFromClass(block.cls[i] as number, block.updatedAt[i] as number);
          block.cls[i] = cls;
          block.updatedAt[i] = row.updatedAt;
          block.addToClass(cls, row.updatedAt);
        }
        block.version[i] = row.version;
        if (row.json !== undefined) this.holdBytes(block, i, row.json);
        this.maintain();
        return true;
      }
      this.removeAt(module, held.b, i);
    }
    this.insert(module, id, row, cls);
    this.maintain();
    return true;
  }

  /**
   * `upsert` for an object the index holds at the same seq (what a read fetched: its bytes, or a newer
   * version); ignored otherwise, so a fetch that raced with a delete cannot bring the object back.
   */
  refresh(row: IndexedRow): boolean {
    const module = this.modules.get(row.key.module);
    return module?.seqOf.get(keyString(row.key)) === row.seq ? this.upsert(row) : false;
  }

  /** Removes the object when the index holds it at `version` or lower (any version when omitted). */
  remove(key: ObjectKey, version = Number.POSITIVE_INFINITY): boolean {
    const module = this.modules.get(key.module);
    const seq = module?.seqOf.get(keyString(key));
    if (!module || seq === undefined) return false;
    const held = module.locate(seq);
    if (!held || (held.block.version[held.i] as number) > version) return false;
    this.removeAt(module, held.b, held.i);
    this.pages.delete(key.module);
    return true;
  }

  /** One page of a list query and the total matching it: objects with their bytes, or what to fetch. */
  page<T>(query: ListQuery): IndexPage<StoredObject<T>> {
    return this.walk(query, (module, block, i) => this.storedAt<T>(module, block, i));
  }

  /**
   * The same page as each object's JSON only (what a Sender serves): no StoredObject is built. A page
   * whose bytes are all held is kept until the next change of its module and handed out again, frozen,
   * to the same query: partners crawl the same pages, and a reader that keys work by the page's array
   * (the server's encoding of the page in a version) does it once per change, not once per request.
   */
  pageJson(query: ListQuery): IndexPage<JsonText> {
    const pages = this.pages.get(query.module);
    const name = pageName(query);
    const known = pages?.get(name);
    if (known) return known;
    const page = this.walk(query, (module, block, i) => {
      const utf8 = this.bytesOf(block, i);
      return utf8 && new JsonText(utf8, revisionOf(module, block.seq[i] as number, block.version[i] as number));
    });
    if (page.items.some((item) => !(item instanceof JsonText))) return page;
    const kept = Object.freeze({ total: page.total, items: Object.freeze(page.items) as (JsonText | MissingBytes)[] });
    if (!pages) this.pages.set(query.module, new Map([[name, kept]]));
    else {
      // Bounded: the queries of a module between two changes are few (each partner's crawl).
      if (pages.size >= PAGES_KEPT) pages.delete(pages.keys().next().value as string);
      pages.set(name, kept);
    }
    return kept;
  }

  /**
   * Counts the matching objects of every block (two binary searches per block and class, without
   * looking at the objects), then scans only the blocks the page falls in.
   */
  private walk<I>(query: ListQuery, make: (module: string, block: Block, i: number) => I | undefined): IndexPage<I> {
    const module = this.modules.get(query.module);
    if (!module || module.blocks.length === 0) return { total: 0, items: [] };
    const filter = this.filter(query);
    const from = timeOf(query.dateFrom);
    const to = timeOf(query.dateTo);
    const blocks = module.blocks;
    const counts = new Int32Array(blocks.length);
    let total = 0;
    for (let b = 0; b < blocks.length; b++) {
      const count = countBlock(blocks[b] as Block, filter, from, to);
      counts[b] = count;
      total += count;
    }
    const items: (I | MissingBytes)[] = [];
    const limit = Math.max(0, Math.floor(query.limit));
    let skip = Math.max(0, Math.floor(query.offset));
    const mask = filter.mask;
    for (let b = 0; b < blocks.length && items.length < limit; b++) {
      const count = counts[b] as number;
      if (count === 0) continue;
      if (skip >= count) {
        skip -= count;
        continue;
      }
      const block = blocks[b] as Block;
      for (let i = 0; i < block.n; i++) {
        if (mask[block.cls[i] as number] !== 1) continue;
        const time = block.updatedAt[i] as number;
        if ((from !== undefined && time < from) || (to !== undefined && time >= to)) continue;
        if (skip > 0) {
          skip--;
          continue;
        }
        items.push(make(module.name, block, i) ?? { missing: true, module: module.name, seq: block.seq[i] as number, version: block.version[i] as number });
        if (items.length >= limit) break;
      }
    }
    return { total, items };
  }

  private module(name: string): ModuleIndex {
    let module = this.modules.get(name);
    if (!module) {
      module = new ModuleIndex(name);
      this.modules.set(name, module);
    }
    return module;
  }

  private find(key: ObjectKey): { block: Block; i: number } | undefined {
    const module = this.modules.get(key.module);
    const seq = module?.seqOf.get(keyString(key));
    return module && seq !== undefined ? module.locate(seq) : undefined;
  }

  private idOf(module: string, objectClass: ObjectClass, key: string): string {
    return key.slice(module.length + objectClass.ownerString.length + 2);
  }

  private bytesOf(block: Block, i: number): Uint8Array<ArrayBuffer> | undefined {
    const slab = block.slab[i] as number;
    return slab < 0 ? undefined : this.arena.view({ slab, offset: block.offset[i] as number, length: block.length[i] as number });
  }

  private storedAt<T>(module: string, block: Block, i: number): StoredObject<T> | undefined {
    const utf8 = this.bytesOf(block, i);
    if (!utf8) return undefined;
    const objectClass = this.classes[block.cls[i] as number] as ObjectClass;
    const id = this.idOf(module, objectClass, block.keys[i] as string);
    const at = { updatedAt: block.updatedAt[i] as number, seq: block.seq[i] as number, version: block.version[i] as number };
    return new IndexedObject<T>(module, objectClass.owner, id, at, objectClass.audience, utf8) as StoredObject<T>;
  }

  private classOf(owner: PartyRef, audience: PartyRef[]): number {
    const ownerString = partyString(owner);
    const viewers = audience.map(partyString);
    const name = `${ownerString}|${viewers.join(',')}`;
    let id = this.classIds.get(name);
    if (id === undefined) {
      id = this.classes.length;
      this.classes.push({ owner: Object.freeze(owner), ownerString, audience: Object.freeze(audience.map((p) => Object.freeze(p))), viewers });
      this.classIds.set(name, id);
    }
    return id;
  }

  /** The classes a query's owners and visibleTo select (kept per filter until a new class appears). */
  private filter(query: ListQuery): ClassFilter {
    const owners = query.owners?.map(partyString);
    const viewers = query.visibleTo?.map(partyString);
    const name = `${owners?.join() ?? '*'}|${viewers?.join() ?? '*'}`;
    const known = this.filters.get(name);
    if (known && known.classCount === this.classes.length) return known;
    const ownerSet = owners && new Set(owners);
    const viewerSet = viewers && new Set(viewers);
    const mask = new Uint8Array(this.classes.length);
    const ids: number[] = [];
    this.classes.forEach((objectClass, id) => {
      if (ownerSet && !ownerSet.has(objectClass.ownerString)) return;
      if (viewerSet && objectClass.viewers.length > 0 && !objectClass.viewers.some((party) => viewerSet.has(party))) return;
      mask[id] = 1;
      ids.push(id);
    });
    const filter = { classCount: this.classes.length, mask, ids };
    if (this.filters.size >= 64) this.filters.clear();
    this.filters.set(name, filter);
    return filter;
  }

  private insert(module: ModuleIndex, id: string, row: IndexedRow, cls: number): void {
    const blocks = module.blocks;
    if (blocks.length === 0) blocks.push(new Block());
    const b = module.blockFor(row.seq);
    const block = blocks[b] as Block;
    const i = lowerBound(block.seq, row.seq, block.n);
    block.insertAt(i, id, row.seq, row.version, row.updatedAt, cls);
    if (row.json !== undefined) this.holdBytes(block, i, row.json);
    module.seqOf.set(id, row.seq);
    this.objects++;
    if (block.n >= 2 * BLOCK) blocks.splice(b + 1, 0, block.split());
  }

  private removeAt(module: ModuleIndex, b: number, i: number): void {
    const block = module.blocks[b] as Block;
    this.dropBytes(block, i);
    module.seqOf.delete(block.keys[i] as string);
    block.removeAt(i);
    this.objects--;
    if (block.n === 0) module.blocks.splice(b, 1);
  }

  private holdBytes(block: Block, i: number, json: string | Uint8Array): void {
    const ref = this.arena.store(json);
    block.slab[i] = ref.slab;
    block.offset[i] = ref.offset;
    block.length[i] = ref.length;
  }

  private dropBytes(block: Block, i: number): void {
    const slab = block.slab[i] as number;
    if (slab < 0) return;
    this.arena.release({ slab, offset: block.offset[i] as number, length: block.length[i] as number });
    block.slab[i] = -1;
  }

  /** Calls `visit` for every object whose bytes are in `slab`. */
  private forEachIn(slab: number, visit: (block: Block, i: number) => void): void {
    for (const module of this.modules.values()) {
      for (const block of module.blocks) {
        for (let i = 0; i < block.n; i++) if (block.slab[i] === slab) visit(block, i);
      }
    }
  }

  /**
   * Keeps the arena near its live bytes and within the budget: while garbage (bytes of replaced or
   * removed objects) is over a quarter of what is allocated, the emptiest slab's live objects are
   * copied to the current slab and it is freed; while over the budget, the oldest slab is forgotten
   * (its objects stay indexed, their bytes are fetched again when needed).
   */
  private maintain(): void {
    const arena = this.arena;
    while (arena.allocated - arena.liveBytes > Math.max(arena.allocated / 4, 16 * 1024 * 1024)) {
      const victim = arena
        .slabStats()
        .filter((s) => s.slab !== arena.currentSlab)
        .sort((a, b) => a.live / a.size - b.live / b.size)[0];
      if (!victim || victim.live / victim.size > 0.75) break;
      this.forEachIn(victim.slab, (block, i) => {
        const old: BytesRef = { slab: victim.slab, offset: block.offset[i] as number, length: block.length[i] as number };
        const bytes = arena.view(old);
        arena.release(old);
        block.slab[i] = -1;
        this.holdBytes(block, i, bytes);
      });
      arena.free(victim.slab);
      // Kept pages view the freed slab's bytes and would keep it alive.
      this.pages.clear();
    }
    while (arena.allocated > this.cacheBytes) {
      const oldest = arena.slabStats()[0];
      if (!oldest) break;
      this.forEachIn(oldest.slab, (block, i) => {
        block.slab[i] = -1;
      });
      arena.free(oldest.slab);
      this.pages.clear();
    }
  }
}

/** Pages kept per module between two of its changes. */
const PAGES_KEPT = 64;

/** A list query as a key: equal names, equal pages. */
function pageName(query: ListQuery): string {
  const owners = query.owners?.map(partyString).join() ?? '*';
  const viewers = query.visibleTo?.map(partyString).join() ?? '*';
  return `${query.offset}|${query.limit}|${timeOf(query.dateFrom) ?? ''}|${timeOf(query.dateTo) ?? ''}|${owners}|${viewers}`;
}

function timeOf(date: Date | undefined): number | undefined {
  const time = date?.getTime();
  return time === undefined || Number.isNaN(time) ? undefined : time;
}

/** Objects of a sorted `updatedAt` array with `from <= updatedAt < to`. */
function inRange(sorted: number[], from: number | undefined, to: number | undefined): number {
  if (from === undefined && to === undefined) return sorted.length;
  return Math.max(0, (to === undefined ? sorted.length : lowerBound(sorted, to)) - (from === undefined ? 0 : lowerBound(sorted, from)));
}

/** Objects of a block in the filter's classes with `from <= updatedAt < to`. */
function countBlock(block: Block, filter: ClassFilter, from: number | undefined, to: number | undefined): number {
  let count = 0;
  if (filter.ids.length <= block.byClass.size) {
    for (const id of filter.ids) {
      const sorted = block.byClass.get(id);
      if (sorted) count += inRange(sorted, from, to);
    }
  } else {
    for (const [id, sorted] of block.byClass) if (filter.mask[id] === 1) count += inRange(sorted, from, to);
  }
  return count;
}
