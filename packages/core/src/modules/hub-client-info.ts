/**
 * Hub Client Info module (mod_hub_client_info.asciidoc), a configuration module between a Hub and the
 * parties connected to it: the Sender (the Hub) lists ClientInfo; the Receiver keeps what the Hub pushes.
 *
 * Unlike client-owned objects, the `/{country_code}/{party_id}` of the Receiver URL names the party the
 * ClientInfo describes, not the caller: the data owner is the Hub that pushes it.
 *
 * Written once against the canonical ClientInfo (2.3.0: its Role has PTP and no HUB), validated and
 * converted per version by the server like every module; 2.1.1 has no hubs, so the module is not mounted there.
 */
import { JsonText } from '../envelope.js';
import { OcpiError, OcpiStatus } from '../errors.js';
import type { OcpiModule, RequestContext } from '../module.js';
import type { ClientInfo } from '../schemas/v2.3.0/index.js';
import { normalizeParty } from '../store/keys.js';
import type { PartyRef } from '../store/types.js';
import {
  assertSameOwner,
  clientInfoStoreId,
  type Found,
  foundResult,
  type ListRequest,
  listOwnObjects,
  listRequest,
  type MaybePromise,
  type OwnedRequest,
  type Page,
  pageResult,
  putReceivedObject,
  STORE_MODULES,
  type WriteResult,
  writeResult,
} from './common.js';

/** Hub Client Info Sender (typically the Hub). */
export interface HubClientInfoSenderHandler {
  list(request: ListRequest): MaybePromise<Page<ClientInfo>>;
}

/**
 * Hub Client Info Receiver (every party connected to a Hub). `request.owner` is the calling Hub's
 * party; `party` the one the ClientInfo describes.
 */
export interface HubClientInfoReceiverHandler {
  get(party: PartyRef, request: OwnedRequest): MaybePromise<Found<ClientInfo>>;
  put(info: ClientInfo, request: OwnedRequest): MaybePromise<WriteResult>;
}

/** The calling Hub's party: only a partner registered in the HUB role pushes ClientInfo. */
function hubRequest(context: RequestContext): OwnedRequest {
  const hub = context.partner.roles.find((role) => role.role === 'HUB');
  if (!hub) throw OcpiError.status(OcpiStatus.CLIENT_ERROR, 'ClientInfo is pushed by a Hub; your credentials have no HUB role');
  return { partner: context.partner, context, owner: normalizeParty(hub) };
}

const partyOf = (context: RequestContext): PartyRef => normalizeParty({ country_code: context.param('country_code'), party_id: context.param('party_id') });

/** The Sender default: serves the ClientInfo objects the operator (the Hub) put in the store. */
export const storeHubClientInfoSender: HubClientInfoSenderHandler = {
  list: (request) => listOwnObjects<ClientInfo>(STORE_MODULES.hubClientInfo, request),
};

/** The Receiver default: keeps what the Hub pushes, per Hub and described party. */
export const storeHubClientInfoReceiver: HubClientInfoReceiverHandler = {
  async get(party, { context, owner }) {
    const stored = await context.node.store.objects.get<ClientInfo>({ module: STORE_MODULES.hubClientInfo, owner, id: clientInfoStoreId(party) });
    return stored ? JsonText.of(stored) : undefined;
  },
  put: (info, { context, owner }) => putReceivedObject(context, { module: STORE_MODULES.hubClientInfo, owner, id: clientInfoStoreId(info) }, info),
};

export function hubClientInfoSender(handler: HubClientInfoSenderHandler = storeHubClientInfoSender): OcpiModule {
  return {
    identifier: 'hubclientinfo',
    role: 'SENDER',
    configuration: true,
    routes: [{ method: 'GET', path: [], paginated: true, gives: 'ClientInfo', handle: async (ctx) => pageResult(await handler.list(listRequest(ctx))) }],
  };
}

export function hubClientInfoReceiver(handler: HubClientInfoReceiverHandler = storeHubClientInfoReceiver): OcpiModule {
  const path = [':country_code', ':party_id'];
  return {
    identifier: 'hubclientinfo',
    role: 'RECEIVER',
    configuration: true,
    routes: [
      {
        method: 'GET',
        path,
        gives: 'ClientInfo',
        async handle(ctx) {
          const party = partyOf(ctx);
          return foundResult(await handler.get(party, hubRequest(ctx)), `ClientInfo of ${party.country_code}/${party.party_id}`);
        },
      },
      {
        method: 'PUT',
        path,
        body: { type: 'ClientInfo' },
        async handle(ctx) {
          const request = hubRequest(ctx);
          const info = ctx.body as ClientInfo;
          // The URL names the described party: the body must describe the same one (2001 otherwise).
          assertSameOwner(info, partyOf(ctx));
          return writeResult(await handler.put(info, request));
        },
      },
    ],
  };
}
