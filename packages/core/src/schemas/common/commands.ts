/** Commands module objects (mod_commands "Object description") of 2.2.1 and 2.3.0. */
import type { TSchema } from '@sinclair/typebox';
import { Type } from '@sinclair/typebox';
import { CiString, DateTime, DisplayText, Url } from './basic.js';
import type { Parts } from './compose.js';

/** What the Commands objects are built from, in one version. */
export interface CommandParts {
  CommandResponseType: TSchema;
  CommandResultType: TSchema;
  Token: TSchema;
}

export function commandSchemas<P extends CommandParts>(parts: Parts<P>) {
  /** mod_commands "CancelReservation Object" (body of POST commands/CANCEL_RESERVATION). */
  const CancelReservation = Type.Object(
    {
      response_url: Url,
      reservation_id: CiString(36),
    },
    { title: 'CancelReservation' },
  );

  /** mod_commands "CommandResponse Object": the Receiver's synchronous answer to a command. */
  const CommandResponse = Type.Object(
    {
      result: parts.CommandResponseType,
      timeout: Type.Integer(),
      message: Type.Optional(Type.Array(DisplayText)),
    },
    { title: 'CommandResponse' },
  );

  /** mod_commands "CommandResult Object": the asynchronous result POSTed to `response_url`. */
  const CommandResult = Type.Object(
    {
      result: parts.CommandResultType,
      message: Type.Optional(Type.Array(DisplayText)),
    },
    { title: 'CommandResult' },
  );

  /** mod_commands "ReserveNow Object" (body of POST commands/RESERVE_NOW). */
  const ReserveNow = Type.Object(
    {
      response_url: Url,
      token: parts.Token,
      expiry_date: DateTime,
      reservation_id: CiString(36),
      location_id: CiString(36),
      evse_uid: Type.Optional(CiString(36)),
      authorization_reference: Type.Optional(CiString(36)),
    },
    { title: 'ReserveNow' },
  );

  /**
   * mod_commands "StartSession Object" (body of POST commands/START_SESSION). `evse_uid` is "required
   * when `connector_id` is set".
   */
  const StartSession = Type.Object(
    {
      response_url: Url,
      token: parts.Token,
      location_id: CiString(36),
      evse_uid: Type.Optional(CiString(36)),
      connector_id: Type.Optional(CiString(36)),
      authorization_reference: Type.Optional(CiString(36)),
    },
    { title: 'StartSession', dependencies: { connector_id: ['evse_uid'] } },
  );

  /** mod_commands "StopSession Object" (body of POST commands/STOP_SESSION). */
  const StopSession = Type.Object(
    {
      response_url: Url,
      session_id: CiString(36),
    },
    { title: 'StopSession' },
  );

  /** mod_commands "UnlockConnector Object" (body of POST commands/UNLOCK_CONNECTOR). */
  const UnlockConnector = Type.Object(
    {
      response_url: Url,
      location_id: CiString(36),
      evse_uid: CiString(36),
      connector_id: CiString(36),
    },
    { title: 'UnlockConnector' },
  );

  /**
   * mod_commands "Request Body" of POST `{commands_endpoint_url}/{command}`: the body schema to use for
   * each CommandType (the URL segment decides, the body carries no discriminator).
   */
  const CommandRequestSchemas = {
    CANCEL_RESERVATION: CancelReservation,
    RESERVE_NOW: ReserveNow,
    START_SESSION: StartSession,
    STOP_SESSION: StopSession,
    UNLOCK_CONNECTOR: UnlockConnector,
  } as const;

  return { CancelReservation, CommandResponse, CommandResult, ReserveNow, StartSession, StopSession, UnlockConnector, CommandRequestSchemas };
}
