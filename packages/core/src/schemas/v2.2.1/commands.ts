/** OCPI 2.2.1 Commands module objects (mod_commands.asciidoc), defined once in schemas/common/commands.ts. */

import type { Static } from '@sinclair/typebox';
import { commandSchemas } from '../common/commands.js';
import * as enums from './enums.js';
import { Token } from './tokens.js';

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
