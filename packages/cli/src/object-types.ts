// The object types `ocpi validate`, `convert` and `pull` know, in every OCPI version ocpi-ts serves: the
// schemas come from the core's version edges (`versionEdge(v).schemaOf`), so a type exists in a version
// exactly when the core has it there. A type is named (`--type Location`, `--type LocationPatch`), found
// from a module (`pull locations`), or recognised from the fields an object has.
import { OCPI_VERSIONS, type OcpiVersion, versionEdge } from '@ocpi-ts/core';
import type { TSchema } from '@sinclair/typebox';
import { usageError } from './io.js';

export interface ObjectType {
  /** The name given on the command line: `Location`, `LocationPatch`. */
  name: string;
  /** The object type in the core's edges (`Location` for `LocationPatch`). */
  edgeType: string;
  /** A PATCH body (required fields may be absent). */
  patch: boolean;
  schema: TSchema;
  /** The module whose lists hold this type (`pull <module>`). */
  module?: string;
  /** Whether an object looks like this type (checked in table order: the most specific first). */
  looksLike?: (object: Record<string, unknown>) => boolean;
}

type Row = Pick<ObjectType, 'name' | 'module' | 'looksLike'>;

const has = (object: Record<string, unknown>, ...fields: string[]) => fields.every((field) => field in object);

/** The types every version may have, the recognisable ones most specific first (2.1.1's field names included). */
const ROWS: readonly Row[] = [
  { name: 'CDR', module: 'cdrs', looksLike: (o) => has(o, 'cdr_location') || has(o, 'total_energy', 'total_time') },
  { name: 'Session', module: 'sessions', looksLike: (o) => has(o, 'kwh') && (has(o, 'cdr_token') || has(o, 'auth_id')) },
  { name: 'Location', module: 'locations', looksLike: (o) => has(o, 'coordinates') && (has(o, 'address') || has(o, 'publish')) },
  { name: 'Tariff', module: 'tariffs', looksLike: (o) => has(o, 'elements') },
  {
    name: 'Token',
    module: 'tokens',
    looksLike: (o) => has(o, 'contract_id', 'whitelist') || has(o, 'uid', 'contract_id', 'issuer') || has(o, 'uid', 'auth_id', 'whitelist'),
  },
  { name: 'Credentials', looksLike: (o) => has(o, 'token', 'url') && (has(o, 'roles') || has(o, 'business_details')) },
  { name: 'ClientInfo', module: 'hubclientinfo', looksLike: (o) => has(o, 'party_id', 'role', 'status') },
  { name: 'VersionDetails', looksLike: (o) => has(o, 'version', 'endpoints') },
  { name: 'Version', looksLike: (o) => has(o, 'version', 'url') },
  { name: 'EVSE', looksLike: (o) => has(o, 'uid', 'connectors') },
  { name: 'Connector', looksLike: (o) => has(o, 'standard', 'format', 'power_type') },
  { name: 'Hours', looksLike: (o) => has(o, 'twentyfourseven') },
  { name: 'EnergyMix', looksLike: (o) => has(o, 'is_green_energy') },
  { name: 'AuthorizationInfo', looksLike: (o) => has(o, 'allowed', 'token') || (has(o, 'allowed') && has(o, 'location')) },
  { name: 'CommandResponse', looksLike: (o) => has(o, 'result', 'timeout') },
  { name: 'CommandResult', looksLike: (o) => has(o, 'result') && Object.keys(o).every((k) => k === 'result' || k === 'message') },
  { name: 'DisplayText', looksLike: (o) => has(o, 'language', 'text') && Object.keys(o).length === 2 },
  // Named only (`--type`): a PATCH body or a command cannot be told apart from a partial object.
  ...['LocationPatch', 'EvsePatch', 'ConnectorPatch', 'SessionPatch', 'TokenPatch', 'TariffPatch'].map((name) => ({ name })),
  ...['StartSession', 'StopSession', 'ReserveNow', 'CancelReservation', 'UnlockConnector'].map((name) => ({ name })),
  ...['LocationReferences', 'ChargingPreferences', 'ChargingProfile', 'SetChargingProfile'].map((name) => ({ name })),
];

/** The versions known, highest first. */
export const VERSIONS: readonly OcpiVersion[] = OCPI_VERSIONS;

export const isVersion = (version: string): version is OcpiVersion => (VERSIONS as readonly string[]).includes(version);

/** A name as a type of a version: `XPatch` is the PATCH body of X; any other named object schema of the version is accepted. */
function resolve(version: OcpiVersion, name: string, row?: Row): ObjectType | undefined {
  const edge = versionEdge(version);
  const patch = name.endsWith('Patch') && edge.schemaOf(name.slice(0, -'Patch'.length), true) !== undefined;
  const edgeType = patch ? name.slice(0, -'Patch'.length) : name;
  const schema = edge.schemaOf(edgeType, patch);
  if (!schema) return undefined;
  return { name, edgeType, patch, schema, ...(row?.module ? { module: row.module } : {}), ...(row?.looksLike ? { looksLike: row.looksLike } : {}) };
}

const TABLES = new Map<OcpiVersion, readonly ObjectType[]>();

/** The object types of a version (those of the table it has). */
export function typesOf(version: string): readonly ObjectType[] {
  if (!isVersion(version)) return [];
  let types = TABLES.get(version);
  if (!types) {
    types = ROWS.flatMap((row) => resolve(version, row.name, row) ?? []);
    TABLES.set(version, types);
  }
  return types;
}

/** The object types per OCPI version. */
export const OBJECT_TYPES: Readonly<Record<string, readonly ObjectType[]>> = Object.fromEntries(VERSIONS.map((v) => [v, typesOf(v)]));

/** A type by name (case-insensitive for the table's; any object schema of the version by its exact name). */
export function typeNamed(version: string, name: string): ObjectType | undefined {
  if (!isVersion(version)) return undefined;
  return typesOf(version).find((type) => type.name.toLowerCase() === name.toLowerCase()) ?? resolve(version, name);
}

export function typeOfModule(version: string, module: string): ObjectType | undefined {
  return typesOf(version).find((type) => type.module === module);
}

export function recognise(version: string, object: unknown): ObjectType | undefined {
  if (typeof object !== 'object' || object === null || Array.isArray(object)) return undefined;
  return typesOf(version).find((type) => type.looksLike?.(object as Record<string, unknown>));
}

/** A version option (`--version`, `--from`, `--to`), or a usage error naming the known ones. */
export function versionOption(value: string, option: string): OcpiVersion {
  if (!isVersion(value)) throw usageError(`${option} ${value} is not a version ocpi-ts knows; known: ${VERSIONS.join(', ')}`);
  return value;
}

/** `--type`, resolved in a version, or a usage error naming the known types. */
export function typeOption(version: OcpiVersion, name: string): ObjectType {
  const type = typeNamed(version, name);
  if (!type) {
    const known = typesOf(version)
      .map((t) => t.name)
      .join(', ');
    throw usageError(`--type ${name} is not an OCPI ${version} type; known: ${known}`);
  }
  return type;
}
