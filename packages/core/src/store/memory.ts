import { MemoryAuditStore } from '../audit.js';
import type { Partner, RegistrationToken } from '../partners/partner.js';
import { keyString, lastUpdatedOf, normalizeKey, normalizeParty, partyString } from './keys.js';
import type {
  ListQuery,
  ListResult,
  Mutation,
  ObjectKey,
  ObjectStore,
  ObjectWrite,
  OcpiStore,
  PartnerStore,
  PartyRef,
  RegistrationTokenStore,
  StoredObject,
  UpdateOutcome,
} from './types.js';

/**
 * One stored object, kept as its serialized form only: `json` is produced once on write and served as is
 * by every page; `data` is parsed from it when a reader asks (a fresh copy each time, so readers can never
 * change what the store holds). The filter columns of `list` are precomputed.
 */
interface Entry {
  key: ObjectKey;
  json: string;
  lastUpdated: string;
  audience: readonly PartyRef[];
  /** `partyString` of the owner and of each audience party. */
  owner: string;
  viewers: readonly string[];
  updatedAt: number;
}

/** Serializes async read-modify-write per key, as a database row lock would. */
class KeyedLock {
  private readonly tails = new Map<string, Promise<void>>();
  async run<R>(key: string, work: () => Promise<R>): Promise<R> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const current = new Promise<void>((resolve) => {
      release = resolve;
    });
    const tail = previous.then(() => current);
    this.tails.set(key, tail);
    await previous;
    try {
      return await work();
    } finally {
      release();
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }
}

const clone = <T>(value: T): T => structuredClone(value);

/** An omitted audience keeps the current one; a given one is the same when it names the same parties in the same order. */
const sameAudience = (current: readonly PartyRef[], next: readonly PartyRef[] | undefined): boolean =>
  next === undefined || (next.length === current.length && next.every((p, i) => partyString(p) === partyString(current[i] as PartyRef)));

/** `data` of a StoredObject read from the memory store: parsed from `json` on first access, then a plain property. */
function settleData(this: StoredObject, value: unknown): unknown {
  Object.defineProperty(this, 'data', { value, writable: true, enumerable: true, configurable: true });
  return value;
}
function parseData(this: StoredObject): unknown {
  return settleData.call(this, JSON.parse(this.json));
}
// One accessor pair for every object, so they all share one shape (a closure per object would give each its own).
const LAZY_DATA: PropertyDescriptor = { enumerable: true, configurable: true, get: parseData, set: settleData };

/**
 * The StoredObject a reader gets: its own copies of key and audience, the stored `json`, and `data`
 * parsed from `json` on first access (a list page served as stored JSON never parses). `data` is an
 * own enumerable property (a getter that replaces itself with the value), so the object compares,
 * spreads and clones like a plain one.
 */
function readEntry<T>(entry: Entry): StoredObject<T> {
  const { key } = entry;
  const object = {
    key: { module: key.module, owner: { country_code: key.owner.country_code, party_id: key.owner.party_id }, id: key.id },
    json: entry.json,
    lastUpdated: entry.lastUpdated,
    audience: entry.audience.map((party) => ({ country_code: party.country_code, party_id: party.party_id })),
  };
  return Object.defineProperty(object, 'data', LAZY_DATA) as StoredObject<T>;
}

/** The objects of one module, and the filtered views of them that list pages were cut from. */
interface ModuleEntries {
  /** By key string, in creation order (a replaced object keeps its place, as Map.set does). */
  byKey: Map<string, Entry>;
  /** Matching entries per list filter, in creation order; dropped by any write to the module. */
  views: Map<string, Entry[]>;
}

/** Filtered views kept per module: pages of the same query (the usual crawl) cost O(limit), not O(objects). */
const MAX_VIEWS = 8;

class MemoryObjectStore implements ObjectStore {
  private readonly modules = new Map<string, ModuleEntries>();
  private readonly lock = new KeyedLock();

  private entry(key: ObjectKey): Entry | undefined {
    return this.modules.get(key.module)?.byKey.get(keyString(key));
  }

  async get<T>(key: ObjectKey): Promise<StoredObject<T> | undefined> {
    const entry = this.entry(key);
    return entry ? readEntry<T>(entry) : undefined;
  }

  async put<T>(key: ObjectKey, write: ObjectWrite<T>): Promise<{ created: boolean; object: StoredObject<T> }> {
    return this.lock.run(keyString(key), async () => {
      const { created, entry } = this.write(key, write);
      return { created, object: readEntry<T>(entry) };
    });
  }

  async update<T>(key: ObjectKey, mutate: Mutation<T>): Promise<UpdateOutcome<T>> {
    return this.lock.run(keyString(key), async () => {
      const found = this.entry(key);
      const current = found ? readEntry<T>(found) : undefined;
      const next = await mutate(current);
      if (next === undefined) return current ? { kind: 'unchanged', object: current } : { kind: 'absent' };
      if (next === null) {
        if (!current) return { kind: 'absent' };
        this.remove(key);
        return { kind: 'deleted' };
      }
      if (found && found.json === JSON.stringify(next.data) && sameAudience(found.audience, next.audience)) {
        return { kind: 'unchanged', object: current as StoredObject<T> };
      }
      const { created, entry } = this.write(key, next);
      return { kind: created ? 'created' : 'updated', object: readEntry<T>(entry) };
    });
  }

  async delete(key: ObjectKey): Promise<boolean> {
    // Through the key's lock: a delete must not slip between an update's read and its write.
    return this.lock.run(keyString(key), async () => this.remove(key));
  }

  async list<T>(query: ListQuery): Promise<ListResult<T>> {
    const module = this.modules.get(query.module);
    if (!module) return { items: [], total: 0 };
    const owners = query.owners?.map(partyString);
    const viewers = query.visibleTo?.map(partyString);
    const from = query.dateFrom?.getTime();
    const to = query.dateTo?.getTime();
    const filter = `${owners?.join() ?? '*'}|${viewers?.join() ?? '*'}|${from ?? ''}|${to ?? ''}`;
    let matching = module.views.get(filter);
    if (!matching) {
      const ownerSet = owners && new Set(owners);
      const viewerSet = viewers && new Set(viewers);
      matching = [];
      for (const entry of module.byKey.values()) {
        if (ownerSet && !ownerSet.has(entry.owner)) continue;
        if (viewerSet && entry.viewers.length > 0 && !entry.viewers.some((party) => viewerSet.has(party))) continue;
        if (from !== undefined && entry.updatedAt < from) continue;
        if (to !== undefined && entry.updatedAt >= to) continue;
        matching.push(entry);
      }
      if (module.views.size >= MAX_VIEWS) module.views.clear();
      module.views.set(filter, matching);
    }
    const page = matching.slice(query.offset, query.offset + query.limit);
    return { items: page.map((entry) => readEntry<T>(entry)), total: matching.length };
  }

  private remove(key: ObjectKey): boolean {
    const module = this.modules.get(key.module);
    if (!module?.byKey.delete(keyString(key))) return false;
    module.views.clear();
    return true;
  }

  /** Writes the object's serialized form; `created` when it is new. A replaced object keeps its place in the creation order. */
  private write<T>(key: ObjectKey, write: ObjectWrite<T>): { created: boolean; entry: Entry } {
    const id = keyString(key);
    let module = this.modules.get(key.module);
    if (!module) {
      module = { byKey: new Map(), views: new Map() };
      this.modules.set(key.module, module);
    }
    const existing = module.byKey.get(id);
    const json = JSON.stringify(write.data);
    if (typeof json !== 'string') throw new TypeError(`object ${id}: data is not JSON-serializable`);
    const normalized = normalizeKey(key);
    const audience = Object.freeze((write.audience ?? existing?.audience ?? []).map((party) => Object.freeze(normalizeParty(party))));
    const lastUpdated = lastUpdatedOf(write.data);
    const entry: Entry = {
      key: normalized,
      json,
      lastUpdated,
      audience,
      owner: partyString(normalized.owner),
      viewers: audience.map(partyString),
      updatedAt: Date.parse(lastUpdated),
    };
    module.byKey.set(id, entry);
    module.views.clear();
    return { created: !existing, entry };
  }
}

class MemoryPartnerStore implements PartnerStore {
  private readonly partners = new Map<string, Partner>();

  async get(id: string) {
    const partner = this.partners.get(id);
    return partner ? clone(partner) : undefined;
  }
  async findByTokenHash(hash: string) {
    for (const partner of this.partners.values()) if (partner.inboundTokenHash === hash) return clone(partner);
    return undefined;
  }
  async findByParty(party: PartyRef) {
    const wanted = partyString(party);
    for (const partner of this.partners.values()) {
      if (partner.status === 'UNREGISTERED') continue;
      if (partner.roles.some((role) => partyString(role) === wanted)) return clone(partner);
    }
    return undefined;
  }
  async list() {
    return [...this.partners.values()].map(clone);
  }
  async save(partner: Partner) {
    if (partner.inboundTokenHash) {
      for (const other of this.partners.values()) {
        if (other.id !== partner.id && other.inboundTokenHash === partner.inboundTokenHash) throw new Error('token hash already in use');
      }
    }
    this.partners.set(partner.id, clone({ ...partner, roles: partner.roles.map((r) => ({ ...r, ...normalizeParty(r) })) }));
  }
  async delete(id: string) {
    return this.partners.delete(id);
  }
}

class MemoryRegistrationTokenStore implements RegistrationTokenStore {
  private readonly tokens = new Map<string, RegistrationToken>();
  async create(token: RegistrationToken) {
    if (this.tokens.has(token.id)) throw new Error(`registration token ${token.id} exists`);
    this.tokens.set(token.id, clone(token));
  }
  async findByHash(hash: string) {
    for (const token of this.tokens.values()) if (token.hash === hash) return clone(token);
    return undefined;
  }
  async list() {
    return [...this.tokens.values()].map(clone);
  }
  async revoke(id: string) {
    const token = this.tokens.get(id);
    if (!token) return false;
    token.revokedAt ??= new Date().toISOString();
    return true;
  }
  async markUsed(id: string, partnerId: string, at: string) {
    const token = this.tokens.get(id);
    if (!token || token.usedAt || token.revokedAt) return false;
    token.usedAt = at;
    token.usedByPartnerId = partnerId;
    return true;
  }
}

/** Keeps everything in memory: for unit tests and examples that need no persistence. */
export function createMemoryStore(): OcpiStore {
  return {
    objects: new MemoryObjectStore(),
    partners: new MemoryPartnerStore(),
    registrationTokens: new MemoryRegistrationTokenStore(),
    audit: new MemoryAuditStore(),
    close: async () => {},
  };
}
