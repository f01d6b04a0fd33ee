/**
 * Tokens module (mod_tokens.asciidoc): the Sender (eMSP) serves its Tokens and answers real-time
 * authorization; the Receiver (CPO) keeps the Tokens eMSPs push. A Token is identified by uid AND type.
 */

import { JsonText } from '../envelope.js';
import { OcpiError, OcpiStatus } from '../errors.js';
import type { OcpiModule, RequestContext } from '../module.js';
import { knownValues } from '../schemas/common/enums.js';
import type { AuthorizationInfo, Location, LocationReferences, PublishTokenType, TokenPatch } from '../schemas/v2.3.0/index.js';
import { Token, TokenType } from '../schemas/v2.3.0/index.js';
import { tolerated } from '../tolerances.js';
import {
  applyPatch,
  assertSameId,
  assertSameOwner,
  audienceOf,
  type Found,
  findOwnObject,
  foundResult,
  type HandlerRequest,
  handlerRequest,
  type ListRequest,
  listOwnObjects,
  listRequest,
  type MaybePromise,
  type OwnedRequest,
  ownedRequest,
  type Page,
  pageResult,
  patchStoredObject,
  putReceivedObject,
  STORE_MODULES,
  sameCiString,
  tokenStoreId,
  type WriteResult,
  writeResult,
} from './common.js';

/** A Token's identity: `uid` together with `type` (mod_tokens, Token Object). */
export interface TokenKey {
  uid: string;
  type: TokenType;
}

/** Tokens Sender (typically the eMSP). */
export interface TokensSenderHandler {
  list(request: ListRequest): MaybePromise<Page<Token>>;
  /**
   * Real-time authorization (POST `/{token_uid}/authorize[?type=]`). Return undefined for an unknown
   * Token (HTTP 404, 2004, no data); throw `authorizationNeedsLocation()` (2002) when the request has
   * too little information.
   */
  authorize(token: TokenKey, location: LocationReferences | undefined, request: HandlerRequest): MaybePromise<AuthorizationInfo | undefined>;
}

/** Tokens Receiver (typically the CPO). The module has checked uid, type and owner against the URL. */
export interface TokensReceiverHandler {
  get(token: TokenKey, request: OwnedRequest): MaybePromise<Found<Token>>;
  put(token: Token, request: OwnedRequest): MaybePromise<WriteResult>;
  /** Throws `unknownToken` when absent. */
  patch(token: TokenKey, patch: TokenPatch, request: OwnedRequest): MaybePromise<WriteResult>;
}

// TokenType is open (a Token object may carry a newer type); the URL parameter takes the known ones.
const TOKEN_TYPES: readonly string[] = knownValues(TokenType);

/**
 * The `type` URL parameter: one TokenType, RFID when omitted (mod_tokens, Request Parameters). 2.1.1
 * has no such parameter (a Token is known by its uid): there a Token in the body gives its own type.
 */
export function tokenTypeParameter(context: RequestContext): TokenType {
  const type = context.query.get('type');
  const given = (context.body as { type?: unknown } | undefined)?.type;
  if ((type === null || type === '') && context.version === '2.1.1' && typeof given === 'string') return given as TokenType;
  if (type === null || type === '') return 'RFID';
  if (!TOKEN_TYPES.includes(type)) throw OcpiError.invalid(`Query parameter type must be one of ${TOKEN_TYPES.join(', ')}, got '${type}'`);
  return type as TokenType;
}

/** HTTP 404 for a Token that is not known. */
export const unknownToken = (token: TokenKey): OcpiError => OcpiError.notFound(`Token ${token.uid} of type ${token.type} is not known`);

/** 2002: too little information to authorize, e.g. no LocationReferences (mod_tokens, "POST Method"). */
export const authorizationNeedsLocation = (message = 'This Token can only be authorized for a given Location: send LocationReferences'): OcpiError =>
  OcpiError.status(OcpiStatus.NOT_ENOUGH_INFORMATION, message);

/** Whether a Token matches every field set in one PublishTokenType (mod_locations, PublishTokenType class). */
export function matchesPublishToken(token: Token, publish: PublishTokenType): boolean {
  const fields = ['uid', 'type', 'visual_number', 'issuer', 'group_id'] as const;
  return fields.every((field) => {
    const wanted = publish[field];
    const actual = token[field];
    if (wanted === undefined) return true;
    if (actual === undefined) return false;
    // uid and group_id are CiStrings; visual_number and issuer are plain strings.
    return field === 'uid' || field === 'group_id' ? sameCiString(wanted, actual) : wanted === actual;
  });
}

/**
 * The Sender default: serves the Tokens the operator put in the store, and authorizes a known Token:
 * ALLOWED when `valid`, BLOCKED when not. With LocationReferences, a Location the calling CPO pushed
 * with `publish` false and a `publish_allowed_to` list is only for the Tokens on that list
 * (mod_locations, Location Object): NOT_ALLOWED for others. Opening hours and EVSE status are not
 * checked (mod_tokens, "Real-time authorization"), and an unknown Location is no reason to refuse.
 */
export const storeTokensSender: TokensSenderHandler = {
  list: (request) => listOwnObjects<Token>(STORE_MODULES.tokens, request),
  async authorize(key, location, { context }) {
    const stored = await findOwnObject<Token>(context, STORE_MODULES.tokens, tokenStoreId(key.uid, key.type));
    if (!stored) return undefined;
    const token = stored.data;
    if (!token.valid) return { allowed: 'BLOCKED', token };
    if (location) {
      for (const cpo of audienceOf(context)) {
        const pushed = await context.node.store.objects.get<Location>({ module: STORE_MODULES.locations, owner: cpo, id: location.location_id });
        const restricted = pushed && !pushed.data.publish && (pushed.data.publish_allowed_to?.length ?? 0) > 0;
        if (restricted && !pushed.data.publish_allowed_to?.some((p) => matchesPublishToken(token, p))) {
          return { allowed: 'NOT_ALLOWED', token };
        }
      }
    }
    // The location, when given, comes back with the EVSEs the driver may use: all of them here.
    const info: AuthorizationInfo = { allowed: 'ALLOWED', token, authorization_reference: crypto.randomUUID() };
    if (location) info.location = location;
    return info;
  },
};

/** The Receiver default: keeps the Tokens each eMSP pushes, per owner, uid and type. */
export const storeTokensReceiver: TokensReceiverHandler = {
  async get(key, { context, owner }) {
    const stored = await context.node.store.objects.get<Token>({ module: STORE_MODULES.tokens, owner, id: tokenStoreId(key.uid, key.type) });
    return stored ? JsonText.of(stored) : undefined;
  },
  put: (token, { context, owner }) => putReceivedObject(context, { module: STORE_MODULES.tokens, owner, id: tokenStoreId(token.uid, token.type) }, token),
  patch: (key, patch, { context, owner }) =>
    patchStoredObject<Token>(
      context,
      { module: STORE_MODULES.tokens, owner, id: tokenStoreId(key.uid, key.type) },
      {
        schema: Token,
        name: 'Token',
        received: patch.last_updated,
        merge: (current) => applyPatch(current, patch),
        unknown: () => unknownToken(key),
      },
    ),
};

export function tokensSender(handler: TokensSenderHandler = storeTokensSender): OcpiModule {
  return {
    identifier: 'tokens',
    role: 'SENDER',
    routes: [
      { method: 'GET', path: [], paginated: true, gives: 'Token', handle: async (ctx) => pageResult(await handler.list(listRequest(ctx))) },
      {
        method: 'POST',
        path: [':token_uid', 'authorize'],
        body: { type: 'LocationReferences', required: false },
        gives: 'AuthorizationInfo',
        async handle(ctx) {
          const key: TokenKey = { uid: ctx.param('token_uid'), type: tokenTypeParameter(ctx) };
          const info = await handler.authorize(key, ctx.body as LocationReferences | undefined, handlerRequest(ctx));
          // mod_tokens, "POST Method": an unknown Token gets HTTP 404, status 2004 and no data.
          if (!info) throw new OcpiError(`Token ${key.uid} of type ${key.type} is not known`, { reason: 'not_found', statusCode: OcpiStatus.UNKNOWN_TOKEN });
          return { data: info };
        },
      },
    ],
  };
}

export function tokensReceiver(handler: TokensReceiverHandler = storeTokensReceiver): OcpiModule {
  const path = [':country_code', ':party_id', ':token_uid'];
  const keyOf = (ctx: RequestContext): TokenKey => ({ uid: ctx.param('token_uid'), type: tokenTypeParameter(ctx) });
  /**
   * The Token a PUT is for. `?type=` defaults to RFID (mod_tokens, Request Parameters), but many eMSPs
   * leave it out for every type: without one, the complete Token in the body says which it is (an
   * APP_USER body is stored as APP_USER), with a `partner.tolerated` event when that is not RFID. A
   * PATCH keeps the default: its `type`, when present, could as well be a (refused) change of type.
   */
  const putKeyOf = (ctx: RequestContext, bodyType: string | undefined): TokenKey => {
    const given = ctx.query.get('type');
    if ((given === null || given === '') && bodyType !== undefined && bodyType !== 'RFID') {
      const uid = ctx.param('token_uid');
      ctx.emit(
        tolerated('token-type', `Token ${uid}: no ?type= in the URL, type ${bodyType} taken from the body`, {
          objectType: 'Token',
          field: 'type',
          value: bodyType,
        }),
      );
      return { uid, type: bodyType as TokenType };
    }
    return keyOf(ctx);
  };
  return {
    identifier: 'tokens',
    role: 'RECEIVER',
    routes: [
      {
        method: 'GET',
        path,
        clientOwned: true,
        gives: 'Token',
        async handle(ctx) {
          const key = keyOf(ctx);
          return foundResult(await handler.get(key, ownedRequest(ctx)), `Token ${key.uid} of type ${key.type}`);
        },
      },
      {
        method: 'PUT',
        path,
        clientOwned: true,
        body: { type: 'Token' },
        async handle(ctx) {
          const request = ownedRequest(ctx);
          const token = ctx.body as Token;
          const key = putKeyOf(ctx, token.type);
          assertSameOwner(token, request.owner);
          assertSameId('uid', key.uid, token.uid);
          assertSameId('type', key.type, token.type);
          return writeResult(await handler.put(token, request));
        },
      },
      {
        method: 'PATCH',
        path,
        clientOwned: true,
        // The schema requires `last_updated` from 2.2 on (mod_tokens, "PATCH Method").
        body: { type: 'Token', patch: true, name: 'Token PATCH' },
        async handle(ctx) {
          const request = ownedRequest(ctx);
          const key = keyOf(ctx);
          const patch = ctx.body as TokenPatch;
          assertSameOwner(patch, request.owner);
          assertSameId('uid', key.uid, patch.uid);
          assertSameId('type', key.type, patch.type);
          const result = await handler.patch(key, patch, request);
          return writeResult(result === 'created' ? 'updated' : result);
        },
      },
    ],
  };
}
