// The eMSP's check of every CDR it is billed: a wrapper of the CDRs Receiver handler that prices each
// new CDR against the Tariffs the node holds and emits `cdr.priceMismatch` when the CDR's costs differ.
import {
  type CDR,
  type CdrPostResult,
  type CdrsReceiverHandler,
  getOwnObject,
  type Location,
  type OwnedRequest,
  STORE_MODULES,
  storeCdrsReceiver,
} from '@ocpi-ts/core';
import { type CdrInput, checkCdr } from './cdr.js';
import type { TariffInput } from './model.js';

export interface CdrPriceCheckOptions {
  /** Largest difference allowed between a billed amount and the exact computed one (default: half the currency's minor unit). */
  tolerance?: number;
  /** Time zone when the node does not hold the CDR's Location (default UTC; the event names the zone used). */
  defaultTimeZone?: string;
  /**
   * Where the Tariffs come from (default: those the node holds, pushed or pulled from the CPO, by the
   * ids the CDR names; for an id the node does not hold, the copy the CDR carries).
   */
  tariffs?: (cdr: CDR, request: OwnedRequest) => Promise<{ tariff: TariffInput; source: 'held' | 'cdr' }[]>;
}

const upper = (value: string) => value.toUpperCase();

/** The cost fields and quantities of a CDR, as the event shows what was billed. */
const BILLED_FIELDS = [
  'total_cost',
  'total_fixed_cost',
  'total_energy_cost',
  'total_time_cost',
  'total_parking_cost',
  'total_reservation_cost',
  'total_energy',
  'total_time',
  'total_parking_time',
] as const satisfies readonly (keyof CDR)[];

/** The Tariffs a CDR names (its periods' `tariff_id`s and its `tariffs`), else its connector's. */
async function heldTariffs(cdr: CDR, request: OwnedRequest, location: Location | undefined): Promise<{ tariff: TariffInput; source: 'held' | 'cdr' }[]> {
  const store = request.context.node.store;
  const carried = new Map((cdr.tariffs ?? []).map((t) => [upper(t.id), t]));
  // Tariff ids are CiStrings: the same id in any case is one tariff.
  const ids = new Map<string, string>();
  const name = (id: string) => ids.has(upper(id)) || ids.set(upper(id), id);
  for (const period of cdr.charging_periods) if (period.tariff_id) name(period.tariff_id);
  for (const tariff of cdr.tariffs ?? []) name(tariff.id);
  if (ids.size === 0 && location) {
    const evse = location.evses?.find((e) => e.uid === cdr.cdr_location.evse_uid);
    const connector = evse?.connectors.find((c) => c.id === cdr.cdr_location.connector_id);
    for (const id of connector?.tariff_ids ?? []) name(id);
  }
  const found: { tariff: TariffInput; source: 'held' | 'cdr' }[] = [];
  for (const [key, id] of ids) {
    const held = await getOwnObject<TariffInput>(store, STORE_MODULES.tariffs, request.owner, id);
    if (held) found.push({ tariff: held, source: 'held' });
    else {
      const copy = carried.get(key);
      if (copy) found.push({ tariff: copy, source: 'cdr' });
    }
  }
  return found;
}

/**
 * Wraps a CDRs Receiver handler (default the store-backed one): after a new CDR is stored, prices it
 * with the tariff engine and records `cdr.priceMismatch` (both breakdowns) when a cost field differs
 * beyond the tolerance, or `cdr.priceUnchecked` when it cannot be priced. The CDR is taken either way:
 * a dispute is the eMSP's business, not a protocol error.
 */
export function withCdrPriceCheck(handler: CdrsReceiverHandler = storeCdrsReceiver, options: CdrPriceCheckOptions = {}): CdrsReceiverHandler {
  async function check(cdr: CDR, request: OwnedRequest): Promise<void> {
    const { context, owner } = request;
    const unchecked = (reason: string) => context.emit({ type: 'cdr.priceUnchecked', owner, cdrId: cdr.id, reason });
    try {
      const location = await getOwnObject<Location>(context.node.store, STORE_MODULES.locations, owner, cdr.cdr_location.id);
      const tariffs = await (options.tariffs ? options.tariffs(cdr, request) : heldTariffs(cdr, request, location));
      if (tariffs.length === 0) return unchecked('no Tariff of the CDR is known (none held, none carried)');
      const timeZone = location?.time_zone ?? options.defaultTimeZone ?? 'UTC';
      const result = checkCdr(cdr as unknown as CdrInput, {
        tariffs: tariffs.map((t) => t.tariff),
        timeZone,
        ...(options.tolerance !== undefined ? { tolerance: options.tolerance } : {}),
      });
      if (!result.ok) return unchecked(`${result.error.code}: ${result.error.message}`);
      const { check } = result;
      if (check.differences.length === 0) return;
      const billed: Record<string, unknown> = {};
      for (const field of BILLED_FIELDS) if (cdr[field] !== undefined) billed[field] = cdr[field];
      context.emit({
        type: 'cdr.priceMismatch',
        owner,
        cdrId: cdr.id,
        currency: check.breakdown.currency,
        differences: check.differences,
        tolerance: check.tolerance,
        billed,
        computed: { ...check.computed },
        breakdown: check.breakdown,
        tariffs: tariffs.map((t) => ({ id: t.tariff.id, source: t.source, last_updated: t.tariff.last_updated })),
        timeZone,
      });
    } catch (error) {
      unchecked(`the price check failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  return {
    async post(cdr, request): Promise<CdrPostResult> {
      const result = await handler.post(cdr, request);
      // Only a CDR taken now: the same CDR posted again was checked the first time.
      if (result === 'created') await check(cdr, request);
      return result;
    },
    get: (cdrId, request) => handler.get(cdrId, request),
  };
}
