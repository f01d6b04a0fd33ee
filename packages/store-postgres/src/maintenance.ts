import type {
  JsonListResult,
  ListQuery,
  ListResult,
  Mutation,
  ObjectKey,
  ObjectStore,
  ObjectWrite,
  OcpiStore,
  StoredObject,
  UpdateOutcome,
} from '@ocpi-ts/core';
import type { SqlExecutor } from './executor.js';
import { quoteIdent } from './migrations.js';

/**
 * PGlite runs PostgreSQL without its background workers, so autovacuum never runs. Without VACUUM
 * the visibility map stays empty (no index-only scans: list pages read the table), dead rows of
 * updates pile up, and without ANALYZE the planner has no statistics. This does what autovacuum
 * would: VACUUM (ANALYZE) on open, then again once the writes since the last run exceed
 * 1000 + 20% of the table (autovacuum's default insert threshold and scale factor).
 */
export class Vacuum {
  private writes = 0;
  private rows = 0;
  private running: Promise<void> | undefined;

  constructor(
    private readonly db: SqlExecutor,
    private readonly schema: string,
    private readonly onError: (error: unknown) => void = () => {},
  ) {}

  /** VACUUM (ANALYZE) of the store's tables now. */
  async run(): Promise<void> {
    const s = quoteIdent(this.schema);
    this.writes = 0;
    await this.db.query(`VACUUM (ANALYZE) ${s}.ocpi_objects, ${s}.ocpi_object_audience, ${s}.ocpi_partners, ${s}.ocpi_registration_tokens, ${s}.ocpi_audit`);
    const [row] = await this.db.query<{ rows: number }>(
      `SELECT greatest(reltuples, 0)::float8 AS rows FROM pg_class WHERE oid = '${s}.ocpi_objects'::regclass`,
    );
    this.rows = Number(row?.rows ?? 0);
  }

  /** Counts a written object; starts a VACUUM in the background when due (one at a time). */
  noteWrite(): void {
    this.writes++;
    if (this.running || this.writes < 1000 + 0.2 * this.rows) return;
    this.running = this.run()
      .catch(this.onError)
      .finally(() => {
        this.running = undefined;
      });
  }

  /** Waits for a VACUUM in progress (before closing the database under it). */
  async settle(): Promise<void> {
    await this.running;
  }
}

class MaintainedObjectStore implements ObjectStore {
  constructor(
    private readonly inner: ObjectStore,
    private readonly vacuum: Vacuum,
  ) {}

  get<T>(key: ObjectKey): Promise<StoredObject<T> | undefined> {
    return this.inner.get<T>(key);
  }

  list<T>(query: ListQuery): Promise<ListResult<T>> {
    return this.inner.list<T>(query);
  }

  listJson(query: ListQuery): Promise<JsonListResult> {
    return this.inner.listJson(query);
  }

  async put<T>(key: ObjectKey, write: ObjectWrite<T>): Promise<{ created: boolean; object: StoredObject<T> }> {
    const result = await this.inner.put<T>(key, write);
    this.vacuum.noteWrite();
    return result;
  }

  async update<T>(key: ObjectKey, mutate: Mutation<T>): Promise<UpdateOutcome<T>> {
    const outcome = await this.inner.update<T>(key, mutate);
    if (outcome.kind !== 'unchanged' && outcome.kind !== 'absent') this.vacuum.noteWrite();
    return outcome;
  }

  async delete(key: ObjectKey): Promise<boolean> {
    const deleted = await this.inner.delete(key);
    if (deleted) this.vacuum.noteWrite();
    return deleted;
  }
}

/** The store with PGlite's missing autovacuum done in-process. */
export async function withVacuum<S extends OcpiStore>(store: S, vacuum: Vacuum): Promise<S> {
  try {
    await vacuum.run();
  } catch (error) {
    await store.close();
    throw error;
  }
  return {
    ...store,
    objects: new MaintainedObjectStore(store.objects, vacuum),
    close: async () => {
      await vacuum.settle();
      await store.close();
    },
  };
}
