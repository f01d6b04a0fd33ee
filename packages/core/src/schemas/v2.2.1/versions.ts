/** OCPI 2.2.1 Versions module objects (version_information_endpoint.asciidoc). */

import type { Static } from '@sinclair/typebox';
import { Type } from '@sinclair/typebox';
import { InterfaceRole, ModuleID, VersionNumber } from './enums.js';
import { Url } from './types.js';

/** version_information_endpoint "Version class" (items of the version information response). */
export const Version = Type.Object(
  {
    version: VersionNumber,
    url: Url,
  },
  { title: 'Version' },
);
export type Version = Static<typeof Version>;

/** version_information_endpoint "Endpoint class". `identifier` is an open ModuleID. */
export const Endpoint = Type.Object(
  {
    identifier: ModuleID,
    role: InterfaceRole,
    url: Url,
  },
  { title: 'Endpoint' },
);
export type Endpoint = Static<typeof Endpoint>;

/** version_information_endpoint "Version details endpoint" data. `endpoints` has cardinality +. */
export const VersionDetails = Type.Object(
  {
    version: VersionNumber,
    endpoints: Type.Array(Endpoint, { minItems: 1 }),
  },
  { title: 'VersionDetails' },
);
export type VersionDetails = Static<typeof VersionDetails>;
