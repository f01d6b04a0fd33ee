import { generateToken, hashToken } from '../auth/tokens.js';
import { createOcpiClient, type OcpiClient } from '../client/client.js';
import { counterpartRole } from '../edges/layout.js';
import { OcpiError } from '../errors.js';
import type { OcpiModule, RequestContext } from '../module.js';
import type { OutboundPolicy } from '../outbound.js';
import { type CredentialsRole, type Partner, PartyTakenError, partnerToken, type TokenEncoding } from '../partners/partner.js';
import { reviewedRoles, reviewRegistration, reviewUpdate } from '../partners/policy.js';
import type { PartyRef } from '../store/types.js';
import type { ValidatorFactory } from '../validation/validator.js';
import {
  discoverPartner,
  ourCredentialsIn,
  partyTakenByOther,
  type ReadCredentials,
  type RequiredEndpoint,
  reachableOf,
  readCredentials,
} from './handshake.js';

/** `awaiting_approval`: the operator's policy held roles of a registration or update (`approvePartner`). */
export type PartnerChange = { kind: 'registered' | 'updated' | 'unregistered' | 'awaiting_approval'; partner: Partner };

export interface CredentialsModuleOptions {
  /**
   * The endpoints a partner must offer, given the roles it registers with; missing ones refuse the
   * registration with 3003 (credentials, "Required endpoints not available"). Default none.
   */
  requiredEndpoints?: readonly RequiredEndpoint[] | ((partnerRoles: readonly CredentialsRole[]) => readonly RequiredEndpoint[]);
  /** The client that calls the partner back; default one over `fetch`. */
  client?: OcpiClient;
  fetch?: typeof fetch;
  /** What the partner's URLs may reach, when no `client` or `fetch` is given (default strict). */
  outbound?: OutboundPolicy;
  /** Per call to the partner; default 30 s. */
  timeoutMs?: number;
  /** Checks the partner's versions and version details; default the node's validators. */
  validators?: ValidatorFactory;
  /** Called after a partner registered, updated its credentials or unregistered (the policy ran before: `createOcpiServer({ partnerPolicy })`). */
  onPartnerChange?: (change: PartnerChange) => void | Promise<void>;
}

/**
 * The Credentials module, server side (credentials.asciidoc): a partner registers with POST using
 * the registration token (token A) we gave it, rotates with PUT, unregisters with DELETE, and reads
 * our credentials with GET. Mounted in every version the node serves, it reads and answers Credentials
 * in the version requested (2.1.1: one party, whose role follows from ours; 2.3.0: `hub_party_id`), and a
 * registration or update there makes that the partner's version (a PUT on the 2.2.1 endpoint moves a
 * 2.1.1 partner to 2.2.1; its objects stay).
 */
export function credentialsModule(options: CredentialsModuleOptions = {}): OcpiModule {
  const client =
    options.client ??
    createOcpiClient({
      ...(options.fetch ? { fetch: options.fetch } : {}),
      ...(options.outbound ? { outbound: options.outbound } : {}),
      ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
    });
  const validatorsOf = (ctx: RequestContext): ValidatorFactory => options.validators ?? { compile: (schema) => ctx.node.validator(schema) };
  const required = (roles: readonly CredentialsRole[]) =>
    typeof options.requiredEndpoints === 'function' ? options.requiredEndpoints(roles) : (options.requiredEndpoints ?? []);
  /** The role a partner plays towards us where its version does not say (2.1.1): the counterpart of our first. */
  const partnerRoleOf = (ctx: RequestContext) =>
    ctx.caller.kind === 'partner' && ctx.caller.partner.roles[0] ? ctx.caller.partner.roles[0].role : counterpartRole(ctx.node.parties[0]?.role);

  /** The body in the requested version, with the rule the schema cannot express (unique role/party combinations). */
  function bodyRoles(ctx: RequestContext): { credentials: ReadCredentials; roles: CredentialsRole[] } {
    const checked = readCredentials(validatorsOf(ctx), ctx.body, {
      version: ctx.version,
      partnerRole: partnerRoleOf(ctx),
      maxRoles: ctx.node.limits.partnerRoles,
      ourParties: ctx.node.parties,
    });
    if (!checked.ok) throw OcpiError.invalid(`Invalid Credentials: ${checked.message}`);
    return { credentials: checked.value, roles: checked.value.roles };
  }

  /** Our Credentials in the requested version, for a partner holding `parties` (a hub of ours lists the others). */
  const ours = (ctx: RequestContext, token: string, parties: readonly PartyRef[]) =>
    ourCredentialsIn(ctx.node, token, ctx.version, { partnerRole: partnerRoleOf(ctx), parties });

  /** The registered partner calling, or 405 (credentials, PUT and DELETE: "not registered yet"). One awaiting approval may unregister. */
  function registeredCaller(ctx: RequestContext, method: 'PUT' | 'DELETE'): Partner {
    const caller = ctx.caller;
    if (caller.kind === 'partner' && caller.partner.status === 'REGISTERED') return caller.partner;
    if (caller.kind === 'partner' && caller.partner.status === 'AWAITING_APPROVAL') {
      if (method === 'DELETE') return caller.partner;
      throw OcpiError.methodNotAllowed("Your registration waits for the approval of this platform's operator; PUT is not allowed meanwhile", ['GET', 'DELETE']);
    }
    throw OcpiError.methodNotAllowed(`${method} needs a registered client; register with POST first`, ['GET', 'POST']);
  }

  /** The partner's versions and endpoints (3001/3002/3003 when unusable); a failed call is reported as `outbound.failed` in full. */
  async function discover(ctx: RequestContext, credentials: ReadCredentials, encoding: TokenEncoding, roles: readonly CredentialsRole[]) {
    try {
      return await discoverPartner({
        client,
        validators: validatorsOf(ctx),
        versionsUrl: credentials.url,
        token: partnerToken(credentials.token),
        encoding,
        versions: [ctx.version],
        // The partner calls with the encoding it chose: we call it back with the same.
        fixedEncoding: true,
        partnerRole: roles[0]?.role,
        required: required(roles),
        maxEndpoints: ctx.node.limits.partnerEndpoints,
      });
    } catch (error) {
      // The answer quotes nothing of what the URL returned; the operator's events get all of it.
      const cause = error instanceof Error ? error.cause : undefined;
      if (cause instanceof Error) ctx.emit({ type: 'outbound.failed', url: credentials.url, reason: cause.message });
      throw error;
    }
  }

  async function notify(ctx: RequestContext, change: PartnerChange) {
    const registrationTokenId = ctx.caller.kind === 'registration' ? ctx.caller.registrationToken.id : undefined;
    ctx.emit({
      type: `partner.${change.kind}`,
      partnerId: change.partner.id,
      roles: change.partner.roles.map(({ country_code, party_id }) => ({ country_code, party_id })),
      ...(registrationTokenId ? { registrationTokenId } : {}),
    });
    await options.onPartnerChange?.(change);
  }

  return {
    identifier: 'credentials',
    role: 'SENDER',
    configuration: true,
    routes: [
      {
        method: 'GET',
        path: [],
        auth: 'partner-or-registration',
        answers: 'Credentials',
        async handle(ctx) {
          // Only the hash of our token is kept; the caller authenticated with that very token, so it
          // is the one to return ("the credentials object to access the server's platform").
          return { data: await ours(ctx, presentedToken(ctx), ctx.caller.kind === 'partner' ? ctx.caller.partner.roles : []) };
        },
      },
      {
        method: 'POST',
        path: [],
        auth: 'partner-or-registration',
        answers: 'Credentials',
        // The Credentials of the requested version, read by readCredentials (a custom body: see bodyRoles).
        async handle(ctx) {
          const caller = ctx.caller;
          if (caller.kind === 'partner') {
            // credentials, POST: "MUST return a HTTP status code 405 if the client has already been registered before".
            throw OcpiError.methodNotAllowed(
              caller.partner.status === 'PENDING'
                ? 'A registration with your platform, started by us, is in progress; POST is not allowed'
                : 'You are already registered: use PUT to update your credentials or DELETE to unregister',
              ['GET', 'PUT', 'DELETE'],
            );
          }
          const { credentials, roles } = bodyRoles(ctx);
          const store = ctx.node.store;
          // A party (country_code/party_id) identifies the client: one registered by another partner
          // record means this client is already registered, which POST must answer with 405.
          const taken = await partyTakenByOther(store, roles, undefined);
          if (taken) throw alreadyRegistered(taken);
          // Roles are granted, not claimed: the operator's policy decides before anything is fetched or saved.
          const decision = await reviewRegistration(ctx.node, {
            roles,
            partnerId: undefined,
            versionsUrl: credentials.url,
            registrationToken: caller.registrationToken,
          });
          // credentials, POST: "The server must also fetch the client's endpoints for this version."
          const discovered = await discover(ctx, credentials, caller.encoding, roles);
          const token = generateToken();
          const now = new Date().toISOString();
          const partner: Partner = {
            id: crypto.randomUUID(),
            status: decision === 'approve' ? 'REGISTERED' : 'AWAITING_APPROVAL',
            roles,
            ...(decision === 'approve' ? {} : { requestedRoles: roles }),
            ...reachableOf(credentials),
            versionsUrl: credentials.url,
            version: discovered.version,
            endpoints: discovered.endpoints,
            inboundTokenHash: await hashToken(token),
            outboundToken: partnerToken(credentials.token),
            tokenEncoding: caller.encoding,
            createdAt: now,
            updatedAt: now,
          };
          // The store claims the parties atomically: of two registrations of one party racing (with
          // two tokens A), one is saved and the other gets 405.
          try {
            await store.partners.save(partner);
          } catch (error) {
            if (error instanceof PartyTakenError) throw alreadyRegistered(error.party);
            throw error;
          }
          // Claimed atomically too: of two registrations racing with one token A, one wins.
          if (!(await store.registrationTokens.markUsed(caller.registrationToken.id, partner.id, now))) {
            await store.partners.delete(partner.id);
            throw OcpiError.unauthorized('The registration token was used or revoked meanwhile');
          }
          await notify(ctx, { kind: decision === 'approve' ? 'registered' : 'awaiting_approval', partner });
          return { data: await ours(ctx, token, roles) };
        },
      },
      {
        method: 'PUT',
        path: [],
        auth: 'partner-or-registration',
        answers: 'Credentials',
        // The Credentials of the requested version, read by readCredentials (a custom body: see bodyRoles).
        async handle(ctx) {
          const current = registeredCaller(ctx, 'PUT');
          const { credentials, roles } = bodyRoles(ctx);
          const taken = await partyTakenByOther(ctx.node.store, roles, current.id);
          if (taken) throw OcpiError.invalid(`/roles: ${taken.country_code}/${taken.party_id} is registered by another client`);
          // An update can add no role or party the operator did not grant (a refusal changes nothing).
          const decision = await reviewUpdate(ctx.node, current, roles, credentials.url);
          // credentials, PUT: switch to this endpoint's version and fetch the endpoints again, with the new token.
          // The encoding the partner uses now (a 2.1.1 partner moving to 2.2.1 switches to Base64).
          const discovered = await discover(ctx, credentials, ctx.caller.encoding, roles);
          const token = generateToken();
          const { requestedRoles: _previous, reachable: _before, ...rest } = current;
          const partner: Partner = {
            ...rest,
            ...reviewedRoles(decision, roles, current.roles),
            ...reachableOf(credentials),
            versionsUrl: credentials.url,
            version: discovered.version,
            endpoints: discovered.endpoints,
            // The old token stops working with this write.
            inboundTokenHash: await hashToken(token),
            outboundToken: partnerToken(credentials.token),
            tokenEncoding: ctx.caller.encoding,
            updatedAt: new Date().toISOString(),
          };
          try {
            await ctx.node.store.partners.save(partner);
          } catch (error) {
            if (error instanceof PartyTakenError)
              throw OcpiError.invalid(`/roles: ${error.party.country_code}/${error.party.party_id} is registered by another client`);
            throw error;
          }
          await notify(ctx, { kind: decision === 'approve' ? 'updated' : 'awaiting_approval', partner });
          return { data: await ours(ctx, token, roles) };
        },
      },
      {
        method: 'DELETE',
        path: [],
        auth: 'partner-or-registration',
        async handle(ctx) {
          const { inboundTokenHash: _ours, outboundToken: _theirs, ...current } = registeredCaller(ctx, 'DELETE');
          const partner: Partner = { ...current, status: 'UNREGISTERED', updatedAt: new Date().toISOString() };
          await ctx.node.store.partners.save(partner);
          await notify(ctx, { kind: 'unregistered', partner });
          return {};
        },
      },
    ],
  };
}

/** credentials, POST: 405 for a client (a party) that is registered already. */
const alreadyRegistered = (party: { country_code: string; party_id: string }): OcpiError =>
  OcpiError.methodNotAllowed(`${party.country_code}/${party.party_id} is already registered; unregister it (DELETE) before registering again`, [
    'GET',
    'PUT',
    'DELETE',
  ]);

/** The token in this request's Authorization header, as the authentication read it. */
const presentedToken = (ctx: RequestContext): string => ctx.caller.token;
