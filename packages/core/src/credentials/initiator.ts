// The initiating side of the credentials handshake (credentials.asciidoc, "Registration"): we hold
// the partner's token A, fetch its versions, POST our credentials, and keep the token it answers with.
import { generateToken, hashToken } from '../auth/tokens.js';
import { createOcpiClient, type OcpiClient } from '../client/client.js';
import { isOcpiVersion, versionEdge } from '../edges/edge.js';
import { counterpartRole } from '../edges/layout.js';
import { OcpiError, OcpiStatus } from '../errors.js';
import type { NodeInfo } from '../module.js';
import type { OutboundPolicy } from '../outbound.js';
import { type Partner, type PartnerToken, type PartyRef, PartyTakenError, partnerToken, type TokenEncoding } from '../partners/partner.js';
import { reviewedRoles, reviewRegistration, reviewUpdate, rolesKept } from '../partners/policy.js';
import type { ValidatorFactory } from '../validation/validator.js';
import {
  type DiscoveredPartner,
  discoverPartner,
  ourCredentialsIn,
  partyTakenByOther,
  type RequiredEndpoint,
  reachableOf,
  readCredentials,
} from './handshake.js';

export interface InitiatorOptions {
  /** Our node (`server.node`): store, versions, versions URL and parties. */
  node: NodeInfo;
  /** Default a client over `fetch`. */
  client?: OcpiClient;
  fetch?: typeof fetch;
  /** What the partner's URLs may reach, when no `client` or `fetch` is given (default strict). */
  outbound?: OutboundPolicy;
  timeoutMs?: number;
  /** Checks the partner's answers; default the node's validators. */
  validators?: ValidatorFactory;
  /**
   * Endpoints the partner must offer; without them we do not POST (credentials, "Required endpoints
   * not available": the Sender "is expected NOT to send the POST request"). `credentials` is always required.
   */
  requiredEndpoints?: readonly RequiredEndpoint[];
}

export interface RegisterOptions extends InitiatorOptions {
  /** The partner's versions endpoint, given out of band with token A. */
  versionsUrl: string;
  /** The registration token the partner issued to us (CREDENTIALS_TOKEN_A). */
  tokenA: PartnerToken;
  /** How the partner expects tokens in `Authorization`: Base64 (OCPI 2.2.1, the default) or raw. */
  encoding?: TokenEncoding;
  /** Id of the partner record; default a new UUID. */
  partnerId?: string;
}

export interface PartnerIdOptions extends InitiatorOptions {
  partnerId: string;
}

interface Context {
  node: NodeInfo;
  client: OcpiClient;
  validators: ValidatorFactory;
  required: readonly RequiredEndpoint[];
}

function contextOf(options: InitiatorOptions): Context {
  return {
    node: options.node,
    client:
      options.client ??
      createOcpiClient({
        ...(options.fetch ? { fetch: options.fetch } : {}),
        ...(options.outbound ? { outbound: options.outbound } : {}),
        ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
      }),
    validators: options.validators ?? { compile: (schema) => options.node.validator(schema) },
    required: [{ identifier: 'credentials', role: 'SENDER' }, ...(options.requiredEndpoints ?? [])],
  };
}

const credentialsUrlOf = (discovered: DiscoveredPartner): string => discovered.endpoints.find((e) => e.identifier === 'credentials')?.url as string;

const partyTaken = (party: PartyRef): OcpiError =>
  OcpiError.status(OcpiStatus.CLIENT_ERROR, `${party.country_code}/${party.party_id} is already registered by another partner; registration undone`);

/** The partner's answer to our POST or PUT in its version, or 3001 when it is not a Credentials object. */
function answeredCredentials(ctx: Context, data: unknown, url: string, version: string) {
  const partnerRole = counterpartRole(ctx.node.parties[0]?.role);
  const checked = readCredentials(ctx.validators, data, { version, partnerRole, maxRoles: ctx.node.limits.partnerRoles, ourParties: ctx.node.parties });
  if (!checked.ok) throw OcpiError.status(OcpiStatus.UNABLE_TO_USE_CLIENT_API, `The answer of ${url} is not a valid Credentials object: ${checked.message}`);
  return checked.value;
}

async function registeredPartner(ctx: Context, partnerId: string): Promise<Partner & { outboundToken: PartnerToken; versionsUrl: string }> {
  const partner = await ctx.node.store.partners.get(partnerId);
  if (!partner) throw new Error(`No partner ${partnerId}`);
  if (partner.status !== 'REGISTERED' || !partner.outboundToken || !partner.versionsUrl) {
    throw new Error(`Partner ${partnerId} is ${partner.status}, not registered`);
  }
  return partner as Partner & { outboundToken: PartnerToken; versionsUrl: string };
}

/**
 * Registers with a partner. Before the POST the partner record exists as PENDING with the hash of
 * the token we issue (token B): the partner calls our versions endpoints with it while handling our
 * POST, and a PENDING partner is accepted there only. On any failure nothing stays stored.
 *
 * Rejects with `OcpiError` 3001/3002/3003 when the partner's API is unusable, shares no version or
 * lacks required endpoints (no POST is sent then), and with `OcpiClientError` / `OcpiTransportError`
 * when the POST itself is refused or gets no answer.
 */
export async function register(options: RegisterOptions): Promise<Partner> {
  const ctx = contextOf(options);
  const { store } = ctx.node;
  const discovered = await discoverPartner({
    client: ctx.client,
    validators: ctx.validators,
    versionsUrl: options.versionsUrl,
    token: options.tokenA,
    // Base64 until a version is picked, then that version's (raw in 2.1.1), unless the operator says.
    encoding: options.encoding ?? 'base64',
    fixedEncoding: options.encoding !== undefined,
    ourRole: ctx.node.parties[0]?.role,
    versions: ctx.node.versions,
    required: ctx.required,
    maxEndpoints: ctx.node.limits.partnerEndpoints,
  });
  const tokenB = generateToken();
  const now = new Date().toISOString();
  const pending: Partner = {
    id: options.partnerId ?? crypto.randomUUID(),
    status: 'PENDING',
    roles: [],
    versionsUrl: options.versionsUrl,
    version: discovered.version,
    endpoints: discovered.endpoints,
    inboundTokenHash: await hashToken(tokenB),
    tokenEncoding: discovered.encoding,
    createdAt: now,
    updatedAt: now,
  };
  if (await store.partners.get(pending.id)) throw new Error(`A partner ${pending.id} exists already`);
  await store.partners.save(pending);
  try {
    const url = credentialsUrlOf(discovered);
    const { encoding } = discovered;
    const body = await ourCredentialsIn(ctx.node, tokenB, discovered.version, { partnerRole: counterpartRole(ctx.node.parties[0]?.role) });
    const answer = await ctx.client.request<unknown>({ method: 'POST', url, token: options.tokenA, encoding, body });
    const credentials = answeredCredentials(ctx, answer.data, url, discovered.version);
    const roles = credentials.roles;
    const tokenC = partnerToken(credentials.token);
    // Registered there; refused here (a party another partner holds, a role the policy does not
    // grant): undo the registration there.
    const undo = async (error: OcpiError): Promise<never> => {
      await ctx.client.request({ method: 'DELETE', url, token: tokenC, encoding }).catch(() => undefined);
      throw error;
    };
    const taken = await partyTakenByOther(store, roles, pending.id);
    if (taken) await undo(partyTaken(taken));
    const decision = await reviewRegistration(ctx.node, { roles, partnerId: pending.id, versionsUrl: credentials.url }).catch((error: unknown) =>
      error instanceof OcpiError ? undo(error) : Promise.reject(error),
    );
    const partner: Partner = {
      ...pending,
      status: decision === 'approve' ? 'REGISTERED' : 'AWAITING_APPROVAL',
      roles,
      ...(decision === 'approve' ? {} : { requestedRoles: roles }),
      ...reachableOf(credentials),
      versionsUrl: credentials.url,
      outboundToken: tokenC,
      updatedAt: new Date().toISOString(),
    };
    try {
      await store.partners.save(partner);
    } catch (error) {
      if (error instanceof PartyTakenError) await undo(partyTaken(error.party));
      throw error;
    }
    return partner;
  } catch (error) {
    await store.partners.delete(pending.id);
    throw error;
  }
}

/**
 * Updates the credentials with a registered partner (credentials, "Updating the credentials and
 * resetting the credentials token"): fetches its versions again, switches to the highest version in
 * common, and PUTs a new token. Our old token stops working before the PUT, since the partner fetches
 * our endpoints with the new one while handling it; if the partner refuses the PUT, the old token is
 * restored. The partner's new token replaces the old one.
 */
export async function updateCredentials(options: PartnerIdOptions): Promise<Partner> {
  const ctx = contextOf(options);
  const { store } = ctx.node;
  const current = await registeredPartner(ctx, options.partnerId);
  const discovered = await discoverPartner({
    client: ctx.client,
    validators: ctx.validators,
    versionsUrl: current.versionsUrl,
    token: current.outboundToken,
    encoding: current.tokenEncoding,
    // An encoding other than its version's was the operator's choice: it is kept; else it follows the version (raw in 2.1.1).
    fixedEncoding: !isOcpiVersion(current.version) || current.tokenEncoding !== versionEdge(current.version).tokenEncoding,
    ourRole: ctx.node.parties[0]?.role,
    versions: ctx.node.versions,
    required: ctx.required,
    maxEndpoints: ctx.node.limits.partnerEndpoints,
  });
  const tokenB = generateToken();
  // During the PUT the partner calls us in the version picked (our versions endpoint with token B): in
  // the encoding of that version, Base64 for a partner moving from 2.1.1 to 2.2.1.
  const rotated: Partner = {
    ...current,
    inboundTokenHash: await hashToken(tokenB),
    tokenEncoding: discovered.encoding,
    updatedAt: new Date().toISOString(),
  };
  await store.partners.save(rotated);
  try {
    const url = credentialsUrlOf(discovered);
    const { encoding } = discovered;
    const body = await ourCredentialsIn(ctx.node, tokenB, discovered.version, { partnerRole: current.roles[0]?.role, parties: current.roles });
    const answer = await ctx.client.request<unknown>({ method: 'PUT', url, token: current.outboundToken, encoding, body });
    const credentials = answeredCredentials(ctx, answer.data, url, discovered.version);
    const roles = credentials.roles;
    // The PUT is done there; here the partner keeps only the roles the policy grants: a refused
    // addition is dropped, a pending one waits for the operator (`approvePartner`).
    const decision = await reviewUpdate(ctx.node, current, roles, credentials.url).catch((error: unknown) => {
      if (error instanceof OcpiError) return 'refuse' as const;
      throw error;
    });
    const { requestedRoles: _previous, reachable: _before, ...base } = rotated;
    const partner: Partner = {
      ...base,
      ...(decision === 'refuse' ? { roles: rolesKept(roles, current.roles) } : reviewedRoles(decision, roles, current.roles)),
      ...reachableOf(credentials),
      versionsUrl: credentials.url,
      version: discovered.version,
      endpoints: discovered.endpoints,
      outboundToken: partnerToken(credentials.token),
      tokenEncoding: encoding,
      updatedAt: new Date().toISOString(),
    };
    await store.partners.save(partner);
    return partner;
  } catch (error) {
    await store.partners.save(current);
    throw error;
  }
}

/**
 * Unregisters from a partner (credentials, DELETE): tells it our token there is void, then forgets
 * both tokens and marks the partner UNREGISTERED. When the DELETE fails, nothing changes here.
 */
export async function unregister(options: PartnerIdOptions): Promise<Partner> {
  const ctx = contextOf(options);
  const current = await registeredPartner(ctx, options.partnerId);
  const endpoint = current.endpoints.find((e) => e.identifier === 'credentials');
  if (!endpoint) throw OcpiError.status(OcpiStatus.NO_MATCHING_ENDPOINTS, `Partner ${current.id} has no credentials endpoint`);
  await ctx.client.request({ method: 'DELETE', url: endpoint.url, token: current.outboundToken, encoding: current.tokenEncoding });
  const { inboundTokenHash: _ours, outboundToken: _theirs, ...rest } = current;
  const partner: Partner = { ...rest, status: 'UNREGISTERED', updatedAt: new Date().toISOString() };
  await ctx.node.store.partners.save(partner);
  return partner;
}

/** The initiator functions bound to one node, plus lookups: the operator's view of its partners. */
export interface PartnerRegistry {
  register(options: Omit<RegisterOptions, keyof InitiatorOptions>): Promise<Partner>;
  updateCredentials(partnerId: string): Promise<Partner>;
  unregister(partnerId: string): Promise<Partner>;
  get(partnerId: string): Promise<Partner | undefined>;
  list(): Promise<Partner[]>;
}

export function createPartnerRegistry(options: InitiatorOptions): PartnerRegistry {
  const shared: InitiatorOptions = { ...options, client: contextOf(options).client };
  return {
    register: (registration) => register({ ...shared, ...registration }),
    updateCredentials: (partnerId) => updateCredentials({ ...shared, partnerId }),
    unregister: (partnerId) => unregister({ ...shared, partnerId }),
    get: (partnerId) => options.node.store.partners.get(partnerId),
    list: () => options.node.store.partners.list(),
  };
}
