/**
 * The OCPI versions ocpi-ts serves, each an edge of the canonical model (2.3.0, docs/versions.md):
 * its schemas per object type, its conversion to and from the canonical model, and its transport
 * rules (how the token travels, whether routing headers and endpoint roles exist, which status codes).
 * Modules, handlers and stores know the canonical model only; the server and the client cross an edge
 * on the way in and out.
 */
import { KindGuard, type TObject } from '@sinclair/typebox';
import type { TokenEncoding } from '../partners/partner.js';
import type { ObjectTypes } from '../schemas/common/objects.js';
import { partialPatchOf } from '../schemas/patch.js';
import * as v211 from '../schemas/v2.1.1/index.js';
import * as v221 from '../schemas/v2.2.1/index.js';
import * as v230 from '../schemas/v2.3.0/index.js';
import type { PartyRef } from '../store/types.js';
import { type ConversionContext, type ConversionResult, convertValue, type Rules } from './convert.js';
import { IN_2_1_1, locationReferences, OUT_2_1_1 } from './rules-2.1.1.js';
import { IN_2_2_1, OUT_2_2_1 } from './rules-2.2.1.js';

/** The OCPI versions ocpi-ts serves, highest first. */
export const OCPI_VERSIONS = ['2.3.0', '2.2.1', '2.1.1'] as const;
export type OcpiVersion = (typeof OCPI_VERSIONS)[number];
/** The version modules, handlers and stores are written against. */
export const CANONICAL_VERSION = '2.3.0';

export interface ConvertCall {
  /** A PATCH body: required fields may be absent, none is defaulted. */
  patch?: boolean;
  context?: ConversionContext;
}

export interface VersionEdge {
  readonly version: OcpiVersion;
  /** How the credentials token travels in `Authorization`: raw in 2.1.1, Base64 from 2.2 on (transport_and_format). */
  readonly tokenEncoding: TokenEncoding;
  /** `OCPI-from-*`/`OCPI-to-*` exist (2.2 on); 2.1.1 has no hubs and no routing headers. */
  readonly routingHeaders: boolean;
  /** Endpoints in version details carry an interface role (2.2 on); in 2.1.1 the role follows from the party's. */
  readonly endpointRoles: boolean;
  /** The Locations a canonical object needs to be written in this version (2.1.1's Sessions and CDRs embed theirs). */
  references(type: string, value: unknown): { owner: PartyRef; id: string }[];
  /** Whether the version has this module (2.1.1 has no Charging Profiles or Hub Client Info; only 2.3.0 Payments and Bookings). */
  hasModule(identifier: string): boolean;
  /** The schema of an object type in this version (its PATCH body with `patch`); undefined when the version has no such object. */
  schemaOf(type: string, patch?: boolean): TObject | undefined;
  /** The OCPI status code this version uses for one of the canonical model's (2.1.1 has no 2004 Unknown Token, no hub errors). */
  statusCode(code: number): number;
  /** This version's object as the canonical model's. */
  toCanonical<T = unknown>(type: string, value: unknown, call?: ConvertCall): ConversionResult<T>;
  /** A canonical object as this version's. */
  fromCanonical<T = unknown>(type: string, value: unknown, call?: ConvertCall): ConversionResult<T>;
}

/** Each version's schemas by name: an object type is any named object schema (Location, Hours, Price...). */
const NAMESPACES: Readonly<Record<OcpiVersion, Readonly<Record<string, unknown>>>> = {
  '2.3.0': v230,
  '2.2.1': v221,
  // mod_commands 2.1.1: the Charge Point's asynchronous answer is a CommandResponse.
  '2.1.1': { ...v211, CommandResult: v211.CommandResponse },
};

const TABLES: Readonly<Record<OcpiVersion, ObjectTypes>> = { '2.3.0': v230.OBJECT_TYPES, '2.2.1': v221.OBJECT_TYPES, '2.1.1': v211.OBJECT_TYPES };
const MODULES: Readonly<Record<OcpiVersion, Readonly<Record<string, readonly string[]>>>> = {
  '2.3.0': v230.MODULE_OBJECTS,
  '2.2.1': v221.MODULE_OBJECTS,
  '2.1.1': v211.MODULE_OBJECTS,
};

/**
 * The canonical PATCH bodies of objects only older versions PATCH (2.1.1 Tariffs: mod_tariffs 2.1.1
 * "PATCH Method"; 2.2 removed it): what such a PATCH becomes before a handler merges it.
 */
const CANONICAL_PATCHES: Readonly<Record<string, TObject>> = { Tariff: partialPatchOf(v230.Tariff) };

const canonicalSchemaOf = (type: string, patch: boolean): TObject | undefined =>
  schemaIn(CANONICAL_VERSION, type, patch) ?? (patch ? CANONICAL_PATCHES[type] : undefined);

const schemaIn = (version: OcpiVersion, type: string, patch: boolean): TObject | undefined => {
  const entry = TABLES[version][type];
  const found = patch ? (entry?.patch ?? NAMESPACES[version][`${type}Patch`]) : (entry?.schema ?? NAMESPACES[version][type]);
  return KindGuard.IsObject(found) ? found : undefined;
};

const fail = (version: string, type: string, patch: boolean): ConversionResult<never> => ({
  ok: false,
  losses: [{ pointer: '', kind: 'dropped', reason: `OCPI ${version} has no ${type}${patch ? ' PATCH' : ''}` }],
});

function edgeOf(version: OcpiVersion, rules: { in: Rules; out: Rules }, transport: { tokenEncoding: TokenEncoding; routing: boolean }): VersionEdge {
  const canonical = version === CANONICAL_VERSION;
  const convert = <T>(type: string, value: unknown, call: ConvertCall, direction: 'in' | 'out'): ConversionResult<T> => {
    const patch = call.patch ?? false;
    const ours = schemaIn(version, type, patch);
    const theirs = canonicalSchemaOf(type, patch);
    if (!ours || !theirs) return fail(direction === 'in' ? CANONICAL_VERSION : version, type, patch);
    const [from, to] = direction === 'in' ? [ours, theirs] : [theirs, ours];
    if (canonical) return { ok: true, value: value as T, losses: [], identity: true, usesReferences: false };
    return convertValue<T>(value, from, to, { direction, version, rules: rules[direction], patch, ...(call.context ? { context: call.context } : {}) });
  };
  return {
    version,
    tokenEncoding: transport.tokenEncoding,
    routingHeaders: transport.routing,
    endpointRoles: transport.routing,
    references: version === '2.1.1' ? locationReferences : () => [],
    hasModule: (identifier) => MODULES[version][identifier] !== undefined || !MODULES[CANONICAL_VERSION][identifier],
    schemaOf: (type, patch = false) => schemaIn(version, type, patch),
    statusCode: (code) => (version === '2.1.1' && code >= 2004 && code < 3000 ? 2000 : version === '2.1.1' && code >= 3004 ? 3000 : code),
    toCanonical: (type, value, call = {}) => convert(type, value, call, 'in'),
    fromCanonical: (type, value, call = {}) => convert(type, value, call, 'out'),
  };
}

const EDGES: Readonly<Record<OcpiVersion, VersionEdge>> = {
  '2.3.0': edgeOf('2.3.0', { in: {}, out: {} }, { tokenEncoding: 'base64', routing: true }),
  '2.2.1': edgeOf('2.2.1', { in: IN_2_2_1, out: OUT_2_2_1 }, { tokenEncoding: 'base64', routing: true }),
  '2.1.1': edgeOf('2.1.1', { in: IN_2_1_1, out: OUT_2_1_1 }, { tokenEncoding: 'raw', routing: false }),
};

export const isOcpiVersion = (version: string | undefined): version is OcpiVersion => version !== undefined && version in EDGES;

/** The edge of a served version; throws for one ocpi-ts does not serve. */
export function versionEdge(version: string): VersionEdge {
  if (!isOcpiVersion(version)) throw new Error(`OCPI ${version} is not a version ocpi-ts serves (${OCPI_VERSIONS.join(', ')})`);
  return EDGES[version];
}
