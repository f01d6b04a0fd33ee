import { type Command, writeJson } from '../command.js';
import { ExitCode, styleFor, table, usageError } from '../io.js';
import { type ActiveFault, FAULTS, parseFault } from '../mock/faults.js';
import { startMock } from '../mock/mock.js';
import type { NodeRole } from '../node.js';
import { versionOption } from '../object-types.js';
import { parseParty } from '../partner.js';

export const mockCommand: Command = {
  name: 'mock',
  summary: 'run a mock partner (CPO, eMSP or hub) with fault injection, for integration tests',
  help: `ocpi mock --role CPO|EMSP|HUB [--fault <fault>[=<value>]]... [options]

Serves an OCPI partner of the role (2.2.1 unless --versions says others) (ocpi-ts's own node on a memory store, seeded with made-up
Locations, Tariffs, Tokens, and Sessions and CDRs for each eMSP that registers), until interrupted.
Register with it using the printed versions URL and token A. Faults switched on with --fault:

${table(FAULTS.map((f) => [`  ${f.name}${f.parameter ? `=<${f.parameter.name}>` : ''}`, f.description + (f.parameter ? ` (default ${f.parameter.default})` : ''), `fails ${f.check}`]))}

  --role <role>        CPO, EMSP or HUB (a hub with two CPOs and an eMSP behind it)
  --party <CC*PID>     the mock's party (default NL*MCK; NL*HUB for a hub)
  --token-a <token>    the registration token to accept (default: a new one, printed)
  --host <host>        where to listen (default 127.0.0.1)
  --port <port>        the port (default 0: any free one)
  --public-url <url>   the URL partners reach it at, when not http://<host>:<port>
  --locations <n>      Locations per CPO (default 30)
  --tokens <n>         Tokens per eMSP (default 12)
  --versions <list>    the OCPI versions it serves, e.g. 2.1.1 or 2.3.0,2.2.1 (default 2.2.1)
  --json               print the versions URL and token A as one JSON line`,
  options: {
    role: { type: 'string' },
    fault: { type: 'string', multiple: true },
    party: { type: 'string' },
    'token-a': { type: 'string' },
    host: { type: 'string' },
    port: { type: 'string' },
    'public-url': { type: 'string' },
    locations: { type: 'string' },
    tokens: { type: 'string' },
    versions: { type: 'string' },
    json: { type: 'boolean' },
  },
  async run(values, _positionals, io) {
    const role = String(values.role ?? '').toUpperCase();
    if (role !== 'CPO' && role !== 'EMSP' && role !== 'HUB') throw usageError('--role must be CPO, EMSP or HUB');
    const faults: ActiveFault[] = [];
    for (const spec of (values.fault as string[] | undefined) ?? []) {
      for (const one of spec.split(',').filter(Boolean)) {
        try {
          faults.push(parseFault(one.trim()));
        } catch (error) {
          throw usageError((error as Error).message);
        }
      }
    }
    const count = (name: string) => {
      const raw = values[name] as string | undefined;
      if (raw === undefined) return undefined;
      const n = Number(raw);
      if (!(Number.isInteger(n) && n >= 0 && n <= 1_000_000)) throw usageError(`--${name} must be a whole number from 0 to 1000000, got '${raw}'`);
      return n;
    };
    const port = values.port === undefined ? 0 : Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw usageError(`--port must be a port number, got '${values.port}'`);
    const versions =
      values.versions === undefined
        ? undefined
        : String(values.versions)
            .split(',')
            .map((v) => versionOption(v.trim(), '--versions'));
    const locations = count('locations');
    const tokens = count('tokens');
    const mock = await startMock({
      role: role as NodeRole,
      faults,
      port,
      ...(values.party ? { party: parseParty(values.party as string) } : {}),
      ...(values['token-a'] ? { tokenA: values['token-a'] as string } : {}),
      ...(values.host ? { host: values.host as string } : {}),
      ...(values['public-url'] ? { publicUrl: values['public-url'] as string } : {}),
      ...(locations === undefined ? {} : { locations }),
      ...(tokens === undefined ? {} : { tokens }),
      ...(versions ? { versions } : {}),
    });
    const faultNames = faults.map((f) => `${f.fault.name}${f.fault.parameter ? `=${f.value}` : ''}`);
    if (values.json)
      writeJson(io, {
        role,
        versionsUrl: mock.versionsUrl,
        tokenA: mock.tokenA,
        parties: mock.parties.map((p) => `${p.country_code}*${p.party_id} ${p.role}`),
        faults: faultNames,
      });
    else {
      const style = styleFor(io.stdout, io.env);
      io.stdout.write(
        `${style.bold(`Mock ${role}`)} ${mock.parties.map((p) => `${p.country_code}*${p.party_id} (${p.role})`).join(', ')}\n` +
          `  versions URL: ${mock.versionsUrl}\n  token A:      ${mock.tokenA}\n  faults:       ${faultNames.length ? style.yellow(faultNames.join(', ')) : 'none'}\n` +
          style.dim('Ctrl-C stops it.\n'),
      );
    }
    await new Promise<void>((resolve) => {
      if (!io.signal || io.signal.aborted) return resolve();
      io.signal.addEventListener('abort', () => resolve(), { once: true });
    });
    await mock.close();
    return ExitCode.OK;
  },
};
