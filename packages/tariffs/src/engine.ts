// priceSession: the cost of a session (or CDR) from its charging periods and Tariffs, by the rules of
// mod_tariffs and mod_cdrs ("step_size"), in exact decimals, with a breakdown per period.
import {
  type CompiledComponent,
  type CompiledElement,
  type CompiledTariff,
  compileTariff,
  Failed,
  failedRestriction,
  failureReason,
  parseDateTime,
  type RestrictionContext,
} from './compile.js';
import { type Big, ceilToStep, dec, isPositive, type Quantity, QuantitySum, SECONDS_PER_HOUR, THOUSAND, toBig, ZERO } from './decimal.js';
import { formatLocal, type LocalTime, localTime, zone } from './local-time.js';
import type {
  ChargingPeriodInput,
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
  /** Its index in the session's charging_periods. */
  index: number;
  start: string;
  end: string;
  startMs: number;
  endMs: number;
  /** kWh, as the JSON number reads (a decimal only when asked for). */
  energy: number | undefined;
  /** Hours charging, parking, reserved. */
  time: number | undefined;
  parking: number | undefined;
  reservation: number | undefined;
  reservationExpires: boolean;
  /** 2.3.0 Bookings' RESERVATION_OVERTIME: hours the session went on after the booked slot. */
  overtime: number | undefined;
  minCurrent: number | undefined;
  maxCurrent: number | undefined;
  current: number | undefined;
  minPower: number | undefined;
  maxPower: number | undefined;
  power: number | undefined;
}

/**
 * A priced line. Its cost is worked out when first read (a line's cost is the session's only per-period
 * money; the totals come from the per-component sums), and it serializes like a plain PriceLine.
 */
class Line implements PriceLine {
  readonly unit: PriceLine['unit'];
  readonly price: Big;
  readonly vat: Big | undefined;
  readonly stepSize: number;
  declare passedOver?: { element: number; reason: string }[];
  readonly #quantity: Quantity;
  readonly #component: CompiledComponent;
  readonly #tariff: CompiledTariff;
  #decimal: Big | undefined;
  #billed: Big | undefined;
  #cost: Money | undefined;

  constructor(
    readonly dimension: TariffDimension,
    readonly category: CostCategory,
    readonly tariffId: string,
    readonly element: number,
    readonly why: string,
    quantity: Quantity,
    component: CompiledComponent,
    tariff: CompiledTariff,
  ) {
    this.unit = UNIT_OF[dimension];
    this.price = component.price;
    this.vat = component.vat;
    this.stepSize = component.stepSize;
    this.#quantity = quantity;
    this.#component = component;
    this.#tariff = tariff;
  }

  get component(): CompiledComponent {
    return this.#component;
  }

  /** The quantity as a decimal, read from the volume when first asked. */
  get quantity(): Big {
    this.#decimal ??= toBig(this.#quantity);
    return this.#decimal;
  }

  get billed(): Big {
    return this.#billed ?? this.quantity;
  }

  /** The session's step_size rounding billed on this line. */
  addExtra(extra: Big): void {
    this.#billed = this.quantity.plus(extra);
  }

  get cost(): Money {
    this.#cost ??= costOf(this.#tariff, this.#component, this.billed);
    return this.#cost;
  }

  toJSON(): PriceLine {
    return { ...this, quantity: this.quantity, billed: this.billed, cost: this.cost } as PriceLine;
  }
}

const fail = (code: PriceError['code'], message: string, extra: Partial<PriceError> = {}): PriceResult => ({
  ok: false,
  error: { code, message, ...extra },
});

const sameId = (a: string | undefined, b: string | undefined) => a !== undefined && b !== undefined && a.toUpperCase() === b.toUpperCase();

function readPeriod(
  index: number,
  dimensions: readonly { type: string; volume: number }[],
  start: string,
  startMs: number,
  end: string,
  endMs: number,
): PeriodData {
  const data: PeriodData = {
    index,
    start,
    end,
    startMs,
    endMs,
    energy: undefined,
    time: undefined,
    parking: undefined,
    reservation: undefined,
    reservationExpires: false,
    overtime: undefined,
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
        data.energy = volume;
        break;
      case 'ENERGY_IMPORT':
        energyImport = volume;
        break;
      case 'TIME':
        data.time = volume;
        break;
      case 'PARKING_TIME':
        data.parking = volume;
        break;
      case 'RESERVATION_TIME':
        data.reservation = volume;
        break;
      case 'RESERVATION_EXPIRES':
        // 2.3.0 Bookings: reserved time not (yet) used by the customer.
        data.reservation = volume;
        data.reservationExpires = true;
        break;
      case 'RESERVATION_OVERTIME':
        data.overtime = volume;
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
  if (data.energy === undefined && energyImport !== undefined) data.energy = energyImport;
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
    const list = phaseKey === undefined ? tariff.charging[dimension] : tariff.candidates.get(phaseKey)?.[dimension];
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

  /** A line's cost: at most one rate, whose key the component carries. */
  addLine(money: Money, vatKey: string | undefined): void {
    this.excl = this.excl === null || money.exclTax === null ? null : this.excl.plus(money.exclTax as Big);
    this.incl = this.incl === null || money.inclTax === null ? null : this.incl.plus(money.inclTax as Big);
    const tax = money.taxes[0];
    if (!tax || vatKey === undefined) return;
    const entry = this.taxes.get(vatKey);
    if (entry) entry.amount = entry.amount.plus(tax.amount as Big);
    else this.taxes.set(vatKey, { percentage: tax.percentage as Big, amount: tax.amount as Big });
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
  const clock = typeof timeZone === 'string' ? zone(timeZone) : undefined;
  if (!clock) return fail('UNKNOWN_TIME_ZONE', `Unknown time zone: ${String(timeZone)}`);
  const sessionStart = parseDateTime(session.start_date_time);
  if (Number.isNaN(sessionStart)) return fail('INVALID_INPUT', `start_date_time "${session.start_date_time}" is not a DateTime`);
  const notes = new Map<string, PriceNote>();
  const note = (code: string, message: string) => {
    if (!notes.has(code)) notes.set(code, { code, message });
  };
  const explain = options.explain === true;

  // ---- the periods, in time order, with their ends ----
  const input = session.charging_periods ?? [];
  const count = input.length;
  const starts: number[] = new Array(count);
  let inOrder = true;
  for (let i = 0; i < count; i++) {
    const start = (input[i] as ChargingPeriodInput).start_date_time;
    const startMs = parseDateTime(start);
    if (Number.isNaN(startMs)) return fail('INVALID_INPUT', `charging_periods[${i}].start_date_time "${start}" is not a DateTime`);
    if (i > 0 && startMs < (starts[i - 1] as number)) inOrder = false;
    starts[i] = startMs;
  }
  // The input index of the k-th period in time order.
  let order: number[] | undefined;
  if (!inOrder) {
    order = [...input.keys()].sort((a, b) => (starts[a] as number) - (starts[b] as number) || a - b);
    note('PERIODS_REORDERED', 'charging_periods were not in time order; they are priced in order of start_date_time');
  }
  const indexAt = (k: number): number => (order ? (order[k] as number) : k);
  const lastStart = count > 0 ? (starts[indexAt(count - 1)] as number) : sessionStart;
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
  const endText =
    session.end_date_time !== undefined && sessionEnd === parseDateTime(session.end_date_time) ? session.end_date_time : new Date(sessionEnd).toISOString();
  const periods: PeriodData[] = new Array(count);
  for (let k = 0; k < count; k++) {
    const i = indexAt(k);
    const period = input[i] as ChargingPeriodInput;
    const next = k + 1 < count ? indexAt(k + 1) : undefined;
    periods[k] = readPeriod(
      i,
      period.dimensions ?? [],
      period.start_date_time,
      starts[i] as number,
      next === undefined ? endText : (input[next] as ChargingPeriodInput).start_date_time,
      next === undefined ? sessionEnd : (starts[next] as number),
    );
  }

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
  for (let k = 0; k < count; k++) {
    const id = (input[indexAt(k)] as ChargingPeriodInput).tariff_id;
    if (id === undefined) {
      tariffOfPeriod.push(defaultTariff);
      continue;
    }
    const tariff = tariffs.find((t) => sameId(t.id, id));
    if (!tariff) return fail('NO_TARIFF', `charging_periods[${indexAt(k)}] refers to Tariff ${id}, which is not among the Tariffs given`);
    const startMs = (periods[k] as PeriodData).startMs;
    if ((tariff.startMs !== undefined && startMs < tariff.startMs) || (tariff.endMs !== undefined && startMs >= tariff.endMs)) {
      note('TARIFF_NOT_IN_FORCE', `Tariff ${tariff.id} is used by a period outside its start_date_time/end_date_time, as the period says`);
    }
    tariffOfPeriod.push(tariff);
  }
  if (periods.length > 0 && !defaultTariff && tariffOfPeriod.some((t) => t === undefined)) {
    return fail('NO_TARIFF', 'No Tariff given is in force at the session start, and some periods have no tariff_id');
  }
  const used: CompiledTariff[] = [];
  for (const tariff of tariffOfPeriod) if (tariff && !used.includes(tariff)) used.push(tariff);
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
  const overtimeKeys: readonly string[] = ['BOOKING_OVERTIME'];
  const chargingStart = anyReservation
    ? (periods.find((p) => p.reservation === undefined)?.startMs ?? sessionStart)
    : Math.min(sessionStart, periods[0]?.startMs ?? sessionStart);

  // ---- period by period: which element prices each dimension ----
  const needsLocal = explain || used.some((t) => t.needsLocalTime);
  const breakdownPeriods: PeriodBreakdown[] = [];
  // Quantities are summed per price component (a line's cost is linear in it), so the session's money
  // costs a few operations per component, not per period. What no component priced is summed apart.
  const groups = new Map<CompiledComponent, Group>();
  // Hours of each kind that an element priced, and that none did; overtime is billed with the reservation.
  const priced = {
    energy: new QuantitySum(),
    time: new QuantitySum(),
    parking: new QuantitySum(),
    reservation: new QuantitySum(),
    overtime: new QuantitySum(),
  };
  const unpriced = {
    energy: new QuantitySum(),
    time: new QuantitySum(),
    parking: new QuantitySum(),
    reservation: new QuantitySum(),
    overtime: new QuantitySum(),
  };
  const trackEnergy = used.some((t) => t.needsEnergy);
  const energySoFar = new QuantitySum();
  let flatCharged = false;
  let reservationFlatCharged = false;
  let overtimeFlatCharged = false;
  // step_size (mod_cdrs): once per session for ENERGY, once for TIME and PARKING_TIME together, on the
  // total billable amount, with the step of the last period's component; the remainder is billed there.
  let lastEnergyLine: Line | undefined;
  let lastTimeLine: Line | undefined;
  let lastReservationLine: Line | undefined;
  let lastOvertimeLine: Line | undefined;
  const context: RestrictionContext = {
    local: undefined,
    energyBefore: ZERO,
    elapsedSeconds: 0,
    currentForMin: undefined,
    currentForMax: undefined,
    powerForMin: undefined,
    powerForMax: undefined,
  };

  // A line of `period` if an element of `tariff` prices `dimension` there (one function per session, not per period).
  const addLine = (
    tariff: CompiledTariff,
    period: PeriodBreakdown,
    localText: string | undefined,
    dimension: TariffDimension,
    quantity: Quantity,
    category: CostCategory,
    keys: readonly (string | undefined)[],
    /** Where a priced quantity (not FLAT) is summed. */
    sum: QuantitySum | undefined,
  ): Line | undefined => {
    const passedOver = explain ? [] : undefined;
    const element = findElement(tariff, keys, dimension, context, passedOver, localText);
    if (!element) return undefined;
    const component = element.components[dimension] as CompiledComponent;
    const line = new Line(dimension, category, tariff.id, element.index, element.why, quantity, component, tariff);
    if (passedOver && passedOver.length > 0) line.passedOver = passedOver;
    period.lines.push(line);
    let group = groups.get(component);
    if (!group) {
      group = { tariff, component, category, quantity: new QuantitySum(), extra: ZERO };
      groups.set(component, group);
    }
    group.quantity.add(quantity);
    sum?.add(quantity);
    return line;
  };

  for (let k = 0; k < periods.length; k++) {
    const p = periods[k] as PeriodData;
    const tariff = tariffOfPeriod[k];
    const reservationPhase = p.reservation !== undefined;
    let time: Quantity | undefined = p.time;
    if (!reservationPhase && time === undefined && p.parking === undefined && p.endMs > p.startMs) {
      // No TIME or PARKING_TIME dimension: the period's length counts as charging time.
      time = dec(p.endMs - p.startMs).div(MS_PER_HOUR);
      note('TIME_FROM_TIMESTAMPS', 'A period without TIME or PARKING_TIME dimension counts its whole length (start to next start) as charging TIME');
    }
    const period: PeriodBreakdown = {
      index: p.index,
      start: p.start,
      end: p.end,
      tariffId: tariff?.id,
      phase: reservationPhase ? 'reservation' : 'charging',
      lines: [],
    };
    breakdownPeriods.push(period);
    let energy = p.energy;
    if (energy !== undefined && energy < 0) {
      note('NEGATIVE_ENERGY', 'A period reports negative ENERGY (fed back to the grid); it is priced as 0 kWh');
      energy = 0;
    }
    if (trackEnergy) context.energyBefore = energySoFar.value();
    if (trackEnergy && energy !== undefined) energySoFar.add(energy);
    if (!tariff) {
      if (energy !== undefined) unpriced.energy.add(energy);
      if (time !== undefined) unpriced.time.add(time);
      if (p.parking !== undefined) unpriced.parking.add(p.parking);
      if (p.reservation !== undefined) unpriced.reservation.add(p.reservation);
      if (p.overtime !== undefined) unpriced.overtime.add(p.overtime);
      continue;
    }

    let localText: string | undefined;
    if (needsLocal) {
      const local: LocalTime = localTime(clock, p.startMs);
      context.local = local;
      if (explain) {
        localText = formatLocal(local);
        period.local = localText;
      }
    }
    context.elapsedSeconds = (p.startMs - (reservationPhase ? sessionStart : chargingStart)) / 1000;
    if (tariff.needsCurrent) {
      context.currentForMin = p.minCurrent ?? p.current ?? p.maxCurrent;
      context.currentForMax = p.maxCurrent ?? p.current ?? p.minCurrent;
      if (context.currentForMin === undefined)
        note('NO_CURRENT', 'A restriction on current met a period that reports no CURRENT, MIN_CURRENT or MAX_CURRENT: it does not hold there');
    }
    if (tariff.needsPower) {
      let derived: number | undefined;
      if (p.minPower === undefined && p.maxPower === undefined && p.power === undefined && energy && time !== undefined && isPositive(time)) {
        derived = toBig(energy).div(toBig(time)).toNumber();
        note('POWER_FROM_ENERGY', 'A period reports no power: its average (ENERGY / TIME) is held against the power restrictions');
      }
      context.powerForMin = p.minPower ?? p.power ?? p.maxPower ?? derived;
      context.powerForMax = p.maxPower ?? p.power ?? p.minPower ?? derived;
    }

    if (reservationPhase) {
      if (!reservationFlatCharged && addLine(tariff, period, localText, 'FLAT', 1, 'reservation', reservationKeys, undefined)) reservationFlatCharged = true;
      const hours = p.reservation as number;
      if (hours > 0) {
        const line = addLine(tariff, period, localText, 'TIME', hours, 'reservation', reservationKeys, priced.reservation);
        if (line) lastReservationLine = line;
        else unpriced.reservation.add(hours);
      }
    } else {
      // A FLAT fee is owed once per session, from the first period where an element with one applies.
      if (!flatCharged && addLine(tariff, period, localText, 'FLAT', 1, 'fixed', chargingKeys, undefined)) flatCharged = true;
      if (energy !== undefined && energy > 0) {
        const line = addLine(tariff, period, localText, 'ENERGY', energy, 'energy', chargingKeys, priced.energy);
        if (line) lastEnergyLine = line;
        else unpriced.energy.add(energy);
      }
      if (time !== undefined && isPositive(time)) {
        const line = addLine(tariff, period, localText, 'TIME', time, 'time', chargingKeys, priced.time);
        if (line) lastTimeLine = line;
        else unpriced.time.add(time);
      }
      if (p.parking !== undefined && p.parking > 0) {
        const line = addLine(tariff, period, localText, 'PARKING_TIME', p.parking, 'parking', chargingKeys, priced.parking);
        if (line) lastTimeLine = line;
        else unpriced.parking.add(p.parking);
      }
      // 2.3.0 Bookings: the time the session went on after the booked slot (CdrDimensionType
      // RESERVATION_OVERTIME, in hours) is priced by the BOOKING_OVERTIME elements ("costs for charging
      // after the booking has been completed"; like every booking element, FLAT and TIME only), on top
      // of the charging that the other elements price in the same period.
      if (p.overtime !== undefined && p.overtime > 0) {
        if (!overtimeFlatCharged && addLine(tariff, period, localText, 'FLAT', 1, 'reservation', overtimeKeys, undefined)) overtimeFlatCharged = true;
        const line = addLine(tariff, period, localText, 'TIME', p.overtime, 'reservation', overtimeKeys, priced.overtime);
        if (line) lastOvertimeLine = line;
        else unpriced.overtime.add(p.overtime);
      }
    }
  }

  // ---- step_size, on the session's totals ----
  const energyPriced = priced.energy.value();
  const timePriced = priced.time.value();
  const parkingPriced = priced.parking.value();
  const reservationPriced = priced.reservation.value();
  const billedEnergy = lastEnergyLine
    ? addStep(lastEnergyLine, energyPriced, groups, (kwh, step) => ceilToStep(kwh.times(THOUSAND), step).div(THOUSAND))
    : energyPriced;
  let billedTime = timePriced;
  let billedParking = parkingPriced;
  if (lastTimeLine) {
    // "In the cases that TIME and PARKING_TIME Tariff Elements are both used, step_size is only taken
    // into account for the total parking duration": the dimension of the last time-based period.
    if (lastTimeLine.dimension === 'TIME') billedTime = addStep(lastTimeLine, timePriced, groups, roundHoursToStep);
    else billedParking = addStep(lastTimeLine, parkingPriced, groups, roundHoursToStep);
  }
  const billedReservation = lastReservationLine ? addStep(lastReservationLine, reservationPriced, groups, roundHoursToStep) : reservationPriced;
  // Overtime has a step of its own, like the reservation's time.
  const overtimePriced = priced.overtime.value();
  const billedOvertime = lastOvertimeLine ? addStep(lastOvertimeLine, overtimePriced, groups, roundHoursToStep) : overtimePriced;

  // ---- money, per price component ----
  const byCategory: Record<CostCategory, MoneySum> = {
    fixed: new MoneySum(),
    energy: new MoneySum(),
    time: new MoneySum(),
    parking: new MoneySum(),
    reservation: new MoneySum(),
  };
  const byTariff = new Map<CompiledTariff, MoneySum>(used.map((t) => [t, new MoneySum()]));
  for (const group of groups.values()) {
    const quantity = group.quantity.value();
    const cost = costOf(group.tariff, group.component, group.extra.eq(ZERO) ? quantity : quantity.plus(group.extra));
    byCategory[group.category].addLine(cost, group.component.vatKey);
    (byTariff.get(group.tariff) as MoneySum).addLine(cost, group.component.vatKey);
  }
  const adjustments: PriceAdjustment[] = [];
  const parts: Money[] = [];
  // After min_price/max_price the taxes no longer add up per rate: the clamped part's tax is one amount.
  let unattributed: Big | undefined;
  for (const [tariff, sum] of byTariff) {
    const excl = clamp(tariff, sum.excl, 'exclTax', adjustments);
    const incl = clamp(tariff, sum.incl, 'inclTax', adjustments);
    if (excl === sum.excl && incl === sum.incl) {
      parts.push(sum.money());
      continue;
    }
    parts.push({ exclTax: excl, inclTax: incl, taxes: [] });
    if (excl !== null && incl !== null && !incl.eq(excl)) unattributed = (unattributed ?? ZERO).plus(incl.minus(excl));
  }
  let totalMoney: Money;
  if (parts.length === 1 && !unattributed) totalMoney = parts[0] as Money;
  else {
    const total = new MoneySum();
    for (const part of parts) total.add(part);
    totalMoney = total.money();
    if (unattributed) totalMoney.taxes.push({ percentage: null, amount: unattributed });
  }

  const categories = new Set<CostCategory>();
  for (const tariff of used) for (const c of tariff.categories) categories.add(c);
  const breakdown: PriceBreakdown = {
    version,
    currency,
    timeZone,
    tariffIds: used.map((t) => t.id),
    periods: breakdownPeriods,
    quantities: {
      energy: withUnpriced(energyPriced, unpriced.energy),
      billedEnergy,
      chargingTime: withUnpriced(timePriced, unpriced.time),
      billedChargingTime: billedTime,
      parkingTime: withUnpriced(parkingPriced, unpriced.parking),
      billedParkingTime: billedParking,
      reservationTime: withUnpriced(reservationPriced, unpriced.reservation),
      billedReservationTime: billedReservation,
      overtime: withUnpriced(overtimePriced, unpriced.overtime),
      billedOvertime,
      totalTime: dec(sessionEnd - sessionStart).div(MS_PER_HOUR),
    },
    costs: {
      fixed: byCategory.fixed.money(),
      energy: byCategory.energy.money(),
      time: byCategory.time.money(),
      parking: byCategory.parking.money(),
      reservation: byCategory.reservation.money(),
    },
    categories: CATEGORIES.filter((c) => categories.has(c)),
    total: totalMoney,
    adjustments,
    notes: [...notes.values()],
  };
  return { ok: true, breakdown };
}

/** A priced total with what no element priced (most often nothing). */
const withUnpriced = (priced: Big, unpriced: QuantitySum): Big => (unpriced.isEmpty() ? priced : priced.plus(unpriced.value()));

/** The quantities one price component priced in the session. */
interface Group {
  tariff: CompiledTariff;
  component: CompiledComponent;
  category: CostCategory;
  quantity: QuantitySum;
  /** What step_size added (on the session's last line of the dimension). */
  extra: Big;
}

/**
 * Rounds the session's `total` of a dimension with the step of its last priced line (`round`), and
 * bills the difference on that line (mod_cdrs, "step_size"). Returns the billed total.
 */
function addStep(last: Line, total: Big, groups: Map<CompiledComponent, Group>, round: (total: Big, step: number) => Big): Big {
  const billed = round(total, last.component.stepSize);
  if (billed.eq(total)) return total;
  const extra = billed.minus(total);
  last.addExtra(extra);
  const group = groups.get(last.component) as Group;
  group.extra = group.extra.plus(extra);
  return billed;
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
