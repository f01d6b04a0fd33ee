/**
 * OCPI 2.1.1 Tokens and Commands module objects (mod_tokens.md, mod_commands.md), as deltas of the
 * shared definitions: a Token is identified by `uid` and carries the driver's contract as `auth_id`; an
 * AuthorizationInfo carries no Token; commands have no CANCEL_RESERVATION and no authorization
 * reference, and the CommandResponse only a result.
 */

import type { Static } from '@sinclair/typebox';
import { Type } from '@sinclair/typebox';
import { OcpiString } from '../common/basic.js';
import { commandSchemas } from '../common/commands.js';
import { derive } from '../common/compose.js';
import { tokenSchemas } from '../common/tokens.js';
import * as enums from './enums.js';

const none = Type.Never();
const tokenBase = tokenSchemas({ ...enums, ProfileType: none });

/** mod_tokens "4.2 LocationReferences class": ids of up to 39 characters, and `connector_ids`. */
export const LocationReferences = derive(tokenBase.LocationReferences, {
  set: {
    location_id: OcpiString(39),
    evse_uids: Type.Optional(Type.Array(OcpiString(39))),
    connector_ids: Type.Optional(Type.Array(OcpiString(36))),
  },
});
export type LocationReferences = Static<typeof LocationReferences>;

/** mod_tokens "3.2 Token Object". */
export const Token = derive(tokenBase.Token, {
  omit: ['country_code', 'party_id', 'contract_id', 'group_id', 'default_profile_type', 'energy_contract'],
  set: { uid: OcpiString(36), auth_id: OcpiString(36) },
});
export type Token = Static<typeof Token>;

/** mod_tokens "3.1 AuthorizationInfo Object". */
export const AuthorizationInfo = derive(tokenBase.AuthorizationInfo, {
  omit: ['token', 'authorization_reference'],
  set: { location: Type.Optional(LocationReferences) },
});
export type AuthorizationInfo = Static<typeof AuthorizationInfo>;

const commandBase = commandSchemas({ ...enums, CommandResultType: none, Token });
/** Location and EVSE ids in 2.1.1 commands are string(39). */
const location = { location_id: OcpiString(39), evse_uid: Type.Optional(OcpiString(39)) };

/** mod_commands "3.1 CommandResponse Object": the result as sent by the Charge Point, only. */
export const CommandResponse = derive(commandBase.CommandResponse, { omit: ['timeout', 'message'] });
export type CommandResponse = Static<typeof CommandResponse>;

/** mod_commands "3.2 ReserveNow Object": `reservation_id` is an int. */
export const ReserveNow = derive(commandBase.ReserveNow, { omit: ['authorization_reference'], set: { reservation_id: Type.Integer(), ...location } });
export type ReserveNow = Static<typeof ReserveNow>;

/** mod_commands "3.3 StartSession Object". */
export const StartSession = derive(commandBase.StartSession, { omit: ['connector_id', 'authorization_reference'], set: location });
export type StartSession = Static<typeof StartSession>;

/** mod_commands "3.4 StopSession Object". */
export const StopSession = derive(commandBase.StopSession, { set: { session_id: OcpiString(36) } });
export type StopSession = Static<typeof StopSession>;

/** mod_commands "3.5 UnlockConnector Object". */
export const UnlockConnector = derive(commandBase.UnlockConnector, {
  set: { location_id: OcpiString(39), evse_uid: OcpiString(39), connector_id: OcpiString(36) },
});
export type UnlockConnector = Static<typeof UnlockConnector>;

/** mod_commands "2.1.1 POST Method" request body per CommandType. */
export const CommandRequestSchemas = {
  RESERVE_NOW: ReserveNow,
  START_SESSION: StartSession,
  STOP_SESSION: StopSession,
  UNLOCK_CONNECTOR: UnlockConnector,
} as const;
