import type { InterfaceRole } from '../module.js';
import type { ObjectKey, OcpiStore } from '../store/types.js';

/** The objects-store module holding pull watermarks; never served by any OCPI module. */
export const SYNC_STATE_MODULE = 'ocpi-sync-state';

/** Sync state is not owned by a party: a fixed placeholder owner keeps it apart from real objects. */
const OWNER = { country_code: 'ZZ', party_id: 'ZZZ' };

interface SyncState {
  partner_id: string;
  module: string;
  role: InterfaceRole;
  /** The `date_from` of the next pull: every change from then on is still to be pulled. */
  synced_until: string;
  last_updated: string;
}

const keyOf = (partnerId: string, moduleId: string, role: InterfaceRole): ObjectKey => ({
  module: SYNC_STATE_MODULE,
  owner: OWNER,
  id: `${partnerId}/${moduleId}/${role}`,
});

/** Where the last successful pull of a partner's module left off, or undefined before the first. */
export async function readSyncWatermark(store: OcpiStore, partnerId: string, moduleId: string, role: InterfaceRole = 'SENDER'): Promise<Date | undefined> {
  const stored = await store.objects.get<SyncState>(keyOf(partnerId, moduleId, role));
  const time = stored ? Date.parse(stored.data.synced_until) : Number.NaN;
  return Number.isNaN(time) ? undefined : new Date(time);
}

export async function writeSyncWatermark(store: OcpiStore, partnerId: string, moduleId: string, role: InterfaceRole, syncedUntil: Date): Promise<void> {
  const now = new Date().toISOString();
  const data: SyncState = { partner_id: partnerId, module: moduleId, role, synced_until: syncedUntil.toISOString(), last_updated: now };
  await store.objects.put(keyOf(partnerId, moduleId, role), { data });
}
