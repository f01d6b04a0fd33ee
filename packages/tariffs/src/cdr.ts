// A breakdown as a CDR's cost fields (2.2.1 or 2.3.0), and a CDR's costs checked against a breakdown.
import { type Big, currencyDigits, dec, roundHalfUp } from './decimal.js';
import { priceSession } from './engine.js';
import type { CostCategory, Money, PriceBreakdown, PriceOptions, PriceResult, SessionInput, TariffInput } from './model.js';

/** 2.2.1 Price. */
export interface PriceV221 {
  excl_vat: number;
  incl_vat?: number;
}

/** 2.3.0 Price, with its TaxAmounts. */
export interface PriceV230 {
  before_taxes: number;
  taxes?: { name: string; percentage?: number; amount: number }[];
}

/** The cost fields of a CDR (and the Session's `total_cost`), as the engine fills them. */
export interface CdrCosts<P> {
  total_cost: P;
  total_fixed_cost?: P;
  total_energy_cost?: P;
  total_time_cost?: P;
  total_parking_cost?: P;
  total_reservation_cost?: P;
  /** kWh, hours. */
  total_energy: number;
  total_time: number;
  total_parking_time?: number;
}

/** The CDR fields of each cost category. */
export const COST_FIELDS: Record<CostCategory, 'total_fixed_cost' | 'total_energy_cost' | 'total_time_cost' | 'total_parking_cost' | 'total_reservation_cost'> =
  {
    fixed: 'total_fixed_cost',
    energy: 'total_energy_cost',
    time: 'total_time_cost',
    parking: 'total_parking_cost',
    reservation: 'total_reservation_cost',
  };

/** Quantities in CDRs: "numbers use 4 decimals" (types.asciidoc, "number type"). */
const QUANTITY_DECIMALS = 4;

const rounded = (value: Big, decimals: number): number => roundHalfUp(value, decimals).toNumber();

/** A 2.2.1 Price from an amount, rounded half up to the currency's minor unit. */
export function toPriceV221(money: Money, currency: string): PriceV221 {
  const digits = currencyDigits(currency);
  // 2.2.1 prices always know the amount before VAT; after VAT is absent only when unknown.
  const excl = (money.exclTax ?? money.inclTax) as Big;
  return { excl_vat: rounded(excl, digits), ...(money.inclTax !== null ? { incl_vat: rounded(money.inclTax as Big, digits) } : {}) };
}

/**
 * A 2.3.0 Price: before taxes and a TaxAmount per rate, each rounded half up to the currency's minor
 * unit. When only the amount after taxes is known (prices including a tax they do not state), it is
 * given as `before_taxes` with no taxes: the most the data says.
 */
export function toPriceV230(money: Money, currency: string): PriceV230 {
  const digits = currencyDigits(currency);
  const before = (money.exclTax ?? money.inclTax) as Big;
  const taxes = money.exclTax === null ? [] : money.taxes.filter((t) => !(t.amount as Big).eq(0));
  return {
    before_taxes: rounded(before, digits),
    ...(taxes.length > 0
      ? {
          taxes: taxes.map((t) => ({
            name: 'VAT',
            ...(t.percentage !== null ? { percentage: (t.percentage as Big).toNumber() } : {}),
            amount: rounded(t.amount as Big, digits),
          })),
        }
      : {}),
  };
}

/**
 * The CDR's cost fields from a breakdown, in the breakdown's OCPI version (or the one asked):
 * `total_cost` always, a `total_*_cost` for each category a tariff prices, the quantities.
 */
export function cdrCosts(breakdown: PriceBreakdown, version: '2.2.1'): CdrCosts<PriceV221>;
export function cdrCosts(breakdown: PriceBreakdown, version: '2.3.0'): CdrCosts<PriceV230>;
export function cdrCosts(breakdown: PriceBreakdown, version?: '2.2.1' | '2.3.0'): CdrCosts<PriceV221> | CdrCosts<PriceV230>;
export function cdrCosts(breakdown: PriceBreakdown, version = breakdown.version): CdrCosts<PriceV221> | CdrCosts<PriceV230> {
  const toPrice = (money: Money) => (version === '2.3.0' ? toPriceV230(money, breakdown.currency) : toPriceV221(money, breakdown.currency));
  const q = breakdown.quantities;
  const costs: CdrCosts<PriceV221 | PriceV230> = {
    total_cost: toPrice(breakdown.total),
    total_energy: rounded(q.energy as Big, QUANTITY_DECIMALS),
    total_time: rounded(q.totalTime as Big, QUANTITY_DECIMALS),
  };
  for (const category of breakdown.categories) costs[COST_FIELDS[category]] = toPrice(breakdown.costs[category]);
  if (!(q.parkingTime as Big).eq(0)) costs.total_parking_time = rounded(q.parkingTime as Big, QUANTITY_DECIMALS);
  return costs as CdrCosts<PriceV221> | CdrCosts<PriceV230>;
}

/** A CDR of 2.2.1 or 2.3.0: what pricing and checking need of it. */
export interface CdrInput extends SessionInput {
  id?: string;
  currency: string;
  end_date_time: string;
  tariffs?: readonly TariffInput[] | undefined;
  total_cost: unknown;
  [field: string]: unknown;
}

/** The OCPI version a CDR's prices are written in: 2.3.0 Prices have `before_taxes`. */
export function cdrVersion(cdr: CdrInput): '2.2.1' | '2.3.0' {
  const total = cdr.total_cost as Record<string, unknown> | undefined;
  return total && typeof total === 'object' && 'before_taxes' in total ? '2.3.0' : '2.2.1';
}

/** Prices a CDR: by default against the Tariffs it carries, in its own version. */
export function priceCdr(cdr: CdrInput, options: Omit<PriceOptions, 'tariffs'> & { tariffs?: readonly TariffInput[] }): PriceResult {
  return priceSession(cdr, { version: cdrVersion(cdr), ...options, tariffs: options.tariffs ?? cdr.tariffs ?? [] });
}

/** One cost field on which the CDR and the engine disagree. */
export interface CostDifference {
  /** `total_cost.excl_vat`, `total_energy_cost.before_taxes`, `total_cost.taxes`, ... */
  field: string;
  billed: number | undefined;
  /** The engine's exact amount. */
  computed: string | undefined;
}

export interface CdrCheck {
  breakdown: PriceBreakdown;
  /** The CDR's cost fields as the engine computes them (rounded to the currency). */
  computed: CdrCosts<PriceV221> | CdrCosts<PriceV230>;
  /** The largest difference allowed between a billed amount and the exact computed one. */
  tolerance: number;
  differences: CostDifference[];
}

/** Half the currency's minor unit (0.005 for EUR): a billed amount must be a rounding of the exact one. */
export function defaultTolerance(currency: string): number {
  return 10 ** -currencyDigits(currency) / 2;
}

const asNumber = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);

/**
 * Compares the cost fields a CDR bills with a breakdown of the same session: every field the CDR has
 * (`total_cost` and the optional `total_*_cost`), each side of each Price, against the exact computed
 * amount. A difference beyond `tolerance` (default half a minor unit) is reported.
 */
export function compareCdrCosts(cdr: CdrInput, breakdown: PriceBreakdown, tolerance = defaultTolerance(breakdown.currency)): CostDifference[] {
  const differences: CostDifference[] = [];
  const compare = (field: string, billed: unknown, computed: Big | null) => {
    const amount = asNumber(billed);
    if (amount === undefined && billed === undefined) return;
    if (amount === undefined || computed === null || dec(amount).minus(computed).abs().gt(tolerance)) {
      differences.push({ field, billed: amount, computed: computed?.toString() });
    }
  };
  const fields: [string, Money][] = [['total_cost', breakdown.total]];
  for (const category of Object.keys(COST_FIELDS) as CostCategory[]) fields.push([COST_FIELDS[category], breakdown.costs[category]]);
  for (const [field, money] of fields) {
    const price = cdr[field] as Record<string, unknown> | undefined;
    if (!price || typeof price !== 'object') continue;
    const excl = money.exclTax as Big | null;
    const incl = money.inclTax as Big | null;
    if ('before_taxes' in price) {
      compare(`${field}.before_taxes`, price.before_taxes, excl ?? incl);
      const taxes = Array.isArray(price.taxes) ? (price.taxes as { amount?: unknown }[]) : undefined;
      if (taxes && excl !== null && incl !== null) {
        const billedTax = taxes.reduce<number | undefined>(
          (sum, t) => (sum === undefined || asNumber(t.amount) === undefined ? undefined : sum + (t.amount as number)),
          0,
        );
        compare(`${field}.taxes`, billedTax === undefined ? Number.NaN : Number(billedTax.toFixed(10)), incl.minus(excl));
      }
    } else {
      compare(`${field}.excl_vat`, price.excl_vat, excl);
      if (price.incl_vat !== undefined) compare(`${field}.incl_vat`, price.incl_vat, incl);
    }
  }
  return differences;
}

/**
 * Prices a CDR and compares its cost fields with the result. `{ ok: false }` when the CDR cannot be
 * priced (no tariff, an alt-text-only tariff, an unknown time zone...).
 */
export function checkCdr(
  cdr: CdrInput,
  options: Omit<PriceOptions, 'tariffs'> & { tariffs?: readonly TariffInput[]; tolerance?: number },
): { ok: true; check: CdrCheck } | Extract<PriceResult, { ok: false }> {
  const { tolerance: given, ...priceOptions } = options;
  const result = priceCdr(cdr, priceOptions);
  if (!result.ok) return result;
  const tolerance = given ?? defaultTolerance(result.breakdown.currency);
  return {
    ok: true,
    check: {
      breakdown: result.breakdown,
      computed: cdrCosts(result.breakdown, cdrVersion(cdr)),
      tolerance,
      differences: compareCdrCosts(cdr, result.breakdown, tolerance),
    },
  };
}
