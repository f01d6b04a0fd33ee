/** Tokens module objects (mod_tokens "Object description" and "Data types") of 2.2.1 and 2.3.0. */
import type { TSchema } from '@sinclair/typebox';
import { Type } from '@sinclair/typebox';
import { CiString, DateTime, DisplayText, OcpiString } from './basic.js';
import type { Parts } from './compose.js';

/** What the Tokens objects are built from, in one version. */
export interface TokenParts {
  AllowedType: TSchema;
  ProfileType: TSchema;
  TokenType: TSchema;
  WhitelistType: TSchema;
}

export function tokenSchemas<P extends TokenParts>(parts: Parts<P>) {
  /** mod_tokens "EnergyContract class". */
  const EnergyContract = Type.Object(
    {
      supplier_name: OcpiString(64),
      contract_id: Type.Optional(OcpiString(64)),
    },
    { title: 'EnergyContract' },
  );

  /** mod_tokens "LocationReferences class". */
  const LocationReferences = Type.Object(
    {
      location_id: CiString(36),
      evse_uids: Type.Optional(Type.Array(CiString(36))),
    },
    { title: 'LocationReferences' },
  );

  /** mod_tokens "Token Object". */
  const Token = Type.Object(
    {
      country_code: CiString(2),
      party_id: CiString(3),
      uid: CiString(36),
      type: parts.TokenType,
      contract_id: CiString(36),
      visual_number: Type.Optional(OcpiString(64)),
      issuer: OcpiString(64),
      group_id: Type.Optional(CiString(36)),
      valid: Type.Boolean(),
      whitelist: parts.WhitelistType,
      language: Type.Optional(OcpiString(2)),
      default_profile_type: Type.Optional(parts.ProfileType),
      energy_contract: Type.Optional(EnergyContract),
      last_updated: DateTime,
    },
    { title: 'Token' },
  );

  /** mod_tokens "AuthorizationInfo Object" (response of real-time authorization). */
  const AuthorizationInfo = Type.Object(
    {
      allowed: parts.AllowedType,
      token: Token,
      location: Type.Optional(LocationReferences),
      authorization_reference: Type.Optional(CiString(36)),
      info: Type.Optional(DisplayText),
    },
    { title: 'AuthorizationInfo' },
  );

  return { EnergyContract, LocationReferences, Token, AuthorizationInfo };
}
