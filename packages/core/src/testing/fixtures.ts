// Fixtures shared by the packages' test suites.
import { hashToken } from '../auth/tokens.js';
import type { CredentialsRole, Partner, TokenEncoding } from '../partners/partner.js';
import type { OcpiStore } from '../store/types.js';

export const CPO_ROLE: CredentialsRole = { role: 'CPO', country_code: 'NL', party_id: 'CPO', business_details: { name: 'Test CPO' } };
export const EMSP_ROLE: CredentialsRole = { role: 'EMSP', country_code: 'DE', party_id: 'MSP', business_details: { name: 'Test eMSP' } };

/** Registers a partner directly in the store, as a completed handshake would. */
export async function addPartner(
  store: OcpiStore,
  options: { id?: string; token: string; roles?: CredentialsRole[]; encoding?: TokenEncoding; status?: Partner['status'] },
): Promise<Partner> {
  const now = new Date().toISOString();
  const partner: Partner = {
    id: options.id ?? `partner-${options.token}`,
    status: options.status ?? 'REGISTERED',
    roles: options.roles ?? [EMSP_ROLE],
    version: '2.2.1',
    endpoints: [],
    inboundTokenHash: await hashToken(options.token),
    tokenEncoding: options.encoding ?? 'base64',
    createdAt: now,
    updatedAt: now,
  };
  await store.partners.save(partner);
  return partner;
}

/** `Authorization` header value for a token, Base64 as OCPI 2.2.1 requires. */
export const tokenHeader = (token: string): string => `Token ${btoa(token)}`;

/** A secret key for stores in tests (`secretKey` of the SQL stores): 32 characters or more. */
export const TEST_SECRET_KEY = 'ocpi-ts test secret key, never used in production';
