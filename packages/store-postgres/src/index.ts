export { createEmbeddedStore, type EmbeddedStoreOptions } from './embedded.js';
export { createStoreFromEnv, type StoreFromEnvOptions } from './env.js';
export {
  type ListenerOptions,
  type ListenHandlers,
  type PostgresConnect,
  type PostgresExecutorOptions,
  pgliteExecutor,
  postgresExecutor,
  type Row,
  type SqlExecutor,
  type SqlParam,
  type SqlQueryable,
} from './executor.js';
export { changesChannel, type Migration, migrate, migrations } from './migrations.js';
export { createPostgresStore, listenerName, type PostgresStoreOptions } from './postgres.js';
export type { ObjectChange } from './read-model.js';
export { DEFAULT_CACHE_BYTES, openSqlStore, type ReadModelStatus, type SqlStore, type SqlStoreOptions } from './sql-store.js';
