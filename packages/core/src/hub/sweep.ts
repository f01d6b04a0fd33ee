// The hub's records are working state, not data: a broadcast is kept until the outbox delivered it to
// every receiver, a relayed `response_url` until its result went on or it expired, an owner record
// while the object is pushed now and then. The sweep removes the ones that are done or expired, from
// whichever hub node runs it (a delete is idempotent, so nodes sharing a database may sweep at once).
import { outboxEntryKey } from '../outbox.js';
import { normalizeParty } from '../store/keys.js';
import type { ObjectKey, OcpiStore, PartyRef, StoredObject } from '../store/types.js';

/** The hub's own records in the store (never an OCPI module a partner can address). */
export const HUB_MODULES = {
  /** A Broadcast Push, kept until the outbox delivered it to every receiver. */
  broadcasts: 'ocpi_hub_broadcasts',
  /** A `response_url` the hub replaced with one of its own: where the result goes on. `last_updated` is when it expires. */
  callbacks: 'ocpi_hub_callbacks',
  /** Which party owns a Token, Location, Session or Terminal that went through the hub: for Open Routing Requests. */
  routes: 'ocpi_hub_routes',
} as const;

export interface SweepOptions {
  /** An owner record not refreshed by a push for this long goes (default 30 days). */
  routeTtlMs?: number;
  /** A broadcast still owed to a party after this long goes: the party missed it (default 7 days). */
  broadcastMaxAgeMs?: number;
  /** A broadcast younger than this stays whatever its outbox entries say: they are being queued (default 1 minute). */
  broadcastGraceMs?: number;
}

export interface SweepResult {
  broadcasts: number;
  callbacks: number;
  routes: number;
}

const PAGE = 500;
const DAY = 86_400_000;

/** Removes the records of `module` (the hub's) last updated before `before` that `done` says are done; answers how many. */
async function sweepModule(
  store: OcpiStore,
  hub: PartyRef,
  module: string,
  before: number,
  done: (record: StoredObject) => Promise<boolean> = async () => true,
): Promise<number> {
  let removed = 0;
  let kept = 0;
  for (;;) {
    const page = await store.objects.list({ module, owners: [hub], dateTo: new Date(before), offset: kept, limit: PAGE });
    for (const record of page.items) {
      if ((await done(record)) && (await store.objects.delete(record.key))) removed++;
      else kept++;
    }
    if (page.items.length < PAGE) return removed;
  }
}

/** A broadcast is done when no receiver is owed it any more (or it is too old to be delivered still). */
async function broadcastDone(store: OcpiStore, record: StoredObject, expiredBefore: number): Promise<boolean> {
  if (Date.parse((record.data as { last_updated: string }).last_updated) < expiredBefore) return true;
  // Records written before receivers were kept: every partner may be owed it.
  const receivers = (record.data as { receivers?: string[] }).receivers ?? (await store.partners.list()).map((p) => p.id);
  for (const partnerId of receivers) if (await store.objects.get(outboxEntryKey(partnerId, record.key as ObjectKey))) return false;
  return true;
}

/** Removes the hub's records that are done or expired. */
export async function sweepHubRecords(store: OcpiStore, hubParty: PartyRef, options: SweepOptions = {}, now = Date.now()): Promise<SweepResult> {
  const hub = normalizeParty(hubParty);
  const expiredBefore = now - (options.broadcastMaxAgeMs ?? 7 * DAY);
  return {
    broadcasts: await sweepModule(store, hub, HUB_MODULES.broadcasts, now - (options.broadcastGraceMs ?? 60_000), (record) =>
      broadcastDone(store, record, expiredBefore),
    ),
    // A callback's last_updated is its expiry.
    callbacks: await sweepModule(store, hub, HUB_MODULES.callbacks, now),
    routes: await sweepModule(store, hub, HUB_MODULES.routes, now - (options.routeTtlMs ?? 30 * DAY)),
  };
}
