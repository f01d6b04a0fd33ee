/**
 * Pieces the conversion rules of 2.2.1 and 2.1.1 share: decimal arithmetic on prices, the Price and
 * tax rules that both older versions need, and the TariffElement rule (an element restricted in a way
 * the target cannot say is left out, never widened).
 */
import type { TSchema } from '@sinclair/typebox';
import { asObject, INEXPRESSIBLE, pointerSegment, type Rule, schemaProperties, type Walker } from './convert.js';

/** Digits after the decimal point of a JSON number (`2.42` -> 2). */
function decimalsOf(value: number): number {
  const text = String(value);
  const exponent = /e-(\d+)$/.exec(text);
  if (exponent) return Number(exponent[1]) + (text.split('e')[0]?.split('.')[1]?.length ?? 0);
  return text.split('.')[1]?.length ?? 0;
}

/** `a + b` without binary-fraction noise: rounded to the decimals the operands have (2.00 + 0.42 = 2.42, not 2.4200000000000004). */
export function addDecimals(a: number, b: number): number {
  const decimals = Math.min(Math.max(decimalsOf(a), decimalsOf(b)), 12);
  return Number((a + b).toFixed(decimals));
}

/** `a - b`, rounded likewise. */
export const subtractDecimals = (a: number, b: number): number => addDecimals(a, -b);

interface TaxAmount {
  name?: unknown;
  amount?: unknown;
  percentage?: unknown;
  account_number?: unknown;
}

/**
 * A 2.3.0 Price as a price excluding and including taxes (2.2.1's Price, 2.1.1's cost numbers):
 * `before_taxes`, and `before_taxes` plus every tax amount. A single tax named VAT with only an amount
 * is exactly 2.2.1's `incl_vat`; anything more (several taxes, percentages, account numbers) is narrowed.
 */
export function priceParts(value: unknown, pointer: string, walker: Walker): { excl: number; incl: number | undefined } | undefined {
  const price = asObject(value);
  if (!price || typeof price.before_taxes !== 'number') return undefined;
  const taxes = Array.isArray(price.taxes) ? (price.taxes as TaxAmount[]) : undefined;
  if (!taxes) return { excl: price.before_taxes, incl: undefined };
  let incl = price.before_taxes;
  for (const tax of taxes) if (typeof tax.amount === 'number') incl = addDecimals(incl, tax.amount);
  const plainVat = taxes.length === 1 && taxes[0]?.name === 'VAT' && taxes[0].percentage === undefined && taxes[0].account_number === undefined;
  if (!plainVat)
    walker.loss(
      `${pointer}/taxes`,
      'narrowed',
      `OCPI ${walker.version} has one amount including taxes: the taxes are summed, their names and percentages left out`,
    );
  return { excl: price.before_taxes, incl };
}

/** An amount including VAT as a 2.3.0 tax list: one tax, VAT, of the difference (a 2.2.1 `incl_vat`, exactly). */
export const vatTaxes = (excl: number, incl: number | undefined): { taxes?: { name: string; amount: number }[] } =>
  incl === undefined ? {} : { taxes: [{ name: 'VAT', amount: subtractDecimals(incl, excl) }] };

/**
 * A Tariff's `tax_included` (2.3.0 only). Older versions give prices excluding VAT: NO and N/A say the
 * same; YES cannot be said, and the prices are passed as they are (reported).
 */
export function dropTaxIncluded(tariff: Record<string, unknown>, pointer: string, walker: Walker): Record<string, unknown> {
  const { tax_included, ...rest } = tariff;
  if (tax_included === 'YES') {
    walker.loss(`${pointer}/tax_included`, 'narrowed', `the prices include taxes; OCPI ${walker.version} reads them as excluding VAT`);
  }
  return rest;
}

/** Older versions' Tariff prices exclude VAT: 2.3.0's `tax_included` is NO (not a default: the same statement). */
export const taxIncludedNo = (tariff: Record<string, unknown>, pointer: string, walker: Walker): Record<string, unknown> =>
  walker.partial(pointer) || tariff.tax_included !== undefined ? tariff : { ...tariff, tax_included: 'NO' };

/**
 * A TariffElement whose restrictions the target cannot say (2.3.0's `booking`; 2.1.1 has no
 * `reservation`, `min_current`, `max_current`) is left out: without the restriction it would apply
 * where it does not.
 */
export const tariffElementRule: Rule = (value, from, to, pointer, walker) => {
  const element = asObject(value);
  const restrictions = asObject(element?.restrictions);
  if (restrictions) {
    const fromRestrictions = schemaProperties(schemaProperties(from).restrictions as TSchema);
    const toRestrictions = schemaProperties(schemaProperties(to).restrictions as TSchema);
    const unsaid = Object.keys(restrictions).filter((key) => fromRestrictions[key] !== undefined && toRestrictions[key] === undefined);
    if (unsaid.length > 0) {
      for (const key of unsaid) {
        walker.loss(
          `${pointer}/restrictions/${pointerSegment(key)}`,
          'dropped',
          `OCPI ${walker.version} cannot restrict a tariff element by ${key}: the element is left out rather than applied everywhere`,
        );
      }
      return INEXPRESSIBLE;
    }
  }
  return walker.walkDefault(value, from, to, pointer);
};

/** `value` without the given keys (fields a version carries elsewhere, e.g. the owner in 2.1.1's credentials). */
export function without(value: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) if (!keys.includes(key)) out[key] = field;
  return out;
}

/** Renames fields that are present (a PATCH may have none of them). */
export function renamed(value: Record<string, unknown>, names: Readonly<Record<string, string>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) out[names[key] ?? key] = field;
  return out;
}
