/** OCPI 2.2.1 Commands module objects (mod_commands.asciidoc), defined once in schemas/shared/commands.ts. */

import type { Static } from '@sinclair/typebox';
import { commandSchemas } from '../shared/commands.js';
import * as enums from './enums.js';
import { Token } from './tokens.js';

export const { CancelReservation, CommandResponse, CommandResult, ReserveNow, StartSession, StopSession, UnlockConnector, CommandRequestSchemas } =
  commandSchemas({ ...enums, Token });
export type CancelReservation = Static<typeof CancelReservation>;
export type CommandResponse = Static<typeof CommandResponse>;
export type CommandResult = Static<typeof CommandResult>;
export type ReserveNow = Static<typeof ReserveNow>;
export type StartSession = Static<typeof StartSession>;
export type StopSession = Static<typeof StopSession>;
export type UnlockConnector = Static<typeof UnlockConnector>;
