import type { Partner, RegistrationToken } from '../partners/partner.js';
import { keyString, normalizeParty, partyString, toStored } from './keys.js';
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

interface Entry {
  seq: number;
  object: StoredObject;
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

class MemoryObjectStore implements ObjectStore {
  private readonly entries = new Map<string, Entry>();
  private seq = 0;
  private readonly lock = new KeyedLock();

  async get<T>(key: ObjectKey): Promise<StoredObject<T> | undefined> {
    const entry = this.entries.get(keyString(key));
    return entry ? (clone(entry.object) as StoredObject<T>) : undefined;
  }

  async put<T>(key: ObjectKey, write: ObjectWrite<T>): Promise<{ created: boolean; object: StoredObject<T> }> {
    return this.lock.run(keyString(key), async () => {
      const created = this.write(key, write);
      return { created, object: (await this.get<T>(key)) as StoredObject<T> };
    });
  }

  async update<T>(key: ObjectKey, mutate: Mutation<T>): Promise<UpdateOutcome<T>> {
    return this.lock.run(keyString(key), async () => {
      const current = await this.get<T>(key);
      const next = await mutate(current);
      if (next === undefined) return current ? { kind: 'unchanged', object: current } : { kind: 'absent' };
      if (next === null) {
        if (!current) return { kind: 'absent' };
        this.entries.delete(keyString(key));
        return { kind: 'deleted' };
      }
      if (current && current.json === JSON.stringify(next.data) && sameAudience(current.audience, next.audience)) {
        return { kind: 'unchanged', object: current };
      }
      const created = this.write(key, next);
      const object = (await this.get<T>(key)) as StoredObject<T>;
      return { kind: created ? 'created' : 'updated', object };
    });
  }

  async delete(key: ObjectKey): Promise<boolean> {
    // Through the key's lock: a delete must not slip between an update's read and its write.
    return this.lock.run(keyString(key), async () => this.entries.delete(keyString(key)));
  }

  async list<T>(query: ListQuery): Promise<ListResult<T>> {
    const owners = query.owners?.map(partyString);
    const viewers = query.visibleTo?.map(partyString);
    const from = query.dateFrom?.getTime();
    const to = query.dateTo?.getTime();
    const matching = [...this.entries.values()]
      .filter(({ object }) => {
        if (object.key.module !== query.module) return false;
        if (owners && !owners.includes(partyString(object.key.owner))) return false;
        if (viewers && object.audience.length > 0 && !object.audience.some((p) => viewers.includes(partyString(p)))) return false;
        const updated = Date.parse(object.lastUpdated);
        if (from !== undefined && updated < from) return false;
        if (to !== undefined && updated >= to) return false;
        return true;
      })
      .sort((a, b) => a.seq - b.seq);
    const page = matching.slice(query.offset, query.offset + query.limit);
    return { items: page.map((e) => clone(e.object) as StoredObject<T>), total: matching.length };
  }

  /** Returns true when the object is new. A replaced object keeps its place in the creation order. */
  private write<T>(key: ObjectKey, write: ObjectWrite<T>): boolean {
    const id = keyString(key);
    const existing = this.entries.get(id);
    const audience = write.audience ?? existing?.object.audience ?? [];
    const object = toStored(key, clone(write.data), audience);
    this.entries.set(id, { seq: existing?.seq ?? ++this.seq, object });
    return !existing;
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
    close: async () => {},
  };
}
