import postgres from 'postgres';
import { postgresExecutor } from './executor.js';
import { openSqlStore, type SqlStore, type SqlStoreOptions } from './sql-store.js';

export interface PostgresStoreOptions {
  /** `postgres://user:password@host:port/database` (or `postgresql://`); `?sslmode=require` etc. honoured by postgres.js. */
  url: string;
  /** PostgreSQL schema for the tables (default `public`); created if missing. */
  schema?: string;
  /** Pool size (default 10). */
  max?: number;
  /**
   * Use named prepared statements (default true). Turn off behind a transaction-mode pooler
   * (PgBouncer before 1.21) that cannot keep them.
   */
  prepare?: boolean;
  /** Seconds to wait for a connection (default 30). */
  connectTimeout?: number;
  /** The node's read model (see `SqlStoreOptions.readModel`); `false` for SQL only. */
  readModel?: SqlStoreOptions['readModel'];
  /**
   * The node's secret (at least 32 characters) that keys token hashes and seals partner tokens
   * (`createSecretsAtRest`): the same for every node sharing the database, on every start.
   */
  secretKey: string;
}

/** `application_name` of the connection a store listens for changes on. */
export const listenerName = (schema: string): string => `ocpi-ts listener ${schema}`.slice(0, 63);

/**
 * A PostgreSQL server store. Several nodes may share one database: `update` serializes writers of a
 * key across nodes with a transaction-scoped advisory lock, migrations run under an advisory lock.
 */
export async function createPostgresStore(options: PostgresStoreOptions): Promise<SqlStore> {
  const settings: postgres.Options<Record<string, postgres.PostgresType>> = {
    max: options.max ?? 10,
    connect_timeout: options.connectTimeout ?? 30,
    prepare: options.prepare ?? true,
    onnotice: () => {},
    // Plan every execution for its parameters: after five runs PostgreSQL may switch a prepared
    // statement to a generic plan, and for list pages (offset, viewers, dates) the generic plan was
    // measured 3x slower. Planning these statements costs well under a millisecond.
    connection: { application_name: 'ocpi-ts', plan_cache_mode: 'force_custom_plan' },
  };
  const sql = postgres(options.url, settings);
  const executor = postgresExecutor(sql, {
    prepare: options.prepare ?? true,
    // The read model's listener: a connection of its own, named for the schema (pg_stat_activity).
    connect: (changes) =>
      postgres(options.url, { ...settings, ...changes, connection: { ...settings.connection, application_name: listenerName(options.schema ?? 'public') } }),
  });
  return openSqlStore(executor, {
    secretKey: options.secretKey,
    ...(options.schema === undefined ? {} : { schema: options.schema }),
    ...(options.readModel === undefined ? {} : { readModel: options.readModel }),
  });
}
