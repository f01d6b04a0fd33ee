/**
 * The official examples of each version as tables: file -> how to read it and against which schema
 * (testing/example-checks.ts). The examples tests check each version's against its schemas; the
 * conversion tests (edges/) convert every one to the other versions and back.
 *
 * How the 2.1.1 code blocks are read is said in example-checks.ts; which examples the spec text makes
 * invalid, and why, is said here (and in docs/versions.md).
 */
import * as v211 from '../schemas/v2.1.1/index.js';
import * as v221 from '../schemas/v2.2.1/index.js';
import * as v230 from '../schemas/v2.3.0/index.js';
import { type ExampleEntry, rejected } from './example-checks.js';
import { standardExamples } from './standard-examples.js';

const EXAMPLES_2_1_1: Record<string, ExampleEntry> = {
  'credentials.md-L95.txt': { kind: 'object', schema: v211.Credentials },
  'mod_cdrs.md-L250.txt': rejected(
    v211.CDR,
    'mod_tariffs "4.2 PriceComponent class": price is a number, the example gives the string "2.00"',
    '/tariffs/0/elements/0/price_components/0/price',
  ),
  // Fragments of a Location (`"opening_times": {...}`, `"energy_mix": {...}`).
  'mod_locations.md-L1007.txt': { kind: 'object', schema: v211.Hours, at: '/opening_times' },
  'mod_locations.md-L708.txt': { kind: 'object', schema: v211.EnergyMix, at: '/energy_mix' },
  'mod_locations.md-L716.txt': { kind: 'object', schema: v211.EnergyMix, at: '/energy_mix' },
  'mod_locations.md-L726.txt': { kind: 'object', schema: v211.EnergyMix, at: '/energy_mix' },
  // PATCH To URL .../locations/NL/TNM/1012/3255 and .../1012/3256 (EVSE), .../1012 (Location), .../1012/3255/2 (Connector).
  'mod_locations.md-L290.txt': { kind: 'patch', schema: v211.EvsePatch },
  'mod_locations.md-L303.txt': { kind: 'patch', schema: v211.LocationPatch },
  'mod_locations.md-L316.txt': { kind: 'patch', schema: v211.ConnectorPatch },
  'mod_locations.md-L355.txt': { kind: 'patch', schema: v211.EvsePatch },
  // PUT To URL .../locations/NL/TNM/1012/3256: an EVSE.
  'mod_locations.md-L329.txt': rejected(
    v211.EVSE,
    'mod_locations "3.2 EVSE Object" and "3.3 Connector Object": required fields missing, string(16)/string(4) given as numbers',
    ...['/connectors/0/power_type', '/connectors/0/voltage', '/connectors/0/amperage', '/connectors/0/last_updated'],
    ...['/physical_reference', '/floor_level', '/last_updated'],
  ),
  'mod_locations.md-L432.txt': { kind: 'object', schema: v211.Location },
  'mod_sessions.md-L191.txt': { kind: 'patch', schema: v211.SessionPatch },
  'mod_sessions.md-L245.txt': { kind: 'object', schema: v211.Session },
  'mod_sessions.md-L328.txt': { kind: 'object', schema: v211.Session },
  'mod_tariffs.md-L187.txt': rejected(v211.Tariff, 'mod_tariffs "3.1 Tariff Object": last_updated card. 1 (a PUT carries the full object)', '/last_updated'),
  // Under "2.2.3 PATCH Method" ("Change Tariff to 2,50"), although its first line says PUT.
  'mod_tariffs.md-L209.txt': { kind: 'patch', schema: v211.TariffPatch },
  'mod_tariffs.md-L294.txt': { kind: 'object', schema: v211.Tariff },
  'mod_tariffs.md-L310.txt': { kind: 'object', schema: v211.Tariff },
  'mod_tariffs.md-L334.txt': { kind: 'object', schema: v211.Tariff },
  'mod_tariffs.md-L360.txt': { kind: 'object', schema: v211.Tariff },
  'mod_tariffs.md-L428.txt': { kind: 'object', schema: v211.Tariff },
  'mod_tokens.md-L129.txt': { kind: 'object', schema: v211.Token },
  'mod_tokens.md-L169.txt': { kind: 'patch', schema: v211.TokenPatch },
  'mod_tokens.md-L361.txt': { kind: 'object', schema: v211.Token },
  'transport_and_format.md-L227.txt': { kind: 'envelope', envelope: v211.AnyResponseEnvelope, schema: v211.Version, list: true },
  'transport_and_format.md-L244.txt': { kind: 'envelope', envelope: v211.AnyResponseEnvelope, schema: v211.VersionDetails },
  'transport_and_format.md-L279.txt': { kind: 'envelope', envelope: v211.AnyResponseEnvelope, schema: v211.Token },
  'transport_and_format.md-L300.txt': { kind: 'envelope', envelope: v211.AnyResponseEnvelope, schema: v211.Token, list: true },
  // An error response: no data.
  'transport_and_format.md-L339.txt': { kind: 'envelope', envelope: v211.AnyResponseEnvelope },
  'version_information_endpoint.md-L151.txt': { kind: 'object', schema: v211.VersionDetails },
  'version_information_endpoint.md-L50.txt': { kind: 'list', schema: v211.Version },
};

const PRICE_RULE = 'types "Price class": 2.3.0 prices have before_taxes, the example gives 2.2.1\'s excl_vat/incl_vat';

const EXAMPLES_2_3_0: Record<string, ExampleEntry> = {
  ...standardExamples(v230),
  'cdr_example.json': rejected(v230.CDR, 'mod_tariffs "Tariff Object": tax_included card. 1, missing in the Tariff the CDR embeds', '/tariffs/0/tax_included'),
  'tariff_19_simple_north_american_exclusive.json': { kind: 'object', schema: v230.Tariff },
  'tariff_20_simple_north_american_inclusive.json': { kind: 'object', schema: v230.Tariff },
  // Payments (mod_payments).
  'payment_financial_advice_confirmation_create.json': rejected(v230.FinancialAdviceConfirmation, PRICE_RULE, '/total_costs/before_taxes'),
  'payment_financial_advice_confirmation_example_success.json': rejected(v230.FinancialAdviceConfirmation, PRICE_RULE, '/total_costs/before_taxes'),
  'payment_financial_advice_confirmation_example_failure.json': rejected(
    v230.FinancialAdviceConfirmation,
    `${PRICE_RULE}; "Financial Advice Confirmation Object": eft_data card. +`,
    ...['/total_costs/before_taxes', '/eft_data'],
  ),
  // POST To URL .../payments/terminals/activate
  'payment_terminal_activate.json': { kind: 'object', schema: v230.TerminalActivation },
  // POST To URL .../payments/terminals/ (the PTP creates the Terminal on the CPO's system)
  'payment_terminal_create.json': { kind: 'object', schema: v230.NewTerminal },
  'payment_terminal_create_minimal.json': { kind: 'object', schema: v230.NewTerminal },
  'payment_terminal_example_assigned_locations.json': { kind: 'object', schema: v230.Terminal },
  'payment_terminal_example_assigned_locations_assigned_evses.json': { kind: 'object', schema: v230.Terminal },
  'payment_terminal_example_newly_created.json': { kind: 'object', schema: v230.Terminal },
  // PATCH To URL .../payments/terminals/55719888-...
  'payment_terminal_location_assignment.json': { kind: 'patch', schema: v230.TerminalPatch },
  // PUT To URL .../payments/terminals/55719888-...: a PUT carries the whole Terminal.
  'payment_terminal_put_update.json': rejected(
    v230.Terminal,
    'mod_payments "PUT Terminal Method": the body is the Terminal object, terminal_id card. 1',
    '/terminal_id',
  ),
};

const NO_REQUEST_PATCH = 'mod_bookings: no PATCH of a BookingRequest is defined; as a BookingRequest it lacks the required fields';

/** Only the two status/EVSE patches are valid by the chapter's own tables; each other example is rejected for what it breaks. */
const EXAMPLES_BOOKINGS: Record<string, ExampleEntry> = {
  'booking_example.json': rejected(
    v230.Booking,
    'mod_bookings "Booking Object" and "BookingToken class": party_id CiString(3) ("INF12", "INFOO"); "BookingRequest class": booking_location_id card. 1',
    ...['/party_id', '/booking_tokens/0/party_id', '/booking_requests/0/booking_request/party_id', '/booking_requests/0/booking_request/booking_location_id'],
  ),
  'booking_location_example.json': rejected(
    v230.BookingLocation,
    'types "DateTime type": "2025-03-23T23:59:99Z" has 99 seconds',
    ...['/calendars/0/end_before', '/calendars/0/available_timeslots/0/end_date_time'],
  ),
  // PATCH To URL .../bookings/bookinglocations/NL/INF/BL0123/C0123: a Calendar.
  'booking_location_patch_example_calendar.json': rejected(
    v230.CalendarPatch,
    'mod_bookings "Timeslot class": the field names carry a trailing space ("start_date_time "), so the required fields are missing',
    ...['/available_timeslots/0/start_date_time', '/available_timeslots/0/end_date_time'],
  ),
  // PATCH To URL .../bookings/bookinglocations/NL/INF/BL0123: a BookingLocation.
  'booking_location_patch_example_terms.json': rejected(
    v230.BookingLocationPatch,
    'mod_bookings "PATCH Method": a PATCH replaces whole fields/objects, and "BookingTerms class" requires these',
    ...['/booking_terms/supported_access_methods', '/booking_terms/change_until_minutes', '/booking_terms/cancel_until_minutes'],
  ),
  // PATCH To URL .../bookings/NL/INF/B0123. `evse_uid` is no Booking field (the BookingOption has one): it is
  // kept as a custom field (transport_and_format "Non-specified JSON fields") and changes nothing defined.
  'booking_patch_example_evse_uid.json': { kind: 'patch', schema: v230.BookingPatch },
  'booking_patch_example_status_update.json': { kind: 'patch', schema: v230.BookingPatch },
  // Not included in the chapter: an eMSP changes a booking by POSTing a new BookingRequest with the same
  // request_id ("Booking Lifecycle", step 4).
  'booking_request_patch_example_timeslot.json': rejected(v230.BookingRequest, NO_REQUEST_PATCH, '/request_id', '/period'),
  'booking_request_patch_example_tokens.json': rejected(v230.BookingRequest, NO_REQUEST_PATCH, '/request_id', '/period'),
};

/** The example tables by folder of vendor/ocpi/examples. */
export const EXAMPLE_TABLES: Readonly<Record<'2.1.1' | '2.2.1' | '2.3.0' | '2.3.0-bookings', Readonly<Record<string, ExampleEntry>>>> = {
  '2.1.1': EXAMPLES_2_1_1,
  '2.2.1': standardExamples(v221),
  '2.3.0': EXAMPLES_2_3_0,
  '2.3.0-bookings': EXAMPLES_BOOKINGS,
};
