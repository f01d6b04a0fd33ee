// The credentials the CLI agreed with partners, kept between runs in a local JSON file that only its
// owner may read (mode 0600, in a 0700 folder). Tokens are in it in plaintext, as they must be to be
// presented; the CLI never prints them unless asked (`--show-tokens`).
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { type CredentialsRole, type Endpoint, type Partner, partnerToken, type TokenEncoding } from '@ocpi-ts/core';
import { type CliIo, localError } from './io.js';

/** One registration with a partner. */
export interface Profile {
  /** The partner's versions URL (from its Credentials). */
  versionsUrl: string;
  version: string;
  endpoints: Endpoint[];
  /** The token the partner issued to us (CREDENTIALS_TOKEN_C): presented on every call to it. */
  token: string;
  tokenEncoding: TokenEncoding;
  /** The partner's roles. */
  roles: CredentialsRole[];
  /** The parties we registered as, and the versions URL we gave. */
  ours: { parties: CredentialsRole[]; versionsUrl: string };
  registeredAt: string;
}

export interface CredentialsFile {
  profiles: Record<string, Profile>;
}

/** `--credentials`, else `$OCPI_CREDENTIALS`, else `~/.config/ocpi-ts/credentials.json` (XDG_CONFIG_HOME honoured). */
export function credentialsPath(io: CliIo, given: string | undefined): string {
  if (given) return resolve(io.cwd, given);
  if (io.env.OCPI_CREDENTIALS) return resolve(io.cwd, io.env.OCPI_CREDENTIALS);
  return join(io.env.XDG_CONFIG_HOME || join(io.env.HOME || homedir(), '.config'), 'ocpi-ts', 'credentials.json');
}

export async function readCredentials(path: string): Promise<CredentialsFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { profiles: {} };
    throw localError(`Cannot read the credentials file ${path}: ${(error as Error).message}`);
  }
  try {
    const parsed = JSON.parse(text) as CredentialsFile;
    if (typeof parsed !== 'object' || parsed === null || typeof parsed.profiles !== 'object') throw new Error('no "profiles" object');
    return parsed;
  } catch (error) {
    throw localError(`The credentials file ${path} is not valid: ${(error as Error).message}`);
  }
}

/** Writes the file whole (a temporary file renamed over it), readable by its owner only. */
export async function writeCredentials(path: string, file: CredentialsFile): Promise<void> {
  try {
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    const temporary = `${path}.${process.pid}.tmp`;
    await writeFile(temporary, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
    await chmod(temporary, 0o600);
    await rename(temporary, path);
  } catch (error) {
    throw localError(`Cannot write the credentials file ${path}: ${(error as Error).message}`);
  }
}

/** The profile asked for, or the only one there is. */
export function pickProfile(file: CredentialsFile, name: string | undefined, path: string): { name: string; profile: Profile } {
  const names = Object.keys(file.profiles);
  if (name !== undefined) {
    const profile = file.profiles[name];
    if (!profile) throw localError(`No profile '${name}' in ${path}${names.length ? `; there are: ${names.join(', ')}` : ''}`);
    return { name, profile };
  }
  if (names.length === 1) return { name: names[0] as string, profile: file.profiles[names[0] as string] as Profile };
  throw localError(
    names.length === 0
      ? `No partner registered in ${path}: run 'ocpi register' first, or give --versions-url and --token`
      : `Several profiles in ${path} (${names.join(', ')}): choose one with --profile`,
  );
}

/** A default profile name: the partner's first party, e.g. `nl-cpo`. */
export const profileNameOf = (roles: readonly CredentialsRole[]): string =>
  roles[0] ? `${roles[0].country_code}-${roles[0].party_id}`.toLowerCase() : 'partner';

/** The partner record the core's client works with. */
export function partnerOf(profile: Pick<Profile, 'versionsUrl' | 'version' | 'endpoints' | 'token' | 'tokenEncoding' | 'roles'>): Partner {
  const now = new Date().toISOString();
  return {
    id: profile.versionsUrl,
    status: 'REGISTERED',
    roles: profile.roles,
    versionsUrl: profile.versionsUrl,
    version: profile.version,
    endpoints: profile.endpoints,
    outboundToken: partnerToken(profile.token),
    tokenEncoding: profile.tokenEncoding,
    createdAt: now,
    updatedAt: now,
  };
}
