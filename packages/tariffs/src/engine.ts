// priceSession: the cost of a session (or CDR) from its charging periods and Tariffs, by the rules of
// mod_tariffs and mod_cdrs ("step_size"), in exact decimals, with a breakdown per period.
import {
  type CompiledComponent,
  type CompiledElement,
  type CompiledTariff,
  candidateKey,
  compileTariff,
  Failed,
  failedRestriction,
  failureReason,
  parseDateTime,
  type RestrictionContext,
} from './compile.js';
import { type Big, ceilToStep, dec, SECONDS_PER_HOUR, THOUSAND, ZERO } from './decimal.js';
import { formatLocal, isKnownTimeZone, type LocalTime, localTime } from './local-time.js';
import type {
  CostCategory,
  Money,
  PeriodBreakdown,
  PriceAdjustment,
  PriceBreakdown,
  PriceError,
  PriceLine,
  PriceNote,
  PriceOptions,
  PriceResult,
  ReservationOutcome,
  SessionInput,
  TariffDimension,
} from './model.js';

const MS_PER_HOUR = dec(3_600_000);
const CATEGORIES: readonly CostCategory[] = ['fixed', 'energy', 'time', 'parking', 'reservation'];

/** What one period measured, read from its dimensions. */
interface PeriodData {
  startMs: number;
  endMs: number;
  energy: Big | undefined;
  /** Hours charging, parking, reserved. */
  time: Big | undefined;
  parking: Big | undefined;
  reservation: Big | undefined;
  reservationExpires: boolean;
  overtime: boolean;
  minCurrent: number | undefined;
  maxCurrent: number | undefined;
  current: number | undefined;
  minPower: number | undefined;
  maxPower: number | undefined;
  power: number | undefined;
}

interface MutableLine extends Omit<PriceLine, 'billed' | 'cost' | 'quantity'> {
  quantity: Big;
  billed: Big;
  cost: Money;
  component: CompiledComponent;
  tariff: CompiledTariff;
}

const fail = (code: PriceError['code'], message: string, extra: Partial<PriceError> = {}): PriceResult => ({
  ok: false,
  error: { code, message, ...extra },
});

const sameId = (a: string | undefined, b: string | undefined) => a !== undefined && b !== undefined && a.toUpperCase() === b.toUpperCase();

function readPeriod(dimensions: readonly { type: string; volume: number }[], startMs: number, endMs: number): PeriodData {
  const data: PeriodData = {
    startMs,
    endMs,
    energy: undefined,
    time: undefined,
    parking: undefined,
    reservation: undefined,
    reservationExpires: false,
    overtime: false,
    minCurrent: undefined,
    maxCurrent: undefined,
    current: undefined,
    minPower: undefined,
    maxPower: undefined,
    power: undefined,
  };
  let energyImport: number | undefined;
  for (const dimension of dimensions) {
    const volume = dimension.volume;
    if (typeof volume !== 'number' || !Number.isFinite(volume)) throw new TypeError(`dimension ${dimension.type} has no numeric volume`);
    switch (dimension.type) {
      case 'ENERGY':
        data.energy = dec(volume);
        break;
      case 'ENERGY_IMPORT':
        energyImport = volume;
        break;
      case 'TIME':
        data.time = dec(volume);
        break;
      case 'PARKING_TIME':
        data.parking = dec(volume);
        break;
      case 'RESERVATION_TIME':
        data.reservation = dec(volume);
        break;
      case 'RESERVATION_EXPIRES':
        // 2.3.0 Bookings: reserved time not (yet) used by the customer.
        data.reservation = dec(volume);
        data.reservationExpires = true;
        break;
      case 'RESERVATION_OVERTIME':
        data.overtime = volume > 0;
        break;
      case 'MIN_CURRENT':
        data.minCurrent = volume;
        break;
      case 'MAX_CURRENT':
        data.maxCurrent = volume;
        break;
      case 'CURRENT':
        data.current = volume;
        break;
      case 'MIN_POWER':
        data.minPower = volume;
        break;
      case 'MAX_POWER':
        data.maxPower = volume;
        break;
      case 'POWER':
        data.power = volume;
        break;
    }
  }
  // ENERGY_IMPORT is Session-only; a session that reports it instead of ENERGY is priced on it.
  if (data.energy === undefined && energyImport !== undefined) data.energy = dec(energyImport);
  return data;
}

/** The element whose component prices `dimension` in a period: the first whose restrictions hold (mod_tariffs "Tariff Object"). */
function findElement(
  tariff: CompiledTariff,
  phaseKeys: readonly (string | undefined)[],
  dimension: TariffDimension,
  context: RestrictionContext,
  passedOver: { element: number; reason: string }[] | undefined,
  localText: string | undefined,
): CompiledElement | undefined {
  for (const phaseKey of phaseKeys) {
    const list = tariff.candidates.get(candidateKey(phaseKey, dimension));
    if (!list) continue;
    for (const element of list) {
      const failed = element.restrictions ? failedRestriction(element.restrictions, context) : Failed.None;
      if (failed === Failed.None) return element;
      passedOver?.push({ element: element.index, reason: failureReason(failed, context, localText) });
    }
  }
  return undefined;
}

const UNIT_OF: Record<TariffDimension, PriceLine['unit']> = { FLAT: 'flat', ENERGY: 'kWh', TIME: 'h', PARKING_TIME: 'h' };

/** Sums of money, with the tax per rate. `null` sides stay null once one part is unknown. */
class MoneySum {
  excl: Big | null = ZERO;
  incl: Big | null = ZERO;
  readonly taxes = new Map<string, { percentage: Big; amount: Big }>();

  add(money: Money): void {
    this.excl = this.excl === null || money.exclTax === null ? null : this.excl.plus(money.exclTax as Big);
    this.incl = this.incl === null || money.inclTax === null ? null : this.incl.plus(money.inclTax as Big);
    for (const tax of money.taxes) {
      const percentage = tax.percentage as Big;
      const key = percentage.toString();
      const entry = this.taxes.get(key);
      if (entry) entry.amount = entry.amount.plus(tax.amount as Big);
      else this.taxes.set(key, { percentage, amount: tax.amount as Big });
    }
  }

  money(): Money {
    return { exclTax: this.excl, inclTax: this.incl, taxes: [...this.taxes.values()] };
  }
}

/** The cost of `billed` units at `component`'s price, by the tariff's tax mode. */
function costOf(tariff: CompiledTariff, component: CompiledComponent, billed: Big): Money {
  const base = billed.times(component.price);
  const { vat, vatFactor } = component;
  // Whatever the tax, none is owed on nothing.
  if (base.eq(ZERO)) return { exclTax: base, inclTax: base, taxes: [] };
  switch (tariff.taxMode) {
    case 'VAT': {
      // 2.2.1: price excl. VAT; "If omitted, no VAT is applicable".
      if (!vatFactor || !vat) return { exclTax: base, inclTax: base, taxes: [] };
      const incl = base.times(vatFactor);
      return { exclTax: base, inclTax: incl, taxes: [{ percentage: vat, amount: incl.minus(base) }] };
    }
    case 'NO': {
      // 2.3.0: taxes "will be added on top"; without a rate (North America) the amount after tax is unknown.
      if (!vatFactor || !vat) return { exclTax: base, inclTax: null, taxes: [] };
      const incl = base.times(vatFactor);
      return { exclTax: base, inclTax: incl, taxes: [{ percentage: vat, amount: incl.minus(base) }] };
    }
    case 'YES': {
      if (!vatFactor || !vat) return { exclTax: null, inclTax: base, taxes: [] };
      const excl = base.div(vatFactor);
      return { exclTax: excl, inclTax: base, taxes: [{ percentage: vat, amount: base.minus(excl) }] };
    }
    default:
      return { exclTax: base, inclTax: base, taxes: [] };
  }
}

/**
 * The cost of a session from its charging periods under its Tariffs. Never throws: a session or tariff
 * that cannot be priced gives `{ ok: false, error }`.
 */
export function priceSession(session: SessionInput, options: PriceOptions): PriceResult {
  try {
    return price(session, options);
  } catch (error) {
    if (error instanceof TypeError || error instanceof RangeError) return fail('INVALID_INPUT', error.message);
    throw error;
  }
}

function price(session: SessionInput, options: PriceOptions): PriceResult {
  const { timeZone } = options;
  if (typeof timeZone !== 'string' || !isKnownTimeZone(timeZone)) return fail('UNKNOWN_TIME_ZONE', `Unknown time zone: ${String(timeZone)}`);
  const sessionStart = parseDateTime(session.start_date_time);
  if (Number.isNaN(sessionStart)) return fail('INVALID_INPUT', `start_date_time "${session.start_date_time}" is not a DateTime`);
  const notes = new Map<string, PriceNote>();
  const note = (code: string, message: string) => {
    if (!notes.has(code)) notes.set(code, { code, message });
  };
  const explain = options.explain === true;

  // ---- the periods, in time order, with their ends ----
  const input = session.charging_periods ?? [];
  let ordered = input.map((period, i) => ({ period, i, startMs: parseDateTime(period.start_date_time) }));
  const invalid = ordered.find((p) => Number.isNaN(p.startMs));
  if (invalid) return fail('INVALID_INPUT', `charging_periods[${invalid.i}].start_date_time "${invalid.period.start_date_time}" is not a DateTime`);
  if (ordered.some((p, i) => i > 0 && p.startMs < (ordered[i - 1] as { startMs: number }).startMs)) {
    ordered = [...ordered].sort((a, b) => a.startMs - b.startMs || a.i - b.i);
    note('PERIODS_REORDERED', 'charging_periods were not in time order; they are priced in order of start_date_time');
  }
  const lastStart = ordered.length > 0 ? (ordered[ordered.length - 1] as { startMs: number }).startMs : sessionStart;
  let sessionEnd = session.end_date_time !== undefined ? parseDateTime(session.end_date_time) : Number.NaN;
  if (session.end_date_time !== undefined && Number.isNaN(sessionEnd))
    return fail('INVALID_INPUT', `end_date_time "${session.end_date_time}" is not a DateTime`);
  if (Number.isNaN(sessionEnd)) {
    const now = options.now === undefined ? Number.NaN : options.now instanceof Date ? options.now.getTime() : parseDateTime(options.now);
    sessionEnd = Number.isNaN(now) ? lastStart : Math.max(now, lastStart);
  }
  if (sessionEnd < lastStart) {
    note('END_BEFORE_LAST_PERIOD', 'end_date_time is before the last period starts; the last period is taken to end where it starts');
    sessionEnd = lastStart;
  }
  const periods: PeriodData[] = ordered.map((p, k) => {
    const next = ordered[k + 1];
    return readPeriod(p.period.dimensions ?? [], p.startMs, next ? next.startMs : sessionEnd);
  });

  // ---- the tariffs ----
  if (options.tariffs.length === 0) return fail('NO_TARIFF', 'No Tariff given to price the session with');
  const tariffs = options.tariffs.map((tariff) => compileTariff(tariff, options.version));
  const inForce = tariffs.filter((t) => (t.startMs === undefined || t.startMs <= sessionStart) && (t.endMs === undefined || sessionStart < t.endMs));
  const typed = options.tariffType ? inForce.filter((t) => t.source.type?.toUpperCase() === options.tariffType?.toUpperCase()) : [];
  const untyped = inForce.filter((t) => t.source.type === undefined);
  // A period without tariff_id: the Tariff in force at the session's start (the driver accepted it then).
  const defaultTariff = typed[0] ?? untyped[0] ?? inForce[0];
  if (!options.tariffType && inForce.length > 1) {
    note(
      'SEVERAL_TARIFFS_IN_FORCE',
      `Several Tariffs were in force at the session's start (${inForce.map((t) => t.id).join(', ')}); periods without tariff_id use ${defaultTariff?.id}`,
    );
  }
  const tariffOfPeriod: (CompiledTariff | undefined)[] = [];
  for (const [k, p] of ordered.entries()) {
    const id = p.period.tariff_id;
    if (id === undefined) {
      tariffOfPeriod.push(defaultTariff);
      continue;
    }
    const tariff = tariffs.find((t) => sameId(t.id, id));
    if (!tariff) return fail('NO_TARIFF', `charging_periods[${p.i}] refers to Tariff ${id}, which is not among the Tariffs given`);
    const startMs = (periods[k] as PeriodData).startMs;
    if ((tariff.startMs !== undefined && startMs < tariff.startMs) || (tariff.endMs !== undefined && startMs >= tariff.endMs)) {
      note('TARIFF_NOT_IN_FORCE', `Tariff ${tariff.id} is used by a period outside its start_date_time/end_date_time, as the period says`);
    }
    tariffOfPeriod.push(tariff);
  }
  if (periods.length > 0 && !defaultTariff && tariffOfPeriod.some((t) => t === undefined)) {
    return fail('NO_TARIFF', 'No Tariff given is in force at the session start, and some periods have no tariff_id');
  }
  const used = [...new Set(tariffOfPeriod.filter((t): t is CompiledTariff => t !== undefined))];
  if (used.length === 0 && defaultTariff) used.push(defaultTariff);
  for (const tariff of used) {
    if (tariff.elements.length === 0) {
      const altText = tariff.source.tariff_alt_text ?? [];
      return fail(
        'NOT_COMPUTABLE',
        `Tariff ${tariff.id} has no TariffElements${altText.length > 0 ? ': its price is only in tariff_alt_text' : ''}${tariff.source.tariff_alt_url ? ` and at ${tariff.source.tariff_alt_url}` : ''}`,
        { altText },
      );
    }
    for (const n of tariff.notes) note(n.code, n.message);
    if (tariff.source.tariff_alt_text?.length) {
      note('ALT_TEXT', `Tariff ${tariff.id} has tariff_alt_text, which may say more than its elements: "${tariff.source.tariff_alt_text[0]?.text}"`);
    }
    if (tariff.source.tariff_alt_url)
      note('ALT_URL', `Tariff ${tariff.id} points at ${tariff.source.tariff_alt_url} for its prices in words (priced here as its elements say)`);
  }
  const currency = (used[0] as CompiledTariff).currency;
  const otherCurrency = used.find((t) => t.currency !== currency);
  if (otherCurrency)
    return fail('CURRENCY_MISMATCH', `Tariffs ${used[0]?.id} (${currency}) and ${otherCurrency.id} (${otherCurrency.currency}) differ in currency`);
  const version = (used[0] as CompiledTariff).version;

  // ---- the reservation or booking before the session ----
  const anyCharging = periods.some((p) => p.reservation === undefined);
  const anyReservation = periods.some((p) => p.reservation !== undefined);
  const kind = options.reservation?.kind ?? (session.booking_id ? 'BOOKING' : 'RESERVATION');
  const outcome: ReservationOutcome = options.reservation?.outcome ?? (periods.some((p) => p.reservationExpires) || !anyCharging ? 'EXPIRED' : 'USED');
  // mod_tariffs, ReservationRestrictionType: an expired reservation is priced by its RESERVATION_EXPIRES
  // elements first ("the time based cost of an expired reservation will be calculated based on the
  // RESERVATION_EXPIRES Tariff Element"), then by its RESERVATION ones.
  const reservationKeys: readonly string[] =
    kind === 'BOOKING'
      ? outcome === 'EXPIRED'
        ? ['BOOKING_EXPIRES', 'BOOKING']
        : outcome === 'CANCELLED'
          ? ['BOOKING_CANCELLATION_FEES']
          : ['BOOKING']
      : outcome === 'EXPIRED'
        ? ['RESERVATION_EXPIRES', 'RESERVATION']
        : ['RESERVATION'];
  const chargingKeys: readonly (string | undefined)[] = [undefined];
  const chargingStart = anyReservation
    ? (periods.find((p) => p.reservation === undefined)?.startMs ?? sessionStart)
    : Math.min(sessionStart, periods[0]?.startMs ?? sessionStart);

  // ---- period by period: which element prices each dimension ----
  const needsLocal = explain || used.some((t) => t.needsLocalTime);
  const lines: MutableLine[] = [];
  const breakdownPeriods: PeriodBreakdown[] = [];
  let energyBefore = ZERO;
  let energyAll = ZERO;
  let timeAll = ZERO;
  let parkingAll = ZERO;
  let reservationAll = ZERO;
  let flatCharged = false;
  let reservationFlatCharged = false;
  // step_size (mod_cdrs): once per session for ENERGY, once for TIME and PARKING_TIME together, on the
  // total billable amount, with the step of the last period's component; the remainder is billed there.
  let energyPriced = ZERO;
  let timePriced = ZERO;
  let parkingPriced = ZERO;
  let reservationPriced = ZERO;
  let lastEnergyLine: MutableLine | undefined;
  let lastTimeLine: MutableLine | undefined;
  let lastReservationLine: MutableLine | undefined;
  const context: RestrictionContext = {
    local: undefined,
    energyBefore: ZERO,
    elapsedSeconds: 0,
    currentForMin: undefined,
    currentForMax: undefined,
    powerForMin: undefined,
    powerForMax: undefined,
  };

  for (let k = 0; k < periods.length; k++) {
    const p = periods[k] as PeriodData;
    const tariff = tariffOfPeriod[k];
    const reservationPhase = p.reservation !== undefined;
    let time = p.time;
    if (!reservationPhase && time === undefined && p.parking === undefined && p.endMs > p.startMs) {
      // No TIME or PARKING_TIME dimension: the period's length counts as charging time.
      time = dec(p.endMs - p.startMs).div(MS_PER_HOUR);
      note('TIME_FROM_TIMESTAMPS', 'A period without TIME or PARKING_TIME dimension counts its whole length (start to next start) as charging TIME');
    }
    const period: PeriodBreakdown = {
      index: ordered[k]?.i ?? k,
      start: new Date(p.startMs).toISOString(),
      end: new Date(p.endMs).toISOString(),
      tariffId: tariff?.id,
      phase: reservationPhase ? 'reservation' : 'charging',
      lines: [],
    };
    breakdownPeriods.push(period);
    let energy = p.energy;
    if (energy?.lt(0)) {
      note('NEGATIVE_ENERGY', 'A period reports negative ENERGY (fed back to the grid); it is priced as 0 kWh');
      energy = ZERO;
    }
    if (energy) energyAll = energyAll.plus(energy);
    if (time) timeAll = timeAll.plus(time);
    if (p.parking) parkingAll = parkingAll.plus(p.parking);
    if (p.reservation) reservationAll = reservationAll.plus(p.reservation);
    if (!tariff) {
      energyBefore = energyAll;
      continue;
    }

    let localText: string | undefined;
    if (needsLocal) {
      const local: LocalTime = localTime(timeZone, p.startMs);
      context.local = local;
      localText = formatLocal(local);
      period.local = localText;
    }
    context.energyBefore = energyBefore;
    context.elapsedSeconds = (p.startMs - (reservationPhase ? sessionStart : chargingStart)) / 1000;
    if (tariff.needsCurrent) {
      context.currentForMin = p.minCurrent ?? p.current ?? p.maxCurrent;
      context.currentForMax = p.maxCurrent ?? p.current ?? p.minCurrent;
      if (context.currentForMin === undefined)
        note('NO_CURRENT', 'A restriction on current met a period that reports no CURRENT, MIN_CURRENT or MAX_CURRENT: it does not hold there');
    }
    if (tariff.needsPower) {
      let derived: number | undefined;
      if (p.minPower === undefined && p.maxPower === undefined && p.power === undefined && energy && time?.gt(0)) {
        derived = energy.div(time).toNumber();
        note('POWER_FROM_ENERGY', 'A period reports no power: its average (ENERGY / TIME) is held against the power restrictions');
      }
      context.powerForMin = p.minPower ?? p.power ?? p.maxPower ?? derived;
      context.powerForMax = p.maxPower ?? p.power ?? p.minPower ?? derived;
    }

    const addLine = (dimension: TariffDimension, quantity: Big, category: CostCategory, keys: readonly (string | undefined)[]): MutableLine | undefined => {
      const passedOver = explain ? [] : undefined;
      const element = findElement(tariff, keys, dimension, context, passedOver, localText);
      if (!element) return undefined;
      const component = element.components[dimension] as CompiledComponent;
      const line: MutableLine = {
        dimension,
        category,
        tariffId: tariff.id,
        element: element.index,
        why: element.why,
        ...(passedOver && passedOver.length > 0 ? { passedOver } : {}),
        quantity,
        billed: quantity,
        unit: UNIT_OF[dimension],
        price: component.price,
        vat: component.vat,
        stepSize: component.stepSize,
        cost: { exclTax: null, inclTax: null, taxes: [] },
        component,
        tariff,
      };
      lines.push(line);
      period.lines.push(line as unknown as PriceLine);
      return line;
    };

    if (reservationPhase) {
      if (!reservationFlatCharged && addLine('FLAT', dec(1), 'reservation', reservationKeys)) reservationFlatCharged = true;
      const hours = p.reservation as Big;
      if (hours.gt(0)) {
        const line = addLine('TIME', hours, 'reservation', reservationKeys);
        if (line) {
          reservationPriced = reservationPriced.plus(hours);
          lastReservationLine = line;
        }
      }
    } else {
      // A FLAT fee is owed once per session, from the first period where an element with one applies.
      if (!flatCharged && addLine('FLAT', dec(1), 'fixed', chargingKeys)) flatCharged = true;
      if (energy?.gt(0)) {
        const line = addLine('ENERGY', energy, 'energy', chargingKeys);
        if (line) {
          energyPriced = energyPriced.plus(energy);
          lastEnergyLine = line;
        }
      }
      if (time?.gt(0)) {
        const line = addLine('TIME', time, 'time', chargingKeys);
        if (line) {
          timePriced = timePriced.plus(time);
          lastTimeLine = line;
        }
      }
      if (p.parking?.gt(0)) {
        const line = addLine('PARKING_TIME', p.parking, 'parking', chargingKeys);
        if (line) {
          parkingPriced = parkingPriced.plus(p.parking);
          lastTimeLine = line;
        }
      }
      if (p.overtime && tariff.elements.some((e) => e.phaseKey === 'BOOKING_OVERTIME')) {
        note('BOOKING_OVERTIME_NOT_PRICED', 'BOOKING_OVERTIME elements are not priced: the Bookings module does not yet say how overtime is measured');
      }
    }
    energyBefore = energyAll;
  }

  // ---- step_size, on the session's totals ----
  let billedEnergy = energyPriced;
  if (lastEnergyLine) {
    const wh = energyPriced.times(THOUSAND);
    const billedWh = ceilToStep(wh, lastEnergyLine.stepSize);
    if (!billedWh.eq(wh)) {
      billedEnergy = billedWh.div(THOUSAND);
      lastEnergyLine.billed = lastEnergyLine.quantity.plus(billedEnergy.minus(energyPriced));
    }
  }
  let billedTime = timePriced;
  let billedParking = parkingPriced;
  if (lastTimeLine) {
    // "In the cases that TIME and PARKING_TIME Tariff Elements are both used, step_size is only taken
    // into account for the total parking duration": the dimension of the last time-based period.
    const total = lastTimeLine.dimension === 'TIME' ? timePriced : parkingPriced;
    const billed = roundHoursToStep(total, lastTimeLine.stepSize);
    if (!billed.eq(total)) {
      lastTimeLine.billed = lastTimeLine.quantity.plus(billed.minus(total));
      if (lastTimeLine.dimension === 'TIME') billedTime = billed;
      else billedParking = billed;
    }
  }
  let billedReservation = reservationPriced;
  if (lastReservationLine) {
    const billed = roundHoursToStep(reservationPriced, lastReservationLine.stepSize);
    if (!billed.eq(reservationPriced)) {
      lastReservationLine.billed = lastReservationLine.quantity.plus(billed.minus(reservationPriced));
      billedReservation = billed;
    }
  }

  // ---- money ----
  const byCategory = Object.fromEntries(CATEGORIES.map((c) => [c, new MoneySum()])) as Record<CostCategory, MoneySum>;
  const byTariff = new Map<CompiledTariff, MoneySum>(used.map((t) => [t, new MoneySum()]));
  for (const line of lines) {
    line.cost = costOf(line.tariff, line.component, line.billed);
    byCategory[line.category].add(line.cost);
    (byTariff.get(line.tariff) as MoneySum).add(line.cost);
  }
  const adjustments: PriceAdjustment[] = [];
  const total = new MoneySum();
  // After min_price/max_price the taxes no longer add up per rate: the clamped part's tax is one amount.
  let unattributed: Big | undefined;
  for (const [tariff, sum] of byTariff) {
    const excl = clamp(tariff, sum.excl, 'exclTax', adjustments);
    const incl = clamp(tariff, sum.incl, 'inclTax', adjustments);
    if (excl === sum.excl && incl === sum.incl) {
      total.add(sum.money());
      continue;
    }
    total.add({ exclTax: excl, inclTax: incl, taxes: [] });
    if (excl !== null && incl !== null && !incl.eq(excl)) unattributed = (unattributed ?? ZERO).plus(incl.minus(excl));
  }
  const totalMoney = total.money();
  if (unattributed) totalMoney.taxes.push({ percentage: null, amount: unattributed });

  const categories = new Set<CostCategory>();
  for (const tariff of used) for (const c of tariff.categories) categories.add(c);
  const breakdown: PriceBreakdown = {
    version,
    currency,
    timeZone,
    tariffIds: used.map((t) => t.id),
    periods: breakdownPeriods,
    quantities: {
      energy: energyAll,
      billedEnergy,
      chargingTime: timeAll,
      billedChargingTime: billedTime,
      parkingTime: parkingAll,
      billedParkingTime: billedParking,
      reservationTime: reservationAll,
      billedReservationTime: billedReservation,
      totalTime: dec(sessionEnd - sessionStart).div(MS_PER_HOUR),
    },
    costs: Object.fromEntries(CATEGORIES.map((c) => [c, byCategory[c].money()])) as Record<CostCategory, Money>,
    categories: CATEGORIES.filter((c) => categories.has(c)),
    total: totalMoney,
    adjustments,
    notes: [...notes.values()],
  };
  for (const line of lines) {
    delete (line as Partial<MutableLine>).component;
    delete (line as Partial<MutableLine>).tariff;
  }
  return { ok: true, breakdown };
}

/** Hours rounded up to a whole number of `step` seconds. */
function roundHoursToStep(hours: Big, step: number): Big {
  const seconds = hours.times(SECONDS_PER_HOUR);
  const billed = ceilToStep(seconds, step);
  return billed.eq(seconds) ? hours : billed.div(SECONDS_PER_HOUR);
}

/**
 * min_price and max_price of a tariff on its part of the session, each side on its own (mod_tariffs:
 * "they both apply": before tax against before tax, after tax against after tax).
 */
function clamp(tariff: CompiledTariff, amount: Big | null, side: 'exclTax' | 'inclTax', adjustments: PriceAdjustment[]): Big | null {
  if (amount === null) return null;
  const min = side === 'exclTax' ? tariff.minPrice?.excl : tariff.minPrice?.incl;
  const max = side === 'exclTax' ? tariff.maxPrice?.excl : tariff.maxPrice?.incl;
  if (min !== undefined && amount.lt(min)) {
    adjustments.push({ tariffId: tariff.id, kind: 'MIN_PRICE', side, from: amount, to: min });
    return min;
  }
  if (max !== undefined && amount.gt(max)) {
    adjustments.push({ tariffId: tariff.id, kind: 'MAX_PRICE', side, from: amount, to: max });
    return max;
  }
  return amount;
}
