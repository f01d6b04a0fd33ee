/** OCPI 2.2.1 Tokens module objects (mod_tokens.asciidoc "Object description" and "Data types"). */

import type { Static } from '@sinclair/typebox';
import { Type } from '@sinclair/typebox';
import { AllowedType, ProfileType, TokenType, WhitelistType } from './enums.js';
import { CiString, DateTime, DisplayText, OcpiString } from './types.js';

/** mod_tokens "EnergyContract class". */
export const EnergyContract = Type.Object(
  {
    supplier_name: OcpiString(64),
    contract_id: Type.Optional(OcpiString(64)),
  },
  { title: 'EnergyContract' },
);
export type EnergyContract = Static<typeof EnergyContract>;

/** mod_tokens "LocationReferences class". */
export const LocationReferences = Type.Object(
  {
    location_id: CiString(36),
    evse_uids: Type.Optional(Type.Array(CiString(36))),
  },
  { title: 'LocationReferences' },
);
export type LocationReferences = Static<typeof LocationReferences>;

/** mod_tokens "Token Object". */
export const Token = Type.Object(
  {
    country_code: CiString(2),
    party_id: CiString(3),
    uid: CiString(36),
    type: TokenType,
    contract_id: CiString(36),
    visual_number: Type.Optional(OcpiString(64)),
    issuer: OcpiString(64),
    group_id: Type.Optional(CiString(36)),
    valid: Type.Boolean(),
    whitelist: WhitelistType,
    language: Type.Optional(OcpiString(2)),
    default_profile_type: Type.Optional(ProfileType),
    energy_contract: Type.Optional(EnergyContract),
    last_updated: DateTime,
  },
  { title: 'Token' },
);
export type Token = Static<typeof Token>;

/** mod_tokens "AuthorizationInfo Object" (response of real-time authorization). */
export const AuthorizationInfo = Type.Object(
  {
    allowed: AllowedType,
    token: Token,
    location: Type.Optional(LocationReferences),
    authorization_reference: Type.Optional(CiString(36)),
    info: Type.Optional(DisplayText),
  },
  { title: 'AuthorizationInfo' },
);
export type AuthorizationInfo = Static<typeof AuthorizationInfo>;
