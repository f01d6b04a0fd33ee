/** OCPI 2.2.1 Tokens module objects (mod_tokens.asciidoc), defined once in schemas/common/tokens.ts. */

import type { Static } from '@sinclair/typebox';
import { tokenSchemas } from '../common/tokens.js';
import * as enums from './enums.js';

const tokens = tokenSchemas(enums);
export const EnergyContract = tokens.EnergyContract;
export const LocationReferences = tokens.LocationReferences;
export const Token = tokens.Token;
export const AuthorizationInfo = tokens.AuthorizationInfo;
export type EnergyContract = Static<typeof EnergyContract>;
export type LocationReferences = Static<typeof LocationReferences>;
export type Token = Static<typeof Token>;
export type AuthorizationInfo = Static<typeof AuthorizationInfo>;
