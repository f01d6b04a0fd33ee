import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { type Command, writeJson } from '../command.js';
import { CHECKS } from '../conformance/checks.js';
import { reportJunit, reportTable } from '../conformance/report.js';
import { runConformance } from '../conformance/runner.js';
import { ExitCode, localError, styleFor, usageError } from '../io.js';
import { parseDuration, parseParty } from '../partner.js';
import { OWN_NODE_HELP, OWN_NODE_OPTIONS, type OwnNodeArgs, ownNodePlace } from './register.js';

export const conformanceCommand: Command = {
  name: 'conformance',
  summary: "check a partner's OCPI 2.2.1 implementation; report as a table, JSON or JUnit XML",
  help: `ocpi conformance <versions-url> (--token-a <A> | --token <C>) [--write] [options]

Registers with the partner itself (--token-a: our own versions endpoint is served for the handshake)
or uses credentials agreed before (--token), then runs every check, each naming its spec section:
versions and details, authentication, pagination (Link, X-Total-Count, X-Limit, offset, date_from and
date_to applied), envelopes, ids, every object valid; with --write also the write path: pushes to the
Receiver interfaces (PUT, PATCH, POST, DELETE read back), commands with their results, token rotation,
and the error cases. The registration is ended (DELETE) at the end.

Checks: ${CHECKS.map((c) => c.id).join(', ')}

  --token-a <token>      a registration token: the run registers (and unregisters) itself
  --token <token>        credentials agreed before (token C): no handshake, fewer checks
  --write                run the write-path checks too (pushes test objects of our party)
${OWN_NODE_HELP}
  --timeout <duration>   per request, before it counts as a timeout (default 10s)
  --max-latency <dur>    slower answers fail http.latency (default 5s)
  --max-skew <dur>       envelope timestamps further from our clock fail envelope.clock (default 120s)
  --max-objects <n>      objects read per list at most (default 2000)
  --format <f>           table (default), json or junit, on stdout
  --json                 the same as --format json
  --junit <file>         also write the JUnit XML report to this file
Exit code 0: every check passed (or was skipped); 1: some failed; 3: the partner's versions could not be read.`,
  options: {
    ...OWN_NODE_OPTIONS,
    'token-a': { type: 'string' },
    token: { type: 'string' },
    write: { type: 'boolean' },
    timeout: { type: 'string' },
    'max-latency': { type: 'string' },
    'max-skew': { type: 'string' },
    'max-objects': { type: 'string' },
    format: { type: 'string' },
    json: { type: 'boolean' },
    junit: { type: 'string' },
  },
  async run(values, positionals, io) {
    const args = values as OwnNodeArgs & Record<string, string | boolean | undefined>;
    const versionsUrl = positionals[0];
    if (!versionsUrl || !/^https?:\/\//.test(versionsUrl))
      throw usageError("Give the partner's versions URL: ocpi conformance <versions-url> --token-a <token>");
    const tokenA = args['token-a'] as string | undefined;
    const tokenC = args.token as string | undefined;
    if (!tokenA === !tokenC) throw usageError('Give one of --token-a (register in the run) or --token (credentials agreed before)');
    const format = args.json ? 'json' : ((args.format as string | undefined) ?? 'table');
    if (!['table', 'json', 'junit'].includes(format)) throw usageError(`--format must be table, json or junit, got '${format}'`);
    const maxObjects = args['max-objects'] === undefined ? 2000 : Number(args['max-objects']);
    if (!(Number.isInteger(maxObjects) && maxObjects > 0)) throw usageError(`--max-objects must be a positive whole number, got '${args['max-objects']}'`);
    const role = (args.role as string | undefined)?.toUpperCase();
    if (role !== undefined && role !== 'CPO' && role !== 'EMSP') throw usageError(`--role must be CPO or EMSP, got '${args.role}'`);
    const place = ownNodePlace(args);
    const report = await runConformance({
      versionsUrl,
      ...(tokenA ? { tokenA } : {}),
      ...(tokenC ? { tokenC } : {}),
      write: args.write === true,
      ours: { ...parseParty(args.party ?? 'NL*CLI'), ...(role ? { role: role as 'CPO' | 'EMSP' } : {}), ...(args.name ? { name: args.name } : {}) },
      ...(place.host ? { host: place.host } : {}),
      port: place.port,
      ...(place.publicUrl ? { publicUrl: place.publicUrl } : {}),
      timeoutMs: parseDuration(args.timeout as string | undefined, 10_000, '--timeout'),
      maxLatencyMs: parseDuration(args['max-latency'] as string | undefined, 5_000, '--max-latency'),
      maxSkewSeconds: parseDuration(args['max-skew'] as string | undefined, 120_000, '--max-skew') / 1000,
      maxObjects,
    });
    if (args.junit) {
      const path = resolve(io.cwd, args.junit as string);
      await writeFile(path, reportJunit(report)).catch((error: Error) => {
        throw localError(`Cannot write ${path}: ${error.message}`);
      });
    }
    if (format === 'json') writeJson(io, report);
    else if (format === 'junit') io.stdout.write(reportJunit(report));
    else io.stdout.write(`${reportTable(report, styleFor(io.stdout, io.env))}\n`);
    return report.unreachable ? ExitCode.PARTNER : report.summary.failed > 0 ? ExitCode.FINDINGS : ExitCode.OK;
  },
};
