import { isOcpiVersion, OCPI_VERSIONS } from '@ocpi-ts/core';

/** The reference node's settings, read from the environment. A bad value stops the node, naming the setting. */
export interface NodeConfig {
  port: number;
  host: string;
  /** HUB: the node routes between the parties registered with it (docs/hub.md). */
  role: 'CPO' | 'EMSP' | 'HUB';
  countryCode: string;
  partyId: string;
  /** Public URL of the node; its versions endpoint is `${publicUrl}/ocpi/versions`. */
  publicUrl: string;
  /** A registration token to accept; undefined means: create one and print it. */
  tokenA: string | undefined;
  /** How long token A is accepted after the node first accepted it. */
  tokenATtlHours: number;
  seedLocations: number;
  adapter: 'fastify' | 'hono' | 'express';
  databaseUrl: string | undefined;
  dataDir: string;
  /** Log lines as JSON to stdout (default) or nothing (tests and the demo's own output). */
  log: boolean;
  /** `local` (default) lets partner URLs reach loopback and private addresses; `strict` is the library default. */
  outboundPolicy: 'local' | 'strict';
  /** Requests per second per partner; undefined means no limit. */
  rateLimit: number | undefined;
  /** Largest request body in bytes. */
  bodyLimit: number;
  /** How long a request body may take to arrive, in ms. */
  bodyTimeoutMs: number;
  /** Requests per second per client address, before authentication; undefined means no limit. */
  addressRateLimit: number | undefined;
  /** On SIGTERM, how long in-flight requests may take before their connections are closed, in ms. */
  shutdownGraceMs: number;
  /** Where every event is POSTed as JSON, if set. */
  webhookUrl: string | undefined;
  /** Bearer token of `GET /metrics` (what partners sent that was tolerated); the view is off when unset. */
  metricsToken: string | undefined;
  /** A partner to register with at start (its versions URL and the token A it gave us), if not registered yet. */
  registerWith: { versionsUrl: string; tokenA: string } | undefined;
  /** The key that seals partner tokens and keys token hashes in the store; required in production and with PostgreSQL. */
  secretKey: string | undefined;
  /** `NODE_ENV=production`: no generated secrets, nothing insecure by default. */
  production: boolean;
  /** The PostgreSQL schema of the tables (default `public`): several deployments on one database. */
  databaseSchema: string | undefined;
  /** The parties the operator allows to register in the HUB role. */
  hubParties: { country_code: string; party_id: string }[];
  /** Partners holding one of these parties pull instead of receiving pushes (transport_and_format, "Offline behaviour"). */
  pullParties: { country_code: string; party_id: string }[];
  /** The longest wait between two attempts to push to a partner that is down, in ms. */
  outboxMaxBackoffMs: number;
  /** The OCPI versions served, highest first (`OCPI_VERSIONS`, default 2.3.0,2.2.1,2.1.1; 2.3.0,2.2.1 for a hub). */
  versions: string[];
  /** HUB: how long a forwarded request may take before the hub answers 4002, in ms. */
  hubTimeoutMs: number;
}

export class ConfigError extends Error {
  constructor(
    readonly setting: string,
    message: string,
  ) {
    super(`${setting}: ${message}`);
    this.name = 'ConfigError';
  }
}

type Env = Readonly<Record<string, string | undefined>>;

function oneOf<T extends string>(env: Env, name: string, values: readonly T[], fallback?: T): T {
  const raw = env[name]?.trim();
  if (!raw) {
    if (fallback !== undefined) return fallback;
    throw new ConfigError(name, `is required: one of ${values.join(', ')}`);
  }
  const value = values.find((v) => v.toLowerCase() === raw.toLowerCase());
  if (!value) throw new ConfigError(name, `must be one of ${values.join(', ')}, got '${raw}'`);
  return value;
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) throw new ConfigError(name, `must be an integer from ${min} to ${max}, got '${raw}'`);
  return Number(raw);
}

function pattern(env: Env, name: string, regex: RegExp, description: string, fallback: string): string {
  const raw = env[name]?.trim() || fallback;
  if (!regex.test(raw)) throw new ConfigError(name, `must be ${description}, got '${raw}'`);
  return raw.toUpperCase();
}

/** A PostgreSQL schema name as it is (the store quotes it, so its case matters). */
function schemaName(env: Env): string | undefined {
  const raw = env.OCPI_DATABASE_SCHEMA?.trim();
  if (!raw) return undefined;
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(raw)) throw new ConfigError('OCPI_DATABASE_SCHEMA', `must be letters, digits and _ (at most 63), got '${raw}'`);
  return raw;
}

function url(env: Env, name: string): string | undefined {
  const raw = env[name]?.trim();
  if (!raw) return undefined;
  if (!/^https?:\/\/[^\s]+$/.test(raw) || !URL.canParse(raw)) throw new ConfigError(name, `must be an http(s) URL, got '${raw}'`);
  return raw;
}

function partnerToRegisterWith(env: Env): NodeConfig['registerWith'] {
  const versionsUrl = url(env, 'OCPI_PARTNER_VERSIONS_URL');
  const tokenA = env.OCPI_PARTNER_TOKEN_A?.trim();
  if (versionsUrl && !tokenA) throw new ConfigError('OCPI_PARTNER_TOKEN_A', 'is required with OCPI_PARTNER_VERSIONS_URL');
  if (tokenA && !versionsUrl) throw new ConfigError('OCPI_PARTNER_VERSIONS_URL', 'is required with OCPI_PARTNER_TOKEN_A');
  return versionsUrl && tokenA ? { versionsUrl, tokenA } : undefined;
}

/** `OCPI_VERSIONS`: a comma-separated list of the versions ocpi-ts serves. */
function versionList(env: Env, role: NodeConfig['role']): string[] {
  const raw = env.OCPI_VERSIONS?.trim();
  // 2.1.1 has no routing headers: a hub cannot route it (docs/hub.md).
  if (!raw) return role === 'HUB' ? ['2.3.0', '2.2.1'] : [...OCPI_VERSIONS];
  const versions = raw.split(',').map((v) => v.trim());
  const unknown = versions.filter((v) => !isOcpiVersion(v));
  if (unknown.length > 0 || versions.length === 0)
    throw new ConfigError('OCPI_VERSIONS', `list versions ocpi-ts serves (${OCPI_VERSIONS.join(', ')}), not '${unknown.join(', ') || raw}'`);
  return [...new Set(versions)];
}

function parties(env: Env, name: string): NodeConfig['hubParties'] {
  const raw = env[name]?.trim();
  if (!raw) return [];
  return raw.split(',').map((item) => {
    const match = /^([A-Za-z]{2})[*/]([A-Za-z0-9]{3})$/.exec(item.trim());
    if (!match) throw new ConfigError(name, `must be a comma-separated list of parties like NL*ABC, got '${item.trim()}'`);
    return { country_code: (match[1] as string).toUpperCase(), party_id: (match[2] as string).toUpperCase() };
  });
}

function secretKey(env: Env, production: boolean, databaseUrl: string | undefined): string | undefined {
  const key = env.OCPI_SECRET_KEY?.trim() || undefined;
  if (key !== undefined && key.length < 32) throw new ConfigError('OCPI_SECRET_KEY', 'must be at least 32 characters (e.g. `openssl rand -base64 32`)');
  if (key === undefined && production)
    throw new ConfigError('OCPI_SECRET_KEY', 'is required in production (NODE_ENV=production): it seals the tokens in the store');
  if (key === undefined && databaseUrl !== undefined) {
    throw new ConfigError('OCPI_SECRET_KEY', 'is required with OCPI_DATABASE_URL: every node sharing the database seals tokens with it');
  }
  return key;
}

/** Reads and checks every setting; throws a ConfigError naming the first bad one. */
export function readConfig(env: Env = process.env): NodeConfig {
  const role = oneOf(env, 'OCPI_ROLE', ['CPO', 'EMSP', 'HUB'] as const, 'CPO');
  const port = integer(env, 'PORT', 3000, 0, 65535);
  const host = env.HOST?.trim() || '127.0.0.1';
  const publicUrl = (env.OCPI_PUBLIC_URL?.trim() || `http://${host.includes(':') ? `[${host}]` : host}:${port}`).replace(/\/+$/, '');
  let parsed: URL;
  try {
    parsed = new URL(publicUrl);
  } catch {
    throw new ConfigError('OCPI_PUBLIC_URL', `must be an http(s) URL, got '${publicUrl}'`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new ConfigError('OCPI_PUBLIC_URL', `must be an http(s) URL, got '${publicUrl}'`);
  const tokenA = env.OCPI_TOKEN_A?.trim() || undefined;
  if (tokenA !== undefined && !/^[\x21-\x7e]{8,64}$/.test(tokenA)) {
    throw new ConfigError('OCPI_TOKEN_A', 'must be 8 to 64 printable ASCII characters without spaces');
  }
  const production = env.NODE_ENV?.trim() === 'production';
  const databaseUrl = env.OCPI_DATABASE_URL?.trim() || undefined;
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError(
      'OCPI_DATABASE_URL',
      `must be a postgres:// or postgresql:// URL (unset for the embedded store), got '${databaseUrl.replace(/\/\/[^@]*@/, '//***@')}'`,
    );
  }
  return {
    port,
    host,
    role,
    countryCode: pattern(env, 'OCPI_COUNTRY_CODE', /^[A-Za-z]{2}$/, 'a 2-letter country code', 'NL'),
    partyId: pattern(env, 'OCPI_PARTY_ID', /^[A-Za-z0-9]{3}$/, 'a 3-character party id', role === 'EMSP' ? 'MSP' : role),
    publicUrl,
    tokenA,
    tokenATtlHours: integer(env, 'OCPI_TOKEN_A_TTL_HOURS', 168, 1, 87_600),
    seedLocations: integer(env, 'OCPI_SEED_LOCATIONS', 20, 0, 1_000_000),
    adapter: oneOf(env, 'OCPI_ADAPTER', ['fastify', 'hono', 'express'] as const, 'fastify'),
    databaseUrl,
    dataDir: env.OCPI_DATA_DIR?.trim() || `.data/ocpi-${role.toLowerCase()}`,
    log: env.OCPI_LOG?.trim() !== 'off',
    outboundPolicy: oneOf(env, 'OCPI_OUTBOUND_POLICY', ['local', 'strict'] as const, 'local'),
    rateLimit: env.OCPI_RATE_LIMIT?.trim() ? integer(env, 'OCPI_RATE_LIMIT', 0, 1, 1_000_000) : undefined,
    bodyLimit: integer(env, 'OCPI_BODY_LIMIT', 1024 * 1024, 1024, 100 * 1024 * 1024),
    bodyTimeoutMs: integer(env, 'OCPI_BODY_TIMEOUT_MS', 30_000, 100, 3_600_000),
    addressRateLimit: env.OCPI_ADDRESS_RATE_LIMIT?.trim() ? integer(env, 'OCPI_ADDRESS_RATE_LIMIT', 0, 1, 1_000_000) : undefined,
    shutdownGraceMs: integer(env, 'OCPI_SHUTDOWN_GRACE_MS', 10_000, 0, 600_000),
    webhookUrl: url(env, 'OCPI_WEBHOOK_URL'),
    metricsToken: env.OCPI_METRICS_TOKEN?.trim() || undefined,
    registerWith: partnerToRegisterWith(env),
    secretKey: secretKey(env, production, databaseUrl),
    production,
    hubParties: parties(env, 'OCPI_HUB_PARTIES'),
    pullParties: parties(env, 'OCPI_PULL_PARTIES'),
    databaseSchema: schemaName(env),
    outboxMaxBackoffMs: integer(env, 'OCPI_OUTBOX_MAX_BACKOFF_MS', 300_000, 100, 86_400_000),
    versions: versionList(env, role),
    hubTimeoutMs: integer(env, 'OCPI_HUB_TIMEOUT_MS', 30_000, 100, 600_000),
  };
}
