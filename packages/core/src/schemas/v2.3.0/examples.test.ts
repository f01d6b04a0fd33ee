/**
 * Every official OCPI 2.3.0 example (vendor/ocpi/examples/2.3.0, Payments included) and every Bookings
 * module example (vendor/ocpi/examples/2.3.0-bookings) against the 2.3.0 schemas, and mutations of them
 * (testing/example-checks.ts).
 */
import { describeExamples, type ExampleEntry, rejected } from '../../testing/example-checks.js';
import { standardExamples } from '../../testing/standard-examples.js';
import * as v230 from './index.js';

const PRICE_RULE = 'types "Price class": 2.3.0 prices have before_taxes, the example gives 2.2.1\'s excl_vat/incl_vat';

const EXAMPLES: Record<string, ExampleEntry> = {
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

describeExamples('2.3.0', EXAMPLES, { minMutations: 600 });

const NO_REQUEST_PATCH = 'mod_bookings: no PATCH of a BookingRequest is defined; as a BookingRequest it lacks the required fields';

/** Only the two status/EVSE patches are valid by the chapter's own tables; each other example is rejected for what it breaks. */
const BOOKINGS_EXAMPLES: Record<string, ExampleEntry> = {
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

describeExamples('2.3.0-bookings', BOOKINGS_EXAMPLES, { minMutations: 4 });
