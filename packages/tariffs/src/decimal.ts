// Exact decimal arithmetic for money and quantities, on big.js (arbitrary-precision decimals: sums and
// products of the decimals a JSON number spells are exact, never binary floating point).
import BigJs from 'big.js';

export type Big = BigJs.Big;

/**
 * Our own big.js constructor: its settings never change those of another big.js user in the process.
 * Division is the one operation that may not terminate (seconds to hours, a price including tax back
 * to the price before it): it is carried to 28 decimal places, rounded half up, far below any currency.
 */
const Dec = BigJs();
Dec.DP = 28;
Dec.RM = BigJs.roundHalfUp;
// Plain notation in toString/toJSON for any amount we can meet (no `1e-7`).
Dec.NE = -40;
Dec.PE = 40;

/** A decimal as the engine hands it out: exact, printable, JSON-serializable as a string. */
export interface Decimal {
  toString(): string;
  toJSON(): string;
  toFixed(decimalPlaces?: number): string;
  toNumber(): number;
}

export const ZERO: Big = new Dec(0);
export const ONE: Big = new Dec(1);
export const HUNDRED: Big = new Dec(100);
export const THOUSAND: Big = new Dec(1000);
export const SECONDS_PER_HOUR: Big = new Dec(3600);

/** The exact decimal a JSON number spells (its shortest round-trip form), e.g. 0.1 is 0.1. */
export function dec(value: number | string): Big {
  return new Dec(value);
}

/** `value` rounded up to the next multiple of `step` (`step_size`: "rounded up to the smallest multiple"). */
export function ceilToStep(value: Big, step: number): Big {
  if (step <= 0) return value;
  const steps = value.div(step).round(0, BigJs.roundUp);
  return steps.times(step);
}

/** Rounded half up to `decimals` places: the engine's rounding of amounts it sends (see docs/tariffs.md). */
export function roundHalfUp(value: Big, decimals: number): Big {
  return value.round(decimals, BigJs.roundHalfUp);
}

const currencyDigitsCache = new Map<string, number>();

/**
 * The minor-unit digits of an ISO 4217 currency (EUR 2, JPY 0, BHD 3), from `Intl`, which every
 * runtime has; 2 for a code `Intl` does not know.
 */
export function currencyDigits(currency: string): number {
  const code = currency.toUpperCase();
  let digits = currencyDigitsCache.get(code);
  if (digits === undefined) {
    try {
      digits = new Intl.NumberFormat('en', { style: 'currency', currency: code }).resolvedOptions().maximumFractionDigits ?? 2;
    } catch {
      digits = 2;
    }
    currencyDigitsCache.set(code, digits);
  }
  return digits;
}

// ---- quantities on the hot path ----

/** A volume as read (a JSON number) or worked out exactly (a decimal: hours from timestamps, say). */
export type Quantity = number | Big;

const UNITS_PER_ONE = 1e9;

/**
 * A JSON number as a whole count of 10^-9 (kWh, hours), when that count is exact: it has at most 15
 * digits, so the decimal it spells is the only one of at most 15 significant digits that reads as this
 * number, which is the decimal big.js reads from it (its shortest form). Undefined when it is not
 * (more than 9 decimals, or too large): then the sum goes on in big.js.
 */
function unitsOf(volume: number): number | undefined {
  const units = Math.round(volume * UNITS_PER_ONE);
  return Math.abs(units) < 1e15 && units / UNITS_PER_ONE === volume ? units + 0 : undefined;
}

/**
 * `units` 10^-9 as a decimal, exact, built from the integer's digits (big.js keeps a sign `s`, the digits
 * `c` without trailing zeros, and the exponent `e` of the first digit) without reading a number's text.
 */
function fromUnits(units: number): Big {
  if (units === 0) return ZERO;
  // The integer's digits (a whole number below 10^16 prints without exponent), trailing zeros dropped.
  const text = String(units < 0 ? -units : units);
  let end = text.length;
  while (text.charCodeAt(end - 1) === 48) end--;
  const digits: number[] = new Array(end);
  for (let i = 0; i < end; i++) digits[i] = text.charCodeAt(i) - 48;
  const value = new Dec(ZERO);
  value.s = units < 0 ? -1 : 1;
  value.c = digits;
  value.e = text.length - 1 - 9;
  return value;
}

/** A quantity as a decimal. */
export const toBig = (quantity: Quantity): Big => (typeof quantity === 'number' ? dec(quantity) : quantity);

/** Greater than zero, read off big.js's sign and digits (cheaper than a comparison). */
export const isPositive = (quantity: Quantity): boolean =>
  typeof quantity === 'number' ? quantity > 0 : quantity.s > 0 && (quantity.c.length > 1 || quantity.c[0] !== 0);

/**
 * An exact sum of quantities: whole 10^-9 units in a float's safe integers while every part fits (the
 * common case: meter volumes have a few decimals), big.js from the first part that does not. Summing
 * a session's volumes this way costs an addition per period instead of a decimal each.
 */
export class QuantitySum {
  #units = 0;
  #big: Big | undefined;

  add(quantity: Quantity): void {
    if (this.#big === undefined) {
      if (typeof quantity === 'number') {
        const units = unitsOf(quantity);
        if (units !== undefined) {
          const sum = this.#units + units;
          if (Number.isSafeInteger(sum)) {
            this.#units = sum;
            return;
          }
        }
      }
      this.#big = fromUnits(this.#units);
    }
    this.#big = this.#big.plus(toBig(quantity));
  }

  value(): Big {
    return this.#big ?? fromUnits(this.#units);
  }

  /** Nothing added, or only zeros. */
  isEmpty(): boolean {
    return this.#big === undefined && this.#units === 0;
  }
}
