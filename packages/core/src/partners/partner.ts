import type * as v221 from '../schemas/v2.2.1/index.js';
import type { BusinessDetails, Endpoint } from '../schemas/v2.3.0/index.js';
import type { PartyRef } from '../store/types.js';
import type { PartnerQuirks } from '../tolerances.js';

export type { PartyRef };

/**
 * A role a party plays, in any version served: the canonical (2.3.0) roles, PTP included, and HUB,
 * which 2.3.0 says with `hub_party_id` instead. The partner record keeps a hub as a HUB role
 * (`actsFor`), whichever version it registered with.
 */
export type Role = v221.Role | 'PTP';

/** One role of a platform (credentials "CredentialsRole class"), as our node and partner records keep it. */
export interface CredentialsRole {
  role: Role;
  business_details: BusinessDetails;
  party_id: string;
  country_code: string;
}

declare const ourTokenBrand: unique symbol;
declare const partnerTokenBrand: unique symbol;

/** A credentials token we issued: the partner presents it when calling us. We keep only its hash. */
export type OurToken = string & { readonly [ourTokenBrand]: true };
/** A credentials token the partner issued: we present it when calling the partner. */
export type PartnerToken = string & { readonly [partnerTokenBrand]: true };

export const ourToken = (value: string): OurToken => value as OurToken;
export const partnerToken = (value: string): PartnerToken => value as PartnerToken;

/**
 * PENDING: a handshake we started is in progress. AWAITING_APPROVAL: the partner registered, and the
 * operator's policy holds its roles for approval (`approvePartner`). In both it may only read our
 * versions and credentials.
 */
export type PartnerStatus = 'PENDING' | 'AWAITING_APPROVAL' | 'REGISTERED' | 'SUSPENDED' | 'UNREGISTERED';

/** How the credentials token travels in `Authorization: Token ...`: Base64 as 2.2.1 requires, or raw as many 2.1.1/2.2 platforms do. */
export type TokenEncoding = 'base64' | 'raw';

/** A platform we exchange OCPI with. */
export interface Partner {
  id: string;
  status: PartnerStatus;
  /** The roles the partner holds: those the operator's policy granted (see `PartnerPolicy`). */
  roles: CredentialsRole[];
  /** The roles its last registration or credentials update asked for, while they wait for the operator's decision. */
  requestedRoles?: CredentialsRole[];
  /**
   * For a hub of OCPI 2.3.0: the parties its Credentials list as reachable through it (credentials
   * 2.3.0, note under "Credentials object"). They are not roles it holds: it serves them only while it
   * holds a granted HUB role, and never a party registered with us directly (`hubServesParty`).
   */
  reachable?: CredentialsRole[];
  /** The partner's versions endpoint. */
  versionsUrl?: string;
  /** The OCPI version both sides agreed on. */
  version?: string;
  endpoints: Endpoint[];
  /**
   * SHA-256 hex of the token we issued to the partner; the token itself is never stored. A persistent
   * store returns it in its own keyed form (`k1:...`), which it accepts back as is.
   */
  inboundTokenHash?: string;
  /** The token the partner issued to us, sent on every call to the partner. */
  outboundToken?: PartnerToken;
  /** How the partner sends its token to us, and how we send ours to it. */
  tokenEncoding: TokenEncoding;
  /** What the operator set for this partner's defects and preferences (strict enums, page size cap, ...). */
  quirks?: PartnerQuirks;
  createdAt: string;
  updatedAt: string;
}

/** A registration token ("token A") the operator issued out of band for a new partner. */
export interface RegistrationToken {
  id: string;
  /** SHA-256 hex of the token (a persistent store returns its keyed form). */
  hash: string;
  label?: string;
  createdAt: string;
  expiresAt?: string;
  revokedAt?: string;
  /** Set once a partner registered with it: token A is dead from then on. */
  usedAt?: string;
  usedByPartnerId?: string;
}

/** A store refused to save a partner: another partner (not unregistered) holds one of its parties. */
export class PartyTakenError extends Error {
  constructor(readonly party: PartyRef) {
    super(`${party.country_code}/${party.party_id} is registered by another partner`);
    this.name = 'PartyTakenError';
  }
}
