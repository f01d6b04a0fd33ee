/** The object types of OCPI 2.3.0 per module (see `objectTypes`): 2.2.1's, Payments' and Bookings'. */
import { objectTypes } from '../common/objects.js';
import * as chargingProfiles from '../v2.2.1/charging-profiles.js';
import { MODULE_OBJECTS as MODULE_OBJECTS_2_2_1 } from '../v2.2.1/objects.js';
import * as bookings from './bookings.js';
import * as cdrs from './cdrs.js';
import * as locations from './locations.js';
import * as parties from './parties.js';
import * as patches from './patches.js';
import * as payments from './payments.js';
import * as tariffs from './tariffs.js';
import * as tokens from './tokens.js';

export const MODULE_OBJECTS = {
  ...MODULE_OBJECTS_2_2_1,
  payments: ['Terminal', 'NewTerminal', 'TerminalActivation', 'FinancialAdviceConfirmation'],
  bookings: ['BookingLocation', 'Calendar', 'Booking', 'BookingRequest'],
} as const;

/** Object type name -> module, schema and PATCH schema, for OCPI 2.3.0. */
export const OBJECT_TYPES = objectTypes(
  { ...locations, ...tariffs, ...cdrs, ...tokens, ...chargingProfiles, ...parties, ...payments, ...bookings, ...patches },
  MODULE_OBJECTS,
);
