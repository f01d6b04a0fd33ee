/**
 * Every official OCPI 2.3.0 example (vendor/ocpi/examples/2.3.0, Payments included) and every Bookings
 * module example (vendor/ocpi/examples/2.3.0-bookings) against the 2.3.0 schemas, and mutations of them
 * (testing/example-checks.ts).
 */
import { describeExamples, type ExampleEntry } from '../../testing/example-checks.js';
import {
  AnyResponseEnvelope,
  Booking,
  BookingLocation,
  BookingLocationPatch,
  BookingPatch,
  BookingRequest,
  CalendarPatch,
  CDR,
  ConnectorPatch,
  Credentials,
  DisplayText,
  EnergyMix,
  EVSE,
  EvsePatch,
  FinancialAdviceConfirmation,
  Hours,
  Location,
  LocationPatch,
  NewTerminal,
  Session,
  SessionPatch,
  Tariff,
  Terminal,
  TerminalActivation,
  TerminalPatch,
  Token,
  TokenPatch,
  Version,
  VersionDetails,
} from './index.js';

const EXAMPLES: Record<string, ExampleEntry> = {
  'cdr_example.json': {
    kind: 'invalid',
    schema: CDR,
    paths: ['/tariffs/0/tax_included'],
    rule: 'mod_tariffs "Tariff Object": tax_included card. 1, missing in the Tariff the CDR embeds',
  },
  'credentials_example.json': { kind: 'object', schema: Credentials },
  'credentials_example2.json': { kind: 'object', schema: Credentials },
  'credentials_example3.json': { kind: 'object', schema: Credentials },
  'credentials_example4.json': { kind: 'object', schema: Credentials },
  // The EnergyMix examples are included in the spec from line 2 on: the file wraps the object.
  'location_energymix_example_complete.json': { kind: 'object', schema: EnergyMix, at: '/energy_mix' },
  'location_energymix_example_energy_provider.json': { kind: 'object', schema: EnergyMix, at: '/energy_mix' },
  'location_energymix_example_simple.json': { kind: 'object', schema: EnergyMix, at: '/energy_mix' },
  'location_example.json': { kind: 'object', schema: Location },
  'location_example_parking_garage_opening_hours.json': { kind: 'object', schema: Location },
  'location_example_uc2_destination_charger.json': { kind: 'object', schema: Location },
  'location_example_uc3_destination_charger_not_published.json': { kind: 'object', schema: Location },
  'location_example_uc4_limited_visibility.json': { kind: 'object', schema: Location },
  'location_example_uc5_home_charge_point.json': { kind: 'object', schema: Location },
  'location_hours_247_open_exception_closing.json': { kind: 'object', schema: Hours },
  'location_hours_opening_hours_with_exceptional_closing.json': { kind: 'object', schema: Hours },
  'location_hours_opening_hours_with_exceptional_opening.json': { kind: 'object', schema: Hours },
  // PATCH .../locations/NL/TNM/1012
  'location_patch_example_location.json': { kind: 'patch', schema: LocationPatch },
  // PATCH .../locations/NL/TNM/1012/3256 and .../1012/3255 (EVSE URLs)
  'location_patch_example_remove_evse.json': { kind: 'patch', schema: EvsePatch },
  'location_patch_example_status.json': { kind: 'patch', schema: EvsePatch },
  // PATCH .../locations/NL/TNM/1012/3255/2 (Connector URL)
  'location_patch_example_tariff.json': { kind: 'patch', schema: ConnectorPatch },
  // "To add an EVSE, simply put the full object ... including all its required fields": the example's
  // Connector lacks power_type, max_voltage, max_amperage and last_updated, and physical_reference is
  // a number where the EVSE table says string(16).
  'location_put_example_add_evse.json': {
    kind: 'invalid',
    schema: EVSE,
    paths: ['/connectors/0/power_type', '/connectors/0/max_voltage', '/connectors/0/max_amperage', '/connectors/0/last_updated', '/physical_reference'],
    rule: 'mod_locations "PUT Method": the full object with all its required fields',
  },
  'location_regularhours_example.json': { kind: 'object', schema: Hours, at: '/opening_times' },
  // Payments (mod_payments).
  'payment_financial_advice_confirmation_create.json': {
    kind: 'invalid',
    schema: FinancialAdviceConfirmation,
    paths: ['/total_costs/before_taxes'],
    rule: 'types "Price class": 2.3.0 prices have before_taxes, the example gives 2.2.1\'s excl_vat/incl_vat',
  },
  'payment_financial_advice_confirmation_example_failure.json': {
    kind: 'invalid',
    schema: FinancialAdviceConfirmation,
    paths: ['/total_costs/before_taxes', '/eft_data'],
    rule: 'types "Price class" (excl_vat instead of before_taxes); "Financial Advice Confirmation Object": eft_data card. +',
  },
  'payment_financial_advice_confirmation_example_success.json': {
    kind: 'invalid',
    schema: FinancialAdviceConfirmation,
    paths: ['/total_costs/before_taxes'],
    rule: 'types "Price class": 2.3.0 prices have before_taxes, the example gives 2.2.1\'s excl_vat/incl_vat',
  },
  // POST To URL .../payments/terminals/activate
  'payment_terminal_activate.json': { kind: 'object', schema: TerminalActivation },
  // POST To URL .../payments/terminals/ (the PTP creates the Terminal on the CPO's system)
  'payment_terminal_create.json': { kind: 'object', schema: NewTerminal },
  'payment_terminal_create_minimal.json': { kind: 'object', schema: NewTerminal },
  'payment_terminal_example_assigned_locations.json': { kind: 'object', schema: Terminal },
  'payment_terminal_example_assigned_locations_assigned_evses.json': { kind: 'object', schema: Terminal },
  'payment_terminal_example_newly_created.json': { kind: 'object', schema: Terminal },
  // PATCH To URL .../payments/terminals/55719888-...
  'payment_terminal_location_assignment.json': { kind: 'patch', schema: TerminalPatch },
  // PUT To URL .../payments/terminals/55719888-...: a PUT carries the whole Terminal.
  'payment_terminal_put_update.json': {
    kind: 'invalid',
    schema: Terminal,
    paths: ['/terminal_id'],
    rule: 'mod_payments "PUT Terminal Method": the request body is the Terminal object, terminal_id card. 1',
  },
  'session_example_1_simple_start.json': { kind: 'object', schema: Session },
  'session_example_2_short_finished.json': { kind: 'object', schema: Session },
  'session_patch_example_charging_period.json': { kind: 'patch', schema: SessionPatch },
  'session_patch_example_total_cost.json': { kind: 'patch', schema: SessionPatch },
  'tariff_10_025kwh_parking_start.json': { kind: 'object', schema: Tariff },
  'tariff_11_not_possible_alt_text.json': { kind: 'object', schema: Tariff },
  'tariff_12_025kwh_min_price.json': { kind: 'object', schema: Tariff },
  'tariff_13_simple_3hour_5parking.json': { kind: 'object', schema: Tariff },
  'tariff_14_step_size.json': { kind: 'object', schema: Tariff },
  'tariff_15_reservation_5_euro_per_hour.json': { kind: 'object', schema: Tariff },
  'tariff_16_reservation_2_euro_fee_5_euro_per_hour.json': { kind: 'object', schema: Tariff },
  'tariff_17_reservation_with_expire_fee.json': { kind: 'object', schema: Tariff },
  'tariff_18_reservation_with_expire_time.json': { kind: 'object', schema: Tariff },
  'tariff_19_simple_north_american_exclusive.json': { kind: 'object', schema: Tariff },
  'tariff_1_simple_2hour.json': { kind: 'object', schema: Tariff },
  'tariff_20_simple_north_american_inclusive.json': { kind: 'object', schema: Tariff },
  'tariff_2_alt_text.json': { kind: 'object', schema: Tariff },
  'tariff_3_alt_url.json': { kind: 'object', schema: Tariff },
  'tariff_4_complex.json': { kind: 'object', schema: Tariff },
  'tariff_5_free_of_charge.json': { kind: 'object', schema: Tariff },
  'tariff_6_025kwh_start_max_price.json': { kind: 'object', schema: Tariff },
  'tariff_8_simple_025kwh.json': { kind: 'object', schema: Tariff },
  'tariff_9_025kwh_start.json': { kind: 'object', schema: Tariff },
  // PUT of a Tariff: the Tariff table makes last_updated required (card. 1); the example has none.
  'tariff_put_example.json': { kind: 'invalid', schema: Tariff, paths: ['/last_updated'], rule: 'mod_tariffs "Tariff Object": last_updated card. 1' },
  'tariffrestriction_example_max_duration.json': { kind: 'object', schema: Tariff },
  'tariffrestriction_example_max_power.json': { kind: 'object', schema: Tariff },
  'token_example_1_app_user.json': { kind: 'object', schema: Token },
  'token_example_2_full_rfid.json': { kind: 'object', schema: Token },
  'token_patch_example.json': { kind: 'patch', schema: TokenPatch },
  'token_put_example.json': { kind: 'object', schema: Token },
  'transport_and_format_get_token_example.json': { kind: 'envelope', envelope: AnyResponseEnvelope, schema: Token, list: false },
  'transport_and_format_get_token_list_example.json': { kind: 'envelope', envelope: AnyResponseEnvelope, schema: Token, list: true },
  'transport_and_format_version_details_example.json': { kind: 'envelope', envelope: AnyResponseEnvelope, schema: VersionDetails, list: false },
  'transport_and_format_version_info_example.json': { kind: 'envelope', envelope: AnyResponseEnvelope, schema: Version, list: true },
  'type_displaytext_example.json': { kind: 'object', schema: DisplayText },
  'version_details_example.json': { kind: 'object', schema: VersionDetails },
  'version_details_example2.json': { kind: 'object', schema: VersionDetails },
  'versions_info_example.json': { kind: 'list', schema: Version },
};

describeExamples('2.3.0', EXAMPLES, { minMutations: 600 });

/** Not one Bookings example is a valid object by the chapter's own tables; each is asserted rejected for what it breaks. */
const BOOKINGS_EXAMPLES: Record<string, ExampleEntry> = {
  'booking_example.json': {
    kind: 'invalid',
    schema: Booking,
    paths: [
      '/party_id',
      '/booking_tokens/0/party_id',
      '/booking_requests/0/booking_request/party_id',
      '/booking_requests/0/booking_request/booking_location_id',
    ],
    rule: 'mod_bookings "Booking Object" party_id CiString(3) ("INF12"), "BookingToken class" party_id CiString(3) ("INFOO"), "BookingRequest class" booking_location_id card. 1',
  },
  'booking_location_example.json': {
    kind: 'invalid',
    schema: BookingLocation,
    paths: ['/calendars/0/end_before', '/calendars/0/available_timeslots/0/end_date_time'],
    rule: 'types "DateTime type": "2025-03-23T23:59:99Z" has 99 seconds',
  },
  // PATCH To URL .../bookings/bookinglocations/NL/INF/BL0123/C0123: a Calendar.
  'booking_location_patch_example_calendar.json': {
    kind: 'invalid',
    schema: CalendarPatch,
    paths: ['/available_timeslots/0/start_date_time', '/available_timeslots/0/end_date_time'],
    rule: 'mod_bookings "Timeslot class": the field names carry a trailing space ("start_date_time "), so the required fields are missing',
  },
  // PATCH To URL .../bookings/bookinglocations/NL/INF/BL0123: a BookingLocation.
  'booking_location_patch_example_terms.json': {
    kind: 'invalid',
    schema: BookingLocationPatch,
    paths: ['/booking_terms/supported_access_methods', '/booking_terms/change_until_minutes', '/booking_terms/cancel_until_minutes'],
    rule: 'mod_bookings "PATCH Method": a PATCH replaces whole fields/objects, and "BookingTerms class" requires these',
  },
  // PATCH To URL .../bookings/NL/INF/B0123. `evse_uid` is no Booking field (the BookingOption has one): it is
  // kept as a custom field (transport_and_format "Non-specified JSON fields") and changes nothing defined.
  'booking_patch_example_evse_uid.json': { kind: 'patch', schema: BookingPatch },
  'booking_patch_example_status_update.json': { kind: 'patch', schema: BookingPatch },
  // Not included in the chapter. The chapter has no PATCH of a BookingRequest: an eMSP changes a booking
  // by POSTing a new BookingRequest with the same request_id ("Booking Lifecycle", step 4).
  'booking_request_patch_example_timeslot.json': {
    kind: 'invalid',
    schema: BookingRequest,
    paths: ['/request_id', '/period'],
    rule: 'mod_bookings: no PATCH of a BookingRequest is defined; as a BookingRequest it lacks the required fields',
  },
  'booking_request_patch_example_tokens.json': {
    kind: 'invalid',
    schema: BookingRequest,
    paths: ['/request_id', '/period'],
    rule: 'mod_bookings: no PATCH of a BookingRequest is defined; as a BookingRequest it lacks the required fields',
  },
};

describeExamples('2.3.0-bookings', BOOKINGS_EXAMPLES, { minMutations: 4 });
