/** The object types of OCPI 2.2.1 per module (see `objectTypes`). */
import { objectTypes } from '../common/objects.js';
import * as cdrs from './cdrs.js';
import * as chargingProfiles from './charging-profiles.js';
import * as commands from './commands.js';
import * as locations from './locations.js';
import * as parties from './parties.js';
import * as patches from './patches.js';
import * as sessions from './sessions.js';
import * as tariffs from './tariffs.js';
import * as tokens from './tokens.js';

export const MODULE_OBJECTS = {
  locations: ['Location', 'EVSE', 'Connector'],
  sessions: ['Session', 'ChargingPreferences'],
  cdrs: ['CDR'],
  tariffs: ['Tariff'],
  tokens: ['Token', 'AuthorizationInfo', 'LocationReferences'],
  commands: ['CancelReservation', 'ReserveNow', 'StartSession', 'StopSession', 'UnlockConnector', 'CommandResponse', 'CommandResult'],
  chargingprofiles: ['SetChargingProfile', 'ChargingProfileResponse', 'ActiveChargingProfileResult', 'ChargingProfileResult', 'ClearProfileResult'],
  hubclientinfo: ['ClientInfo'],
  credentials: ['Credentials'],
  versions: ['Version', 'VersionDetails'],
} as const;

/** Object type name -> module, schema and PATCH schema, for OCPI 2.2.1. */
export const OBJECT_TYPES = objectTypes(
  { ...locations, ...sessions, ...cdrs, ...tariffs, ...tokens, ...commands, ...chargingProfiles, ...parties, ...patches },
  MODULE_OBJECTS,
);
