// Local wall-clock time of an instant in an IANA time zone, through `Intl` (every runtime has it, no
// time zone database to ship). Asking `Intl` costs microseconds, so the zone's UTC offset is kept per
// quarter hour of UTC when it is the same at the quarter's start and end; a quarter with an offset
// change inside it (a DST switch) is resolved for the exact instant every time.

const QUARTER_HOUR_MS = 900_000;
const CACHE_LIMIT = 50_000;

export const WEEKDAYS = ['SUNDAY', 'MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY'] as const;

export interface LocalTime {
  /** yyyymmdd as a number (2025-03-30 is 20250330): compares like the date. */
  date: number;
  /** Minutes since local midnight. */
  minutes: number;
  /** 0 = Sunday ... 6 = Saturday. */
  weekday: number;
}

interface Quarter {
  offset: number;
  /** The local date, weekday and minutes at the quarter's start, when the offset is whole quarter hours (a quarter then never spans local midnight). */
  local: LocalTime | undefined;
}

/** A time zone as `Intl` resolves it, with its offsets per quarter hour; look it up once per session (`zone`). */
export interface Zone {
  format: Intl.DateTimeFormat;
  quarters: Map<number, Quarter>;
  /** The quarter asked last and its entry: a session's periods mostly fall in the same quarter as the one before. */
  lastQuarter: number;
  lastEntry: Quarter | undefined;
}

const zones = new Map<string, Zone>();

/** The zone, or undefined when `Intl` does not know it. */
export function zone(timeZone: string): Zone | undefined {
  let found = zones.get(timeZone);
  if (!found) {
    try {
      const format = new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
      found = { format, quarters: new Map(), lastQuarter: Number.NaN, lastEntry: undefined };
      zones.set(timeZone, found);
    } catch {
      return undefined;
    }
  }
  return found;
}

/** Offset (ms, local minus UTC) at an instant, asked of `Intl`. */
function exactOffset(z: Zone, ms: number): number {
  const whole = Math.floor(ms / 1000) * 1000;
  const parts = z.format.formatToParts(new Date(whole));
  let year = 0;
  let month = 0;
  let day = 0;
  let hour = 0;
  let minute = 0;
  let second = 0;
  for (const part of parts) {
    if (part.type === 'year') year = Number(part.value);
    else if (part.type === 'month') month = Number(part.value);
    else if (part.type === 'day') day = Number(part.value);
    else if (part.type === 'hour') hour = Number(part.value) % 24;
    else if (part.type === 'minute') minute = Number(part.value);
    else if (part.type === 'second') second = Number(part.value);
  }
  return Date.UTC(year, month - 1, day, hour, minute, second) - whole;
}

function fields(localMs: number): LocalTime {
  const local = new Date(localMs);
  return {
    date: local.getUTCFullYear() * 10_000 + (local.getUTCMonth() + 1) * 100 + local.getUTCDate(),
    minutes: local.getUTCHours() * 60 + local.getUTCMinutes() + local.getUTCSeconds() / 60 + local.getUTCMilliseconds() / 60_000,
    weekday: local.getUTCDay(),
  };
}

function quarterOf(z: Zone, quarter: number): Quarter | undefined {
  if (quarter === z.lastQuarter) return z.lastEntry;
  const cached = z.quarters.get(quarter);
  if (cached) {
    z.lastQuarter = quarter;
    z.lastEntry = cached;
    return cached;
  }
  const startMs = quarter * QUARTER_HOUR_MS;
  const offset = exactOffset(z, startMs);
  // An offset change inside the quarter (a DST switch): resolved for each instant instead.
  if (exactOffset(z, startMs + QUARTER_HOUR_MS - 1000) !== offset) return undefined;
  const entry: Quarter = { offset, local: offset % QUARTER_HOUR_MS === 0 ? fields(startMs + offset) : undefined };
  if (z.quarters.size >= CACHE_LIMIT) z.quarters.clear();
  z.quarters.set(quarter, entry);
  z.lastQuarter = quarter;
  z.lastEntry = entry;
  return entry;
}

/** The local date, time of day and weekday of an instant (ms since the epoch) in `timeZone`. */
export function localTime(timeZone: string | Zone, ms: number): LocalTime {
  const z = typeof timeZone === 'string' ? zone(timeZone) : timeZone;
  if (!z) throw new RangeError(`Unknown time zone: ${timeZone}`);
  const quarter = Math.floor(ms / QUARTER_HOUR_MS);
  const entry = quarterOf(z, quarter);
  if (!entry) return fields(ms + exactOffset(z, ms));
  if (!entry.local) return fields(ms + entry.offset);
  return { date: entry.local.date, minutes: entry.local.minutes + (ms - quarter * QUARTER_HOUR_MS) / 60_000, weekday: entry.local.weekday };
}

/** `2025-03-30 03:15 SUNDAY`, for breakdowns. */
export function formatLocal(local: LocalTime): string {
  const d = String(local.date);
  const whole = Math.floor(local.minutes);
  const hh = String(Math.floor(whole / 60)).padStart(2, '0');
  const mm = String(whole % 60).padStart(2, '0');
  return `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)} ${hh}:${mm} ${WEEKDAYS[local.weekday]}`;
}
