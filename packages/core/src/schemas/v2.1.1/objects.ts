/** The object types of OCPI 2.1.1 per module (see `objectTypes`). */
import { objectTypes } from '../common/objects.js';
import * as cdrs from './cdrs.js';
import * as locations from './locations.js';
import * as parties from './parties.js';
import * as patches from './patches.js';
import * as tariffs from './tariffs.js';
import * as tokens from './tokens.js';

export const MODULE_OBJECTS = {
  locations: ['Location', 'EVSE', 'Connector'],
  sessions: ['Session'],
  cdrs: ['CDR'],
  tariffs: ['Tariff'],
  tokens: ['Token', 'AuthorizationInfo', 'LocationReferences'],
  commands: ['ReserveNow', 'StartSession', 'StopSession', 'UnlockConnector', 'CommandResponse'],
  credentials: ['Credentials'],
  versions: ['Version', 'VersionDetails'],
} as const;

/** Object type name -> module, schema and PATCH schema, for OCPI 2.1.1. */
export const OBJECT_TYPES = objectTypes({ ...locations, ...tariffs, ...cdrs, ...tokens, ...parties, ...patches }, MODULE_OBJECTS);
