// Sessions for the tests, written the way the spec's examples tell them: a period per change, its
// quantities in the units of the CdrDimensions (kWh, hours, A, kW).
import type { ChargingPeriodInput, PriceResult, SessionInput } from '../model.js';

export interface PeriodSpec {
  /** Start, an OCPI DateTime (UTC). */
  at: string;
  kwh?: number;
  /** Hours charging (TIME), parking (PARKING_TIME), reserved (RESERVATION_TIME). */
  charging?: number;
  parking?: number;
  reserved?: number;
  minCurrent?: number;
  maxCurrent?: number;
  power?: number;
  tariffId?: string;
}

export function period(spec: PeriodSpec): ChargingPeriodInput {
  const dimensions: { type: string; volume: number }[] = [];
  if (spec.kwh !== undefined) dimensions.push({ type: 'ENERGY', volume: spec.kwh });
  if (spec.charging !== undefined) dimensions.push({ type: 'TIME', volume: spec.charging });
  if (spec.parking !== undefined) dimensions.push({ type: 'PARKING_TIME', volume: spec.parking });
  if (spec.reserved !== undefined) dimensions.push({ type: 'RESERVATION_TIME', volume: spec.reserved });
  if (spec.minCurrent !== undefined) dimensions.push({ type: 'MIN_CURRENT', volume: spec.minCurrent });
  if (spec.maxCurrent !== undefined) dimensions.push({ type: 'MAX_CURRENT', volume: spec.maxCurrent });
  if (spec.power !== undefined) dimensions.push({ type: 'MAX_POWER', volume: spec.power });
  return { start_date_time: spec.at, dimensions, ...(spec.tariffId ? { tariff_id: spec.tariffId } : {}) };
}

export function session(periods: PeriodSpec[], end: string, start?: string): SessionInput {
  return { start_date_time: start ?? (periods[0] as PeriodSpec).at, end_date_time: end, charging_periods: periods.map(period) };
}

/** The breakdown of a result that must have priced. */
export function priced(result: PriceResult) {
  if (!result.ok) throw new Error(`not priced: ${result.error.code} ${result.error.message}`);
  return result.breakdown;
}

/** Total before and after tax, exact. */
export function totals(result: PriceResult): { excl: string | undefined; incl: string | undefined } {
  const { total } = priced(result);
  return { excl: total.exclTax?.toString(), incl: total.inclTax?.toString() };
}

/** Every priced line: dimension, element, billed quantity and cost before tax. */
export function lines(result: PriceResult): string[] {
  return priced(result).periods.flatMap((p) =>
    p.lines.map((l) => `${l.dimension} #${l.element} ${l.billed.toString()} ${l.unit} = ${l.cost.exclTax?.toString() ?? '?'}`),
  );
}
