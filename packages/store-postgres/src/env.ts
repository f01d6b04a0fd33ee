import { createEmbeddedStore } from './embedded.js';
import { createPostgresStore } from './postgres.js';
import type { SqlStore } from './sql-store.js';

export interface StoreFromEnvOptions {
  /** Usually `process.env.OCPI_DATABASE_URL`. Unset or empty: the embedded store in `dataDir`. */
  databaseUrl?: string | undefined;
  /** Data directory of the embedded store. */
  dataDir: string;
  /** PostgreSQL schema for the tables (default `public`). */
  schema?: string;
  /**
   * Usually `process.env.OCPI_SECRET_KEY`: keys token hashes and seals partner tokens. Required with a
   * database URL (every node sharing it needs the same key); the embedded store keeps one of its own without it.
   */
  secretKey?: string | undefined;
}

/**
 * Picks the store a node runs with: no database URL means the embedded store in `dataDir`; a
 * `postgres://` or `postgresql://` URL means that PostgreSQL server; anything else is a configuration
 * error.
 */
export async function createStoreFromEnv({ databaseUrl, dataDir, schema, secretKey }: StoreFromEnvOptions): Promise<SqlStore> {
  const url = databaseUrl?.trim();
  const withSchema = schema === undefined ? {} : { schema };
  const key = secretKey?.trim() || undefined;
  if (!url) return createEmbeddedStore({ dataDir, ...withSchema, ...(key === undefined ? {} : { secretKey: key }) });
  if (/^postgres(ql)?:\/\//i.test(url)) {
    if (key === undefined) throw new Error('OCPI_SECRET_KEY is required with OCPI_DATABASE_URL: every node sharing the database seals and keys tokens with it');
    return createPostgresStore({ url, secretKey: key, ...withSchema });
  }
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1];
  throw new Error(
    `OCPI_DATABASE_URL must be a postgres:// or postgresql:// URL (or unset for the embedded store in ${dataDir}); got ${scheme ? `a ${scheme}: URL` : 'something else'}`,
  );
}
