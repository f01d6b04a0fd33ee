// Charging periods from a session's meter values, cut wherever a Tariff's restriction can change which
// element applies (mod_cdrs, "ChargingPeriod": "A CPO SHALL at least start (and add) a ChargingPeriod
// every moment/event that has relevance for the total costs"): local times of day, local midnight,
// session durations and energy thresholds, with the energy in between interpolated linearly.
import { type CompiledTariff, compileTariff, Failed, failedLocalRestriction, parseDateTime } from './compile.js';
import { type Big, dec } from './decimal.js';
import { localTime } from './local-time.js';
import type { ChargingPeriodInput, TariffInput } from './model.js';

/** One reading of the charger's meter. */
export interface MeterValue {
  /** When it was read (an OCPI DateTime). */
  timestamp: string;
  /** The meter's energy register in kWh (it only grows). */
  kwh: number;
  /** From this reading to the next: whether the EV was requesting power (default true); if not, the time is PARKING_TIME. */
  charging?: boolean;
  /** From this reading to the next: the current over all phases (A) and the power (kW), if known. */
  current?: number;
  power?: number;
}

export interface MeterPeriodsOptions {
  tariffs: readonly TariffInput[];
  /** The Location's IANA time zone. */
  timeZone: string;
  /** The Tariff the periods name (`tariff_id`); default none. */
  tariffId?: string;
}

const MINUTE_MS = 60_000;
/** Decimals of the volumes written: each is the difference of two rounded running totals, so they add up exactly. */
const VOLUME_DECIMALS = 6;

/** Which of the tariffs' local-time restrictions hold at an instant, as one value to compare. */
function localSignature(tariffs: readonly CompiledTariff[], timeZone: string, ms: number): string {
  const local = localTime(timeZone, ms);
  let signature = '';
  for (const tariff of tariffs) {
    for (const element of tariff.elements) {
      if (element.restrictions) signature += failedLocalRestriction(element.restrictions, local) === Failed.None ? '1' : '0';
    }
  }
  return signature;
}

/**
 * The charging periods of a session from its meter values: one per interval between two readings, cut
 * again wherever an element of the tariffs may start or stop applying. Throws a TypeError on fewer than
 * two readings, a timestamp that is not a DateTime or a meter that runs backwards.
 */
export function chargingPeriodsFromMeterValues(values: readonly MeterValue[], options: MeterPeriodsOptions): ChargingPeriodInput[] {
  const readings = values.map((value) => ({ value, ms: parseDateTime(value.timestamp), kwh: dec(value.kwh) })).sort((a, b) => a.ms - b.ms);
  if (readings.length < 2) throw new TypeError('At least two meter values are needed');
  for (const [i, r] of readings.entries()) {
    if (Number.isNaN(r.ms)) throw new TypeError(`"${r.value.timestamp}" is not a DateTime`);
    if (i > 0 && r.kwh.lt((readings[i - 1] as { kwh: Big }).kwh)) throw new TypeError(`The meter runs backwards at ${r.value.timestamp}`);
  }
  const first = readings[0] as (typeof readings)[number];
  const last = readings[readings.length - 1] as (typeof readings)[number];
  const tariffs = options.tariffs.map((t) => compileTariff(t));

  // The cuts: every reading, then each instant a restriction may change.
  const cuts = new Set<number>(readings.map((r) => r.ms));
  const within = (ms: number) => ms > first.ms && ms < last.ms;
  // Local times of day, dates and weekdays change on whole minutes (restrictions are HH:MM, offsets whole minutes).
  if (tariffs.some((t) => t.needsLocalTime)) {
    let previous = localSignature(tariffs, options.timeZone, first.ms);
    for (let ms = Math.floor(first.ms / MINUTE_MS) * MINUTE_MS + MINUTE_MS; ms < last.ms; ms += MINUTE_MS) {
      const signature = localSignature(tariffs, options.timeZone, ms);
      if (signature !== previous) cuts.add(ms);
      previous = signature;
    }
  }
  for (const tariff of tariffs) {
    for (const element of tariff.elements) {
      const r = element.restrictions;
      if (!r) continue;
      for (const seconds of [r.minDuration, r.maxDuration]) if (seconds !== undefined && within(first.ms + seconds * 1000)) cuts.add(first.ms + seconds * 1000);
      for (const threshold of [r.minKwh, r.maxKwh]) {
        if (threshold === undefined) continue;
        // The instant the energy since the first reading reaches the threshold, on a straight line between readings.
        const target = first.kwh.plus(threshold);
        for (let i = 1; i < readings.length; i++) {
          const a = readings[i - 1] as (typeof readings)[number];
          const b = readings[i] as (typeof readings)[number];
          if (a.kwh.lt(target) && b.kwh.gt(target)) {
            // On the next whole second, so the period starting there has reached the threshold.
            const exact =
              a.ms +
              target
                .minus(a.kwh)
                .div(b.kwh.minus(a.kwh))
                .times(b.ms - a.ms)
                .toNumber();
            const ms = Math.ceil(exact / 1000) * 1000;
            if (within(ms)) cuts.add(ms);
          }
        }
      }
    }
  }

  const instants = [...cuts].sort((a, b) => a - b);
  /** The meter at an instant, on a straight line between the readings around it. */
  const energyAt = (ms: number, i: number): Big => {
    const a = readings[i] as (typeof readings)[number];
    const b = readings[i + 1];
    if (!b || ms === a.ms) return a.kwh;
    return a.kwh.plus(
      b.kwh
        .minus(a.kwh)
        .times(ms - a.ms)
        .div(b.ms - a.ms),
    );
  };
  const rounded = (value: Big) => value.round(VOLUME_DECIMALS);
  const periods: ChargingPeriodInput[] = [];
  let reading = 0;
  for (let k = 0; k + 1 < instants.length; k++) {
    const start = instants[k] as number;
    const end = instants[k + 1] as number;
    while (reading + 1 < readings.length - 1 && (readings[reading + 1] as (typeof readings)[number]).ms <= start) reading++;
    const value = (readings[reading] as (typeof readings)[number]).value;
    const energy = rounded(energyAt(end, reading).minus(first.kwh)).minus(rounded(energyAt(start, reading).minus(first.kwh)));
    const hours = rounded(dec(end - first.ms).div(3_600_000)).minus(rounded(dec(start - first.ms).div(3_600_000)));
    const dimensions: ChargingPeriodInput['dimensions'][number][] = [
      { type: 'ENERGY', volume: energy.toNumber() },
      { type: value.charging === false ? 'PARKING_TIME' : 'TIME', volume: hours.toNumber() },
    ];
    if (value.current !== undefined) dimensions.push({ type: 'MIN_CURRENT', volume: value.current }, { type: 'MAX_CURRENT', volume: value.current });
    if (value.power !== undefined) dimensions.push({ type: 'MIN_POWER', volume: value.power }, { type: 'MAX_POWER', volume: value.power });
    periods.push({
      start_date_time: `${new Date(start).toISOString().slice(0, 19)}Z`,
      dimensions,
      ...(options.tariffId ? { tariff_id: options.tariffId } : {}),
    });
  }
  return periods;
}
