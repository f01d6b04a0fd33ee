/**
 * The official examples that 2.2.1 and 2.3.0 share (the same files and object types; 2.3.0 changed
 * their content where its objects changed), as a table over one version's schemas. Each version's
 * examples.test.ts adds its own files and exceptions.
 */
import type { TSchema } from '@sinclair/typebox';
import { type ExampleEntry, rejected } from './example-checks.js';

/** The schemas the shared examples are read with. */
export type StandardExampleSchemas = Readonly<
  Record<
    | 'AnyResponseEnvelope'
    | 'CDR'
    | 'ConnectorPatch'
    | 'Credentials'
    | 'DisplayText'
    | 'EnergyMix'
    | 'EVSE'
    | 'EvsePatch'
    | 'Hours'
    | 'Location'
    | 'LocationPatch'
    | 'Session'
    | 'SessionPatch'
    | 'Tariff'
    | 'Token'
    | 'TokenPatch'
    | 'Version'
    | 'VersionDetails',
    TSchema
  >
>;

export function standardExamples(s: StandardExampleSchemas): Record<string, ExampleEntry> {
  return {
    'cdr_example.json': { kind: 'object', schema: s.CDR },
    'credentials_example.json': { kind: 'object', schema: s.Credentials },
    'credentials_example2.json': { kind: 'object', schema: s.Credentials },
    'credentials_example3.json': { kind: 'object', schema: s.Credentials },
    'credentials_example4.json': { kind: 'object', schema: s.Credentials },
    // The EnergyMix examples are included in the spec from line 2 on: the file wraps the object.
    'location_energymix_example_complete.json': { kind: 'object', schema: s.EnergyMix, at: '/energy_mix' },
    'location_energymix_example_energy_provider.json': { kind: 'object', schema: s.EnergyMix, at: '/energy_mix' },
    'location_energymix_example_simple.json': { kind: 'object', schema: s.EnergyMix, at: '/energy_mix' },
    'location_example.json': { kind: 'object', schema: s.Location },
    'location_example_parking_garage_opening_hours.json': { kind: 'object', schema: s.Location },
    'location_example_uc2_destination_charger.json': { kind: 'object', schema: s.Location },
    'location_example_uc3_destination_charger_not_published.json': { kind: 'object', schema: s.Location },
    'location_example_uc4_limited_visibility.json': { kind: 'object', schema: s.Location },
    'location_example_uc5_home_charge_point.json': { kind: 'object', schema: s.Location },
    'location_hours_247_open_exception_closing.json': { kind: 'object', schema: s.Hours },
    'location_hours_opening_hours_with_exceptional_closing.json': { kind: 'object', schema: s.Hours },
    'location_hours_opening_hours_with_exceptional_opening.json': { kind: 'object', schema: s.Hours },
    // PATCH .../locations/NL/TNM/1012
    'location_patch_example_location.json': { kind: 'patch', schema: s.LocationPatch },
    // PATCH .../locations/NL/TNM/1012/3256 and .../1012/3255 (EVSE URLs)
    'location_patch_example_remove_evse.json': { kind: 'patch', schema: s.EvsePatch },
    'location_patch_example_status.json': { kind: 'patch', schema: s.EvsePatch },
    // PATCH .../locations/NL/TNM/1012/3255/2 (Connector URL)
    'location_patch_example_tariff.json': { kind: 'patch', schema: s.ConnectorPatch },
    // "To add an EVSE, simply put the full object ... including all its required fields": the example's
    // Connector lacks power_type, max_voltage, max_amperage and last_updated, and physical_reference is
    // a number where the EVSE table says string(16).
    'location_put_example_add_evse.json': rejected(
      s.EVSE,
      'mod_locations "PUT Method": the full object with all its required fields',
      ...['/connectors/0/power_type', '/connectors/0/max_voltage', '/connectors/0/max_amperage', '/connectors/0/last_updated', '/physical_reference'],
    ),
    'location_regularhours_example.json': { kind: 'object', schema: s.Hours, at: '/opening_times' },
    'session_example_1_simple_start.json': { kind: 'object', schema: s.Session },
    'session_example_2_short_finished.json': { kind: 'object', schema: s.Session },
    'session_patch_example_charging_period.json': { kind: 'patch', schema: s.SessionPatch },
    'session_patch_example_total_cost.json': { kind: 'patch', schema: s.SessionPatch },
    'tariff_10_025kwh_parking_start.json': { kind: 'object', schema: s.Tariff },
    'tariff_11_not_possible_alt_text.json': { kind: 'object', schema: s.Tariff },
    'tariff_12_025kwh_min_price.json': { kind: 'object', schema: s.Tariff },
    'tariff_13_simple_3hour_5parking.json': { kind: 'object', schema: s.Tariff },
    'tariff_14_step_size.json': { kind: 'object', schema: s.Tariff },
    'tariff_15_reservation_5_euro_per_hour.json': { kind: 'object', schema: s.Tariff },
    'tariff_16_reservation_2_euro_fee_5_euro_per_hour.json': { kind: 'object', schema: s.Tariff },
    'tariff_17_reservation_with_expire_fee.json': { kind: 'object', schema: s.Tariff },
    'tariff_18_reservation_with_expire_time.json': { kind: 'object', schema: s.Tariff },
    'tariff_1_simple_2hour.json': { kind: 'object', schema: s.Tariff },
    'tariff_2_alt_text.json': { kind: 'object', schema: s.Tariff },
    'tariff_3_alt_url.json': { kind: 'object', schema: s.Tariff },
    'tariff_4_complex.json': { kind: 'object', schema: s.Tariff },
    'tariff_5_free_of_charge.json': { kind: 'object', schema: s.Tariff },
    'tariff_6_025kwh_start_max_price.json': { kind: 'object', schema: s.Tariff },
    'tariff_8_simple_025kwh.json': { kind: 'object', schema: s.Tariff },
    'tariff_9_025kwh_start.json': { kind: 'object', schema: s.Tariff },
    // PUT of a Tariff: the Tariff table makes last_updated required (card. 1); the example has none.
    'tariff_put_example.json': rejected(s.Tariff, 'mod_tariffs "Tariff Object": last_updated card. 1', '/last_updated'),
    'tariffrestriction_example_max_duration.json': { kind: 'object', schema: s.Tariff },
    'tariffrestriction_example_max_power.json': { kind: 'object', schema: s.Tariff },
    'token_example_1_app_user.json': { kind: 'object', schema: s.Token },
    'token_example_2_full_rfid.json': { kind: 'object', schema: s.Token },
    'token_patch_example.json': { kind: 'patch', schema: s.TokenPatch },
    'token_put_example.json': { kind: 'object', schema: s.Token },
    'transport_and_format_get_token_example.json': { kind: 'envelope', envelope: s.AnyResponseEnvelope, schema: s.Token, list: false },
    'transport_and_format_get_token_list_example.json': { kind: 'envelope', envelope: s.AnyResponseEnvelope, schema: s.Token, list: true },
    'transport_and_format_version_details_example.json': { kind: 'envelope', envelope: s.AnyResponseEnvelope, schema: s.VersionDetails, list: false },
    'transport_and_format_version_info_example.json': { kind: 'envelope', envelope: s.AnyResponseEnvelope, schema: s.Version, list: true },
    'type_displaytext_example.json': { kind: 'object', schema: s.DisplayText },
    'version_details_example.json': { kind: 'object', schema: s.VersionDetails },
    'version_details_example2.json': { kind: 'object', schema: s.VersionDetails },
    'versions_info_example.json': { kind: 'list', schema: s.Version },
  };
}
