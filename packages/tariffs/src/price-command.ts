// `ocpi price --tariff FILE --session FILE`: the breakdown of a session's (or CDR's) cost, for people
// or as JSON. A function of arguments and I/O, so the `ocpi` CLI mounts it and tests call it as it is.
import { type CdrInput, cdrCosts, cdrVersion, compareCdrCosts, priceCdr } from './cdr.js';
import { currencyDigits } from './decimal.js';
import { priceSession } from './engine.js';
import type { Money, PriceBreakdown, PriceOptions, SessionInput, TariffInput } from './model.js';

export interface PriceCommandIo {
  readFile(path: string): Promise<string>;
  stdout(text: string): void;
  stderr(text: string): void;
}

export const PRICE_USAGE = `Usage: ocpi price --session FILE [--tariff FILE]... [--time-zone ZONE] [--version 2.2.1|2.3.0] [--type TARIFF_TYPE] [--now DATETIME] [--json]

Prices a Session or CDR (JSON, or an OCPI response with it in "data") with its Tariffs and prints the
breakdown: per period, which tariff element priced each dimension and why, and the totals.
  --tariff FILE     a Tariff, a list of Tariffs, or a response with them; repeatable.
                    Default for a CDR: the Tariffs it carries.
  --time-zone ZONE  the Location's IANA time zone (restrictions are local time); default UTC.
  --version         the OCPI version of the prices (default: from the objects).
  --type            the session's TariffType, among several tariffs in force.
  --now DATETIME    the end of a session still running (default: its last period).
  --json            the breakdown and the CDR cost fields as JSON.
A CDR's own costs are compared with the computed ones; the exit code is 1 when they differ.
Exit codes: 0 priced, 1 a CDR's costs differ, 2 wrong arguments or not priceable.`;

interface Arguments {
  tariffs: string[];
  session: string | undefined;
  timeZone: string;
  version: '2.2.1' | '2.3.0' | undefined;
  type: string | undefined;
  now: string | undefined;
  json: boolean;
}

function parseArguments(args: readonly string[]): Arguments | string {
  const parsed: Arguments = { tariffs: [], session: undefined, timeZone: 'UTC', version: undefined, type: undefined, now: undefined, json: false };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = () => {
      const v = inline ?? args[++i];
      if (v === undefined || v === '') throw new Error(`${flag} needs a value`);
      return v;
    };
    try {
      if (flag === '--tariff') parsed.tariffs.push(value());
      else if (flag === '--session' || flag === '--cdr') parsed.session = value();
      else if (flag === '--time-zone' || flag === '--tz') parsed.timeZone = value();
      else if (flag === '--type') parsed.type = value();
      else if (flag === '--now') parsed.now = value();
      else if (flag === '--json') parsed.json = true;
      else if (flag === '--version') {
        const v = value();
        if (v !== '2.2.1' && v !== '2.3.0') return `--version must be 2.2.1 or 2.3.0, not ${v}`;
        parsed.version = v;
      } else return `Unknown argument: ${arg}`;
    } catch (error) {
      return (error as Error).message;
    }
  }
  if (!parsed.session) return '--session is required';
  return parsed;
}

/** The object in a file: as it is, or the `data` of an OCPI response envelope. */
function unwrap(text: string, path: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(`${path} is not JSON: ${(error as Error).message}`);
  }
  if (value && typeof value === 'object' && 'data' in value && 'status_code' in value) return (value as { data: unknown }).data;
  return value;
}

const isCdr = (value: SessionInput): value is CdrInput => 'total_cost' in value && 'cdr_location' in value;

/** Runs `ocpi price`; resolves to the exit code. */
export async function priceCommand(args: readonly string[], io: PriceCommandIo): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    io.stdout(`${PRICE_USAGE}\n`);
    return 0;
  }
  const parsed = parseArguments(args);
  if (typeof parsed === 'string') {
    io.stderr(`${parsed}\n\n${PRICE_USAGE}\n`);
    return 2;
  }
  let session: SessionInput;
  const tariffs: TariffInput[] = [];
  try {
    session = unwrap(await io.readFile(parsed.session as string), parsed.session as string) as SessionInput;
    if (!session || typeof session !== 'object' || Array.isArray(session)) throw new Error(`${parsed.session} holds no Session or CDR object`);
    for (const path of parsed.tariffs) {
      const found = unwrap(await io.readFile(path), path);
      tariffs.push(...((Array.isArray(found) ? found : [found]) as TariffInput[]));
    }
  } catch (error) {
    io.stderr(`${(error as Error).message}\n`);
    return 2;
  }
  const options: PriceOptions = {
    tariffs,
    timeZone: parsed.timeZone,
    explain: true,
    ...(parsed.version ? { version: parsed.version } : {}),
    ...(parsed.type ? { tariffType: parsed.type } : {}),
    ...(parsed.now ? { now: parsed.now } : {}),
  };
  const cdr = isCdr(session) ? session : undefined;
  const { tariffs: _given, ...withoutTariffs } = options;
  const result = cdr ? priceCdr(cdr, tariffs.length > 0 ? options : withoutTariffs) : priceSession(session, options);
  if (!result.ok) {
    io.stderr(`Not priced: ${result.error.code}: ${result.error.message}\n`);
    for (const text of result.error.altText ?? []) io.stderr(`  tariff_alt_text (${text.language}): ${text.text}\n`);
    return 2;
  }
  const { breakdown } = result;
  const version = parsed.version ?? (cdr ? cdrVersion(cdr) : breakdown.version);
  const differences = cdr ? compareCdrCosts(cdr, breakdown) : [];
  if (parsed.json) {
    io.stdout(`${JSON.stringify({ breakdown, costs: cdrCosts(breakdown, version), ...(cdr ? { differences } : {}) }, null, 2)}\n`);
  } else {
    io.stdout(formatBreakdown(breakdown));
    if (cdr) {
      io.stdout(
        differences.length === 0
          ? `\nThe CDR's costs match (within half a minor unit).\n`
          : `\nThe CDR's costs differ:\n${differences.map((d) => `  ${d.field}: billed ${d.billed ?? 'nothing'}, computed ${d.computed ?? 'unknown'}`).join('\n')}\n`,
      );
    }
  }
  return differences.length > 0 ? 1 : 0;
}

const text = (value: { toString(): string } | null | undefined) => (value === null || value === undefined ? '-' : value.toString());

function table(rows: string[][]): string {
  const widths = (rows[0] ?? []).map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  return rows
    .map((r) =>
      r
        .map((cell, c) => cell.padEnd(widths[c] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** A breakdown as text: one row per priced line, the reasons, the totals (exact and rounded), the notes. */
export function formatBreakdown(breakdown: PriceBreakdown): string {
  const digits = currencyDigits(breakdown.currency);
  // Rounded to the currency, and the exact amount beside it when rounding changed it.
  const money = (m: Money, side: 'exclTax' | 'inclTax') => {
    const v = m[side];
    if (v === null) return 'unknown';
    const rounded = v.toFixed(digits);
    const trimmed = rounded.includes('.') ? rounded.replace(/\.?0+$/, '') : rounded;
    return trimmed === v.toString() ? rounded : `${rounded} (exact ${v})`;
  };
  const rows = [['period', 'start (local)', 'dimension', 'element', 'quantity', 'billed', 'price', 'VAT %', 'excl. tax', 'incl. tax']];
  const reasons: string[] = [];
  breakdown.periods.forEach((period, p) => {
    for (const line of period.lines) {
      rows.push([
        String(p + 1),
        period.local ?? period.start,
        line.category === 'reservation' ? `RESERVATION ${line.dimension}` : line.dimension,
        `${line.tariffId}#${line.element}`,
        `${line.quantity} ${line.unit === 'flat' ? '' : line.unit}`.trim(),
        `${line.billed} ${line.unit === 'flat' ? '' : line.unit}`.trim(),
        text(line.price),
        text(line.vat),
        text(line.cost.exclTax),
        text(line.cost.inclTax),
      ]);
      const passed = line.passedOver?.map((x) => `#${x.element} passed over: ${x.reason}`).join('; ');
      reasons.push(`  ${p + 1} ${line.dimension} by ${line.tariffId}#${line.element} (${line.why})${passed ? `; ${passed}` : ''}`);
    }
  });
  const adjustments = breakdown.adjustments.map(
    (a) => `  ${a.kind} of Tariff ${a.tariffId} (${a.side === 'exclTax' ? 'excl.' : 'incl.'} tax): ${a.from} -> ${a.to}`,
  );
  const categories = breakdown.categories.map(
    (c) => `  ${c.padEnd(12)} excl. tax ${money(breakdown.costs[c], 'exclTax')}, incl. tax ${money(breakdown.costs[c], 'inclTax')}`,
  );
  return [
    `Priced in ${breakdown.currency} with Tariff ${breakdown.tariffIds.join(', ')} (OCPI ${breakdown.version} prices), local time ${breakdown.timeZone}.`,
    '',
    table(rows),
    '',
    'Why:',
    ...reasons,
    '',
    'Per category:',
    ...categories,
    ...(adjustments.length > 0 ? ['', 'Price limits:', ...adjustments] : []),
    '',
    `Total: excl. tax ${money(breakdown.total, 'exclTax')}, incl. tax ${money(breakdown.total, 'inclTax')} ${breakdown.currency}` +
      (breakdown.total.taxes.length > 0 ? `; taxes ${breakdown.total.taxes.map((t) => `${t.percentage ?? '?'}%: ${t.amount}`).join(', ')}` : ''),
    `Energy ${breakdown.quantities.energy} kWh (billed ${breakdown.quantities.billedEnergy}), charging ${breakdown.quantities.chargingTime} h (billed ${breakdown.quantities.billedChargingTime}), parking ${breakdown.quantities.parkingTime} h (billed ${breakdown.quantities.billedParkingTime})`,
    ...(breakdown.notes.length > 0 ? ['', 'Notes:', ...breakdown.notes.map((n) => `  ${n.code}: ${n.message}`)] : []),
    '',
  ].join('\n');
}
