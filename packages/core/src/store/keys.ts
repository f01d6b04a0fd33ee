import { parseOcpiDateTime } from '../date-time.js';
import type { ObjectKey, PartyRef, StoredObject } from './types.js';

export { parseOcpiDateTime };

/** CiStrings compare case-insensitively; the store keeps them upper-cased. */
export const normalizeParty = (party: PartyRef): PartyRef => ({
  country_code: party.country_code.toUpperCase(),
  party_id: party.party_id.toUpperCase(),
});

export const normalizeKey = (key: ObjectKey): ObjectKey => ({
  module: key.module,
  owner: normalizeParty(key.owner),
  id: key.id.toUpperCase(),
});

export const partyString = (party: PartyRef): string => `${party.country_code.toUpperCase()}*${party.party_id.toUpperCase()}`;

/** Whether two references name the same party (CiStrings: case does not count). */
export const sameParty = (a: PartyRef, b: PartyRef): boolean => partyString(a) === partyString(b);

export const keyString = (key: ObjectKey): string => `${key.module}/${partyString(key.owner)}/${key.id.toUpperCase()}`;

/** An object's `last_updated` in milliseconds since the epoch, or 0 (the epoch) when it has none. */
export function updatedAtOf(data: unknown): number {
  const value = (data as { last_updated?: unknown } | null)?.last_updated;
  return (typeof value === 'string' ? parseOcpiDateTime(value) : undefined) ?? 0;
}

/** The ISO instant of an object's `last_updated`, or the epoch when it has none. */
export function lastUpdatedOf(data: unknown): string {
  return new Date(updatedAtOf(data)).toISOString();
}

export function toStored<T>(key: ObjectKey, data: T, audience: PartyRef[] = []): StoredObject<T> {
  return { key: normalizeKey(key), data, json: JSON.stringify(data), lastUpdated: lastUpdatedOf(data), audience: audience.map(normalizeParty) };
}
