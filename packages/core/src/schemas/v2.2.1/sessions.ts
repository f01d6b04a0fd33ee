/** OCPI 2.2.1 Sessions module objects (mod_sessions.asciidoc), defined once in schemas/common/sessions.ts. */

import type { Static } from '@sinclair/typebox';
import { sessionSchemas } from '../common/sessions.js';
import { CdrToken, ChargingPeriod } from './cdrs.js';
import * as enums from './enums.js';
import { Price } from './types.js';

const sessions = sessionSchemas({ ...enums, CdrToken, ChargingPeriod, Price });
export const Session = sessions.Session;
export const ChargingPreferences = sessions.ChargingPreferences;
export type Session = Static<typeof Session>;
export type ChargingPreferences = Static<typeof ChargingPreferences>;
