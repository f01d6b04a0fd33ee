import { type CredentialsRole, OCPI_VERSIONS, partnerToken } from '@ocpi-ts/core';
import { type Command, writeJson } from '../command.js';
import { credentialsPath, type Profile, profileNameOf, readCredentials, writeCredentials } from '../credentials-file.js';
import { ExitCode, styleFor, table, usageError } from '../io.js';
import { type NodeRole, startRoleNode } from '../node.js';
import { parseDuration, parseParty } from '../partner.js';

/** Options of the CLI's own node, for commands that register with a partner (register, conformance). */
export const OWN_NODE_OPTIONS = {
  party: { type: 'string' },
  role: { type: 'string' },
  name: { type: 'string' },
  host: { type: 'string' },
  port: { type: 'string' },
  'public-url': { type: 'string' },
} as const;

export const OWN_NODE_HELP = `  --party <CC*PID>     the party we register as (default NL*CLI)
  --role <role>        the role we play: EMSP (default) or CPO
  --name <name>        our business name (default "ocpi-ts CLI")
  --host <host>        where our own versions endpoint listens (default 127.0.0.1)
  --port <port>        its port (default: any free one)
  --public-url <url>   the URL the partner reaches it at, when not http://<host>:<port>`;

export interface OwnNodeArgs {
  party?: string;
  role?: string;
  name?: string;
  host?: string;
  port?: string;
  'public-url'?: string;
}

/** The CLI's own role and party, from the options. */
export function ownRole(args: OwnNodeArgs, fallback: 'CPO' | 'EMSP' = 'EMSP'): CredentialsRole {
  const role = (args.role ?? fallback).toUpperCase();
  if (role !== 'CPO' && role !== 'EMSP') throw usageError(`--role must be CPO or EMSP, got '${args.role}'`);
  return { role, ...parseParty(args.party ?? 'NL*CLI'), business_details: { name: args.name ?? 'ocpi-ts CLI' } };
}

export function ownNodePlace(args: OwnNodeArgs): { host?: string; port: number; publicUrl?: string } {
  const port = args.port === undefined ? 0 : Number(args.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw usageError(`--port must be a port number, got '${args.port}'`);
  const publicUrl = args['public-url'];
  if (publicUrl !== undefined && !/^https?:\/\/[^\s]+$/.test(publicUrl)) throw usageError(`--public-url must be an http(s) URL, got '${publicUrl}'`);
  return { port, ...(args.host ? { host: args.host } : {}), ...(publicUrl ? { publicUrl } : {}) };
}

export const registerCommand: Command = {
  name: 'register',
  summary: 'register with a partner using its token A (the credentials handshake); keeps the credentials',
  help: `ocpi register <versions-url> --token-a <token> [options]

Registers with the partner as the initiator of the credentials handshake in the highest version both
speak (2.3.0, 2.2.1 or 2.1.1): reads its versions with the registration token A, POSTs our credentials, and keeps the token it answers with (C) in the credentials
file (mode 0600). While the handshake runs, our own versions endpoint is served so the partner can read
it with the token we give it (B).

  --token-a <token>    the registration token the partner gave out of band
  --raw-token          send tokens unencoded whatever the version (2.1.1 does by itself; some 2.2 platforms want it)
${OWN_NODE_HELP}
  --profile <name>     save as this profile (default the partner's party, e.g. nl-cpo)
  --credentials <file> the credentials file (default ~/.config/ocpi-ts/credentials.json)
  --show-tokens        print the tokens (never printed otherwise)
  --timeout <duration> per request (default 30s)
  --json               one JSON object on stdout`,
  options: {
    ...OWN_NODE_OPTIONS,
    'token-a': { type: 'string' },
    'raw-token': { type: 'boolean' },
    profile: { type: 'string' },
    credentials: { type: 'string' },
    'show-tokens': { type: 'boolean' },
    timeout: { type: 'string' },
    json: { type: 'boolean' },
  },
  async run(values, positionals, io) {
    const args = values as OwnNodeArgs & {
      'token-a'?: string;
      'raw-token'?: boolean;
      profile?: string;
      credentials?: string;
      'show-tokens'?: boolean;
      timeout?: string;
      json?: boolean;
    };
    const versionsUrl = positionals[0];
    if (!versionsUrl || !/^https?:\/\//.test(versionsUrl)) throw usageError("Give the partner's versions URL: ocpi register <versions-url> --token-a <token>");
    if (!args['token-a']) throw usageError('--token-a is required: the registration token the partner gave you');
    const ours = ownRole(args);
    const path = credentialsPath(io, args.credentials);
    const file = await readCredentials(path);
    // Written once before the handshake: a file we cannot write must not leave a registration behind.
    await writeCredentials(path, file);
    const node = await startRoleNode({
      role: ours.role as NodeRole,
      parties: [ours],
      ...ownNodePlace(args),
      timeoutMs: parseDuration(args.timeout, 30_000, '--timeout'),
      // Every version: the handshake picks the highest the partner has too, and the profile keeps it.
      versions: OCPI_VERSIONS,
    });
    let profile: Profile;
    try {
      // The token travels as the version picked says (raw in 2.1.1), unless --raw-token fixes it.
      const partner = await node.registry.register({
        versionsUrl,
        tokenA: partnerToken(args['token-a']),
        ...(args['raw-token'] ? { encoding: 'raw' as const } : {}),
      });
      profile = {
        versionsUrl: partner.versionsUrl ?? versionsUrl,
        version: partner.version ?? '2.2.1',
        endpoints: partner.endpoints,
        token: partner.outboundToken as string,
        tokenEncoding: partner.tokenEncoding,
        roles: partner.roles,
        ours: { parties: [ours], versionsUrl: node.versionsUrl },
        registeredAt: new Date().toISOString(),
      };
    } finally {
      await node.close();
    }
    const name = args.profile ?? profileNameOf(profile.roles);
    file.profiles[name] = profile;
    await writeCredentials(path, file);

    const shown = args['show-tokens'] ? profile.token : '(hidden; --show-tokens prints it)';
    if (args.json) {
      writeJson(io, { profile: name, file: path, ...profile, token: args['show-tokens'] ? profile.token : undefined });
      return ExitCode.OK;
    }
    const style = styleFor(io.stdout, io.env);
    const parties = profile.roles.map((r) => `${r.country_code}*${r.party_id} (${r.role})`).join(', ');
    io.stdout.write(
      `${style.green('✓')} Registered with ${parties} at ${profile.versionsUrl}, OCPI ${profile.version}\n` +
        `${table(profile.endpoints.map((e) => [`  ${e.identifier}`, e.role, e.url]))}\n` +
        `Saved as profile '${name}' in ${path} (readable by you only)\n` +
        `Token to call the partner (C): ${shown}\n` +
        style.dim(`Our versions endpoint ${node.versionsUrl} answered during the handshake only.\n`),
    );
    return ExitCode.OK;
  },
};
