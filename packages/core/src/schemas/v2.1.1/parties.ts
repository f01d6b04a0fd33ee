/**
 * OCPI 2.1.1 Credentials and Versions objects (credentials.md, version_information_endpoint.md), as
 * deltas of the shared definitions: one party per Credentials object (no `roles`), endpoints without an
 * interface role.
 */

import type { Static } from '@sinclair/typebox';
import { Type } from '@sinclair/typebox';
import { OcpiString } from '../common/basic.js';
import { derive } from '../common/compose.js';
import { partySchemas } from '../common/parties.js';
import * as enums from './enums.js';
import { BusinessDetails } from './types.js';

const none = Type.Never();
const base = partySchemas({ ...enums, Role: none, InterfaceRole: none, ConnectionStatus: none, BusinessDetails, added: { Credentials: {} } });

/** credentials "2.1 Credentials object": the party itself, not a list of roles. */
export const Credentials = derive(base.Credentials, {
  omit: ['roles'],
  set: { business_details: BusinessDetails, party_id: OcpiString(3), country_code: OcpiString(2) },
});
export type Credentials = Static<typeof Credentials>;

export const Version = base.Version;
export type Version = Static<typeof Version>;

/** version_information_endpoint "Endpoint class": identifier and URL, no role. */
export const Endpoint = derive(base.Endpoint, { omit: ['role'] });
export type Endpoint = Static<typeof Endpoint>;

export const VersionDetails = derive(base.VersionDetails, { set: { endpoints: Type.Array(Endpoint, { minItems: 1 }) } });
export type VersionDetails = Static<typeof VersionDetails>;
