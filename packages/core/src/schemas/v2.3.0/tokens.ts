/** OCPI 2.3.0 Tokens and Commands module objects (mod_tokens, mod_commands), defined once in schemas/common/. */

import type { Static } from '@sinclair/typebox';
import { commandSchemas } from '../common/commands.js';
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

const commands = commandSchemas({ ...enums, Token });
export const CancelReservation = commands.CancelReservation;
export const CommandResponse = commands.CommandResponse;
export const CommandResult = commands.CommandResult;
export const ReserveNow = commands.ReserveNow;
export const StartSession = commands.StartSession;
export const StopSession = commands.StopSession;
export const UnlockConnector = commands.UnlockConnector;
export const CommandRequestSchemas = commands.CommandRequestSchemas;
export type CancelReservation = Static<typeof CancelReservation>;
export type CommandResponse = Static<typeof CommandResponse>;
export type CommandResult = Static<typeof CommandResult>;
export type ReserveNow = Static<typeof ReserveNow>;
export type StartSession = Static<typeof StartSession>;
export type StopSession = Static<typeof StopSession>;
export type UnlockConnector = Static<typeof UnlockConnector>;
