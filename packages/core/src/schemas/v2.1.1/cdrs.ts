/**
 * OCPI 2.1.1 CDRs and Sessions module objects (mod_cdrs.md, mod_sessions.md), as deltas of the shared
 * definitions: both embed the Location (with only the relevant EVSE and Connector), name the Token by
 * `auth_id` (no `cdr_token`), carry costs as plain numbers excluding VAT, and carry no owner fields.
 */

import type { Static } from '@sinclair/typebox';
import { Type } from '@sinclair/typebox';
import { CiString, DateTime, OcpiString } from '../common/basic.js';
import { cdrSchemas } from '../common/cdrs.js';
import { derive } from '../common/compose.js';
import { sessionSchemas } from '../common/sessions.js';
import * as enums from './enums.js';
import { Location } from './locations.js';
import { Tariff } from './tariffs.js';
import { GeoLocation } from './types.js';

// Not in 2.1.1 (Price, ProfileType, CdrToken): the fields that use them are left out or replaced below.
const none = Type.Never();
const cdrBase = cdrSchemas({ ...enums, GeoLocation, Price: none, Tariff, added: { CDR: {} } });

/** mod_cdrs "4.2 CdrDimension class" (2.1.1's CdrDimensionType). */
export const CdrDimension = cdrBase.CdrDimension;
export type CdrDimension = Static<typeof CdrDimension>;

/** mod_cdrs "4.4 ChargingPeriod class" (no `tariff_id`). */
export const ChargingPeriod = derive(cdrBase.ChargingPeriod, { omit: ['tariff_id'] });
export type ChargingPeriod = Static<typeof ChargingPeriod>;

/** The fields by which 2.1.1 Sessions and CDRs name their Token and Location. */
const tokenAndLocation = { auth_id: OcpiString(36), location: Location };

/** mod_cdrs "3.1 CDR Object". */
export const CDR = derive(cdrBase.CDR, {
  omit: [
    'country_code',
    'party_id',
    'end_date_time',
    'session_id',
    'cdr_token',
    'authorization_reference',
    'cdr_location',
    'signed_data',
    'total_fixed_cost',
    'total_energy_cost',
    'total_time_cost',
    'total_parking_cost',
    'total_reservation_cost',
    'invoice_reference_id',
    'credit',
    'credit_reference_id',
    'home_charging_compensation',
  ],
  set: {
    id: CiString(36),
    stop_date_time: DateTime,
    ...tokenAndLocation,
    charging_periods: Type.Array(ChargingPeriod, { minItems: 1 }),
    total_cost: Type.Number(),
  },
});
export type CDR = Static<typeof CDR>;

const sessionBase = sessionSchemas({ ...enums, ProfileType: none, CdrToken: none, ChargingPeriod, Price: none });

/** mod_sessions "3.1 Session Object": `start_datetime`/`end_datetime`, `total_cost` a number. */
export const Session = derive(sessionBase.Session, {
  omit: ['country_code', 'party_id', 'start_date_time', 'end_date_time', 'cdr_token', 'authorization_reference', 'location_id', 'evse_uid', 'connector_id'],
  set: {
    id: OcpiString(36),
    start_datetime: DateTime,
    end_datetime: Type.Optional(DateTime),
    ...tokenAndLocation,
    total_cost: Type.Optional(Type.Number()),
  },
});
export type Session = Static<typeof Session>;
