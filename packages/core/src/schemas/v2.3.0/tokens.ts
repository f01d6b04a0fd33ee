/** OCPI 2.3.0 Tokens and Commands module objects (mod_tokens, mod_commands), defined once in schemas/shared/. */

import type { Static } from '@sinclair/typebox';
import { commandSchemas } from '../shared/commands.js';
import { tokenSchemas } from '../shared/tokens.js';
import * as enums from './enums.js';

export const { EnergyContract, LocationReferences, Token, AuthorizationInfo } = tokenSchemas(enums);
export type EnergyContract = Static<typeof EnergyContract>;
export type LocationReferences = Static<typeof LocationReferences>;
export type Token = Static<typeof Token>;
export type AuthorizationInfo = Static<typeof AuthorizationInfo>;

export const { CancelReservation, CommandResponse, CommandResult, ReserveNow, StartSession, StopSession, UnlockConnector, CommandRequestSchemas } =
  commandSchemas({ ...enums, Token });
export type CancelReservation = Static<typeof CancelReservation>;
export type CommandResponse = Static<typeof CommandResponse>;
export type CommandResult = Static<typeof CommandResult>;
export type ReserveNow = Static<typeof ReserveNow>;
export type StartSession = Static<typeof StartSession>;
export type StopSession = Static<typeof StopSession>;
export type UnlockConnector = Static<typeof UnlockConnector>;
