// Who a partner may act for. A party acts for itself; a hub forwards for the parties connected to it
// (transport_and_format, "Message Routing"), and only for those: the parties a hub partner serves are
// the ones the operator says it serves, and the ones whose ClientInfo that hub pushed to us
// (mod_hub_client_info), unless another partner registered that party with us directly.
import { clientInfoStoreId, STORE_MODULES } from '../modules/common.js';
import type { ClientInfo } from '../schemas/v2.2.1/index.js';
import { normalizeParty, partyString } from '../store/keys.js';
import type { OcpiStore, PartyRef } from '../store/types.js';
import type { Partner } from './partner.js';

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
 * Whether a hub partner serves `party`: the operator says so, or the hub pushed a ClientInfo of it
 * that is not SUSPENDED and no other partner registered the party with us directly. A partner without
 * a HUB role serves nobody.
 */
export async function hubServesParty(store: OcpiStore, hub: Partner, party: PartyRef, operator?: HubServes): Promise<boolean> {
  const hubParties = hubPartiesOf(hub);
  if (hubParties.length === 0) return false;
  if (operator && (await operator(hub, party))) return true;
  let known = false;
  for (const owner of hubParties) {
    const info = await store.objects.get<ClientInfo>({ module: STORE_MODULES.hubClientInfo, owner, id: clientInfoStoreId(party) });
    if (info && info.data.status !== 'SUSPENDED') known = true;
  }
  if (!known) return false;
  const direct = await store.partners.findByParty(party);
  return direct === undefined || direct.id === hub.id;
}

/** Whether a partner may act for `party`: one of its own roles, or, for a hub, a party it serves. */
export async function actsFor(store: OcpiStore, partner: Partner, party: PartyRef, operator?: HubServes): Promise<boolean> {
  return holdsParty(partner, party) || hubServesParty(store, partner, party, operator);
}
