// Roles are granted, not claimed: a partner holds the roles (role and party) the operator's policy
// approved, whatever its Credentials object says. The policy runs before a registration or a
// credentials update is saved, on both sides of the handshake.
import { OcpiError, OcpiStatus } from '../errors.js';
import type { OcpiEventBus } from '../events.js';
import type { NodeInfo } from '../module.js';
import { partyString } from '../store/keys.js';
import type { OcpiStore } from '../store/types.js';
import type { CredentialsRole, Partner, PartyRef, RegistrationToken } from './partner.js';

/** What the policy is asked: a partner wants to hold these roles. */
export interface PartnerReview {
  /** `register`: a POST with a registration token, or our own registration with the partner; `update`: a credentials PUT, either side. */
  kind: 'register' | 'update';
  /** The roles the partner's Credentials name. */
  roles: readonly CredentialsRole[];
  /** The roles it holds now (empty on registration). */
  granted: readonly CredentialsRole[];
  /** The roles of `roles` it does not hold now (role and party; business details do not count). */
  added: readonly CredentialsRole[];
  /** The partner record, once there is one. */
  partnerId: string | undefined;
  /** The partner's versions URL. */
  versionsUrl: string;
  /** The registration token of a POST. */
  registrationToken?: RegistrationToken;
}

export type PartnerDecision =
  /** The partner holds every role it asked for. */
  | { decision: 'approve' }
  /** Nothing is saved; a POST or PUT is answered with `statusCode` (a 2xxx or 3xxx, default 2001) and the message. */
  | { decision: 'refuse'; message: string; statusCode?: number }
  /**
   * The handshake completes, but the roles not granted yet wait for the operator (`approvePartner`):
   * a new partner may only read versions and credentials meanwhile; an updating one keeps the roles it held.
   */
  | { decision: 'pending'; message?: string };

export type PartnerPolicy = (review: PartnerReview) => PartnerDecision | Promise<PartnerDecision>;

export interface DefaultPartnerPolicyOptions {
  /**
   * The parties allowed to hold the HUB role. A hub may act for the parties it serves, so nobody
   * becomes one by saying so. Default none.
   */
  hubParties?: readonly PartyRef[];
}

const roleKey = (role: CredentialsRole): string => `${role.role}/${partyString(role)}`;

/** The roles of `roles` that `held` does not contain (by role and party). */
export function rolesAdded(roles: readonly CredentialsRole[], held: readonly CredentialsRole[]): CredentialsRole[] {
  const keys = new Set(held.map(roleKey));
  return roles.filter((role) => !keys.has(roleKey(role)));
}

/** The roles of `roles` that `held` contains too, as `roles` names them. */
export const rolesKept = (roles: readonly CredentialsRole[], held: readonly CredentialsRole[]): CredentialsRole[] => {
  const keys = new Set(held.map(roleKey));
  return roles.filter((role) => keys.has(roleKey(role)));
};

/**
 * The safe default: a registration may name any CPO, EMSP, NAP, NSP or OTHER parties (token A is the
 * operator's grant), the HUB role only for `hubParties`; a credentials update can add no role or party
 * but a HUB role of `hubParties`.
 */
export function defaultPartnerPolicy(options: DefaultPartnerPolicyOptions = {}): PartnerPolicy {
  const hubs = new Set((options.hubParties ?? []).map(partyString));
  return (review) => {
    for (const role of review.added) {
      const index = review.roles.indexOf(role);
      const party = `${role.country_code}/${role.party_id}`;
      if (role.role === 'HUB' && !hubs.has(partyString(role))) {
        return { decision: 'refuse', message: `/roles/${index}: the HUB role of ${party} is not granted; the operator of this platform must allow it first` };
      }
      if (review.kind === 'update' && role.role !== 'HUB') {
        return {
          decision: 'refuse',
          message: `/roles/${index}: role ${role.role} of ${party} was not granted at registration; a credentials update cannot add a role or party`,
        };
      }
    }
    return { decision: 'approve' };
  };
}

/** Asks the node's policy; a refusal becomes the OcpiError to answer (2001 unless the policy says otherwise). */
export async function reviewPartner(node: NodeInfo, review: PartnerReview): Promise<'approve' | 'pending'> {
  const decision = await node.partnerPolicy(review);
  if (decision.decision !== 'refuse') return decision.decision;
  const statusCode = decision.statusCode ?? OcpiStatus.INVALID_PARAMETERS;
  if (statusCode < 2000 || statusCode > 3999) throw new Error(`A partner policy refusal needs a 2xxx or 3xxx status code, not ${statusCode}`);
  throw OcpiError.status(statusCode, decision.message);
}

/** Reviews a registration: every role it names is new. */
export const reviewRegistration = (
  node: NodeInfo,
  request: { roles: readonly CredentialsRole[]; partnerId: string | undefined; versionsUrl: string; registrationToken?: RegistrationToken },
) => reviewPartner(node, { kind: 'register', granted: [], added: request.roles, ...request });

/** Reviews a credentials update of `current`: the roles it does not hold yet are the ones added. */
export const reviewUpdate = (node: NodeInfo, current: Partner, roles: readonly CredentialsRole[], versionsUrl: string) =>
  reviewPartner(node, { kind: 'update', roles, granted: current.roles, added: rolesAdded(roles, current.roles), partnerId: current.id, versionsUrl });

/** The roles a partner holds after a review: all it asked for when approved, else those it held before. */
export function reviewedRoles(decision: 'approve' | 'pending', roles: CredentialsRole[], granted: readonly CredentialsRole[]) {
  return decision === 'approve' ? { roles } : { roles: rolesKept(roles, granted), requestedRoles: roles };
}

/** What the operator's decisions need: the node (`server.node`), or a store of its and, optionally, its events. */
export type PartnerAdmin = { store: OcpiStore; events?: OcpiEventBus };

/**
 * Grants a partner the roles it asked for that wait for the operator: a registration held pending
 * becomes REGISTERED (and `partner.registered` is emitted), an update's roles are added.
 */
export async function approvePartner(node: PartnerAdmin, partnerId: string): Promise<Partner> {
  const current = await node.store.partners.get(partnerId);
  if (!current?.requestedRoles) throw new Error(`Partner ${partnerId} has no roles waiting for approval`);
  const { requestedRoles, ...rest } = current;
  const partner: Partner = { ...rest, roles: requestedRoles, status: current.status === 'AWAITING_APPROVAL' ? 'REGISTERED' : current.status, updatedAt: now() };
  await node.store.partners.save(partner);
  node.events?.emit({
    type: current.status === 'AWAITING_APPROVAL' ? 'partner.registered' : 'partner.updated',
    partnerId,
    roles: partner.roles.map(({ country_code, party_id }) => ({ country_code, party_id })),
    requestId: undefined,
    correlationId: undefined,
  });
  return partner;
}

/** Refuses the roles waiting for approval: an update keeps the roles it held, a registration held pending is unregistered. */
export async function refusePartner(node: PartnerAdmin, partnerId: string): Promise<Partner> {
  const current = await node.store.partners.get(partnerId);
  if (!current?.requestedRoles) throw new Error(`Partner ${partnerId} has no roles waiting for approval`);
  const { requestedRoles: _refused, ...rest } = current;
  let partner: Partner = { ...rest, updatedAt: now() };
  if (current.status === 'AWAITING_APPROVAL') {
    const { inboundTokenHash: _ours, outboundToken: _theirs, ...forgotten } = partner;
    partner = { ...forgotten, status: 'UNREGISTERED' };
  }
  await node.store.partners.save(partner);
  return partner;
}

const now = () => new Date().toISOString();
