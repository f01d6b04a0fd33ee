/** OCPI 2.2.1 Hub Client Info module objects (mod_hub_client_info.asciidoc "Object description"). */

import type { Static } from '@sinclair/typebox';
import { Type } from '@sinclair/typebox';
import { ConnectionStatus, Role } from './enums.js';
import { CiString, DateTime } from './types.js';

/** mod_hub_client_info "ClientInfo Object". */
export const ClientInfo = Type.Object(
  {
    party_id: CiString(3),
    country_code: CiString(2),
    role: Role,
    status: ConnectionStatus,
    last_updated: DateTime,
  },
  { title: 'ClientInfo' },
);
export type ClientInfo = Static<typeof ClientInfo>;
