export { createEmbeddedStore, type EmbeddedStoreOptions } from './embedded.js';
export { createStoreFromEnv, type StoreFromEnvOptions } from './env.js';
export { pgliteExecutor, postgresExecutor, type Row, type SqlExecutor, type SqlParam, type SqlQueryable } from './executor.js';
export { type Migration, migrate, migrations } from './migrations.js';
export { createPostgresStore, type PostgresStoreOptions } from './postgres.js';
export { openSqlStore, type SqlStoreOptions } from './sql-store.js';
