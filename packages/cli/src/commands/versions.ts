import { type Endpoint, partnerToken, type TokenEncoding } from '@ocpi-ts/core';
import { type Command, writeJson } from '../command.js';
import { credentialsPath, pickProfile, readCredentials } from '../credentials-file.js';
import { ExitCode, styleFor, table, usageError } from '../io.js';
import { clientFor, PARTNER_OPTIONS, type PartnerArgs, SUPPORTED_VERSIONS } from '../partner.js';

export const versionsCommand: Command = {
  name: 'versions',
  summary: "discover a partner: its versions and each version's endpoints",
  help: `ocpi versions [<versions-url>] [--token <token>] [--raw-token] [--json]

Reads the partner's versions endpoint and the details of every version it lists. The token is a
registration token (A) or credentials token (C); without a URL and token, the stored profile's.

  --token <token>      the token to present (Base64-encoded in Authorization, as 2.2 on requires)
  --raw-token          send the token as is (2.1.1 platforms; some 2.2 ones)
  --profile <name>     a partner registered with 'ocpi register'
  --credentials <file> the credentials file (default ~/.config/ocpi-ts/credentials.json)
  --timeout <duration> per request (default 30s)
  --json               one JSON object on stdout`,
  options: { ...PARTNER_OPTIONS, json: { type: 'boolean' } },
  async run(values, positionals, io) {
    const args = values as PartnerArgs & { json?: boolean };
    let url = positionals[0] ?? args['versions-url'];
    let token = args.token;
    let encoding: TokenEncoding = args['raw-token'] ? 'raw' : 'base64';
    if (url === undefined || token === undefined) {
      const path = credentialsPath(io, args.credentials);
      const { profile } = pickProfile(await readCredentials(path), args.profile, path);
      url ??= profile.versionsUrl;
      token ??= profile.token;
      if (!args['raw-token']) encoding = profile.tokenEncoding;
    }
    if (!/^https?:\/\//.test(url)) throw usageError(`The versions URL must be an http(s) URL, got '${url}'`);
    const client = clientFor(args);
    const call = { method: 'GET' as const, token: partnerToken(token), encoding };
    const listed = await client.request<{ version: string; url: string }[]>({ ...call, url });
    const versions = Array.isArray(listed.data) ? listed.data : [];
    const details: Record<string, Endpoint[]> = {};
    for (const v of versions) {
      const answer = await client.request<{ endpoints?: Endpoint[] }>({ ...call, url: v.url });
      details[v.version] = answer.data?.endpoints ?? [];
    }
    if (args.json) {
      writeJson(io, { url, versions, endpoints: details });
      return ExitCode.OK;
    }
    const style = styleFor(io.stdout, io.env);
    const lines = [
      style.bold(`Versions at ${url}`),
      table(
        versions.map((v) => [
          `  ${v.version}`,
          v.url,
          SUPPORTED_VERSIONS.includes(v.version) ? style.green('spoken by this CLI') : style.dim('not spoken by this CLI'),
        ]),
      ),
    ];
    for (const [version, endpoints] of Object.entries(details)) {
      // 2.1.1 endpoints name no interface role (it follows from the party's).
      lines.push('', style.bold(`OCPI ${version} endpoints`), table(endpoints.map((e) => [`  ${e.identifier}`, e.role ?? '-', e.url])));
    }
    io.stdout.write(`${lines.join('\n')}\n`);
    return ExitCode.OK;
  },
};
