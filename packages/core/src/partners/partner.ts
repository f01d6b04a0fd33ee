import type { CredentialsRole, Endpoint } from '../schemas/v2.2.1/index.js';
import type { PartyRef } from '../store/types.js';

export type { BusinessDetails, CredentialsRole, Endpoint, Role } from '../schemas/v2.2.1/index.js';
export type { PartyRef };

declare const ourTokenBrand: unique symbol;
declare const partnerTokenBrand: unique symbol;

/** A credentials token we issued: the partner presents it when calling us. We keep only its hash. */
export type OurToken = string & { readonly [ourTokenBrand]: true };
/** A credentials token the partner issued: we present it when calling the partner. */
export type PartnerToken = string & { readonly [partnerTokenBrand]: true };

export const ourToken = (value: string): OurToken => value as OurToken;
export const partnerToken = (value: string): PartnerToken => value as PartnerToken;

export type PartnerStatus = 'PENDING' | 'REGISTERED' | 'SUSPENDED' | 'UNREGISTERED';

/** How the credentials token travels in `Authorization: Token ...`: Base64 as 2.2.1 requires, or raw as many 2.1.1/2.2 platforms do. */
export type TokenEncoding = 'base64' | 'raw';

/** A platform we exchange OCPI with. */
export interface Partner {
  id: string;
  status: PartnerStatus;
  roles: CredentialsRole[];
  /** The partner's versions endpoint. */
  versionsUrl?: string;
  /** The OCPI version both sides agreed on. */
  version?: string;
  endpoints: Endpoint[];
  /** SHA-256 hex of the token we issued to the partner; the token itself is never stored. */
  inboundTokenHash?: string;
  /** The token the partner issued to us, sent on every call to the partner. */
  outboundToken?: PartnerToken;
  /** How the partner sends its token to us, and how we send ours to it. */
  tokenEncoding: TokenEncoding;
  createdAt: string;
  updatedAt: string;
}

/** A registration token ("token A") the operator issued out of band for a new partner. */
export interface RegistrationToken {
  id: string;
  /** SHA-256 hex of the token. */
  hash: string;
  label?: string;
  createdAt: string;
  expiresAt?: string;
  revokedAt?: string;
  /** Set once a partner registered with it: token A is dead from then on. */
  usedAt?: string;
  usedByPartnerId?: string;
}
