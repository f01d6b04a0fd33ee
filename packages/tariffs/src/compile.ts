// A Tariff turned once into what pricing needs at every period: prices as decimals, restrictions as
// numbers, elements indexed per phase and dimension, and each element's restrictions in words.
import { type Big, dec, HUNDRED, ONE } from './decimal.js';
import { type LocalTime, WEEKDAYS } from './local-time.js';
import type { CostCategory, PriceLimitInput, PriceNote, TariffDimension, TariffInput, TariffRestrictionsInput } from './model.js';

/**
 * How a tariff's prices relate to tax. `VAT` is 2.2.1: prices exclude VAT, `vat` is added when
 * present, and an absent `vat` means none is applicable. The others are 2.3.0's `tax_included`.
 */
export type TaxMode = 'VAT' | 'YES' | 'NO' | 'N/A';

export interface CompiledComponent {
  dimension: TariffDimension;
  price: Big;
  vat: Big | undefined;
  /** 1 + vat / 100. */
  vatFactor: Big | undefined;
  /** The rate as text, to sum taxes per rate. */
  vatKey: string | undefined;
  stepSize: number;
}

/** A failed restriction, by kind (0: none failed): a number, so matching allocates nothing. */
export const Failed = {
  None: 0,
  TimeOfDay: 1,
  Date: 2,
  DayOfWeek: 3,
  MinKwh: 4,
  MaxKwh: 5,
  MinCurrent: 6,
  MaxCurrent: 7,
  MinPower: 8,
  MaxPower: 9,
  MinDuration: 10,
  MaxDuration: 11,
} as const;
export type Failed = (typeof Failed)[keyof typeof Failed];

/** The restrictions of an element as numbers (times in minutes, dates as yyyymmdd, weekdays as bits). */
export interface CompiledRestrictions {
  startMinutes: number | undefined;
  endMinutes: number | undefined;
  startDate: number | undefined;
  endDate: number | undefined;
  minKwh: Big | undefined;
  maxKwh: Big | undefined;
  minCurrent: number | undefined;
  maxCurrent: number | undefined;
  minPower: number | undefined;
  maxPower: number | undefined;
  minDuration: number | undefined;
  maxDuration: number | undefined;
  /** Bit n set: weekday n (0 = Sunday) allowed; undefined: every day. */
  days: number | undefined;
}

export interface CompiledElement {
  index: number;
  /** RESERVATION, RESERVATION_EXPIRES, BOOKING...; undefined for an element of the charging session. */
  phaseKey: string | undefined;
  components: Partial<Record<TariffDimension, CompiledComponent>>;
  restrictions: CompiledRestrictions | undefined;
  why: string;
}

export interface CompiledTariff {
  source: TariffInput;
  id: string;
  currency: string;
  version: '2.2.1' | '2.3.0';
  taxMode: TaxMode;
  elements: CompiledElement[];
  /** Elements with a component of a dimension, in order, per phase key ('' for the charging session) and dimension. */
  candidates: Map<string, Partial<Record<TariffDimension, CompiledElement[]>>>;
  /** candidates of the charging session (''), the lists asked at every period. */
  charging: Partial<Record<TariffDimension, CompiledElement[]>>;
  minPrice: { excl: Big | undefined; incl: Big | undefined } | undefined;
  maxPrice: { excl: Big | undefined; incl: Big | undefined } | undefined;
  startMs: number | undefined;
  endMs: number | undefined;
  /** A restriction needs the local time, the energy so far, the current or the power. */
  needsLocalTime: boolean;
  needsEnergy: boolean;
  needsCurrent: boolean;
  needsPower: boolean;
  categories: Set<CostCategory>;
  notes: PriceNote[];
}

const DIMENSIONS: readonly TariffDimension[] = ['FLAT', 'ENERGY', 'TIME', 'PARKING_TIME'];
const RESERVATION_DIMENSIONS: readonly TariffDimension[] = ['FLAT', 'TIME'];

const minutesOf = (time: string | undefined): number | undefined => {
  if (time === undefined) return undefined;
  const match = /^([01]?\d|2[0-3]):([0-5]\d)$/.exec(time);
  if (!match) throw new TypeError(`"${time}" is not a time of day HH:MM`);
  return Number(match[1]) * 60 + Number(match[2]);
};

const dateOf = (date: string | undefined): number | undefined => {
  if (date === undefined) return undefined;
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!match) throw new TypeError(`"${date}" is not a date YYYY-MM-DD`);
  return Number(match[1]) * 10_000 + Number(match[2]) * 100 + Number(match[3]);
};

const finite = (value: number | undefined, name: string): number | undefined => {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new TypeError(`${name} must be a number`);
  return value;
};

function compileRestrictions(r: TariffRestrictionsInput | undefined): CompiledRestrictions | undefined {
  if (!r) return undefined;
  let days: number | undefined;
  if (r.day_of_week && r.day_of_week.length > 0) {
    days = 0;
    for (const day of r.day_of_week) {
      const n = WEEKDAYS.indexOf(day.toUpperCase() as (typeof WEEKDAYS)[number]);
      if (n < 0) throw new TypeError(`"${day}" is not a DayOfWeek`);
      days |= 1 << n;
    }
  }
  const minKwh = finite(r.min_kwh, 'min_kwh');
  const maxKwh = finite(r.max_kwh, 'max_kwh');
  const compiled: CompiledRestrictions = {
    startMinutes: minutesOf(r.start_time),
    endMinutes: minutesOf(r.end_time),
    startDate: dateOf(r.start_date),
    endDate: dateOf(r.end_date),
    minKwh: minKwh === undefined ? undefined : dec(minKwh),
    maxKwh: maxKwh === undefined ? undefined : dec(maxKwh),
    minCurrent: finite(r.min_current, 'min_current'),
    maxCurrent: finite(r.max_current, 'max_current'),
    minPower: finite(r.min_power, 'min_power'),
    maxPower: finite(r.max_power, 'max_power'),
    minDuration: finite(r.min_duration, 'min_duration'),
    maxDuration: finite(r.max_duration, 'max_duration'),
    days,
  };
  const any = Object.values(compiled).some((v) => v !== undefined);
  return any ? compiled : undefined;
}

function describe(r: TariffRestrictionsInput | undefined): string {
  if (!r) return 'no restrictions';
  const parts: string[] = [];
  if (r.reservation) parts.push(`reservation ${r.reservation}`);
  if (r.booking) parts.push(`booking ${r.booking}`);
  if (r.start_time !== undefined || r.end_time !== undefined) parts.push(`local time ${r.start_time ?? '00:00'}-${r.end_time ?? '00:00'}`);
  if (r.start_date !== undefined) parts.push(`from ${r.start_date}`);
  if (r.end_date !== undefined) parts.push(`before ${r.end_date}`);
  if (r.day_of_week?.length) parts.push(`on ${r.day_of_week.join(',')}`);
  if (r.min_kwh !== undefined) parts.push(`from ${r.min_kwh} kWh charged`);
  if (r.max_kwh !== undefined) parts.push(`below ${r.max_kwh} kWh charged`);
  if (r.min_current !== undefined) parts.push(`current >= ${r.min_current} A`);
  if (r.max_current !== undefined) parts.push(`current < ${r.max_current} A`);
  if (r.min_power !== undefined) parts.push(`power >= ${r.min_power} kW`);
  if (r.max_power !== undefined) parts.push(`power < ${r.max_power} kW`);
  if (r.min_duration !== undefined) parts.push(`from ${r.min_duration} s into the session`);
  if (r.max_duration !== undefined) parts.push(`before ${r.max_duration} s into the session`);
  return parts.length > 0 ? parts.join(', ') : 'no restrictions';
}

function compileLimit(limit: PriceLimitInput | undefined): CompiledTariff['minPrice'] {
  if (!limit) return undefined;
  const excl = 'before_taxes' in limit ? limit.before_taxes : limit.excl_vat;
  const incl = 'before_taxes' in limit ? limit.after_taxes : limit.incl_vat;
  return {
    excl: typeof excl === 'number' && Number.isFinite(excl) ? dec(excl) : undefined,
    incl: typeof incl === 'number' && Number.isFinite(incl) ? dec(incl) : undefined,
  };
}

const timeOf = (value: string | undefined): number | undefined => {
  if (value === undefined) return undefined;
  const ms = parseDateTime(value);
  if (Number.isNaN(ms)) throw new TypeError(`"${value}" is not a DateTime`);
  return ms;
};

/** An OCPI DateTime: RFC 3339, UTC, "Z" optional (types.asciidoc). NaN when it is not one. */
export function parseDateTime(value: string): number {
  if (typeof value !== 'string') return Number.NaN;
  const fast = parseUtcDateTime(value);
  if (fast !== undefined) return fast;
  const hasZone = /(?:z|[+-]\d{2}:?\d{2})$/i.test(value);
  return Date.parse(hasZone ? value : `${value}Z`);
}

/** The number of `length` decimal digits at `at`, or -1 when one is not a digit. */
function digitsAt(text: string, at: number, length: number): number {
  let value = 0;
  for (let i = at; i < at + length; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    value = value * 10 + d;
  }
  return value;
}

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * `YYYY-MM-DDTHH:MM:SS[.fff]Z` read digit by digit: the shape of every OCPI DateTime we send and most we
 * receive, several times faster than `Date.parse`. Undefined for any other shape (then `Date.parse`).
 */
function parseUtcDateTime(value: string): number | undefined {
  const n = value.length;
  // 90 'Z', 45 '-', 84 'T', 58 ':'
  if (
    n < 20 ||
    value.charCodeAt(n - 1) !== 90 ||
    value.charCodeAt(4) !== 45 ||
    value.charCodeAt(7) !== 45 ||
    value.charCodeAt(10) !== 84 ||
    value.charCodeAt(13) !== 58 ||
    value.charCodeAt(16) !== 58
  ) {
    return undefined;
  }
  let ms = 0;
  if (n > 20) {
    // Fractions up to milliseconds.
    if (value[19] !== '.' || n > 24 || n < 22) return undefined;
    ms = digitsAt(value, 20, n - 21);
    if (ms < 0) return undefined;
    ms *= 10 ** (24 - n);
  }
  const year = digitsAt(value, 0, 4);
  const month = digitsAt(value, 5, 2);
  const day = digitsAt(value, 8, 2);
  const hour = digitsAt(value, 11, 2);
  const minute = digitsAt(value, 14, 2);
  const second = digitsAt(value, 17, 2);
  if (year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return undefined;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  if (day > (month === 2 && !leap ? 28 : (DAYS_IN_MONTH[month - 1] as number))) return undefined;
  return (daysFromCivil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second) * 1000 + ms;
}

/** Days from 1970-01-01 to a date of the proleptic Gregorian calendar (H. Hinnant's days_from_civil), without a Date. */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

/** Whether a tariff is a 2.3.0 one: it says `tax_included`, or its price limits are PriceLimits. */
export function tariffVersion(tariff: TariffInput): '2.2.1' | '2.3.0' {
  if (tariff.tax_included !== undefined) return '2.3.0';
  const limit = tariff.min_price ?? tariff.max_price;
  return limit && 'before_taxes' in limit ? '2.3.0' : '2.2.1';
}

const cache = new WeakMap<TariffInput, Map<string, CompiledTariff>>();

/** The tariff compiled (once per tariff object and version). Throws a TypeError on a malformed tariff. */
export function compileTariff(tariff: TariffInput, version: '2.2.1' | '2.3.0' = tariffVersion(tariff)): CompiledTariff {
  let byVersion = cache.get(tariff);
  const found = byVersion?.get(version);
  if (found) return found;
  const notes: PriceNote[] = [];
  let taxMode: TaxMode = 'VAT';
  if (version === '2.3.0') {
    const included = tariff.tax_included?.toUpperCase();
    if (included === 'YES' || included === 'NO' || included === 'N/A') taxMode = included;
    else {
      taxMode = 'NO';
      notes.push({ code: 'TAX_INCLUDED_MISSING', message: `Tariff ${tariff.id} has no valid tax_included; its prices are taken as excluding taxes (NO)` });
    }
  }
  const categories = new Set<CostCategory>();
  const candidates: CompiledTariff['candidates'] = new Map();
  const elements: CompiledElement[] = [];
  let needsLocalTime = false;
  let needsEnergy = false;
  let needsCurrent = false;
  let needsPower = false;
  (tariff.elements ?? []).forEach((element, index) => {
    const r = element.restrictions;
    const phaseKey = r?.reservation?.toUpperCase() ?? r?.booking?.toUpperCase();
    const allowed = phaseKey === undefined ? DIMENSIONS : RESERVATION_DIMENSIONS;
    const components: CompiledElement['components'] = {};
    for (const component of element.price_components ?? []) {
      const dimension = component.type?.toUpperCase() as TariffDimension;
      if (!DIMENSIONS.includes(dimension)) {
        notes.push({ code: 'UNKNOWN_DIMENSION', message: `Tariff ${tariff.id} element ${index}: dimension ${component.type} is not priced` });
        continue;
      }
      if (!allowed.includes(dimension)) {
        // mod_tariffs, TariffRestrictions.reservation: "A reservation can only have FLAT and TIME".
        notes.push({
          code: 'RESERVATION_DIMENSION_IGNORED',
          message: `Tariff ${tariff.id} element ${index}: a ${phaseKey} element can only price FLAT and TIME, not ${dimension}`,
        });
        continue;
      }
      // Only one price component per dimension is active at a time: the element's first one.
      if (components[dimension]) continue;
      const price = finite(component.price, 'price');
      if (price === undefined) throw new TypeError(`Tariff ${tariff.id} element ${index}: a ${dimension} price component has no price`);
      const vat = taxMode === 'N/A' ? undefined : finite(component.vat, 'vat');
      components[dimension] = {
        dimension,
        price: dec(price),
        vat: vat === undefined ? undefined : dec(vat),
        vatFactor: vat === undefined ? undefined : ONE.plus(dec(vat).div(HUNDRED)),
        vatKey: vat === undefined ? undefined : dec(vat).toString(),
        stepSize: Number.isFinite(component.step_size) ? component.step_size : 0,
      };
      categories.add(
        phaseKey !== undefined ? 'reservation' : dimension === 'FLAT' ? 'fixed' : dimension === 'ENERGY' ? 'energy' : dimension === 'TIME' ? 'time' : 'parking',
      );
    }
    const restrictions = compileRestrictions(r);
    if (restrictions) {
      needsLocalTime ||=
        restrictions.startMinutes !== undefined ||
        restrictions.endMinutes !== undefined ||
        restrictions.startDate !== undefined ||
        restrictions.endDate !== undefined ||
        restrictions.days !== undefined;
      needsEnergy ||= restrictions.minKwh !== undefined || restrictions.maxKwh !== undefined;
      needsCurrent ||= restrictions.minCurrent !== undefined || restrictions.maxCurrent !== undefined;
      needsPower ||= restrictions.minPower !== undefined || restrictions.maxPower !== undefined;
    }
    const compiled: CompiledElement = { index, phaseKey, components, restrictions, why: describe(r) };
    elements.push(compiled);
    for (const dimension of DIMENSIONS) {
      if (!components[dimension]) continue;
      const phase = candidates.get(phaseKey ?? '') ?? {};
      candidates.set(phaseKey ?? '', phase);
      const list = phase[dimension] ?? [];
      list.push(compiled);
      phase[dimension] = list;
    }
  });
  const compiled: CompiledTariff = {
    source: tariff,
    id: tariff.id,
    currency: tariff.currency?.toUpperCase(),
    version,
    taxMode,
    elements,
    candidates,
    charging: candidates.get('') ?? {},
    minPrice: compileLimit(tariff.min_price),
    maxPrice: compileLimit(tariff.max_price),
    startMs: timeOf(tariff.start_date_time),
    endMs: timeOf(tariff.end_date_time),
    needsLocalTime,
    needsEnergy,
    needsCurrent,
    needsPower,
    categories,
    notes,
  };
  if (!byVersion) {
    byVersion = new Map();
    cache.set(tariff, byVersion);
  }
  byVersion.set(version, compiled);
  return compiled;
}

/** What a period offers the restrictions: its local start, the session so far, current and power. */
export interface RestrictionContext {
  local: LocalTime | undefined;
  /** kWh charged before the period. */
  energyBefore: Big;
  /** Seconds since the session (or reservation) started. */
  elapsedSeconds: number;
  /** The current to hold against min_current (the period's minimum, else its average or maximum), and max_current. */
  currentForMin: number | undefined;
  currentForMax: number | undefined;
  powerForMin: number | undefined;
  powerForMax: number | undefined;
}

/**
 * Which restriction of the element fails for the period (Failed.None: all hold; they are a logical
 * AND, mod_tariffs "TariffRestrictions class"). A restriction whose value the period does not give
 * (no current reported) fails: the element's condition is not shown to hold.
 */
export function failedRestriction(r: CompiledRestrictions, c: RestrictionContext): Failed {
  const local = failedLocalRestriction(r, c.local as LocalTime);
  if (local !== Failed.None) return local;
  if (r.minKwh !== undefined && c.energyBefore.lt(r.minKwh)) return Failed.MinKwh;
  if (r.maxKwh !== undefined && c.energyBefore.gte(r.maxKwh)) return Failed.MaxKwh;
  if (r.minCurrent !== undefined && !(c.currentForMin !== undefined && c.currentForMin >= r.minCurrent)) return Failed.MinCurrent;
  if (r.maxCurrent !== undefined && !(c.currentForMax !== undefined && c.currentForMax < r.maxCurrent)) return Failed.MaxCurrent;
  if (r.minPower !== undefined && !(c.powerForMin !== undefined && c.powerForMin >= r.minPower)) return Failed.MinPower;
  if (r.maxPower !== undefined && !(c.powerForMax !== undefined && c.powerForMax < r.maxPower)) return Failed.MaxPower;
  if (r.minDuration !== undefined && c.elapsedSeconds < r.minDuration) return Failed.MinDuration;
  if (r.maxDuration !== undefined && c.elapsedSeconds >= r.maxDuration) return Failed.MaxDuration;
  return Failed.None;
}

/** Which restriction on the local time (time of day, date, weekday) fails at `local` (Failed.None: they hold). */
export function failedLocalRestriction(r: CompiledRestrictions, local: LocalTime): Failed {
  if (r.startMinutes !== undefined || r.endMinutes !== undefined) {
    const m = local.minutes;
    const start = r.startMinutes ?? 0;
    // "To stop at end of the day use: 00:00".
    const end = r.endMinutes === undefined || r.endMinutes === 0 ? 1440 : r.endMinutes;
    // "If end_time < start_time then the period wraps around to the next day"; equal: the whole day.
    const inside = start < end ? m >= start && m < end : start > end ? m >= start || m < end : true;
    if (!inside) return Failed.TimeOfDay;
  }
  if (r.startDate !== undefined && local.date < r.startDate) return Failed.Date;
  // end_date: "valid until this day (exclusive)".
  if (r.endDate !== undefined && local.date >= r.endDate) return Failed.Date;
  if (r.days !== undefined && (r.days & (1 << local.weekday)) === 0) return Failed.DayOfWeek;
  return Failed.None;
}

/** A failed restriction in words, with what the period showed (for `explain`). */
export function failureReason(failed: Failed, c: RestrictionContext, localText: string | undefined): string {
  switch (failed) {
    case Failed.TimeOfDay:
      return `local time outside start_time/end_time (${localText})`;
    case Failed.Date:
      return `local date outside start_date/end_date (${localText})`;
    case Failed.DayOfWeek:
      return `day_of_week does not include ${localText?.split(' ')[2]}`;
    case Failed.MinKwh:
    case Failed.MaxKwh:
      return `${c.energyBefore.toString()} kWh charged before the period is outside min_kwh/max_kwh`;
    case Failed.MinCurrent:
      return c.currentForMin === undefined ? 'min_current: the period reports no current' : `current ${c.currentForMin} A is below min_current`;
    case Failed.MaxCurrent:
      return c.currentForMax === undefined ? 'max_current: the period reports no current' : `current ${c.currentForMax} A is not below max_current`;
    case Failed.MinPower:
      return c.powerForMin === undefined ? 'min_power: the period reports no power' : `power ${c.powerForMin} kW is below min_power`;
    case Failed.MaxPower:
      return c.powerForMax === undefined ? 'max_power: the period reports no power' : `power ${c.powerForMax} kW is not below max_power`;
    case Failed.MinDuration:
      return `${c.elapsedSeconds} s into the session is before min_duration`;
    case Failed.MaxDuration:
      return `${c.elapsedSeconds} s into the session is not before max_duration`;
    default:
      return 'restrictions hold';
  }
}
