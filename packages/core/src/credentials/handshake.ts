// What both sides of the credentials handshake share: reading the partner's versions and endpoints,
// and our own Credentials object.
import { Type } from '@sinclair/typebox';
import type { OcpiClient } from '../client/client.js';
import { OcpiClientError, OcpiTransportError } from '../client/errors.js';
import { OcpiError, OcpiStatus } from '../errors.js';
import type { InterfaceRole, NodeInfo } from '../module.js';
import type { CredentialsRole, Endpoint, PartnerToken, TokenEncoding } from '../partners/partner.js';
import { Credentials, Version, VersionDetails } from '../schemas/v2.2.1/index.js';
import { partyString } from '../store/keys.js';
import type { OcpiStore, PartyRef } from '../store/types.js';
import { formatIssues } from '../validation/ajv.js';
import type { ValidatorFactory } from '../validation/validator.js';
import { highestMutualVersion } from '../versions.js';

/** A module interface the partner must offer for us to connect (credentials, "Required endpoints not available"). */
export interface RequiredEndpoint {
  identifier: string;
  role: InterfaceRole;
}

/** Our Credentials object: the token the partner uses to call us, our versions URL and our roles. */
export interface OurCredentials {
  token: string;
  url: string;
  roles: CredentialsRole[];
}

export const ourCredentials = (node: NodeInfo, token: string): OurCredentials => ({ token, url: node.versionsUrl, roles: [...node.parties] });

const VersionList = Type.Array(Version, { minItems: 1 });

export interface DiscoverOptions {
  client: OcpiClient;
  validators: ValidatorFactory;
  versionsUrl: string;
  token: PartnerToken;
  encoding: TokenEncoding;
  /** The versions we accept, any order. */
  versions: readonly string[];
  required: readonly RequiredEndpoint[];
  /** Most endpoints accepted (`NodeInfo.limits.partnerEndpoints`): the partner's record is read on every request it makes. */
  maxEndpoints: number;
}

export interface DiscoveredPartner {
  version: string;
  endpoints: Endpoint[];
}

/**
 * What went wrong with a call, in words that quote nothing the URL answered: the partner may have
 * pointed it at an internal service, whose body or messages must not come back to it in our answer.
 */
function failureOf(error: unknown): string {
  if (error instanceof OcpiClientError) return `HTTP ${error.httpStatus} with OCPI status ${error.statusCode}`;
  if (!(error instanceof OcpiTransportError)) return 'the call failed';
  const status = error.httpStatus === undefined ? '' : `HTTP ${error.httpStatus}, `;
  switch (error.failure) {
    case 'refused':
      return error.message;
    case 'timeout':
      return 'no answer in time';
    case 'network':
      return 'no connection';
    case 'http':
      return `HTTP ${error.httpStatus} without an OCPI envelope`;
    case 'not-json':
      return `${status}the answer is not JSON`;
    default:
      return `${status}the answer is not an OCPI response`;
  }
}

/** 3001 "Unable to use the client's API": names the URL and what went wrong (see `failureOf`). */
function unusable(what: string, error?: unknown): OcpiError {
  if (error === undefined) return OcpiError.status(OcpiStatus.UNABLE_TO_USE_CLIENT_API, what);
  return new OcpiError(`${what}: ${failureOf(error)}`, { statusCode: OcpiStatus.UNABLE_TO_USE_CLIENT_API, cause: error });
}

/**
 * Reads the partner's versions and the details of the version we pick (the highest one both sides
 * support), and checks the endpoints we need. Fails with an `OcpiError`: 3001 when the partner's API
 * is unreachable or answers wrongly, 3002 with no version in common, 3003 when endpoints are missing.
 */
export async function discoverPartner(options: DiscoverOptions): Promise<DiscoveredPartner> {
  const { client, validators, versionsUrl, token, encoding } = options;
  const call = async (url: string, what: string) => {
    try {
      return (await client.request<unknown>({ method: 'GET', url, token, encoding })).data;
    } catch (error) {
      throw unusable(`Could not read ${what} at ${url}`, error);
    }
  };

  const listed = validators.compile(VersionList).validate(await call(versionsUrl, 'the versions'));
  if (!listed.ok) throw unusable(`The versions at ${versionsUrl} are not a list of versions: ${formatIssues(listed.issues)}`);
  const theirs = listed.value.map((v) => v.version);
  const version = highestMutualVersion(options.versions, theirs);
  if (version === undefined) {
    throw OcpiError.status(
      OcpiStatus.UNSUPPORTED_VERSION,
      `No OCPI version in common: ${versionsUrl} offers ${theirs.join(', ')}; we support ${options.versions.join(', ')}`,
    );
  }
  const detailsUrl = listed.value.find((v) => v.version === version)?.url as string;

  const details = validators.compile(VersionDetails).validate(await call(detailsUrl, `the details of version ${version}`));
  if (!details.ok) throw unusable(`The version details at ${detailsUrl} are invalid: ${formatIssues(details.issues)}`);
  if (details.value.version !== version) throw unusable(`The version details at ${detailsUrl} are for version ${details.value.version}, not ${version}`);
  if (details.value.endpoints.length > options.maxEndpoints) {
    throw unusable(
      `The version details at ${detailsUrl} list ${details.value.endpoints.length} endpoints, more than the ${options.maxEndpoints} this platform accepts`,
    );
  }
  const endpoints: Endpoint[] = details.value.endpoints.map((e) => ({ identifier: e.identifier, role: e.role, url: e.url }));

  const missing = options.required.filter(
    (need) => !endpoints.some((e) => e.identifier === need.identifier && (need.identifier === 'credentials' || e.role === need.role)),
  );
  if (missing.length > 0) {
    throw OcpiError.status(
      OcpiStatus.NO_MATCHING_ENDPOINTS,
      `The version details at ${detailsUrl} lack required endpoints: ${missing.map((m) => `${m.identifier} ${m.role}`).join(', ')}`,
    );
  }
  return { version, endpoints };
}

/** Validates a Credentials object (from a body or a partner's answer); the message names the field. */
export function checkCredentials(
  validators: ValidatorFactory,
  value: unknown,
  maxRoles: number,
): { ok: true; value: Credentials } | { ok: false; message: string } {
  const result = validators.compile(Credentials).validate(value);
  if (!result.ok) return { ok: false, message: formatIssues(result.issues) };
  if (result.value.roles.length > maxRoles)
    return { ok: false, message: `/roles: ${result.value.roles.length} roles, more than the ${maxRoles} this platform accepts` };
  // credentials, "Credentials object": every role needs a unique combination of role, party_id and country_code.
  const seen = new Set<string>();
  for (const [index, role] of result.value.roles.entries()) {
    const key = `${role.role}/${partyString(role)}`;
    if (seen.has(key)) return { ok: false, message: `/roles/${index}: repeats role ${role.role} of ${role.country_code}/${role.party_id}` };
    seen.add(key);
  }
  return { ok: true, value: result.value };
}

/** The roles of a Credentials object as the partner record keeps them. */
export const rolesOf = (credentials: Credentials): CredentialsRole[] =>
  credentials.roles.map((r) => ({ role: r.role, country_code: r.country_code, party_id: r.party_id, business_details: r.business_details }));

/** The first of these parties that another (not unregistered) partner already registered. */
export async function partyTakenByOther(store: OcpiStore, parties: readonly PartyRef[], selfId: string | undefined): Promise<PartyRef | undefined> {
  for (const party of parties) {
    const other = await store.partners.findByParty(party);
    if (other && other.id !== selfId && other.status !== 'UNREGISTERED') return party;
  }
  return undefined;
}
