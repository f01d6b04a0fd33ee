import type { PGlite, Transaction } from '@electric-sql/pglite';
import { KeyedLock } from '@ocpi-ts/core';
import postgres from 'postgres';

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
  /**
   * Delivers the notifications of `channel`, in commit order, to `notify`. `state('listening')` comes
   * when delivery starts, and again after a lost connection is back (what was sent in between is
   * lost); `state('lost')` when it stops. Resolves once listening; the returned function stops.
   */
  listen(channel: string, handlers: ListenHandlers): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

export interface ListenHandlers {
  notify(payload: string): void;
  state(state: 'listening' | 'lost'): void;
}

/**
 * postgres.js options for the listener's connection. `onnotify` is postgres.js's own (it is how its
 * `listen` works) but missing from its types.
 */
export type ListenerOptions = postgres.Options<Record<string, postgres.PostgresType>> & { onnotify?: (channel: string, payload: string) => void };

/** Opens a postgres.js instance on the same server with some options changed (the listener's own connection). */
export type PostgresConnect = (options: ListenerOptions) => postgres.Sql;

/** How often the listening connection is checked, and how long an answer may take before it counts as lost. */
const HEARTBEAT_MS = 1000;
const HEARTBEAT_TIMEOUT_MS = 3000;

/**
 * LISTEN on a connection of its own (a pooled one would be handed to others). A connection closed
 * under it, or one that stops answering the heartbeat, is reported lost and opened again with backoff.
 */
function postgresListen(connect: PostgresConnect, channel: string, handlers: ListenHandlers): Promise<() => Promise<void>> {
  let current: postgres.Sql | undefined;
  let listening = false;
  let stopped = false;
  let retry: ReturnType<typeof setTimeout> | undefined;
  let backoff = 100;

  const lose = (conn: postgres.Sql) => {
    if (conn !== current || stopped) return;
    current = undefined;
    void conn.end({ timeout: 0 }).catch(() => {});
    if (listening) {
      listening = false;
      handlers.state('lost');
    }
    retry = setTimeout(() => void open().catch(() => {}), backoff);
    backoff = Math.min(backoff * 2, 2000);
  };

  const open = async (): Promise<void> => {
    const conn: postgres.Sql = connect({
      max: 1,
      idle_timeout: 0,
      max_lifetime: null,
      onnotify: (name: string, payload: string) => {
        if (name === channel && conn === current) handlers.notify(payload);
      },
      onclose: () => lose(conn),
    });
    current = conn;
    try {
      await conn.unsafe(`LISTEN "${channel.replace(/"/g, '""')}"`);
    } catch (error) {
      lose(conn);
      throw error;
    }
    if (conn !== current || stopped) return;
    backoff = 100;
    listening = true;
    handlers.state('listening');
  };

  const heartbeat = setInterval(() => {
    const conn = current;
    if (!conn || !listening) return;
    const late = setTimeout(() => lose(conn), HEARTBEAT_TIMEOUT_MS);
    conn`SELECT 1`.then(
      () => clearTimeout(late),
      () => {
        clearTimeout(late);
        lose(conn);
      },
    );
  }, HEARTBEAT_MS);
  heartbeat.unref?.();

  const stop = async () => {
    stopped = true;
    clearInterval(heartbeat);
    clearTimeout(retry);
    const conn = current;
    current = undefined;
    await conn?.end({ timeout: 1 });
  };
  return open().then(
    () => stop,
    async (error: unknown) => {
      await stop();
      throw error;
    },
  );
}

export interface PostgresExecutorOptions {
  /** `close()` ends the pool (default true). */
  owned?: boolean;
  /** Named prepared statements (default true). */
  prepare?: boolean;
  /** Opens the listener's own connection; default: the pool's options with the changes. */
  connect?: PostgresConnect;
}

/** Executor over a postgres.js pool. */
export function postgresExecutor(sql: postgres.Sql, { owned = true, prepare = true, connect }: PostgresExecutorOptions = {}): SqlExecutor {
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
    listen: (channel, handlers) =>
      // As postgres.js's own `listen` does: the pool's options, with the changes.
      postgresListen(connect ?? ((changes) => postgres({ ...(sql.options as unknown as ListenerOptions), ...changes })), channel, handlers),
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
    // In the same process: delivered after the statement that committed, never lost.
    async listen(channel, handlers) {
      const unlisten = await db.listen(`"${channel.replace(/"/g, '""')}"`, (payload) => handlers.notify(payload));
      handlers.state('listening');
      return () => unlisten();
    },
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
