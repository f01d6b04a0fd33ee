// Who a partner may act for. A party acts for itself; a hub forwards for the parties connected to it
// (transport_and_format, "Message Routing"), and only for those: the parties a hub partner serves are
// the ones the operator says it serves, the ones its 2.3.0 Credentials list as reachable through it,
// and the ones whose ClientInfo that hub pushed to us (mod_hub_client_info), unless another partner
// registered that party with us directly.
import { clientInfoStoreId, STORE_MODULES } from '../modules/common.js';
import type { ClientInfo } from '../schemas/v2.2.1/index.js';
import { normalizeParty, partyString } from '../store/keys.js';
import type { OcpiStore, PartyRef } from '../store/types.js';
import type { CredentialsRole, Partner } from './partner.js';

/** The operator's own answer to "does this hub partner serve this party?" (e.g. from its contracts). */
export type HubServes = (hub: Partner, party: PartyRef) => boolean | Promise<boolean>;

/** Whether a partner holds one of these parties in one of its (granted) roles. */
export const holdsParty = (partner: Partner, party: PartyRef): boolean => partner.roles.some((role) => partyString(role) === partyString(party));

/** Whether a partner holds a HUB role (its roles as granted). */
export const isHub = (roles: readonly { role: string }[]): boolean => roles.some((role) => role.role === 'HUB');

/**
 * The words of every refusal of a party the caller does not act for (a URL's owner, `OCPI-from`, an
 * object's owner), naming the party: one answer whichever route refuses it.
 */
export const notActedFor = (party: PartyRef, callerRoles: readonly { role: string }[]): string =>
  `${party.country_code}/${party.party_id} is not ${isHub(callerRoles) ? 'one of your parties or of the parties your hub serves' : 'one of the parties registered with your credentials'}`;

/** The parties a partner holds in the HUB role. */
export const hubPartiesOf = (partner: Partner): PartyRef[] => partner.roles.filter((role) => role.role === 'HUB').map(normalizeParty);

/**
 * Whether a hub partner serves `party`: the operator says so, or the hub listed it in its 2.3.0
 * Credentials or pushed a ClientInfo of it that is not SUSPENDED, and no other partner registered the
 * party with us directly. A partner without a HUB role serves nobody.
 */
export async function hubServesParty(store: OcpiStore, hub: Partner, party: PartyRef, operator?: HubServes): Promise<boolean> {
  const hubParties = hubPartiesOf(hub);
  if (hubParties.length === 0) return false;
  if (operator && (await operator(hub, party))) return true;
  // A ClientInfo the hub pushed is its latest word on the party (SUSPENDED: gone); its Credentials are older.
  let known: boolean | undefined;
  for (const owner of hubParties) {
    const info = await store.objects.get<ClientInfo>({ module: STORE_MODULES.hubClientInfo, owner, id: clientInfoStoreId(party) });
    if (info) known = known === true || info.data.status !== 'SUSPENDED';
  }
  known ??= (hub.reachable ?? []).some((role) => partyString(role) === partyString(party));
  if (!known) return false;
  const direct = await store.partners.findByParty(party);
  return direct === undefined || direct.id === hub.id;
}

/** Whether a partner may act for `party`: one of its own roles, or, for a hub, a party it serves. */
export async function actsFor(store: OcpiStore, partner: Partner, party: PartyRef, operator?: HubServes): Promise<boolean> {
  return holdsParty(partner, party) || hubServesParty(store, partner, party, operator);
}

/**
 * The parties reachable through this node as a hub, for its 2.3.0 Credentials: the roles of every
 * registered partner (a hub's HUB role aside), and the parties the hubs connected to it serve (their
 * listed and pushed ones), none of `except` (ourselves, the recipient).
 */
export async function partiesReachable(store: OcpiStore, except: readonly PartyRef[]): Promise<CredentialsRole[]> {
  const skip = new Set(except.map(partyString));
  const found = new Map<string, CredentialsRole>();
  const add = (role: CredentialsRole) => {
    const key = `${role.role}/${partyString(role)}`;
    if (role.role !== 'HUB' && !skip.has(partyString(role)) && !found.has(key)) found.set(key, role);
  };
  const partners = (await store.partners.list()).filter((partner) => partner.status === 'REGISTERED');
  for (const partner of partners) for (const role of partner.roles) add(role);
  for (const partner of partners) {
    const owners = hubPartiesOf(partner);
    if (owners.length === 0) continue;
    for (const role of partner.reachable ?? []) if (await hubServesParty(store, partner, role)) add(role);
    const pushed = await store.objects.list<ClientInfo>({ module: STORE_MODULES.hubClientInfo, owners, offset: 0, limit: 10_000 });
    for (const { data } of pushed.items) {
      if (data.status === 'SUSPENDED' || !(await hubServesParty(store, partner, data))) continue;
      const { country_code, party_id } = data;
      add({ role: data.role as CredentialsRole['role'], country_code, party_id, business_details: { name: `${country_code}*${party_id}` } });
    }
  }
  return [...found.values()];
}
