/**
 * Tariffs module (mod_tariffs.asciidoc): the Sender (CPO) serves its Tariffs; the Receiver (eMSP)
 * keeps, replaces and deletes the Tariffs CPOs push, and takes PATCHes from 2.1.1 CPOs (2.1.1
 * mod_tariffs "PATCH Method"; 2.2 removed it).
 */
import { JsonText } from '../envelope.js';
import { OcpiError } from '../errors.js';
import type { OcpiModule } from '../module.js';
import { Tariff } from '../schemas/v2.3.0/index.js';
import {
  applyPatch,
  clientOwnedGetPut,
  clientOwnedPatch,
  type Found,
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
  type WriteResult,
} from './common.js';

/** Tariffs Sender (typically the CPO). */
export interface TariffsSenderHandler {
  list(request: ListRequest): MaybePromise<Page<Tariff>>;
}

/** Tariffs Receiver (typically the eMSP). The module has checked id and owner against the URL. */
export interface TariffsReceiverHandler {
  get(tariffId: string, request: OwnedRequest): MaybePromise<Found<Tariff>>;
  put(tariff: Tariff, request: OwnedRequest): MaybePromise<WriteResult>;
  /** `deleted`, or `absent` when there was no such Tariff (HTTP 404). */
  delete(tariffId: string, request: OwnedRequest): MaybePromise<'deleted' | 'absent'>;
  /** A 2.1.1 CPO's PATCH (the fields it changes); throw `unknownTariff` when absent. Without it, 2.1.1 PATCHes get 405. */
  patch?(tariffId: string, patch: Partial<Tariff>, request: OwnedRequest): MaybePromise<WriteResult>;
}

/** HTTP 404 for a Tariff that is not known. */
export const unknownTariff = (tariffId: string): OcpiError => OcpiError.notFound(`Tariff ${tariffId} is not known`);

/** The Sender default: serves the Tariffs the operator put in the store. */
export const storeTariffsSender: TariffsSenderHandler = {
  list: (request) => listOwnObjects<Tariff>(STORE_MODULES.tariffs, request),
};

/** The Receiver default: keeps the Tariffs each CPO pushes, per owner and id. */
export const storeTariffsReceiver: TariffsReceiverHandler = {
  async get(tariffId, { context, owner }) {
    const stored = await context.node.store.objects.get<Tariff>({ module: STORE_MODULES.tariffs, owner, id: tariffId });
    return stored ? JsonText.of(stored) : undefined;
  },
  put: (tariff, { context, owner }) => putReceivedObject(context, { module: STORE_MODULES.tariffs, owner, id: tariff.id }, tariff),
  async delete(tariffId, { context, owner }) {
    const deleted = await context.node.store.objects.delete({ module: STORE_MODULES.tariffs, owner, id: tariffId });
    return deleted ? 'deleted' : 'absent';
  },
  patch: (tariffId, patch, { context, owner }) =>
    patchStoredObject<Tariff>(
      context,
      { module: STORE_MODULES.tariffs, owner, id: tariffId },
      { schema: Tariff, name: 'Tariff', received: patch.last_updated, merge: (current) => applyPatch(current, patch), unknown: () => unknownTariff(tariffId) },
    ),
};

export function tariffsSender(handler: TariffsSenderHandler = storeTariffsSender): OcpiModule {
  return {
    identifier: 'tariffs',
    role: 'SENDER',
    routes: [{ method: 'GET', path: [], paginated: true, gives: 'Tariff', handle: async (ctx) => pageResult(await handler.list(listRequest(ctx))) }],
  };
}

export function tariffsReceiver(handler: TariffsReceiverHandler = storeTariffsReceiver): OcpiModule {
  const path = [':country_code', ':party_id', ':tariff_id'];
  return {
    identifier: 'tariffs',
    role: 'RECEIVER',
    routes: [
      ...clientOwnedGetPut<Tariff>({ idParam: 'tariff_id', type: 'Tariff', get: handler.get, put: handler.put }),
      // Mounted in the versions that have a Tariff PATCH: 2.1.1.
      ...(handler.patch ? [clientOwnedPatch<Partial<Tariff>>({ idParam: 'tariff_id', type: 'Tariff', patch: handler.patch })] : []),
      {
        method: 'DELETE',
        path,
        clientOwned: true,
        async handle(ctx) {
          const result = await handler.delete(ctx.param('tariff_id'), ownedRequest(ctx));
          if (result === 'absent') throw unknownTariff(ctx.param('tariff_id'));
          return {};
        },
      },
    ],
  };
}
