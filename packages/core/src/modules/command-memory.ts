// The memory of answered commands, for recognizing retries (mod_commands: a Sender that got no answer
// sends the command again). Kept in the store, so a retry is answered once whichever node of several
// sharing one database receives it; keyed per partner, bounded per partner, expiring.
import type { CommandResponse } from '../schemas/v2.3.0/index.js';
import { deleteExpired, INTERNAL_MODULES, instant, keepNewest, partnerOwner, sha256Hex } from '../store/internal-records.js';
import type { OcpiStore } from '../store/types.js';

export interface CommandMemoryOptions {
  /** How long an answer is given again to a retry. Default 15 minutes. */
  ttlMs?: number;
  /** Answers kept per partner; the oldest go first. Default 10,000. */
  maxPerPartner?: number;
  /** How long a retry waits for the first copy's answer, still being decided (here or on another node). Default 30 s. */
  pendingMs?: number;
  now?: () => number;
}

/** A remembered command: being answered (`response` absent), or answered. `last_updated` is when it expires. */
interface Remembered {
  response?: CommandResponse;
  last_updated: string;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class CommandMemory {
  private readonly ttlMs: number;
  private readonly max: number;
  private readonly pendingMs: number;
  private readonly now: () => number;

  constructor(options: CommandMemoryOptions = {}) {
    this.ttlMs = options.ttlMs ?? 15 * 60_000;
    this.max = options.maxPerPartner ?? 10_000;
    this.pendingMs = options.pendingMs ?? 30_000;
    this.now = options.now ?? Date.now;
  }

  /**
   * The answer to a command: the one given before to the same `retryKey` of this partner, or what
   * `answer` gives, run once. Of two copies racing (on any nodes), one runs `answer`, the other waits
   * for its result. When `answer` throws, nothing is remembered and the error goes to the caller.
   */
  async answerOnce(store: OcpiStore, partnerId: string, retryKey: string, answer: () => Promise<CommandResponse>): Promise<CommandResponse> {
    const owner = partnerOwner(partnerId);
    const key = { module: INTERNAL_MODULES.commandMemory, owner, id: await sha256Hex(retryKey) };
    const live = (record: Remembered | undefined) => record !== undefined && Date.parse(record.last_updated) > this.now();
    // Claim the key: a record that is being answered, expiring after `pendingMs` (its node may die).
    const claim = await store.objects.update<Remembered>(key, (current) =>
      live(current?.data) ? undefined : { data: { last_updated: instant(this.now() + this.pendingMs) } },
    );
    if (claim.kind === 'unchanged') return this.awaitAnswer(store, key, claim.object.data, answer, partnerId, retryKey);
    let response: CommandResponse;
    try {
      response = await answer();
    } catch (error) {
      await store.objects.delete(key);
      throw error;
    }
    await store.objects.put(key, { data: { response, last_updated: instant(this.now() + this.ttlMs) } });
    await deleteExpired(store, INTERNAL_MODULES.commandMemory, this.now(), owner);
    await keepNewest(store, INTERNAL_MODULES.commandMemory, owner, this.max);
    return response;
  }

  /** A retry of a command another copy is answering: its answer once given (polled), or run anew if that copy failed. */
  private async awaitAnswer(
    store: OcpiStore,
    key: { module: string; owner: { country_code: string; party_id: string }; id: string },
    seen: Remembered,
    answer: () => Promise<CommandResponse>,
    partnerId: string,
    retryKey: string,
  ): Promise<CommandResponse> {
    let record: Remembered | undefined = seen;
    for (let wait = 10; record && !record.response && Date.parse(record.last_updated) > this.now(); wait = Math.min(wait * 2, 200)) {
      await pause(wait);
      record = (await store.objects.get<Remembered>(key))?.data;
    }
    if (record?.response) return record.response;
    // The first copy failed (its claim deleted) or its node died (its claim expired): this one answers.
    return this.answerOnce(store, partnerId, retryKey, answer);
  }

  /** Answers remembered for a partner (tests, metrics). */
  async size(store: OcpiStore, partnerId: string): Promise<number> {
    return (await store.objects.list({ module: INTERNAL_MODULES.commandMemory, owners: [partnerOwner(partnerId)], offset: 0, limit: 0 })).total;
  }
}
