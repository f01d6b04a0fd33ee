// State a node keeps for itself in the store, beside the OCPI objects, so that every node sharing the
// database sees it (docs/architecture.md: "State that must survive a node lives in the store"): the
// memory of answered commands, commands awaiting their results, and pushes owed to partners. Each kind
// is a module of its own in the object store (never one a partner can address: no OCPI module has
// these names), so it gets the store's atomic update, its ordering and, on SQL, its change channel.
//
// A record's `last_updated` is the instant it expires (or, in the outbox, is due): a page with
// `dateTo: now` lists exactly the records past it, from the read model's index, without reading them.
import type { OcpiStore, PartyRef } from './types.js';

export const INTERNAL_MODULES = {
  /** Commands answered lately, per partner: a retry gets the first answer (modules/command-memory.ts). */
  commandMemory: 'ocpi_command_memory',
  /** Commands of ours awaiting their CommandResult (client/command-results.ts). */
  commandResults: 'ocpi_command_results',
  /** Pushes owed to partners (outbox.ts). */
  outbox: 'ocpi_outbox',
} as const;

/** The owner of records kept per partner: the partner's id in place of a party. */
export const partnerOwner = (partnerId: string): PartyRef => ({ country_code: '--', party_id: partnerId });

/** The owner of records that belong to the node as a whole. */
export const NODE_OWNER: PartyRef = { country_code: '--', party_id: 'NODE' };

/** An ISO instant as `last_updated` holds it. */
export const instant = (ms: number): string => new Date(ms).toISOString();

/** The hex SHA-256 of a text: a record id of fixed length for a key of any length (Web Crypto, any runtime). */
export async function sha256Hex(text: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Deletes up to `limit` records of `module` (of `owner`, when given) whose `last_updated` is before `before`; returns how many. */
export async function deleteExpired(store: OcpiStore, module: string, before: number, owner?: PartyRef, limit = 100): Promise<number> {
  const page = await store.objects.list({ module, ...(owner ? { owners: [owner] } : {}), dateTo: new Date(before), offset: 0, limit });
  let deleted = 0;
  for (const item of page.items) if (await store.objects.delete(item.key)) deleted++;
  return deleted;
}

/** Deletes the oldest records of `owner` in `module` beyond `max`: a partner cannot make the store hold more. */
export async function keepNewest(store: OcpiStore, module: string, owner: PartyRef, max: number): Promise<void> {
  const { total } = await store.objects.list({ module, owners: [owner], offset: 0, limit: 0 });
  if (total <= max) return;
  const oldest = await store.objects.list({ module, owners: [owner], offset: 0, limit: total - max });
  for (const item of oldest.items) await store.objects.delete(item.key);
}
