import type { PGlite, Transaction } from '@electric-sql/pglite';
import { KeyedLock } from '@ocpi-ts/core';
import type postgres from 'postgres';

/**
 * Values the store binds: strings, numbers, booleans and null only. Arrays and JSON travel as
 * JSON text and are unpacked in SQL, so both drivers bind exactly the same way.
 */
export type SqlParam = string | number | boolean | null;
export type Row = Record<string, unknown>;

/** Runs one statement with `$1`-style parameters and returns its rows. */
export interface SqlQueryable {
  query<R = Row>(text: string, params?: readonly SqlParam[]): Promise<R[]>;
}

/**
 * The only thing the SQL store needs from a driver. Two implementations: PostgreSQL server through
 * postgres.js (a pool; many nodes may share the database) and PGlite (one process owns the data dir).
 */
export interface SqlExecutor extends SqlQueryable {
  readonly kind: 'postgres' | 'pglite';
  /** Runs `fn` inside BEGIN ... COMMIT on one connection; rolls back when it throws. */
  transaction<T>(fn: (tx: SqlQueryable) => Promise<T>): Promise<T>;
  /**
   * Runs `fn` with the exclusive right to write `lockKey` among everyone sharing the database.
   * PostgreSQL: a transaction holding `pg_advisory_xact_lock` on the key's hash, so nodes sharing the
   * database serialize. PGlite: the database belongs to this process alone, so an in-process lock per
   * instance and key serializes writers; `fn` runs its statements on the instance directly, without
   * holding PGlite's single connection (and so every other query) while the caller's mutation runs.
   */
  exclusive<T>(lockKey: string, fn: (q: SqlQueryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** Executor over a postgres.js pool. `owned`: `close()` ends the pool. */
export function postgresExecutor(sql: postgres.Sql, { owned = true, prepare = true }: { owned?: boolean; prepare?: boolean } = {}): SqlExecutor {
  const on = (target: postgres.Sql | postgres.TransactionSql): SqlQueryable => ({
    async query<R>(text: string, params: readonly SqlParam[] = []) {
      const rows = await target.unsafe(text, params as SqlParam[], { prepare });
      return [...rows] as unknown as R[];
    },
  });
  const base = on(sql);
  const transaction = <T>(fn: (tx: SqlQueryable) => Promise<T>): Promise<T> => sql.begin((tx) => fn(on(tx))) as Promise<T>;
  return {
    kind: 'postgres',
    query: base.query,
    transaction,
    exclusive: (lockKey, fn) =>
      transaction(async (tx) => {
        await tx.query('SELECT pg_advisory_xact_lock(hashtextextended($1::text, 0))', [lockKey]);
        return fn(tx);
      }),
    close: async () => {
      if (owned) await sql.end({ timeout: 5 });
    },
  };
}

/** One key lock per PGlite instance, shared by every store opened on it. */
const pgliteLocks = new WeakMap<PGlite, KeyedLock>();

/** Executor over a PGlite instance. `owned`: `close()` closes the instance. */
export function pgliteExecutor(db: PGlite, { owned = true }: { owned?: boolean } = {}): SqlExecutor {
  let lock = pgliteLocks.get(db);
  if (!lock) {
    lock = new KeyedLock();
    pgliteLocks.set(db, lock);
  }
  const keyLock = lock;
  const on = (target: PGlite | Transaction): SqlQueryable => ({
    async query<R>(text: string, params: readonly SqlParam[] = []) {
      const result = await target.query<R>(text, params as SqlParam[]);
      return result.rows;
    },
  });
  const base = on(db);
  return {
    kind: 'pglite',
    query: base.query,
    transaction: (fn) => db.transaction((tx) => fn(on(tx))),
    exclusive: (lockKey, fn) => keyLock.run(lockKey, () => fn(base)),
    close: async () => {
      if (owned && !db.closed) await db.close();
    },
  };
}

/** SQLSTATE of a driver error (both drivers expose it as `code`). */
export const sqlState = (error: unknown): string | undefined => {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
};

export const UNIQUE_VIOLATION = '23505';
