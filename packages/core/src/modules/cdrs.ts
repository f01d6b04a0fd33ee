/**
 * CDRs module (mod_cdrs.asciidoc): the Sender (CPO) serves each eMSP its own CDRs; the Receiver (eMSP)
 * takes new CDRs by POST, answers where each can be fetched, and never lets one change.
 */
import { JsonText } from '../envelope.js';
import { OcpiError } from '../errors.js';
import type { OcpiModule, RequestContext } from '../module.js';
import { notActedFor } from '../partners/hub.js';
import type { CDR } from '../schemas/v2.3.0/index.js';
import { normalizeParty } from '../store/keys.js';
import type { PartyRef } from '../store/types.js';
import {
  canonicalJson,
  type Found,
  foundResult,
  type ListRequest,
  listOwnObjects,
  listRequest,
  type MaybePromise,
  type OwnedRequest,
  ownedRequest,
  type Page,
  pageResult,
  STORE_MODULES,
  writeResult,
} from './common.js';

/** CDRs Sender (typically the CPO). */
export interface CdrsSenderHandler {
  /** A page of the CDRs the caller may see (those of its own tokens), oldest first. */
  list(request: ListRequest): MaybePromise<Page<CDR>>;
}

/**
 * What a CDR POST did: `created` (HTTP 201), or `unchanged` when the very same CDR was already
 * received (HTTP 200). A different CDR under a known id is refused: throw `cdrAlreadyReceived`.
 */
export type CdrPostResult = 'created' | 'unchanged';

/** CDRs Receiver (typically the eMSP). `owner` is the CDR's own country_code/party_id. */
export interface CdrsReceiverHandler {
  post(cdr: CDR, request: OwnedRequest): MaybePromise<CdrPostResult>;
  /** The CDR at the URL the POST answered: `/{country_code}/{party_id}/{cdr_id}`. */
  get(cdrId: string, request: OwnedRequest): MaybePromise<Found<CDR>>;
}

/** 2001 for a different CDR under an id already received: CDRs are final (mod_cdrs, Flow and Lifecycle). */
export const cdrAlreadyReceived = (cdrId: string): OcpiError =>
  OcpiError.invalid(`CDR ${cdrId} was already received with other content; a CDR cannot be changed, send a Credit CDR with a new id instead`);

/** The URL where a received CDR can be fetched: the Receiver's URL + `/{country_code}/{party_id}/{id}`. */
export function receivedCdrUrl(context: RequestContext, owner: PartyRef, cdrId: string): string {
  const base = context.node.moduleUrl(context.version, 'cdrs', 'RECEIVER');
  if (!base) throw new Error(`The CDRs RECEIVER is not mounted in OCPI ${context.version}`);
  return `${base}/${[owner.country_code, owner.party_id, cdrId].map(encodeURIComponent).join('/')}`;
}

/** The Sender default: serves the CDRs the operator put in the store (each visible to its token's eMSP). */
export const storeCdrsSender: CdrsSenderHandler = {
  list: (request) => listOwnObjects<CDR>(STORE_MODULES.cdrs, request),
};

/** The Receiver default: keeps each CDR once, per owner and id. */
export const storeCdrsReceiver: CdrsReceiverHandler = {
  async post(cdr, { context, owner }) {
    let conflict = false;
    const outcome = await context.node.store.objects.update<CDR>({ module: STORE_MODULES.cdrs, owner, id: cdr.id }, (current) => {
      if (!current) return { data: cdr };
      // Never overwritten (mod_cdrs: "Changes are simply not allowed"). The same CDR again, e.g. a retry
      // after a lost response, succeeds without change; a different one is refused.
      conflict = canonicalJson(current.data) !== canonicalJson(cdr);
      return undefined;
    });
    if (conflict) throw cdrAlreadyReceived(cdr.id);
    return outcome.kind === 'created' ? 'created' : 'unchanged';
  },
  async get(cdrId, { context, owner }) {
    const stored = await context.node.store.objects.get<CDR>({ module: STORE_MODULES.cdrs, owner, id: cdrId });
    return stored ? JsonText.of(stored) : undefined;
  },
};

export function cdrsSender(handler: CdrsSenderHandler = storeCdrsSender): OcpiModule {
  return {
    identifier: 'cdrs',
    role: 'SENDER',
    routes: [{ method: 'GET', path: [], paginated: true, gives: 'CDR', handle: async (ctx) => pageResult(await handler.list(listRequest(ctx))) }],
  };
}

export function cdrsReceiver(handler: CdrsReceiverHandler = storeCdrsReceiver): OcpiModule {
  return {
    identifier: 'cdrs',
    role: 'RECEIVER',
    routes: [
      {
        method: 'POST',
        path: [],
        body: { type: 'CDR' },
        async handle(ctx) {
          const cdr = ctx.body as CDR;
          const owner = normalizeParty(cdr);
          // The CDR must be of a party the caller acts for: its own, or one its hub serves.
          if (!(await ctx.node.actsFor(ctx.partner, owner))) {
            throw OcpiError.invalid(`CDR country_code/party_id ${notActedFor(owner, ctx.partner.roles)}`);
          }
          const result = await handler.post(cdr, { partner: ctx.partner, context: ctx, owner });
          // mod_cdrs, "Response Headers": Location, the URL where the CDR can be fetched.
          return writeResult(result, { headers: { location: receivedCdrUrl(ctx, owner, cdr.id) } });
        },
      },
      {
        method: 'GET',
        path: [':country_code', ':party_id', ':cdr_id'],
        clientOwned: true,
        gives: 'CDR',
        handle: async (ctx) => foundResult(await handler.get(ctx.param('cdr_id'), ownedRequest(ctx)), `CDR ${ctx.param('cdr_id')}`),
      },
    ],
  };
}
