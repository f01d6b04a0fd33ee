// The tariff engine: sessions priced per second on one core, a realistic session: 2 hours on a Monday
// morning in Berlin under the spec's complex tariff (tariff_4_complex.json), 20 charging periods as a CPO
// reports them (energy, charging time and the current range every 6 minutes for 1.5 hours, then 30
// minutes parked). Run pinned to one core by main.ts; prints one JSON line, its report section included.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ChargingPeriodInput, cdrCosts, priceSession, type SessionInput, type TariffInput } from '@ocpi-ts/tariffs';
import { config } from './config.js';
import { count, median, table } from './stats.js';

export interface TariffsResult {
  periods: number;
  total: string;
  /** priceSession: the breakdown with its totals (line costs are worked out when read). */
  perSecond: number;
  perCpuSecond: number;
  /** Also the CDR's cost fields and every line's cost read. */
  fullPerSecond: number;
  fullPerCpuSecond: number;
  section: string;
}

const TARIFF = 'tariff_4_complex.json';

function realisticSession(): SessionInput {
  const start = Date.parse('2025-06-02T07:30:00Z');
  const at = (minutes: number) => `${new Date(start + minutes * 60_000).toISOString().slice(0, 19)}Z`;
  const charging_periods: ChargingPeriodInput[] = [];
  for (let i = 0; i < 15; i++) {
    // Every third period above 32 A (tariff element 2, 2.00 per hour), the others below (element 1, 1.00).
    const fast = i % 3 === 0;
    charging_periods.push({
      start_date_time: at(i * 6),
      dimensions: [
        { type: 'ENERGY', volume: Number((1.1 + i * 0.1).toFixed(1)) },
        { type: 'TIME', volume: 0.1 },
        { type: 'MIN_CURRENT', volume: fast ? 34 : 12 },
        { type: 'MAX_CURRENT', volume: fast ? 40 : 30 },
      ],
    });
  }
  for (let i = 0; i < 5; i++) charging_periods.push({ start_date_time: at(90 + i * 6), dimensions: [{ type: 'PARKING_TIME', volume: 0.1 }] });
  return { start_date_time: at(0), end_date_time: at(120), charging_periods };
}

/** Runs `operation` for `seconds` after as long a warm-up, in `rounds`: the median per wall second and per CPU second. */
function measure(operation: () => void, seconds: number, rounds: number): { wall: number; cpu: number } {
  const wall: number[] = [];
  const cpu: number[] = [];
  const run = (record: boolean) => {
    let done = 0;
    const started = performance.now();
    const cpuStarted = process.cpuUsage();
    while (performance.now() - started < seconds * 1000) {
      for (let i = 0; i < 64; i++) operation();
      done += 64;
    }
    const used = process.cpuUsage(cpuStarted);
    if (!record) return;
    wall.push(done / ((performance.now() - started) / 1000));
    cpu.push(done / ((used.user + used.system) / 1e6));
  };
  run(false);
  for (let r = 0; r < rounds; r++) run(true);
  return { wall: median(wall), cpu: median(cpu) };
}

function main(): TariffsResult {
  const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
  const tariff = JSON.parse(readFileSync(join(repo, 'vendor', 'ocpi', 'examples', '2.2.1', TARIFF), 'utf8')) as TariffInput;
  const session = realisticSession();
  const options = { tariffs: [tariff], timeZone: 'Europe/Berlin' };
  const check = priceSession(session, options);
  // FLAT 2.50; 5 x 0.1 h at 2.00 and 10 x 0.1 h at 1.00 of charging; 0.5 h parked on a weekday at 5.00: 7.00.
  if (!check.ok || check.breakdown.total.exclTax?.toString() !== '7') throw new Error(`the bench session is mispriced: ${JSON.stringify(check)}`);
  const seconds = config.inProcessSeconds;
  const rounds = config.quick ? 2 : 5;
  let sink = 0;
  const priced = measure(
    () => {
      const result = priceSession(session, options);
      if (result.ok) sink += result.breakdown.periods.length;
    },
    seconds,
    rounds,
  );
  const full = measure(
    () => {
      const result = priceSession(session, options);
      if (!result.ok) return;
      sink += Object.keys(cdrCosts(result.breakdown, '2.2.1')).length;
      for (const period of result.breakdown.periods) for (const line of period.lines) sink += line.cost.taxes.length;
    },
    seconds,
    rounds,
  );
  if (sink === 0) throw new Error('nothing was priced');
  const periods = session.charging_periods?.length ?? 0;
  const section = `## Tariff engine

\`priceSession\` of @ocpi-ts/tariffs on one core (pinned), a realistic session: 2 hours on a Monday morning in Europe/Berlin under the spec's complex tariff (\`${TARIFF}\`: start fee, charging time priced by current and weekday, parking by local time of day), ${periods} charging periods as a CPO reports them (energy, charging time and the current range every 6 minutes, then parking), EUR ${check.breakdown.total.exclTax} excl. VAT. ${rounds} rounds of ${seconds} s after a warm-up, medians; "per CPU second" divides by the process's own CPU time, so time spent waiting for a core on a shared machine is not counted.

${table(
  ['operation', 'sessions per second', 'per CPU second'],
  [
    ['priceSession: the breakdown and its totals (exact decimals)', count(priced.wall), count(priced.cpu)],
    ["the same, then the CDR's cost fields and every line's cost", count(full.wall), count(full.cpu)],
  ],
)}`;
  return {
    periods,
    total: String(check.breakdown.total.exclTax),
    perSecond: priced.wall,
    perCpuSecond: priced.cpu,
    fullPerSecond: full.wall,
    fullPerCpuSecond: full.cpu,
    section,
  };
}

console.log(JSON.stringify(main()));
