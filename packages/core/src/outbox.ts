// The push outbox: what a partner is owed, kept in the store until it is delivered. OCPI pushes are not
// queued by the protocol (transport_and_format, "Offline behaviour": a party that missed pushes may
// pull); we queue them anyway so a partner that was down gets what changed when it is back, unless it
// opted to pull instead.
//
// One entry per partner and object, whatever how often the object changes: a delivery reads the
// object as stored then, so a partner gets its latest state, never a stale intermediate (ten changes
// while it is down give one push). Entries are claimed with an atomic update of the store, so of
// several nodes sharing the database one delivers a given entry; a claim expires with its node.
import type { OcpiClient, PartnerClient } from './client/client.js';
import type { OcpiEventBus } from './events.js';
import { STORE_MODULES } from './modules/common.js';
import type { Partner } from './partners/partner.js';
import type { CDR, Location, Session, Tariff, Token } from './schemas/v2.3.0/index.js';
import { INTERNAL_MODULES, instant, partnerOwner } from './store/internal-records.js';
import { keyString, normalizeKey } from './store/keys.js';
import type { ObjectKey, OcpiStore, StoredObject } from './store/types.js';

/** One object owed to one partner, as the store keeps it. `last_updated` is when it is due (or when a claim on it expires). */
export interface OutboxEntry {
  partnerId: string;
  object: ObjectKey;
  /** Raised by every change queued: a delivery removes the entry only when no change came while it ran. */
  changes: number;
  /** Failed deliveries since the last success. */
  attempts: number;
  /** When the oldest change not yet delivered was queued. */
  queuedAt: string;
  lastError?: string;
  /** The node delivering it now. */
  claimedBy?: string;
  last_updated: string;
}

/** Delivers the object's state now (absent: deleted meanwhile) to the partner; throws when the partner did not take it. */
export type OutboxDelivery = (partner: Partner, object: StoredObject) => Promise<void>;

export interface OutboxOptions {
  store: OcpiStore;
  /** How an object reaches a partner: default `pushWithClient(client)`, the partner client's push methods. */
  deliver: OutboxDelivery;
  /** `outbox.delivered` and `outbox.failed` go there. */
  events?: OcpiEventBus;
  /** Whether a partner takes pushes; one that pulls instead (transport_and_format, "Offline behaviour") is owed nothing. Default all. */
  pushesTo?: (partner: Partner) => boolean;
  /** Delay after the first failure, doubled after each (with jitter), up to `maxBackoffMs`. Defaults 1 s and 5 minutes. */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** How long a node may take to deliver an entry before another node may claim it. Default 60 s. */
  leaseMs?: number;
  /** How often the store is looked at for due entries (others' and retries). Default 1 s. */
  pollMs?: number;
  /** Entries looked at per round. Default 100. */
  batch?: number;
  /** Names this node in claims. Default a random id. */
  nodeId?: string;
  now?: () => number;
}

export interface OutboxStats {
  /** Entries queued, on every node. */
  depth: number;
  /** Age of the oldest change not yet delivered, in ms (0 when empty). */
  oldestAgeMs: number;
  /** Deliveries and failed attempts by this node since it started. */
  delivered: number;
  failed: number;
}

export interface Outbox {
  /** Queues the object for the partner (nothing when the partner pulls instead), and starts delivering it. */
  enqueue(partner: Partner, object: ObjectKey): Promise<void>;
  /** One round: delivers what is due now; resolves with how many were delivered. */
  runOnce(): Promise<number>;
  /** Rounds every `pollMs`, and one soon after every enqueue. */
  start(): void;
  /** Stops the rounds and waits for the one running. */
  stop(): Promise<void>;
  stats(): Promise<OutboxStats>;
}

/** The partner client's push method for each module a node pushes (canonical objects): the client speaks the partner's version. */
const PUSHES: Record<string, (to: PartnerClient, data: unknown) => Promise<unknown>> = {
  [STORE_MODULES.locations]: (to, data) => to.pushLocation(data as Location),
  [STORE_MODULES.sessions]: (to, data) => to.pushSession(data as Session),
  [STORE_MODULES.tariffs]: (to, data) => to.pushTariff(data as Tariff),
  [STORE_MODULES.tokens]: (to, data) => to.pushToken(data as Token),
  [STORE_MODULES.cdrs]: (to, data) => to.postCdr(data as CDR),
};

/** Delivers through the partner client's push methods (PUT, and POST for CDRs); throws for a module it has none for. */
export function pushWithClient(client: OcpiClient): OutboxDelivery {
  return async (partner, object) => {
    const push = PUSHES[object.key.module];
    if (!push) throw new Error(`The outbox has no push for module ${object.key.module}`);
    await push(client.forPartner(partner), object.data);
  };
}

/** What an outbox event says of its entry: the partner, the object, the attempt (this one included). */
const about = (entry: OutboxEntry) => ({
  partnerId: entry.partnerId,
  requestId: undefined,
  correlationId: undefined,
  module: entry.object.module,
  owner: entry.object.owner,
  id: entry.object.id,
  attempts: entry.attempts + 1,
});

/** The store key of what `partnerId` is owed of `object` (absent once delivered). */
export const outboxEntryKey = (partnerId: string, object: ObjectKey): ObjectKey => ({
  module: INTERNAL_MODULES.outbox,
  owner: partnerOwner(partnerId),
  id: keyString(object),
});

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));

export function createOutbox(options: OutboxOptions): Outbox {
  const { store, deliver, events } = options;
  const now = options.now ?? Date.now;
  const initialBackoff = options.initialBackoffMs ?? 1000;
  const maxBackoff = options.maxBackoffMs ?? 300_000;
  const leaseMs = options.leaseMs ?? 60_000;
  const pollMs = options.pollMs ?? 1000;
  const batch = options.batch ?? 100;
  const nodeId = options.nodeId ?? crypto.randomUUID();
  const pushesTo = options.pushesTo ?? (() => true);
  let delivered = 0;
  let failed = 0;
  let timer: ReturnType<typeof setInterval> | undefined;
  let running: Promise<number> | undefined;
  let again = false;
  /** Set by stop(): the round running ends after its current entry. */
  let halting = false;

  async function enqueue(partner: Partner, object: ObjectKey): Promise<void> {
    if (!pushesTo(partner)) return;
    const at = now();
    await store.objects.update<OutboxEntry>(outboxEntryKey(partner.id, object), (current) => {
      if (!current) {
        return {
          data: { partnerId: partner.id, object: normalizeKey(object), changes: 1, attempts: 0, queuedAt: instant(at), last_updated: instant(at) },
        };
      }
      // A queued entry keeps its due time: a partner that is down is not called again for every change.
      return { data: { ...current.data, changes: current.data.changes + 1 } };
    });
    kick();
  }

  /** A round soon (coalesced): a push is attempted right after its change, not at the next poll. */
  function kick(): void {
    if (timer === undefined) return;
    if (running) {
      again = true;
      return;
    }
    setTimeout(() => void round().catch(() => undefined), 0);
  }

  async function round(): Promise<number> {
    if (running) {
      again = true;
      return running;
    }
    running = runRound();
    try {
      return await running;
    } finally {
      running = undefined;
      if (again) {
        again = false;
        kick();
      }
    }
  }

  /** Claims one due entry for this node; undefined when it is not due, gone, or another node's. */
  async function claim(key: ObjectKey, at: number): Promise<OutboxEntry | undefined> {
    const claimed = await store.objects.update<OutboxEntry>(key, (current) =>
      !current || Date.parse(current.data.last_updated) > at
        ? undefined
        : { data: { ...current.data, claimedBy: nodeId, last_updated: instant(at + leaseMs) } },
    );
    return claimed.kind === 'updated' ? claimed.object.data : undefined;
  }

  /** After a delivery: gone, unless a change came meanwhile (then due again at once). */
  async function settle(key: ObjectKey, claimed: OutboxEntry): Promise<void> {
    const at = now();
    await store.objects.update<OutboxEntry>(key, (current) => {
      if (!current) return undefined;
      if (current.data.changes === claimed.changes) return null;
      const { claimedBy: _, lastError: __, ...rest } = current.data;
      return { data: { ...rest, attempts: 0, queuedAt: instant(at), last_updated: instant(at) } };
    });
  }

  async function retryLater(key: ObjectKey, claimed: OutboxEntry, error: string): Promise<number> {
    const attempts = claimed.attempts + 1;
    const delay = Math.min(maxBackoff, initialBackoff * 2 ** (attempts - 1)) * (0.75 + Math.random() * 0.25);
    const due = now() + delay;
    await store.objects.update<OutboxEntry>(key, (current) => {
      if (!current) return undefined;
      const { claimedBy: _, ...rest } = current.data;
      return { data: { ...rest, attempts, lastError: error.slice(0, 500), last_updated: instant(due) } };
    });
    return due;
  }

  async function runRound(): Promise<number> {
    const at = now();
    // Due entries: `last_updated` is the due time (dateTo is exclusive).
    const due = await store.objects.list<OutboxEntry>({ module: INTERNAL_MODULES.outbox, dateTo: new Date(at + 1), offset: 0, limit: batch });
    /** Partners that failed this round: their other entries wait for their own backoff, not hammered now. */
    const down = new Set<string>();
    let count = 0;
    for (const item of due.items) {
      if (halting) break;
      if (down.has(item.data.partnerId)) continue;
      const entry = await claim(item.key, at);
      if (!entry) continue;
      const partner = await store.partners.get(entry.partnerId);
      const object = await store.objects.get(entry.object);
      if (!partner || partner.status === 'UNREGISTERED' || !pushesTo(partner) || !object) {
        // Nobody to deliver to, or nothing left to deliver (OCPI pushes no deletes of these objects).
        await store.objects.delete(item.key);
        continue;
      }
      try {
        await deliver(partner, object);
      } catch (error) {
        failed++;
        down.add(entry.partnerId);
        const nextAttemptAt = await retryLater(item.key, entry, errorText(error));
        events?.emit({ type: 'outbox.failed', ...about(entry), error: errorText(error), nextAttemptAt: instant(nextAttemptAt) });
        continue;
      }
      await settle(item.key, entry);
      delivered++;
      count++;
      events?.emit({ type: 'outbox.delivered', ...about(entry), queuedMs: now() - Date.parse(entry.queuedAt) });
    }
    return count;
  }

  return {
    enqueue,
    runOnce: round,
    start() {
      if (timer !== undefined) return;
      halting = false;
      timer = setInterval(() => void round().catch(() => undefined), pollMs);
      (timer as { unref?: () => void }).unref?.();
      kick();
    },
    async stop() {
      halting = true;
      clearInterval(timer);
      timer = undefined;
      await running?.catch(() => undefined);
    },
    async stats() {
      const page = await store.objects.list<OutboxEntry>({ module: INTERNAL_MODULES.outbox, offset: 0, limit: 1 });
      const oldest = page.items[0];
      return { depth: page.total, oldestAgeMs: oldest ? Math.max(0, now() - Date.parse(oldest.data.queuedAt)) : 0, delivered, failed };
    },
  };
}
