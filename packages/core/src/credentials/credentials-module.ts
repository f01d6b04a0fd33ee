import { constantTimeEqual, generateToken, hashToken, readAuthorizationHeader } from '../auth/tokens.js';
import { createOcpiClient, type OcpiClient } from '../client/client.js';
import { OcpiError } from '../errors.js';
import type { OcpiModule, RequestContext } from '../module.js';
import type { OutboundPolicy } from '../outbound.js';
import { type CredentialsRole, type Partner, partnerToken } from '../partners/partner.js';
import { Credentials } from '../schemas/v2.2.1/index.js';
import type { ValidatorFactory } from '../validation/validator.js';
import { checkCredentials, discoverPartner, ourCredentials, partyTakenByOther, type RequiredEndpoint, rolesOf } from './handshake.js';

export type PartnerChange = { kind: 'registered' | 'updated' | 'unregistered'; partner: Partner };

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
  /** Called after a partner registered, updated its credentials or unregistered. */
  onPartnerChange?: (change: PartnerChange) => void | Promise<void>;
}

/**
 * The Credentials module, server side (credentials.asciidoc): a partner registers with POST using
 * the registration token (token A) we gave it, rotates with PUT, unregisters with DELETE, and reads
 * our credentials with GET. Mount it in each version: `{ '2.2.1': [credentialsModule(), ...] }`.
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
  const body = { schema: Credentials, name: 'Credentials' };

  /** The roles of the body, with the rule the schema cannot express (unique role/party combinations). */
  function bodyRoles(ctx: RequestContext): { credentials: Credentials; roles: CredentialsRole[] } {
    const checked = checkCredentials(validatorsOf(ctx), ctx.body);
    if (!checked.ok) throw OcpiError.invalid(`Invalid Credentials: ${checked.message}`);
    return { credentials: checked.value, roles: rolesOf(checked.value) };
  }

  /** The registered partner calling, or 405 (credentials, PUT and DELETE: "not registered yet"). */
  function registeredCaller(ctx: RequestContext, method: 'PUT' | 'DELETE'): Partner {
    const caller = ctx.caller;
    if (caller.kind === 'partner' && caller.partner.status === 'REGISTERED') return caller.partner;
    throw OcpiError.methodNotAllowed(`${method} needs a registered client; register with POST first`, ['GET', 'POST']);
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
        async handle(ctx) {
          // Only the hash of our token is kept; the caller authenticated with that very token, so it
          // is the one to return ("the credentials object to access the server's platform").
          return { data: ourCredentials(ctx.node, await presentedToken(ctx)) };
        },
      },
      {
        method: 'POST',
        path: [],
        auth: 'partner-or-registration',
        body,
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
          if (taken) {
            throw OcpiError.methodNotAllowed(`${taken.country_code}/${taken.party_id} is already registered; unregister it (DELETE) before registering again`, [
              'GET',
              'PUT',
              'DELETE',
            ]);
          }
          // credentials, POST: "The server must also fetch the client's endpoints for this version."
          const discovered = await discoverPartner({
            client,
            validators: validatorsOf(ctx),
            versionsUrl: credentials.url,
            token: partnerToken(credentials.token),
            encoding: caller.encoding,
            versions: [ctx.version],
            required: required(roles),
          });
          const token = generateToken();
          const now = new Date().toISOString();
          const partner: Partner = {
            id: crypto.randomUUID(),
            status: 'REGISTERED',
            roles,
            versionsUrl: credentials.url,
            version: discovered.version,
            endpoints: discovered.endpoints,
            inboundTokenHash: await hashToken(token),
            outboundToken: partnerToken(credentials.token),
            tokenEncoding: caller.encoding,
            createdAt: now,
            updatedAt: now,
          };
          // Claimed atomically: of two registrations racing with one token A, one wins.
          if (!(await store.registrationTokens.markUsed(caller.registrationToken.id, partner.id, now))) {
            throw OcpiError.unauthorized('The registration token was used or revoked meanwhile');
          }
          await store.partners.save(partner);
          await notify(ctx, { kind: 'registered', partner });
          return { data: ourCredentials(ctx.node, token) };
        },
      },
      {
        method: 'PUT',
        path: [],
        auth: 'partner-or-registration',
        body,
        async handle(ctx) {
          const current = registeredCaller(ctx, 'PUT');
          const { credentials, roles } = bodyRoles(ctx);
          const taken = await partyTakenByOther(ctx.node.store, roles, current.id);
          if (taken) throw OcpiError.invalid(`/roles: ${taken.country_code}/${taken.party_id} is registered by another client`);
          // credentials, PUT: switch to this endpoint's version and fetch the endpoints again, with the new token.
          const discovered = await discoverPartner({
            client,
            validators: validatorsOf(ctx),
            versionsUrl: credentials.url,
            token: partnerToken(credentials.token),
            encoding: current.tokenEncoding,
            versions: [ctx.version],
            required: required(roles),
          });
          const token = generateToken();
          const partner: Partner = {
            ...current,
            roles,
            versionsUrl: credentials.url,
            version: discovered.version,
            endpoints: discovered.endpoints,
            // The old token stops working with this write.
            inboundTokenHash: await hashToken(token),
            outboundToken: partnerToken(credentials.token),
            updatedAt: new Date().toISOString(),
          };
          await ctx.node.store.partners.save(partner);
          await notify(ctx, { kind: 'updated', partner });
          return { data: ourCredentials(ctx.node, token) };
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

/** The token in this request's Authorization header, as the authentication read it. */
async function presentedToken(ctx: RequestContext): Promise<string> {
  const caller = ctx.caller;
  if (caller.kind === 'registration') return caller.token;
  const header = ctx.request.headers.authorization;
  for (const reading of readAuthorizationHeader(typeof header === 'string' ? header : header?.[0])) {
    if (reading.encoding !== caller.encoding) continue;
    if (caller.partner.inboundTokenHash && constantTimeEqual(await hashToken(reading.token), caller.partner.inboundTokenHash)) return reading.token;
  }
  throw OcpiError.unauthorized('The credentials token of this request could not be read back');
}
