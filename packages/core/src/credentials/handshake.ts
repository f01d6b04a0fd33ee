// What both sides of the credentials handshake share: reading the partner's versions and endpoints,
// and our own Credentials object.
import { type TObject, Type } from '@sinclair/typebox';
import type { OcpiClient } from '../client/client.js';
import { OcpiClientError, OcpiTransportError } from '../client/errors.js';
import { CANONICAL_VERSION, versionEdge } from '../edges/edge.js';
import { counterpartRole, ourPartyFacing } from '../edges/layout.js';
import { OcpiError, OcpiStatus } from '../errors.js';
import type { InterfaceRole, NodeInfo } from '../module.js';
import { partiesReachable } from '../partners/hub.js';
import type { CredentialsRole, PartnerToken, Role, TokenEncoding } from '../partners/partner.js';
import { Version } from '../schemas/v2.2.1/index.js';
import type { Credentials, Endpoint, VersionDetails } from '../schemas/v2.3.0/index.js';
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

/** `HUB` as 2.3.0 says it: `hub_party_id`, the hub's country code and party id. */
const hubPartyId = (party: { country_code: string; party_id: string }) => `${party.country_code}${party.party_id}`;

/**
 * Our Credentials object as a partner on `version` reads it. The partner record and `node.parties` keep
 * a hub as a HUB role; 2.3.0 names it in `hub_party_id`, 2.1.1 names one party: the one facing a partner
 * of `partnerRole` (our CPO for an eMSP).
 *
 * A hub of ours lists its HUB role in 2.2.1; in 2.3.0 its `roles` are the parties reachable through it
 * (credentials 2.3.0, note under "Credentials object"), the recipient's own left out, read from the
 * store at each call so they follow the parties that connect and leave. With none to list (the first
 * party to register), the hub lists itself as OTHER: 2.3.0 requires one role at least.
 */
export async function ourCredentialsIn(
  node: NodeInfo,
  token: string,
  version: string,
  recipient: { partnerRole?: Role | undefined; parties?: readonly PartyRef[] } = {},
): Promise<unknown> {
  const ours = ourCredentials(node, token);
  // 2.2.1 lists the roles as the node keeps them (its HUB role with its business details).
  if (version === '2.2.1') return ours;
  const hub = ours.roles.find((role) => role.role === 'HUB');
  const facing = ourPartyFacing(node.parties, recipient.partnerRole);
  const isFacing = (role: CredentialsRole) => Number(facing !== undefined && partyString(role) === partyString(facing));
  let roles = ours.roles.filter((role) => role.role !== 'HUB').sort((a, b) => isFacing(b) - isFacing(a));
  if (hub && version === CANONICAL_VERSION) {
    roles = [...roles, ...(await partiesReachable(node.store, [...ours.roles, ...(recipient.parties ?? [])]))];
    if (roles.length === 0) roles = [{ ...hub, role: 'OTHER' }];
  }
  const canonical = { token, url: ours.url, roles, ...(hub ? { hub_party_id: hubPartyId(hub) } : {}) };
  if (version === CANONICAL_VERSION) return canonical;
  const converted = versionEdge(version).fromCanonical('Credentials', canonical);
  if (!converted.ok) throw OcpiError.status(OcpiStatus.SERVER_ERROR, `Our credentials cannot be written in OCPI ${version}`);
  return converted.value;
}

const VersionList = Type.Array(Version, { minItems: 1 });

export interface DiscoverOptions {
  client: OcpiClient;
  validators: ValidatorFactory;
  versionsUrl: string;
  token: PartnerToken;
  encoding: TokenEncoding;
  /** The versions we accept, any order. */
  versions: readonly string[];
  /** The role the partner plays, where its version does not say (2.1.1 endpoints): default the counterpart of ours. */
  partnerRole?: Role | undefined;
  /** Our first role, whose counterpart a 2.1.1 partner plays when `partnerRole` is not known. */
  ourRole?: Role | undefined;
  /** The encoding is the partner's choice (given by the operator): keep it whatever the version picked. */
  fixedEncoding?: boolean;
  required: readonly RequiredEndpoint[];
  /** Most endpoints accepted (`NodeInfo.limits.partnerEndpoints`): the partner's record is read on every request it makes. */
  maxEndpoints: number;
}

export interface DiscoveredPartner {
  version: string;
  endpoints: Endpoint[];
  /** How tokens travel in that version: raw in 2.1.1, Base64 from 2.2 on (unless fixed by the operator). */
  encoding: TokenEncoding;
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
  const { client, validators, versionsUrl, token } = options;
  let encoding = options.encoding;
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
  // From here on the partner is spoken to in that version: its token encoding, its version details.
  const edge = versionEdge(version);
  if (!options.fixedEncoding) encoding = edge.tokenEncoding;

  const details = validators.compile(edge.schemaOf('VersionDetails') as TObject).validate(await call(detailsUrl, `the details of version ${version}`));
  if (!details.ok) throw unusable(`The version details at ${detailsUrl} are invalid: ${formatIssues(details.issues)}`);
  const read = details.value as { version: string; endpoints: unknown[] };
  if (read.version !== version) throw unusable(`The version details at ${detailsUrl} are for version ${read.version}, not ${version}`);
  if (read.endpoints.length > options.maxEndpoints) {
    throw unusable(`The version details at ${detailsUrl} list ${read.endpoints.length} endpoints, more than the ${options.maxEndpoints} this platform accepts`);
  }
  // 2.1.1 endpoints have no role: the partner's follows from its role (version_information_endpoint 2.1.1).
  const partnerRole = options.partnerRole ?? counterpartRole(options.ourRole);
  const canonical = edge.toCanonical<VersionDetails>('VersionDetails', read, { context: { partnerRole } });
  if (!canonical.ok) throw unusable(`The version details at ${detailsUrl} cannot be read`);
  const endpoints: Endpoint[] = canonical.value.endpoints.map((e) => ({ identifier: e.identifier, role: e.role, url: e.url }));

  const missing = options.required.filter(
    (need) => !endpoints.some((e) => e.identifier === need.identifier && (need.identifier === 'credentials' || e.role === need.role)),
  );
  if (missing.length > 0) {
    throw OcpiError.status(
      OcpiStatus.NO_MATCHING_ENDPOINTS,
      `The version details at ${detailsUrl} lack required endpoints: ${missing.map((m) => `${m.identifier} ${m.role}`).join(', ')}`,
    );
  }
  return { version, endpoints, encoding };
}

/** A partner's Credentials as the partner record reads them: its token, versions URL and roles (a hub as a HUB role). */
export interface ReadCredentials {
  token: string;
  url: string;
  roles: CredentialsRole[];
  /** A 2.3.0 hub's: the parties its `roles` list as reachable through it (`Partner.reachable`). */
  reachable?: CredentialsRole[];
}

/** The `reachable` field of a partner record read from its Credentials (absent when it lists none). */
export const reachableOf = (credentials: ReadCredentials): { reachable?: CredentialsRole[] } =>
  credentials.reachable?.length ? { reachable: credentials.reachable } : {};

/** How many parties a 2.3.0 hub may list as reachable, per role a platform may hold (`limits.partnerRoles`). */
const REACHABLE_PER_ROLE = 10;

/**
 * Reads a partner's Credentials object (a request body, its answer to our POST or PUT) in its version;
 * the message names the field. 2.2.1's roles are kept as given (a HUB role with its business details);
 * 2.1.1's one party plays `partnerRole` (its Credentials do not say: it follows from ours). In 2.3.0 a
 * `hub_party_id` makes the partner a hub: it holds that HUB role, and the `roles` are the parties
 * reachable through it (credentials 2.3.0, note under "Credentials object"), ours left out; a
 * `hub_party_id` naming one of `ourParties` is a platform behind us (we are its hub): its roles are its own.
 */
export function readCredentials(
  validators: ValidatorFactory,
  value: unknown,
  options: { version: string; partnerRole?: Role | undefined; maxRoles: number; ourParties: readonly PartyRef[] },
): { ok: true; value: ReadCredentials } | { ok: false; message: string } {
  const edge = versionEdge(options.version);
  const result = validators.compile(edge.schemaOf('Credentials') as TObject).validate(value);
  if (!result.ok) return { ok: false, message: formatIssues(result.issues) };
  let credentials = result.value as unknown as ReadCredentials;
  if (options.version !== '2.2.1') {
    const converted = edge.toCanonical<Credentials>('Credentials', result.value, { context: { partnerRole: options.partnerRole } });
    if (!converted.ok) return { ok: false, message: converted.losses.map((loss) => `${loss.pointer || '/'}: ${loss.reason}`).join('; ') };
    credentials = { token: converted.value.token, url: converted.value.url, ...rolesOf(converted.value, options.ourParties) };
  }
  return checkCredentials(credentials, options.maxRoles);
}

/** What a Credentials schema cannot express (unique role/party combinations), and our bound on roles. */
function checkCredentials(credentials: ReadCredentials, maxRoles: number): { ok: true; value: ReadCredentials } | { ok: false; message: string } {
  if (credentials.roles.length > maxRoles)
    return { ok: false, message: `/roles: ${credentials.roles.length} roles, more than the ${maxRoles} this platform accepts` };
  const reachable = credentials.reachable?.length ?? 0;
  if (reachable > maxRoles * REACHABLE_PER_ROLE) {
    return {
      ok: false,
      message: `/roles: ${reachable} parties reachable through the hub, more than the ${maxRoles * REACHABLE_PER_ROLE} this platform accepts`,
    };
  }
  // credentials, "Credentials object": every role needs a unique combination of role, party_id and country_code.
  const seen = new Set<string>();
  for (const [index, role] of [...credentials.roles, ...(credentials.reachable ?? [])].entries()) {
    const key = `${role.role}/${partyString(role)}`;
    if (seen.has(key)) return { ok: false, message: `/roles/${index}: repeats role ${role.role} of ${role.country_code}/${role.party_id}` };
    seen.add(key);
  }
  return { ok: true, value: credentials };
}

/** The roles of a canonical Credentials object as the partner record keeps them: a `hub_party_id` is a HUB role (what `actsFor` reads). */
function rolesOf(credentials: Credentials, ourParties: readonly PartyRef[]): Pick<ReadCredentials, 'roles' | 'reachable'> {
  const roles: CredentialsRole[] = credentials.roles.map((r) => ({
    role: r.role,
    country_code: r.country_code,
    party_id: r.party_id,
    business_details: r.business_details,
  }));
  const ours = new Set(ourParties.map(partyString));
  const hubPartyId = credentials.hub_party_id?.toUpperCase();
  const hubParty = hubPartyId && partyString({ country_code: hubPartyId.slice(0, 2), party_id: hubPartyId.slice(2) });
  if (!hubPartyId || !hubParty || ours.has(hubParty)) return { roles };
  const hub: CredentialsRole = {
    role: 'HUB',
    country_code: hubPartyId.slice(0, 2),
    party_id: hubPartyId.slice(2),
    // 2.3.0 gives a hub no business details: its party id names it, unless it lists itself (as OTHER).
    business_details: roles.find((r) => partyString(r) === hubParty)?.business_details ?? { name: hubPartyId },
  };
  const reachable = roles.filter((r) => !ours.has(partyString(r)) && partyString(r) !== hubParty);
  return { roles: [hub], reachable };
}

/** The first of these parties that another (not unregistered) partner already registered. */
export async function partyTakenByOther(store: OcpiStore, parties: readonly PartyRef[], selfId: string | undefined): Promise<PartyRef | undefined> {
  for (const party of parties) {
    const other = await store.partners.findByParty(party);
    if (other && other.id !== selfId && other.status !== 'UNREGISTERED') return party;
  }
  return undefined;
}
