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
}

/**
 * Picks the store a node runs with: no database URL means the embedded store in `dataDir`; a
 * `postgres://` or `postgresql://` URL means that PostgreSQL server; anything else is a configuration
 * error.
 */
export async function createStoreFromEnv({ databaseUrl, dataDir, schema }: StoreFromEnvOptions): Promise<SqlStore> {
  const url = databaseUrl?.trim();
  const withSchema = schema === undefined ? {} : { schema };
  if (!url) return createEmbeddedStore({ dataDir, ...withSchema });
  if (/^postgres(ql)?:\/\//i.test(url)) return createPostgresStore({ url, ...withSchema });
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1];
  throw new Error(
    `OCPI_DATABASE_URL must be a postgres:// or postgresql:// URL (or unset for the embedded store in ${dataDir}); got ${scheme ? `a ${scheme}: URL` : 'something else'}`,
  );
}
