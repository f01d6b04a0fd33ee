// Compile-time proof, checked by the core's `tsc` (style habit 7): a token we issued, or a plain
// string, cannot be sent where the partner's token belongs.
import { ourToken, partnerToken } from '../partners/partner.js';
import type { OcpiCall } from './client.js';

const call = { method: 'GET', url: 'https://partner.test/ocpi/versions', encoding: 'base64' } as const;

export const theirs: OcpiCall = { ...call, token: partnerToken('issued-by-the-partner') };
// @ts-expect-error an OurToken is never sent to the partner
export const ours: OcpiCall = { ...call, token: ourToken('issued-by-us') };
// @ts-expect-error a plain string must first be branded as the partner's token
export const plain: OcpiCall = { ...call, token: 'unbranded' };
