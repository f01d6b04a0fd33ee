import { MemoryAuditStore } from '../audit.js';
import type { JsonText } from '../envelope.js';
import { type Partner, PartyTakenError, type RegistrationToken } from '../partners/partner.js';
import { KeyedLock } from './keyed-lock.js';
import { keyString, normalizeKey, normalizeParty, partyString, updatedAtOf } from './keys.js';
import { ObjectIndex } from './object-index.js';
import type {
  JsonListResult,
  ListQuery,
  ListResult,
  Mutation,
  ObjectChangeNotice,
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

const clone = <T>(value: T): T => structuredClone(value);

/** An omitted audience keeps the current one; a given one is the same when it names the same parties in the same order. */
const sameAudience = (current: readonly PartyRef[], next: readonly PartyRef[] | undefined): boolean =>
  next === undefined || (next.length === current.length && next.every((p, i) => partyString(p) === partyString(current[i] as PartyRef)));

/**
 * Objects in an `ObjectIndex` and nothing else: each kept as the UTF-8 bytes of its JSON, produced once
 * on write and copied as is into every page that includes it (see object-index.ts). Writers of one key
 * queue on a lock, so a read-modify-write sees the latest state.
 */
class MemoryObjectStore implements ObjectStore {
  private readonly index = new ObjectIndex();
  private readonly lock = new KeyedLock();
  /** Gives both the creation order (seq) and the versions. */
  private clock = 0;
  readonly listeners = new Set<(change: ObjectChangeNotice) => void>();

  /** Tells the change listeners (`OcpiStore.onObjectChange`); a throwing listener changes nothing for the writer. */
  private changed(key: ObjectKey): void {
    for (const listener of this.listeners) {
      try {
        listener({ key: normalizeKey(key), origin: 'local' });
      } catch {
        // A listener's failure is its own.
      }
    }
  }

  async get<T>(key: ObjectKey): Promise<StoredObject<T> | undefined> {
    return this.index.read<T>(key);
  }

  async put<T>(key: ObjectKey, write: ObjectWrite<T>): Promise<{ created: boolean; object: StoredObject<T> }> {
    return this.lock.run(keyString(key), async () => this.write(key, write));
  }

  async update<T>(key: ObjectKey, mutate: Mutation<T>): Promise<UpdateOutcome<T>> {
    return this.lock.run(keyString(key), async () => {
      const current = this.index.read<T>(key);
      const next = await mutate(current);
      if (next === undefined) return current ? { kind: 'unchanged', object: current } : { kind: 'absent' };
      if (next === null) {
        if (!current) return { kind: 'absent' };
        this.index.remove(key);
        this.changed(key);
        return { kind: 'deleted' };
      }
      const json = JSON.stringify(next.data);
      if (current && current.json === json && sameAudience(current.audience, next.audience)) {
        return { kind: 'unchanged', object: current };
      }
      const { created, object } = this.write(key, next, json);
      return { kind: created ? 'created' : 'updated', object };
    });
  }

  async delete(key: ObjectKey): Promise<boolean> {
    // Through the key's lock: a delete must not slip between an update's read and its write.
    return this.lock.run(keyString(key), async () => {
      const removed = this.index.remove(key);
      if (removed) this.changed(key);
      return removed;
    });
  }

  // The memory store holds every object's bytes: a page never misses any.
  async list<T>(query: ListQuery): Promise<ListResult<T>> {
    const { items, total } = this.index.page<T>(query);
    return { items: items as StoredObject<T>[], total };
  }

  async listJson(query: ListQuery): Promise<JsonListResult> {
    const { items, total } = this.index.pageJson(query);
    return { items: items as JsonText[], total };
  }

  /** Writes the object's serialized form; `created` when it is new. A replaced object keeps its place in the creation order. */
  private write<T>(
    key: ObjectKey,
    write: ObjectWrite<T>,
    json: string | undefined = JSON.stringify(write.data),
  ): { created: boolean; object: StoredObject<T> } {
    if (typeof json !== 'string') throw new TypeError(`object ${keyString(key)}: data is not JSON-serializable`);
    const existing = this.index.entry(key);
    const audience = write.audience ?? existing?.audience ?? [];
    this.index.upsert({ key, seq: existing?.seq ?? ++this.clock, version: ++this.clock, updatedAt: updatedAtOf(write.data), audience, json });
    this.changed(key);
    return { created: !existing, object: this.index.read<T>(key) as StoredObject<T> };
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
  const objects = new MemoryObjectStore();
  return {
    objects,
    onObjectChange(listener) {
      objects.listeners.add(listener);
      return () => objects.listeners.delete(listener);
    },
    partners: new MemoryPartnerStore(),
    registrationTokens: new MemoryRegistrationTokenStore(),
    audit: new MemoryAuditStore(),
    close: async () => {},
  };
}
