// The parties a hub connects: who they are (the partners registered with it, and the parties other
// hubs connected to it serve), where to reach them (their endpoints), and their ClientInfo
// (mod_hub_client_info), kept in the store so every hub node sharing it sees the same.
import type { InterfaceRole } from '../module.js';
import { clientInfoStoreId, STORE_MODULES } from '../modules/common.js';
import { hubServesParty } from '../partners/hub.js';
import type { CredentialsRole, Partner } from '../partners/partner.js';
import type { ClientInfo, ConnectionStatus } from '../schemas/v2.2.1/index.js';
import { normalizeParty, partyString } from '../store/keys.js';
import type { OcpiStore, PartyRef } from '../store/types.js';

/** Where a message for a party goes: the partner to call (the party's platform, or the hub that serves it). */
export interface Receiver {
  partner: Partner;
  /** The party addressed, as the partner holds it (with its role), or as named when a hub serves it. */
  party: PartyRef & { role?: string };
}

/** The partner a message to `party` goes to, or undefined when the hub knows no such party (4001). */
export async function findReceiver(store: OcpiStore, party: PartyRef): Promise<Receiver | undefined> {
  const wanted = partyString(party);
  const direct = await store.partners.findByParty(party);
  if (direct) return { partner: direct, party: direct.roles.find((r) => partyString(r) === wanted) ?? normalizeParty(party) };
  // A party behind another hub connected to this one: that hub pushed its ClientInfo to us.
  for (const partner of await store.partners.list()) {
    if (partner.status === 'REGISTERED' && (await hubServesParty(store, partner, party))) return { partner, party: normalizeParty(party) };
  }
  return undefined;
}

/** The partner's endpoint of a module interface, if it implements it. */
export const endpointOf = (partner: Partner, identifier: string, role: InterfaceRole): string | undefined =>
  partner.endpoints.find((e) => e.identifier === identifier && e.role === role)?.url;

/**
 * Which roles receive a Broadcast Push from a role (transport_and_format, "Broadcast Push"): a CPO's
 * goes to every eMSP-like role (eMSP, NSP, NAP, OTHER, ...), anyone else's to the CPOs.
 */
export function receivesBroadcastFrom(sender: string, receiver: string): boolean {
  if (receiver === 'HUB') return false;
  return sender === 'CPO' ? receiver !== 'CPO' : receiver === 'CPO';
}

/** The hub's record of a connected party's ClientInfo. */
const clientInfoKey = (hub: PartyRef, party: PartyRef) => ({ module: STORE_MODULES.hubClientInfo, owner: normalizeParty(hub), id: clientInfoStoreId(party) });

export async function clientInfoOf(store: OcpiStore, hub: PartyRef, party: PartyRef): Promise<ClientInfo | undefined> {
  return (await store.objects.get<ClientInfo>(clientInfoKey(hub, party)))?.data;
}

/**
 * Sets the status of a party's ClientInfo; answers the ClientInfo when it changed (to be pushed to the
 * connected parties), undefined when it was already so. `last_updated` moves only on a change.
 */
export async function setClientStatus(store: OcpiStore, hub: PartyRef, role: CredentialsRole, status: ConnectionStatus): Promise<ClientInfo | undefined> {
  const party = normalizeParty(role);
  // Called on every forwarded request: a read (the read model's, on SQL) when nothing changes, no write.
  const stored = await store.objects.get<ClientInfo>(clientInfoKey(hub, party));
  if (stored && stored.data.status === status && stored.data.role === role.role) return undefined;
  let changed: ClientInfo | undefined;
  await store.objects.update<ClientInfo>(clientInfoKey(hub, party), (current) => {
    if (current && current.data.status === status && current.data.role === role.role) return undefined;
    changed = { ...party, role: role.role as ClientInfo['role'], status, last_updated: new Date().toISOString().replace(/\.\d+Z$/, 'Z') };
    return { data: changed };
  });
  return changed;
}
