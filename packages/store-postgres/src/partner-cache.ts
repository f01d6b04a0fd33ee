import type { Partner, PartnerStore, PartyRef } from '@ocpi-ts/core';
import type { ReadModel } from './read-model.js';

/** Most partners kept (a node has tens or hundreds; the bound only caps memory). */
const MAX_CACHED = 10_000;

/** Freezes an object and everything in it. */
function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const item of Object.values(value)) deepFreeze(item);
    Object.freeze(value);
  }
  return value;
}

/**
 * The partner of a token hash (looked up on every authenticated request) from memory, as long as the
 * read model listens: any change to the partners table, by any node, is announced on its channel and
 * empties the cache, and so does losing the channel. Unknown hashes are not remembered (a caller
 * trying tokens must not fill memory). What it returns is deeply frozen and shared by the requests
 * of that partner (parsing a copy per request cost more than the rest of authenticating): change a
 * partner through `save`, never in place.
 */
export class CachedPartners implements PartnerStore {
  private readonly byHash = new Map<string, Partner>();
  /** Counts the times the cache was emptied: a lookup that overlapped one does not fill it. */
  private generation = 0;

  constructor(
    private readonly inner: PartnerStore,
    private readonly model: ReadModel,
  ) {
    model.onPartnersChanged(() => this.forget());
  }

  async findByTokenHash(hash: string): Promise<Partner | undefined> {
    if (this.model.ready) {
      const cached = this.byHash.get(hash);
      if (cached !== undefined) return cached;
    }
    const generation = this.generation;
    const partner = await this.inner.findByTokenHash(hash);
    if (partner && this.model.ready && generation === this.generation) {
      if (this.byHash.size >= MAX_CACHED) this.byHash.clear();
      this.byHash.set(hash, deepFreeze(structuredClone(partner)));
    }
    return partner;
  }

  get(id: string): Promise<Partner | undefined> {
    return this.inner.get(id);
  }

  findByParty(party: PartyRef): Promise<Partner | undefined> {
    return this.inner.findByParty(party);
  }

  list(): Promise<Partner[]> {
    return this.inner.list();
  }

  async save(partner: Partner): Promise<void> {
    try {
      await this.inner.save(partner);
    } finally {
      this.forget();
    }
  }

  async delete(id: string): Promise<boolean> {
    try {
      return await this.inner.delete(id);
    } finally {
      this.forget();
    }
  }

  private forget(): void {
    this.byHash.clear();
    this.generation++;
  }
}
