// The object types `ocpi validate` and `ocpi pull` know, per OCPI version: a table that grows with the
// versions the core gains (2.1.1 and 2.3.0 add their rows). A type is named (`--type Location`), found
// from a module (`pull locations`), or recognised from the fields an object has.
import { v221 } from '@ocpi-ts/core';
import type { TSchema } from '@sinclair/typebox';

export interface ObjectType {
  name: string;
  schema: TSchema;
  /** The module whose lists hold this type (`pull <module>`). */
  module?: string;
  /** Whether an object looks like this type (checked in table order: the most specific first). */
  looksLike?: (object: Record<string, unknown>) => boolean;
}

const {
  AuthorizationInfo,
  CancelReservation,
  CDR,
  ChargingPreferences,
  CommandResponse,
  CommandResult,
  Connector,
  ConnectorPatch,
  Credentials,
  EnergyMix,
  EVSE,
  EvsePatch,
  Hours,
  Location,
  LocationPatch,
  LocationReferences,
  ReserveNow,
  Session,
  SessionPatch,
  StartSession,
  StopSession,
  Tariff,
  Token,
  TokenPatch,
  UnlockConnector,
  Version,
  VersionDetails,
} = v221;
// The declaration bundler types these members of the namespace as types only (2.3.0 shares their
// schemas); they are values at run time.
const { ChargingProfile, ClientInfo, DisplayText, SetChargingProfile } = v221 as unknown as Readonly<
  Record<'ChargingProfile' | 'ClientInfo' | 'DisplayText' | 'SetChargingProfile', TSchema>
>;

const has = (object: Record<string, unknown>, ...fields: string[]) => fields.every((field) => field in object);

const V2_2_1: ObjectType[] = [
  { name: 'CDR', schema: CDR, module: 'cdrs', looksLike: (o) => has(o, 'cdr_location') || has(o, 'total_energy', 'total_time') },
  { name: 'Session', schema: Session, module: 'sessions', looksLike: (o) => has(o, 'kwh', 'cdr_token') },
  { name: 'Location', schema: Location, module: 'locations', looksLike: (o) => has(o, 'coordinates') && (has(o, 'address') || has(o, 'publish')) },
  { name: 'Tariff', schema: Tariff, module: 'tariffs', looksLike: (o) => has(o, 'elements') },
  { name: 'Token', schema: Token, module: 'tokens', looksLike: (o) => has(o, 'contract_id', 'whitelist') || has(o, 'uid', 'contract_id', 'issuer') },
  { name: 'Credentials', schema: Credentials, looksLike: (o) => has(o, 'token', 'url', 'roles') },
  { name: 'ClientInfo', schema: ClientInfo, module: 'hubclientinfo', looksLike: (o) => has(o, 'party_id', 'role', 'status') },
  { name: 'VersionDetails', schema: VersionDetails, looksLike: (o) => has(o, 'version', 'endpoints') },
  { name: 'Version', schema: Version, looksLike: (o) => has(o, 'version', 'url') },
  { name: 'EVSE', schema: EVSE, looksLike: (o) => has(o, 'uid', 'connectors') },
  { name: 'Connector', schema: Connector, looksLike: (o) => has(o, 'standard', 'format', 'power_type') },
  { name: 'Hours', schema: Hours, looksLike: (o) => has(o, 'twentyfourseven') },
  { name: 'EnergyMix', schema: EnergyMix, looksLike: (o) => has(o, 'is_green_energy') },
  { name: 'AuthorizationInfo', schema: AuthorizationInfo, looksLike: (o) => has(o, 'allowed', 'token') },
  { name: 'CommandResponse', schema: CommandResponse, looksLike: (o) => has(o, 'result', 'timeout') },
  { name: 'CommandResult', schema: CommandResult, looksLike: (o) => has(o, 'result') && Object.keys(o).every((k) => k === 'result' || k === 'message') },
  { name: 'DisplayText', schema: DisplayText, looksLike: (o) => has(o, 'language', 'text') && Object.keys(o).length === 2 },
  // Named only (`--type`): a PATCH body or a command cannot be told apart from a partial object.
  { name: 'LocationPatch', schema: LocationPatch },
  { name: 'EvsePatch', schema: EvsePatch },
  { name: 'ConnectorPatch', schema: ConnectorPatch },
  { name: 'SessionPatch', schema: SessionPatch },
  { name: 'TokenPatch', schema: TokenPatch },
  { name: 'StartSession', schema: StartSession },
  { name: 'StopSession', schema: StopSession },
  { name: 'ReserveNow', schema: ReserveNow },
  { name: 'CancelReservation', schema: CancelReservation },
  { name: 'UnlockConnector', schema: UnlockConnector },
  { name: 'LocationReferences', schema: LocationReferences },
  { name: 'ChargingPreferences', schema: ChargingPreferences },
  { name: 'ChargingProfile', schema: ChargingProfile },
  { name: 'SetChargingProfile', schema: SetChargingProfile },
];

/** The object types per OCPI version. */
export const OBJECT_TYPES: Readonly<Record<string, readonly ObjectType[]>> = { '2.2.1': V2_2_1 };

export const typesOf = (version: string): readonly ObjectType[] => OBJECT_TYPES[version] ?? [];

export function typeNamed(version: string, name: string): ObjectType | undefined {
  return typesOf(version).find((type) => type.name.toLowerCase() === name.toLowerCase());
}

export function typeOfModule(version: string, module: string): ObjectType | undefined {
  return typesOf(version).find((type) => type.module === module);
}

export function recognise(version: string, object: unknown): ObjectType | undefined {
  if (typeof object !== 'object' || object === null || Array.isArray(object)) return undefined;
  return typesOf(version).find((type) => type.looksLike?.(object as Record<string, unknown>));
}
