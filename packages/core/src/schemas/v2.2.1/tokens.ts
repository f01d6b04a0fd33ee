/** OCPI 2.2.1 Tokens module objects (mod_tokens.asciidoc), defined once in schemas/shared/tokens.ts. */

import type { Static } from '@sinclair/typebox';
import { tokenSchemas } from '../shared/tokens.js';
import * as enums from './enums.js';

export const { EnergyContract, LocationReferences, Token, AuthorizationInfo } = tokenSchemas(enums);
export type EnergyContract = Static<typeof EnergyContract>;
export type LocationReferences = Static<typeof LocationReferences>;
export type Token = Static<typeof Token>;
export type AuthorizationInfo = Static<typeof AuthorizationInfo>;
