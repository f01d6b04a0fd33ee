/** OCPI 2.2.1 Commands module objects (mod_commands.asciidoc "Object description"). */

import type { Static } from '@sinclair/typebox';
import { Type } from '@sinclair/typebox';
import type { CommandType } from './enums.js';
import { CommandResponseType, CommandResultType } from './enums.js';
import { Token } from './tokens.js';
import { CiString, DateTime, DisplayText, Url } from './types.js';

/** mod_commands "CancelReservation Object" (body of POST commands/CANCEL_RESERVATION). */
export const CancelReservation = Type.Object(
  {
    response_url: Url,
    reservation_id: CiString(36),
  },
  { title: 'CancelReservation' },
);
export type CancelReservation = Static<typeof CancelReservation>;

/** mod_commands "CommandResponse Object": the Receiver's synchronous answer to a command. */
export const CommandResponse = Type.Object(
  {
    result: CommandResponseType,
    timeout: Type.Integer(),
    message: Type.Optional(Type.Array(DisplayText)),
  },
  { title: 'CommandResponse' },
);
export type CommandResponse = Static<typeof CommandResponse>;

/** mod_commands "CommandResult Object": the asynchronous result POSTed to `response_url`. */
export const CommandResult = Type.Object(
  {
    result: CommandResultType,
    message: Type.Optional(Type.Array(DisplayText)),
  },
  { title: 'CommandResult' },
);
export type CommandResult = Static<typeof CommandResult>;

/** mod_commands "ReserveNow Object" (body of POST commands/RESERVE_NOW). */
export const ReserveNow = Type.Object(
  {
    response_url: Url,
    token: Token,
    expiry_date: DateTime,
    reservation_id: CiString(36),
    location_id: CiString(36),
    evse_uid: Type.Optional(CiString(36)),
    authorization_reference: Type.Optional(CiString(36)),
  },
  { title: 'ReserveNow' },
);
export type ReserveNow = Static<typeof ReserveNow>;

/**
 * mod_commands "StartSession Object" (body of POST commands/START_SESSION). `evse_uid` is "required when
 * `connector_id` is set".
 */
export const StartSession = Type.Object(
  {
    response_url: Url,
    token: Token,
    location_id: CiString(36),
    evse_uid: Type.Optional(CiString(36)),
    connector_id: Type.Optional(CiString(36)),
    authorization_reference: Type.Optional(CiString(36)),
  },
  { title: 'StartSession', dependencies: { connector_id: ['evse_uid'] } },
);
export type StartSession = Static<typeof StartSession>;

/** mod_commands "StopSession Object" (body of POST commands/STOP_SESSION). */
export const StopSession = Type.Object(
  {
    response_url: Url,
    session_id: CiString(36),
  },
  { title: 'StopSession' },
);
export type StopSession = Static<typeof StopSession>;

/** mod_commands "UnlockConnector Object" (body of POST commands/UNLOCK_CONNECTOR). */
export const UnlockConnector = Type.Object(
  {
    response_url: Url,
    location_id: CiString(36),
    evse_uid: CiString(36),
    connector_id: CiString(36),
  },
  { title: 'UnlockConnector' },
);
export type UnlockConnector = Static<typeof UnlockConnector>;

/**
 * mod_commands "Request Body" of POST `{commands_endpoint_url}/{command}`: the body schema to use for
 * each CommandType (the URL segment decides, the body carries no discriminator).
 */
export const CommandRequestSchemas = {
  CANCEL_RESERVATION: CancelReservation,
  RESERVE_NOW: ReserveNow,
  START_SESSION: StartSession,
  STOP_SESSION: StopSession,
  UNLOCK_CONNECTOR: UnlockConnector,
} as const satisfies Record<CommandType, unknown>;
