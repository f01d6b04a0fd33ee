import { createAutoValidatorFactory, type ValidationIssue } from '@ocpi-ts/core';
import { type Command, writeJson } from '../command.js';
import { ExitCode, styleFor, usageError } from '../io.js';
import { typeOfModule } from '../object-types.js';
import { lineSink } from '../output-file.js';
import { PARTNER_OPTIONS, type PartnerArgs, resolvePartner } from '../partner.js';
import { progressFor } from '../progress.js';

function dateOption(value: string | undefined, option: string): Date | undefined {
  if (value === undefined) return undefined;
  const time = Date.parse(value);
  if (Number.isNaN(time)) throw usageError(`${option} must be a date and time, like 2026-01-01T00:00:00Z; got '${value}'`);
  return new Date(time);
}

/** Invalid objects named on stderr one by one up to this many; the rest are counted. */
const SHOWN_INVALID = 20;

export const pullCommand: Command = {
  name: 'pull',
  summary: "pull a module's list from the partner as NDJSON, with a progress bar",
  help: `ocpi pull <module> [--out <file>] [--since <date>] [--until <date>] [--limit <n>] [options]

Reads every page of the partner's Sender interface of the module (locations, sessions, cdrs, tariffs,
tokens, hubclientinfo) following its Link headers, and writes each object as one line of JSON. The
progress (pages, objects, rate, and with X-Total-Count the share done and the time left) goes to stderr.
The partner's version is the negotiated one (2.1.1, 2.2.1 or 2.3.0): every object is checked against
its schema there and written as the canonical model (OCPI 2.3.0); invalid ones are named on stderr
and left out.

  --out <file>         write the NDJSON here (default stdout)
  --since <date>       date_from: objects last updated from then on (Sessions: the epoch by default)
  --until <date>       date_to: objects last updated before then
  --limit <n>          objects per page to ask for (the partner's X-Limit caps it)
  --quiet              no progress line
  --profile <name>     a partner registered with 'ocpi register' (or --versions-url with --token)
  --versions-url <url> with --token <C> [--raw-token] [--party CC*PID]: a partner not in the file
  --credentials <file> the credentials file (default ~/.config/ocpi-ts/credentials.json)
  --timeout <duration> per request (default 30s)
  --json               the summary as JSON (on stdout with --out, else on stderr)
Exit code 0: pulled, all valid; 1: some objects invalid; 3: the partner failed.`,
  options: {
    ...PARTNER_OPTIONS,
    out: { type: 'string', short: 'o' },
    since: { type: 'string' },
    until: { type: 'string' },
    limit: { type: 'string' },
    quiet: { type: 'boolean', short: 'q' },
    json: { type: 'boolean' },
  },
  async run(values, positionals, io) {
    const args = values as PartnerArgs & { out?: string; since?: string; until?: string; limit?: string; quiet?: boolean; json?: boolean };
    const module = positionals[0];
    if (!module) throw usageError('Name the module to pull: ocpi pull locations');
    const limit = args.limit === undefined ? undefined : Number(args.limit);
    if (limit !== undefined && !(Number.isInteger(limit) && limit > 0)) throw usageError(`--limit must be a positive whole number, got '${args.limit}'`);
    const dateFrom = dateOption(args.since, '--since');
    const dateTo = dateOption(args.until, '--until');
    const { partner, client } = await resolvePartner(args, io);
    const type = typeOfModule(partner.version ?? '2.2.1', module);
    const validator = type ? createAutoValidatorFactory().compile(type.schema) : undefined;
    const progress = progressFor(io, module, args.quiet);
    const sink = await lineSink(io, args.out);
    const style = styleFor(io.stderr, io.env);
    const invalid: { url: string; index: number; id: string | undefined; issues: ValidationIssue[] }[] = [];
    let pages = 0;
    let objects = 0;
    const started = performance.now();
    try {
      // The client checks each object as the partner sent it (in its version) and yields it converted
      // to the canonical model (2.3.0); an invalid one is named here and left out of the output.
      for await (const object of client.forPartner(partner).paginate(module, 'SENDER', {
        ...(dateFrom ? { dateFrom } : {}),
        ...(dateTo ? { dateTo } : {}),
        ...(limit ? { limit } : {}),
        ...(validator ? { validator } : {}),
        onInvalid(item) {
          const id = (item.value as { id?: unknown; uid?: unknown } | null)?.id ?? (item.value as { uid?: unknown } | null)?.uid;
          const found = { url: item.url, index: item.index, id: typeof id === 'string' ? id : undefined, issues: item.issues };
          invalid.push(found);
          if (invalid.length <= SHOWN_INVALID) {
            const issues = found.issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; ');
            io.stderr.write(`${style.yellow('invalid')} ${type?.name ?? module} ${found.id ?? `#${found.index}`} (${found.url}): ${issues}\n`);
          }
        },
        onPage(received) {
          pages++;
          progress?.page(Array.isArray(received.data) ? received.data.length : 0, received.total);
        },
      })) {
        objects++;
        await sink.write(JSON.stringify(object));
      }
    } finally {
      await sink.close();
    }
    progress?.finish();
    if (invalid.length > SHOWN_INVALID) io.stderr.write(`${style.yellow(`${invalid.length - SHOWN_INVALID} more invalid objects`)} (--json lists them all)\n`);
    const summary = { module, objects, pages, seconds: Math.round(performance.now() - started) / 1000, invalid, out: args.out ?? 'stdout' };
    if (args.json) {
      if (args.out) writeJson(io, summary);
      else io.stderr.write(`${JSON.stringify(summary)}\n`);
    } else if (args.quiet !== true) {
      io.stderr.write(
        `${objects} ${module} pulled in ${pages} pages${invalid.length ? `, ${style.red(`${invalid.length} invalid`)}` : ''}${args.out ? ` to ${args.out}` : ''}\n`,
      );
    }
    return invalid.length === 0 ? ExitCode.OK : ExitCode.FINDINGS;
  },
};
