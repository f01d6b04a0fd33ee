/**
 * The objects that name parties and endpoints, of 2.2.1 and 2.3.0: Credentials (credentials
 * "Object description"), Version and VersionDetails (version_information_endpoint), ClientInfo
 * (mod_hub_client_info). 2.3.0 adds `hub_party_id` to Credentials and has no HUB role.
 */
import type { TProperties, TSchema } from '@sinclair/typebox';
import { Type } from '@sinclair/typebox';
import { CiString, DateTime, OcpiString, Url } from './basic.js';
import type { Parts } from './compose.js';

/** What these objects are built from, in one version. */
export interface PartyParts {
  Role: TSchema;
  InterfaceRole: TSchema;
  ModuleID: TSchema;
  VersionNumber: TSchema;
  ConnectionStatus: TSchema;
  BusinessDetails: TSchema;
  /** Properties this version adds to the Credentials object. */
  added: { Credentials: TProperties };
}

export function partySchemas<P extends PartyParts>(parts: Parts<P>) {
  /** credentials "CredentialsRole class". */
  const CredentialsRole = Type.Object(
    {
      role: parts.Role,
      business_details: parts.BusinessDetails,
      party_id: CiString(3),
      country_code: CiString(2),
    },
    { title: 'CredentialsRole' },
  );

  /**
   * credentials "Credentials object". `token` is string(64); the text says it "should only contain"
   * printable non-whitespace ASCII (U+0021 to U+007E): a recommendation, so only the string(64) rules
   * are enforced. `roles` has cardinality + (at least one).
   */
  const Credentials = Type.Object(
    {
      token: OcpiString(64),
      url: Url,
      roles: Type.Array(CredentialsRole, { minItems: 1 }),
      ...(parts.added.Credentials as P['added']['Credentials']),
    },
    { title: 'Credentials' },
  );

  /** version_information_endpoint "Version class" (items of the version information response). */
  const Version = Type.Object(
    {
      version: parts.VersionNumber,
      url: Url,
    },
    { title: 'Version' },
  );

  /** version_information_endpoint "Endpoint class". `identifier` is an open ModuleID. */
  const Endpoint = Type.Object(
    {
      identifier: parts.ModuleID,
      role: parts.InterfaceRole,
      url: Url,
    },
    { title: 'Endpoint' },
  );

  /** version_information_endpoint "Version details endpoint" data. `endpoints` has cardinality +. */
  const VersionDetails = Type.Object(
    {
      version: parts.VersionNumber,
      endpoints: Type.Array(Endpoint, { minItems: 1 }),
    },
    { title: 'VersionDetails' },
  );

  /** mod_hub_client_info "ClientInfo Object". */
  const ClientInfo = Type.Object(
    {
      party_id: CiString(3),
      country_code: CiString(2),
      role: parts.Role,
      status: parts.ConnectionStatus,
      last_updated: DateTime,
    },
    { title: 'ClientInfo' },
  );

  return { CredentialsRole, Credentials, Version, Endpoint, VersionDetails, ClientInfo };
}
