// Roles and the Authorization header shared by the tests and the public testing kit.
import { authorizationHeader } from '../auth/tokens.js';
import type { CredentialsRole } from '../partners/partner.js';

/** The party a test node plays by default: a CPO, NL*CPO. */
export const CPO_ROLE: CredentialsRole = { role: 'CPO', country_code: 'NL', party_id: 'CPO', business_details: { name: 'Test CPO' } };
/** The party a test partner plays by default: an eMSP, DE*MSP. */
export const EMSP_ROLE: CredentialsRole = { role: 'EMSP', country_code: 'DE', party_id: 'MSP', business_details: { name: 'Test eMSP' } };

/** `Authorization` header value for a token, Base64 as OCPI 2.2.1 requires. */
export const tokenHeader = (token: string): string => authorizationHeader(token, 'base64');

/** A secret key for stores in tests (`secretKey` of the SQL stores): 32 characters or more. */
export const TEST_SECRET_KEY = 'ocpi-ts test secret key, never used in production';
