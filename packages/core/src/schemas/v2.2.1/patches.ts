/**
 * PATCH bodies of OCPI 2.2.1 (see `patchOf`): Locations (Location, EVSE or Connector, depending on the
 * URL), Sessions and Tokens. Tariffs, CDRs, Credentials and Hub Client Info have no PATCH.
 */
import type { Static } from '@sinclair/typebox';
import { patchOf } from '../patch.js';
import { Connector, EVSE, Location } from './locations.js';
import { Session } from './sessions.js';
import { Token } from './tokens.js';

/** mod_locations "PATCH Method" on a Location. */
export const LocationPatch = patchOf(Location);
export type LocationPatch = Static<typeof LocationPatch>;

/** mod_locations "PATCH Method" on an EVSE. */
export const EvsePatch = patchOf(EVSE);
export type EvsePatch = Static<typeof EvsePatch>;

/** mod_locations "PATCH Method" on a Connector. */
export const ConnectorPatch = patchOf(Connector);
export type ConnectorPatch = Static<typeof ConnectorPatch>;

/**
 * mod_sessions "PATCH Method": works on the whole Session only. `charging_periods` in a PATCH are
 * appended to the existing list (that merge rule belongs to the receiver, not to the schema).
 */
export const SessionPatch = patchOf(Session);
export type SessionPatch = Static<typeof SessionPatch>;

/** mod_tokens "PATCH Method". */
export const TokenPatch = patchOf(Token);
export type TokenPatch = Static<typeof TokenPatch>;
