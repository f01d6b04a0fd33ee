/** OCPI 2.2.1 Credentials module objects (credentials.asciidoc "Object description" and "Data types"). */

import type { Static } from '@sinclair/typebox';
import { Type } from '@sinclair/typebox';
import { Role } from './enums.js';
import { BusinessDetails, CiString, OcpiString, Url } from './types.js';

/** credentials "CredentialsRole class". */
export const CredentialsRole = Type.Object(
  {
    role: Role,
    business_details: BusinessDetails,
    party_id: CiString(3),
    country_code: CiString(2),
  },
  { title: 'CredentialsRole' },
);
export type CredentialsRole = Static<typeof CredentialsRole>;

/**
 * credentials "Credentials object". `token` is string(64); the text says it "should only contain"
 * printable non-whitespace ASCII (U+0021 to U+007E): a recommendation, so only the string(64) rules
 * are enforced. `roles` has cardinality + (at least one).
 */
export const Credentials = Type.Object(
  {
    token: OcpiString(64),
    url: Url,
    roles: Type.Array(CredentialsRole, { minItems: 1 }),
  },
  { title: 'Credentials' },
);
export type Credentials = Static<typeof Credentials>;
