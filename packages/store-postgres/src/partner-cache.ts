import type { Partner } from '@ocpi-ts/core';
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
 * The partners of token hashes (looked up on every authenticated request) in memory, as long as the
 * read model listens: any change to the partners table, by any node, is announced on its channel and
 * empties the cache, and so does losing the channel. Partners are kept as the store holds them, by
 * their keyed token hash: the token we present to them stays sealed here (the store opens it for each
 * reader) and no unkeyed hash is a key. Unknown hashes are not remembered (a caller trying tokens
 * must not fill memory). What is kept is deeply frozen and shared: parsing a copy per request cost
 * more than the rest of authenticating.
 */
export class PartnerCache {
  private readonly byKeyedHash = new Map<string, Partner>();
  /** Counts the times the cache was emptied: a lookup that overlapped one does not fill it. */
  private generation = 0;

  constructor(private readonly model: ReadModel) {
    model.onPartnersChanged(() => this.forget());
  }

  /** The stored partner of a keyed hash: from memory, or from `load` (kept when the read model listens). */
  async find(keyedHash: string, load: () => Promise<Partner | undefined>): Promise<Partner | undefined> {
    if (this.model.ready) {
      const cached = this.byKeyedHash.get(keyedHash);
      if (cached !== undefined) return cached;
    }
    const generation = this.generation;
    const partner = await load();
    if (!partner || !this.model.ready || generation !== this.generation) return partner;
    if (this.byKeyedHash.size >= MAX_CACHED) this.byKeyedHash.clear();
    this.byKeyedHash.set(keyedHash, deepFreeze(partner));
    return partner;
  }

  /** After this node changed a partner (its announcement to every node follows at commit). */
  forget(): void {
    this.byKeyedHash.clear();
    this.generation++;
  }
}
