// Which partner a command talks to, and how: a registered profile from the credentials file, or a
// versions URL and token given on the command line (discovered on the spot).
import {
  createAutoValidatorFactory,
  createOcpiClient,
  discoverPartner,
  type Endpoint,
  LOCAL_OUTBOUND_POLICY,
  OCPI_VERSIONS,
  type OcpiClient,
  type Partner,
  type PartyRef,
  partnerToken,
  type TokenEncoding,
} from '@ocpi-ts/core';
import { credentialsPath, partnerOf, pickProfile, readCredentials } from './credentials-file.js';
import { type CliIo, usageError } from './io.js';

/** The OCPI versions the CLI speaks: every version the client speaks. */
export const SUPPORTED_VERSIONS: readonly string[] = OCPI_VERSIONS;

export interface Discovered {
  versions: { version: string; url: string }[];
  /** The highest version both sides speak, and its endpoints (with roles: 2.1.1's follow from the partner's role). */
  version: string | undefined;
  endpoints: Endpoint[];
  /** How the token travels in that version (raw in 2.1.1), unless fixed by the caller. */
  encoding: TokenEncoding;
}

/** GET the versions, then the details of the highest version we speak (the core's discovery, needing no endpoint). */
export async function discover(client: OcpiClient, versionsUrl: string, token: string, encoding: TokenEncoding, fixedEncoding = false): Promise<Discovered> {
  const listed = await client.request<{ version: string; url: string }[]>({ method: 'GET', url: versionsUrl, token: partnerToken(token), encoding });
  const versions = Array.isArray(listed.data) ? listed.data : [];
  if (!versions.some((v) => SUPPORTED_VERSIONS.includes(v.version))) return { versions, version: undefined, endpoints: [], encoding };
  const found = await discoverPartner({
    client,
    validators: createAutoValidatorFactory(),
    versionsUrl,
    token: partnerToken(token),
    encoding,
    fixedEncoding,
    versions: SUPPORTED_VERSIONS,
    required: [],
    maxEndpoints: 1000,
  });
  return { versions, version: found.version, endpoints: found.endpoints, encoding: found.encoding };
}

/** Options every partner-facing command takes. */
export const PARTNER_OPTIONS = {
  credentials: { type: 'string' },
  profile: { type: 'string' },
  'versions-url': { type: 'string' },
  token: { type: 'string' },
  'raw-token': { type: 'boolean' },
  party: { type: 'string' },
  timeout: { type: 'string' },
} as const;

export interface PartnerArgs {
  credentials?: string | undefined;
  profile?: string | undefined;
  'versions-url'?: string | undefined;
  token?: string | undefined;
  'raw-token'?: boolean | undefined;
  party?: string | undefined;
  timeout?: string | undefined;
}

/** `NL*CPO`, `NL-CPO`, `NL/CPO` or `NLCPO` as a party. */
export function parseParty(value: string, option = '--party'): PartyRef {
  const match = /^([A-Za-z]{2})[*/-]?([A-Za-z0-9]{3})$/.exec(value.trim());
  if (!match) throw usageError(`${option} must be a country code and party id, like NL*CPO; got '${value}'`);
  return { country_code: (match[1] as string).toUpperCase(), party_id: (match[2] as string).toUpperCase() };
}

/** A positive number of milliseconds from `--timeout 10s`, `500ms` or `10` (seconds). */
export function parseDuration(value: string | undefined, fallbackMs: number, option: string): number {
  if (value === undefined) return fallbackMs;
  const match = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(value.trim());
  if (!match) throw usageError(`${option} must be a duration like 500ms, 10s or 2m; got '${value}'`);
  const amount = Number(match[1]);
  const ms = match[2] === 'ms' ? amount : match[2] === 'm' ? amount * 60_000 : amount * 1000;
  if (!(ms > 0)) throw usageError(`${option} must be more than zero`);
  return Math.round(ms);
}

export function clientFor(args: PartnerArgs, parties: PartyRef[] = []): OcpiClient {
  return createOcpiClient({ parties, outbound: LOCAL_OUTBOUND_POLICY, timeoutMs: parseDuration(args.timeout, 30_000, '--timeout') });
}

/** The partner of a command: `--versions-url` with `--token`, or a profile of the credentials file. */
export async function resolvePartner(args: PartnerArgs, io: CliIo): Promise<{ partner: Partner; client: OcpiClient; ours: PartyRef[] }> {
  const adHocParty = args.party === undefined ? [] : [parseParty(args.party)];
  if (args['versions-url'] !== undefined || args.token !== undefined) {
    if (!args['versions-url'] || !args.token) throw usageError('--versions-url and --token go together');
    const client = clientFor(args, adHocParty);
    const encoding: TokenEncoding = args['raw-token'] ? 'raw' : 'base64';
    const found = await discover(client, args['versions-url'], args.token, encoding, args['raw-token'] === true);
    if (found.version === undefined) {
      throw usageError(
        `${args['versions-url']} offers ${found.versions.map((v) => v.version).join(', ') || 'no version'}; this CLI speaks ${SUPPORTED_VERSIONS.join(', ')}`,
      );
    }
    const partner = partnerOf({
      versionsUrl: args['versions-url'],
      version: found.version,
      endpoints: found.endpoints,
      token: args.token,
      tokenEncoding: found.encoding,
      roles: [],
    });
    return { partner, client, ours: adHocParty };
  }
  const path = credentialsPath(io, args.credentials);
  const { profile } = pickProfile(await readCredentials(path), args.profile, path);
  const ours = adHocParty.length ? adHocParty : profile.ours.parties.map(({ country_code, party_id }) => ({ country_code, party_id }));
  return { partner: partnerOf(profile), client: clientFor(args, ours), ours };
}
