/** OCPI 2.2.1 Sessions module objects (mod_sessions.asciidoc), defined once in schemas/shared/sessions.ts. */

import type { Static } from '@sinclair/typebox';
import { sessionSchemas } from '../shared/sessions.js';
import { CdrToken, ChargingPeriod } from './cdrs.js';
import * as enums from './enums.js';
import { Price } from './types.js';

export const { Session, ChargingPreferences } = sessionSchemas({ ...enums, CdrToken, ChargingPeriod, Price });
export type Session = Static<typeof Session>;
export type ChargingPreferences = Static<typeof ChargingPreferences>;
