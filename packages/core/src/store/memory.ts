import { MemoryAuditStore } from '../audit.js';
import { type Partner, PartyTakenError, type RegistrationToken } from '../partners/partner.js';
import { KeyedLock } from './keyed-lock.js';
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
 * One stored object, kept as its serialized form only: the UTF-8 bytes of its JSON, produced once on
 * write and copied as is into every page that includes it. `json` and `data` are decoded and parsed from
 * them when a reader asks (a fresh copy each time, so readers can never change what the store holds).
 * The filter columns of `list` are precomputed.
 */
interface Entry {
  key: ObjectKey;
  utf8: Uint8Array<ArrayBuffer>;
  lastUpdated: string;
  audience: readonly PartyRef[];
  /** `partyString` of the owner and of each audience party. */
  owner: string;
  viewers: readonly string[];
  updatedAt: number;
}

const clone = <T>(value: T): T => structuredClone(value);

/** An omitted audience keeps the current one; a given one is the same when it names the same parties in the same order. */
const sameAudience = (current: readonly PartyRef[], next: readonly PartyRef[] | undefined): boolean =>
  next === undefined || (next.length === current.length && next.every((p, i) => partyString(p) === partyString(current[i] as PartyRef)));

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder();

/** Replaces a lazy property of a StoredObject read from the memory store with its value. */
function settle(object: StoredObject, name: 'json' | 'data', value: unknown): unknown {
  Object.defineProperty(object, name, { value, writable: true, enumerable: true, configurable: true });
  return value;
}
// One accessor pair per property for every object, so they all share one shape (closures per object would give each its own).
const LAZY_JSON: PropertyDescriptor = {
  enumerable: true,
  configurable: true,
  get(this: StoredObject) {
    return settle(this, 'json', utf8Decoder.decode(this.utf8));
  },
  set(this: StoredObject, value: string) {
    settle(this, 'json', value);
  },
};
const LAZY_DATA: PropertyDescriptor = {
  enumerable: true,
  configurable: true,
  get(this: StoredObject) {
    return settle(this, 'data', JSON.parse(this.json));
  },
  set(this: StoredObject, value: unknown) {
    settle(this, 'data', value);
  },
};

/**
 * The StoredObject a reader gets: its own copies of key and audience, and `json` and `data` decoded
 * and parsed from the stored bytes on first access, so a list page served from the bytes does neither.
 * `json` and `data` are own enumerable properties (getters that replace themselves with the value), so
 * the object compares, spreads and clones like a plain one; `utf8`, the stored bytes, is a hint for the
 * envelope on the prototype, not part of the object's value.
 */
class MemoryStoredObject<T> {
  readonly #utf8: Uint8Array<ArrayBuffer>;
  key: ObjectKey;
  lastUpdated: string;
  audience: PartyRef[];
  declare json: string;
  declare data: T;

  constructor(entry: Entry) {
    const { key } = entry;
    this.key = { module: key.module, owner: { country_code: key.owner.country_code, party_id: key.owner.party_id }, id: key.id };
    this.lastUpdated = entry.lastUpdated;
    this.audience = entry.audience.map((party) => ({ country_code: party.country_code, party_id: party.party_id }));
    this.#utf8 = entry.utf8;
    Object.defineProperty(this, 'json', LAZY_JSON);
    Object.defineProperty(this, 'data', LAZY_DATA);
  }

  get utf8(): Uint8Array<ArrayBuffer> {
    return this.#utf8;
  }
}

const readEntry = <T>(entry: Entry): StoredObject<T> => new MemoryStoredObject<T>(entry);

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
      if (found && current && current.json === JSON.stringify(next.data) && sameAudience(found.audience, next.audience)) {
        return { kind: 'unchanged', object: current };
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
      utf8: utf8Encoder.encode(json),
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

/** A partner as the memory store keeps it: the object (for lookups) and its JSON (each reader gets a parse of it). */
interface PartnerEntry {
  partner: Partner;
  json: string;
}

class MemoryPartnerStore implements PartnerStore {
  private readonly partners = new Map<string, PartnerEntry>();
  /** Partner id by inbound token hash: every authenticated request looks one up. */
  private readonly byTokenHash = new Map<string, string>();

  // A parse of the stored JSON: a fresh copy for every reader, at half the cost of structuredClone.
  private read(entry: PartnerEntry | undefined): Partner | undefined {
    return entry ? (JSON.parse(entry.json) as Partner) : undefined;
  }

  async get(id: string) {
    return this.read(this.partners.get(id));
  }
  async findByTokenHash(hash: string) {
    const id = this.byTokenHash.get(hash);
    return id === undefined ? undefined : this.read(this.partners.get(id));
  }
  async findByParty(party: PartyRef) {
    const wanted = partyString(party);
    for (const entry of this.partners.values()) {
      if (entry.partner.status === 'UNREGISTERED') continue;
      if (entry.partner.roles.some((role) => partyString(role) === wanted)) return this.read(entry);
    }
    return undefined;
  }
  async list() {
    return [...this.partners.values()].map((entry) => this.read(entry) as Partner);
  }
  async save(partner: Partner) {
    const holder = partner.inboundTokenHash === undefined ? undefined : this.byTokenHash.get(partner.inboundTokenHash);
    if (holder !== undefined && holder !== partner.id) throw new Error('token hash already in use');
    // One partner (not unregistered) per party: checked and written with no await in between, so atomically.
    if (partner.status !== 'UNREGISTERED') {
      for (const role of partner.roles) {
        const other = [...this.partners.values()].find(
          (entry) =>
            entry.partner.id !== partner.id && entry.partner.status !== 'UNREGISTERED' && entry.partner.roles.some((r) => partyString(r) === partyString(role)),
        );
        if (other) throw new PartyTakenError(normalizeParty(role));
      }
    }
    const json = JSON.stringify({ ...partner, roles: partner.roles.map((r) => ({ ...r, ...normalizeParty(r) })) });
    this.forget(partner.id);
    this.partners.set(partner.id, { partner: JSON.parse(json) as Partner, json });
    if (partner.inboundTokenHash !== undefined) this.byTokenHash.set(partner.inboundTokenHash, partner.id);
  }
  async delete(id: string) {
    return this.forget(id);
  }
  private forget(id: string): boolean {
    const hash = this.partners.get(id)?.partner.inboundTokenHash;
    if (hash !== undefined && this.byTokenHash.get(hash) === id) this.byTokenHash.delete(hash);
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
