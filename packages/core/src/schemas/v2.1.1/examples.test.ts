/**
 * Every official OCPI 2.1.1 example (the code blocks of the chapters, vendor/ocpi/examples/2.1.1; how a
 * block is read: testing/example-checks.ts) against the 2.1.1 schemas, and mutations of them.
 */
import { describeExamples, type ExampleEntry, rejected } from '../../testing/example-checks.js';
import {
  AnyResponseEnvelope,
  CDR,
  ConnectorPatch,
  Credentials,
  EnergyMix,
  EVSE,
  EvsePatch,
  Hours,
  Location,
  LocationPatch,
  Session,
  SessionPatch,
  Tariff,
  TariffPatch,
  Token,
  TokenPatch,
  Version,
  VersionDetails,
} from './index.js';

const EXAMPLES: Record<string, ExampleEntry> = {
  'credentials.md-L95.txt': { kind: 'object', schema: Credentials },
  'mod_cdrs.md-L250.txt': rejected(
    CDR,
    'mod_tariffs "4.2 PriceComponent class": price is a number, the example gives the string "2.00"',
    '/tariffs/0/elements/0/price_components/0/price',
  ),
  // Fragments of a Location (`"opening_times": {...}`, `"energy_mix": {...}`).
  'mod_locations.md-L1007.txt': { kind: 'object', schema: Hours, at: '/opening_times' },
  'mod_locations.md-L708.txt': { kind: 'object', schema: EnergyMix, at: '/energy_mix' },
  'mod_locations.md-L716.txt': { kind: 'object', schema: EnergyMix, at: '/energy_mix' },
  'mod_locations.md-L726.txt': { kind: 'object', schema: EnergyMix, at: '/energy_mix' },
  // PATCH To URL .../locations/NL/TNM/1012/3255 and .../1012/3256 (EVSE), .../1012 (Location), .../1012/3255/2 (Connector).
  'mod_locations.md-L290.txt': { kind: 'patch', schema: EvsePatch },
  'mod_locations.md-L303.txt': { kind: 'patch', schema: LocationPatch },
  'mod_locations.md-L316.txt': { kind: 'patch', schema: ConnectorPatch },
  'mod_locations.md-L355.txt': { kind: 'patch', schema: EvsePatch },
  // PUT To URL .../locations/NL/TNM/1012/3256: an EVSE.
  'mod_locations.md-L329.txt': rejected(
    EVSE,
    'mod_locations "3.2 EVSE Object" and "3.3 Connector Object": required fields missing, string(16)/string(4) given as numbers',
    ...['/connectors/0/power_type', '/connectors/0/voltage', '/connectors/0/amperage', '/connectors/0/last_updated'],
    ...['/physical_reference', '/floor_level', '/last_updated'],
  ),
  'mod_locations.md-L432.txt': { kind: 'object', schema: Location },
  'mod_sessions.md-L191.txt': { kind: 'patch', schema: SessionPatch },
  'mod_sessions.md-L245.txt': { kind: 'object', schema: Session },
  'mod_sessions.md-L328.txt': { kind: 'object', schema: Session },
  'mod_tariffs.md-L187.txt': rejected(Tariff, 'mod_tariffs "3.1 Tariff Object": last_updated card. 1 (a PUT carries the full object)', '/last_updated'),
  // Under "2.2.3 PATCH Method" ("Change Tariff to 2,50"), although its first line says PUT.
  'mod_tariffs.md-L209.txt': { kind: 'patch', schema: TariffPatch },
  'mod_tariffs.md-L294.txt': { kind: 'object', schema: Tariff },
  'mod_tariffs.md-L310.txt': { kind: 'object', schema: Tariff },
  'mod_tariffs.md-L334.txt': { kind: 'object', schema: Tariff },
  'mod_tariffs.md-L360.txt': { kind: 'object', schema: Tariff },
  'mod_tariffs.md-L428.txt': { kind: 'object', schema: Tariff },
  'mod_tokens.md-L129.txt': { kind: 'object', schema: Token },
  'mod_tokens.md-L169.txt': { kind: 'patch', schema: TokenPatch },
  'mod_tokens.md-L361.txt': { kind: 'object', schema: Token },
  'transport_and_format.md-L227.txt': { kind: 'envelope', envelope: AnyResponseEnvelope, schema: Version, list: true },
  'transport_and_format.md-L244.txt': { kind: 'envelope', envelope: AnyResponseEnvelope, schema: VersionDetails },
  'transport_and_format.md-L279.txt': { kind: 'envelope', envelope: AnyResponseEnvelope, schema: Token },
  'transport_and_format.md-L300.txt': { kind: 'envelope', envelope: AnyResponseEnvelope, schema: Token, list: true },
  // An error response: no data.
  'transport_and_format.md-L339.txt': { kind: 'envelope', envelope: AnyResponseEnvelope },
  'version_information_endpoint.md-L151.txt': { kind: 'object', schema: VersionDetails },
  'version_information_endpoint.md-L50.txt': { kind: 'list', schema: Version },
};

describeExamples('2.1.1', EXAMPLES, { minMutations: 300 });
