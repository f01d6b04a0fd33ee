/**
 * PATCH bodies of OCPI 2.1.1: "the fields/objects that have to be updated have to be present, other
 * fields/objects that are not specified are considered unchanged". 2.1.1 does not require
 * `last_updated` in a PATCH (its examples have none), so every field is optional. Locations (Location,
 * EVSE or Connector, by URL), Sessions and Tariffs on the eMSP side, Tokens on the CPO side.
 */
import type { Static } from '@sinclair/typebox';
import { partialPatchOf } from '../patch.js';
import { Session } from './cdrs.js';
import { Connector, EVSE, Location } from './locations.js';
import { Tariff } from './tariffs.js';
import { Token } from './tokens.js';

export const LocationPatch = partialPatchOf(Location);
export type LocationPatch = Static<typeof LocationPatch>;
export const EvsePatch = partialPatchOf(EVSE);
export type EvsePatch = Static<typeof EvsePatch>;
export const ConnectorPatch = partialPatchOf(Connector);
export type ConnectorPatch = Static<typeof ConnectorPatch>;
export const SessionPatch = partialPatchOf(Session);
export type SessionPatch = Static<typeof SessionPatch>;
/** mod_tariffs "2.2.3 PATCH Method" (2.2 removed it). */
export const TariffPatch = partialPatchOf(Tariff);
export type TariffPatch = Static<typeof TariffPatch>;
export const TokenPatch = partialPatchOf(Token);
export type TokenPatch = Static<typeof TokenPatch>;
