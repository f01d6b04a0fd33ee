import type {
  IndexedRow,
  IndexPage,
  JsonListResult,
  ListQuery,
  ListResult,
  MissingBytes,
  Mutation,
  ObjectKey,
  ObjectStore,
  ObjectWrite,
  PartyRef,
  StoredObject,
  UpdateOutcome,
} from '@ocpi-ts/core';
import { JsonText, KeyedLock, keyString, normalizeKey, normalizeParty, partyString, updatedAtOf } from '@ocpi-ts/core';
import type { SqlExecutor, SqlParam, SqlQueryable } from './executor.js';
import { quoteIdent } from './migrations.js';
import type { ReadModel } from './read-model.js';
import { Batcher } from './write-batch.js';

interface ObjectRow {
  owner_cc: string;
  owner_pid: string;
  id: string;
  json: string;
  last_updated_ms: number | string;
  audience: string;
  version: number | string;
}

interface ListRow extends Partial<ObjectRow> {
  total: number | string;
}

/** What a write committed: the row's seq and its new version. */
interface Written {
  seq: number | string;
  version: number | string;
}

/** JSON `[...]` of "CC*PID" strings, the form of the audience and parties columns. */
export const partiesParam = (audience: readonly PartyRef[]): string => JSON.stringify(audience.map(partyString));

/** A party of the audience and parties columns ("CC*PID"). */
export const parseParty = (value: string): PartyRef => {
  const star = value.indexOf('*');
  return { country_code: value.slice(0, star), party_id: value.slice(star + 1) };
};

/**
 * A StoredObject whose `data` is parsed from `json` on first access: a page that is sent as the
 * stored JSON text never pays for parsing it. `data` is an own enumerable property (a getter that
 * replaces itself with the parsed value), so the object compares, spreads and clones like a plain one.
 */
function storedObject<T>(key: ObjectKey, json: string, lastUpdated: string, audience: PartyRef[]): StoredObject<T> {
  const object = { key, json, lastUpdated, audience } as StoredObject<T>;
  const settle = (value: T) => {
    Object.defineProperty(object, 'data', { value, writable: true, enumerable: true, configurable: true });
    return value;
  };
  Object.defineProperty(object, 'data', {
    enumerable: true,
    configurable: true,
    get: () => settle(JSON.parse(json) as T),
    set: settle,
  });
  return object;
}

/** The columns an ObjectRow needs, of the table aliased `t` (or unaliased). */
const objectColumns = (t = '') =>
  `${t}owner_cc, ${t}owner_pid, ${t}id, ${t}json, (extract(epoch FROM ${t}last_updated) * 1000)::float8 AS last_updated_ms, array_to_json(${t}audience)::text AS audience, ${t}version::float8 AS version`;

const fromRow = <T>(module: string, row: ObjectRow): StoredObject<T> =>
  storedObject<T>(
    { module, owner: { country_code: row.owner_cc, party_id: row.owner_pid }, id: row.id },
    row.json,
    new Date(Math.round(Number(row.last_updated_ms))).toISOString(),
    (JSON.parse(row.audience) as string[]).map(parseParty),
  );

/** The version each object read from a fetched row had (the index may hold an older one). */
const versionOf = new WeakMap<object, number>();

/** A StoredObject of a row the read model fetched. */
function storedFromRow<T>(row: IndexedRow): StoredObject<T> {
  const object = storedObject<T>(normalizeKey(row.key), String(row.json), new Date(row.updatedAt).toISOString(), row.audience.map(normalizeParty));
  versionOf.set(object, row.version);
  return object;
}

const sameAudience = (current: readonly PartyRef[], next: readonly PartyRef[]): boolean =>
  current.length === next.length && current.every((party, i) => partyString(party) === partyString(next[i] as PartyRef));

/** ARRAY of the elements of a JSON array parameter, in order. */
export const textArray = (param: string) => `ARRAY(SELECT e FROM json_array_elements_text(${param}::text::json) WITH ORDINALITY AS a(e, i) ORDER BY i)`;

/** One row for `SqlObjectStore.write`: its key, what to write, and the version it must replace ('absent': none). */
interface RowWrite {
  pk: [string, string, string, string];
  decision: Extract<Decision<unknown>, { kind: 'write' }>;
  expected: number | 'absent';
}

/** The decision a mutation led to: nothing to write, a delete, or a write of this JSON and audience. */
type Decision<T> =
  | { kind: 'outcome'; outcome: UpdateOutcome<T> }
  | { kind: 'delete' }
  | { kind: 'write'; json: string; updatedAt: number; audience: PartyRef[]; audienceChanged: boolean };

/**
 * The objects of a SQL store. With a read model (the default), reads are answered from the node's
 * index (bytes fetched by seq when not held) and writes are compare-and-set on the version the index
 * holds: one statement, one round trip, no lock in the database. A write that finds another version
 * (another node wrote meanwhile) is done again the locking way, which is also how everything is done
 * while the read model is not ready (see read-model.ts).
 */
export class SqlObjectStore implements ObjectStore {
  /** Writers of one key in this process queue here first, so they hold at most one connection. */
  private readonly lock = new KeyedLock();
  /** Compare-and-set writes grouped into one statement per batch (write-batch.ts). */
  private readonly batch: Batcher<RowWrite, Written | undefined>;
  private readonly table: string;
  private readonly audienceTable: string;

  constructor(
    private readonly db: SqlExecutor,
    private readonly schema: string,
    private readonly model: ReadModel | undefined,
  ) {
    this.table = `${quoteIdent(schema)}.ocpi_objects`;
    this.audienceTable = `${quoteIdent(schema)}.ocpi_object_audience`;
    this.batch = new Batcher<RowWrite, Written | undefined>(
      (row) => this.write(db, row.pk, row.decision, row.expected),
      (rows) => this.writeMany(rows),
      (row) => row.pk.join('\n'),
      // PGlite runs one statement at a time; a PostgreSQL pool runs several.
      { maxBatch: 64, maxInFlight: db.kind === 'pglite' ? 1 : 4 },
    );
  }

  private pk(key: ObjectKey): [string, string, string, string] {
    const k = normalizeKey(key);
    return [k.module, k.owner.country_code, k.owner.party_id, k.id];
  }

  private select(q: SqlQueryable, key: ObjectKey, forUpdate: boolean): Promise<(ObjectRow & Written)[]> {
    return q.query<ObjectRow & Written>(
      `SELECT ${objectColumns()}, seq::float8 AS seq FROM ${this.table}
       WHERE module = $1::text AND owner_cc = $2::text AND owner_pid = $3::text AND id = $4::text${forUpdate ? ' FOR UPDATE' : ''}`,
      this.pk(key),
    );
  }

  /** Exclusive access to one key: in this process first, then in the database. */
  private exclusive<R>(key: ObjectKey, fn: (q: SqlQueryable) => Promise<R>): Promise<R> {
    const lockKey = `${this.schema}/${keyString(key)}`;
    return this.db.exclusive(lockKey, fn);
  }

  /** The object from the read model, its bytes fetched when not held; undefined when absent. `null`: ask SQL. */
  private async fromModel<T>(model: ReadModel, key: ObjectKey): Promise<StoredObject<T> | undefined | null> {
    const held = model.index.read<T>(key);
    if (held) return held;
    const entry = model.index.entry(key);
    if (!entry) return undefined;
    const row = (await model.fetch(key.module, [entry.seq])).get(entry.seq);
    // Gone meanwhile (or created again): the database knows.
    return row ? storedFromRow<T>(row) : null;
  }

  async get<T>(key: ObjectKey): Promise<StoredObject<T> | undefined> {
    if (this.model?.ready) {
      const found = await this.fromModel<T>(this.model, key);
      if (found !== null) return found;
    }
    const [row] = await this.select(this.db, key, false);
    return row ? fromRow<T>(key.module, row) : undefined;
  }

  async put<T>(key: ObjectKey, write: ObjectWrite<T>): Promise<{ created: boolean; object: StoredObject<T> }> {
    const outcome = await this.update<T>(key, () => write);
    if (outcome.kind === 'created') return { created: true, object: outcome.object };
    if (outcome.kind === 'updated' || outcome.kind === 'unchanged') return { created: false, object: outcome.object };
    throw new Error(`put of ${keyString(key)} ended ${outcome.kind}`);
  }

  /**
   * The mutation may run twice: a compare-and-set that lost to another node's write runs it again on
   * the newer object (as the interface says, it decides the next state from the current one).
   */
  update<T>(key: ObjectKey, mutate: Mutation<T>): Promise<UpdateOutcome<T>> {
    return this.lock.run(`${this.schema}/${keyString(key)}`, () =>
      this.local(key, async () => {
        const model = this.model;
        if (model?.ready) {
          const outcome = await this.compareAndSet(model, key, mutate);
          if (outcome) return outcome;
        }
        return this.lockedUpdate(key, mutate);
      }),
    );
  }

  /** A write of this node (the read model tells its listeners so). */
  private local<R>(key: ObjectKey, write: () => Promise<R>): Promise<R> {
    return this.model ? this.model.writeLocal(key, write) : write();
  }

  private async decide<T>(key: ObjectKey, current: StoredObject<T> | undefined, mutate: Mutation<T>): Promise<Decision<T>> {
    const next = await mutate(current);
    if (next === undefined) return { kind: 'outcome', outcome: current ? { kind: 'unchanged', object: current } : { kind: 'absent' } };
    if (next === null) return current ? { kind: 'delete' } : { kind: 'outcome', outcome: { kind: 'absent' } };
    const json = JSON.stringify(next.data);
    if (typeof json !== 'string') throw new TypeError(`object ${keyString(key)}: data is not JSON-serializable`);
    const audience = (next.audience ?? current?.audience ?? []).map(normalizeParty);
    const audienceChanged = !current || !sameAudience(current.audience, audience);
    if (current && current.json === json && !audienceChanged) return { kind: 'outcome', outcome: { kind: 'unchanged', object: current } };
    return { kind: 'write', json, updatedAt: updatedAtOf(next.data), audience, audienceChanged };
  }

  /** One statement conditioned on the version the read model holds; undefined when it lost the race. */
  private async compareAndSet<T>(model: ReadModel, key: ObjectKey, mutate: Mutation<T>): Promise<UpdateOutcome<T> | undefined> {
    const current = await this.fromModel<T>(model, key);
    if (current === null) return undefined;
    // The version the decision is based on: the fetched row's may be newer than the index's.
    const version = current ? (versionOf.get(current) ?? model.index.entry(key)?.version) : undefined;
    if (current && version === undefined) return undefined;
    const decision = await this.decide(key, current, mutate);
    if (decision.kind === 'outcome') return decision.outcome;
    // One statement outside a transaction, shared with the writes that arrive meanwhile: committed when it answers.
    const committed = await this.commit(this.db, key, current, version, decision, true);
    return committed?.();
  }

  /**
   * Deletes or writes what the mutation decided, conditioned on the version it saw (`undefined`: the
   * object was absent). Undefined when the condition failed; otherwise a function to call once the
   * write is committed (not before: a transaction that fails to commit must leave the read model as
   * it was), which gives the write to the read model and returns the outcome.
   */
  private async commit<T>(
    q: SqlQueryable,
    key: ObjectKey,
    current: StoredObject<T> | undefined,
    version: number | undefined,
    decision: Exclude<Decision<T>, { kind: 'outcome' }>,
    batched = false,
  ): Promise<(() => UpdateOutcome<T>) | undefined> {
    const pk = this.pk(key);
    if (decision.kind === 'delete') {
      const [gone] = await q.query<Written>(
        `DELETE FROM ${this.table} WHERE module = $1::text AND owner_cc = $2::text AND owner_pid = $3::text AND id = $4::text AND version = $5::bigint
         RETURNING seq::float8 AS seq, version::float8 AS version`,
        [...pk, version as number],
      );
      if (!gone) return undefined;
      return () => {
        this.model?.removeLocal(key, Number(gone.version));
        return { kind: 'deleted' };
      };
    }
    const expected = version ?? 'absent';
    const written = batched ? await this.batch.run({ pk, decision, expected }) : await this.write(q, pk, decision, expected);
    if (!written) return undefined;
    return () => {
      this.model?.applyLocal({
        key,
        seq: Number(written.seq),
        version: Number(written.version),
        updatedAt: decision.updatedAt,
        audience: decision.audience,
        json: decision.json,
      });
      // The read model's copy when it took the write (not while it is being rebuilt or its channel is lost).
      const object =
        (this.model?.ready ? this.model.index.read<T>(key) : undefined) ??
        storedObject<T>(normalizeKey(key), decision.json, new Date(decision.updatedAt).toISOString(), decision.audience);
      return current ? { kind: 'updated', object } : { kind: 'created', object };
    };
  }

  /**
   * Writes the row in one statement (atomic without a transaction, as on PGlite), with its audience
   * rows when the audience changed. `expected`: the version to replace, 'absent' for an insert that
   * must not find a row. Undefined when the condition failed.
   */
  private async write(
    q: SqlQueryable,
    pk: [string, string, string, string],
    decision: Extract<Decision<unknown>, { kind: 'write' }>,
    expected: number | 'absent',
  ): Promise<Written | undefined> {
    const params: SqlParam[] = [...pk, decision.json, decision.updatedAt];
    const returning = 'RETURNING module, seq, version, audience';
    let row: string;
    if (expected === 'absent') {
      params.push(partiesParam(decision.audience));
      row = `INSERT INTO ${this.table} (module, owner_cc, owner_pid, id, json, last_updated, audience)
             VALUES ($1::text, $2::text, $3::text, $4::text, $5::text, to_timestamp($6::float8 / 1000), ${textArray('$7')})
             ON CONFLICT DO NOTHING ${returning}`;
    } else {
      const condition = ` AND version = $${params.push(expected)}::bigint`;
      const audience = decision.audienceChanged ? `, audience = ${textArray(`$${params.push(partiesParam(decision.audience))}`)}` : '';
      row = `UPDATE ${this.table} SET json = $5::text, last_updated = to_timestamp($6::float8 / 1000), updated_at = now()${audience}
             WHERE module = $1::text AND owner_cc = $2::text AND owner_pid = $3::text AND id = $4::text${condition} ${returning}`;
    }
    const result = 'SELECT seq::float8 AS seq, version::float8 AS version FROM o';
    let text: string;
    if (!decision.audienceChanged) text = `WITH o AS (${row}) ${result}`;
    else if (expected === 'absent') {
      text = `WITH o AS (${row}), a AS (INSERT INTO ${this.audienceTable} (module, seq, party) SELECT o.module, o.seq, unnest(o.audience) FROM o) ${result}`;
    } else {
      // The audience rows follow the row's: parties no longer in it deleted, new ones added.
      text = `WITH o AS (${row}),
              gone AS (DELETE FROM ${this.audienceTable} AS a USING o WHERE a.module = o.module AND a.seq = o.seq AND a.party <> ALL (o.audience)),
              added AS (INSERT INTO ${this.audienceTable} (module, seq, party) SELECT o.module, o.seq, unnest(o.audience) FROM o ON CONFLICT DO NOTHING)
              ${result}`;
    }
    const [written] = await q.query<Written>(text, params);
    return written;
  }

  /**
   * `write` of several rows in one statement (each row its own condition, as `write` has it): the
   * updates in one UPDATE ... FROM, the inserts in one INSERT ... SELECT, their audience rows beside
   * them. Gives each row what `write` would: its seq and new version, or undefined when its condition
   * failed. Rows come as one JSON parameter (both drivers bind only scalars, see executor.ts).
   */
  private async writeMany(rows: readonly RowWrite[]): Promise<(Written | undefined)[]> {
    const param = rows.map((row, n) => ({
      n,
      m: row.pk[0],
      c: row.pk[1],
      p: row.pk[2],
      i: row.pk[3],
      j: row.decision.json,
      t: row.decision.updatedAt,
      // The audience: every insert's, and an update's only when it changed (null keeps the row's).
      a: row.expected === 'absent' || row.decision.audienceChanged ? row.decision.audience.map(partyString) : null,
      e: row.expected === 'absent' ? null : row.expected,
    }));
    // Rows in key order: two nodes' statements then lock the rows they share in the same order
    // instead of deadlocking (a statement that fails anyway is done again row by row).
    const order = (x: { m: string; c: string; p: string; i: string }) => `${x.m}\n${x.c}\n${x.p}\n${x.i}`;
    param.sort((x, y) => (order(x) < order(y) ? -1 : 1));
    const audience = (a: string) => `ARRAY(SELECT e FROM json_array_elements_text(${a}) WITH ORDINALITY AS x(e, k) ORDER BY k)`;
    const found = await this.db.query<Written & { n: number | string }>(
      `WITH v AS MATERIALIZED (
         SELECT * FROM json_to_recordset($1::text::json) AS v(n int, m text, c text, p text, i text, j text, t float8, a json, e bigint)
       ),
       u AS (
         UPDATE ${this.table} AS t SET json = v.j, last_updated = to_timestamp(v.t / 1000), updated_at = now(),
           audience = CASE WHEN v.a IS NULL THEN t.audience ELSE ${audience('v.a')} END
         FROM v
         WHERE v.e IS NOT NULL AND t.module = v.m AND t.owner_cc = v.c AND t.owner_pid = v.p AND t.id = v.i AND t.version = v.e
         RETURNING v.n, t.module, t.seq, t.version, t.audience, v.a IS NOT NULL AS changed
       ),
       ins AS (
         INSERT INTO ${this.table} (module, owner_cc, owner_pid, id, json, last_updated, audience)
         SELECT v.m, v.c, v.p, v.i, v.j, to_timestamp(v.t / 1000), ${audience('v.a')} FROM v WHERE v.e IS NULL ORDER BY v.n
         ON CONFLICT DO NOTHING
         RETURNING module, owner_cc, owner_pid, id, seq, version, audience
       ),
       gone AS (
         DELETE FROM ${this.audienceTable} AS a USING u
         WHERE u.changed AND a.module = u.module AND a.seq = u.seq AND a.party <> ALL (u.audience)
       ),
       added AS (
         INSERT INTO ${this.audienceTable} (module, seq, party)
         SELECT o.module, o.seq, unnest(o.audience) FROM (SELECT module, seq, audience FROM u WHERE changed UNION ALL SELECT module, seq, audience FROM ins) AS o
         ON CONFLICT DO NOTHING
       )
       SELECT n, seq::float8 AS seq, version::float8 AS version FROM u
       UNION ALL
       SELECT v.n, ins.seq::float8, ins.version::float8 FROM ins JOIN v ON v.m = ins.module AND v.c = ins.owner_cc AND v.p = ins.owner_pid AND v.i = ins.id`,
      [JSON.stringify(param)],
    );
    const results: (Written | undefined)[] = rows.map(() => undefined);
    for (const row of found) results[Number(row.n)] = { seq: row.seq, version: row.version };
    return results;
  }

  /**
   * Read, mutate and write under the key's lock in the database (PostgreSQL: advisory lock and FOR
   * UPDATE; PGlite: this process's lock). The write is still conditioned on the version read, so a
   * writer that takes no lock (a compare-and-set from another node, or another store on the same
   * PGlite) is never overwritten: the whole step is done again.
   */
  private async lockedUpdate<T>(key: ObjectKey, mutate: Mutation<T>): Promise<UpdateOutcome<T>> {
    for (let attempt = 1; ; attempt++) {
      const done = await this.exclusive(key, async (q): Promise<(() => UpdateOutcome<T>) | undefined> => {
        const [row] = await this.select(q, key, true);
        const current = row ? fromRow<T>(key.module, row) : undefined;
        const decision = await this.decide(key, current, mutate);
        if (decision.kind === 'outcome') return () => decision.outcome;
        return this.commit(q, key, current, row ? Number(row.version) : undefined, decision);
      });
      // The transaction has committed.
      if (done) return done();
      if (attempt >= 20) throw new Error(`object ${keyString(key)}: gave up after ${attempt} writes lost to concurrent ones`);
    }
  }

  delete(key: ObjectKey): Promise<boolean> {
    return this.lock.run(`${this.schema}/${keyString(key)}`, () => this.local(key, () => this.deleteLocked(key)));
  }

  private async deleteLocked(key: ObjectKey): Promise<boolean> {
    const [gone] = await this.exclusive(key, (q) =>
      q.query<Written>(
        `DELETE FROM ${this.table} WHERE module = $1::text AND owner_cc = $2::text AND owner_pid = $3::text AND id = $4::text
         RETURNING seq::float8 AS seq, version::float8 AS version`,
        this.pk(key),
      ),
    );
    // Told to the read model once committed.
    if (gone) this.model?.removeLocal(key, Number(gone.version));
    return gone !== undefined;
  }

  async list<T>(query: ListQuery): Promise<ListResult<T>> {
    const model = this.model;
    if (!model?.ready) return this.listSql<T>(query);
    return this.fill(model, query, model.index.page<T>(query), (row) => storedFromRow<T>(row));
  }

  async listJson(query: ListQuery): Promise<JsonListResult> {
    const model = this.model;
    if (!model?.ready) {
      const { items, total } = await this.listSql(query);
      return { items: items.map((item) => JsonText.of(item)), total };
    }
    return this.fill(model, query, model.index.pageJson(query), (row) => new JsonText(String(row.json)));
  }

  /**
   * A page of the index with what it does not hold read by seq, in one statement (an object deleted
   * meanwhile is left out; one changed meanwhile comes as it is now).
   */
  private async fill<I>(model: ReadModel, query: ListQuery, page: IndexPage<I>, fromRow: (row: IndexedRow) => I): Promise<{ items: I[]; total: number }> {
    // A page the index keeps (frozen) holds every object's bytes: nothing to look for in it.
    if (Object.isFrozen(page.items)) return page as { items: I[]; total: number };
    const missing = page.items.filter((item): item is MissingBytes => typeof item === 'object' && item !== null && 'missing' in item);
    if (missing.length === 0) return page as { items: I[]; total: number };
    const fetched = await model.fetch(
      query.module,
      missing.map((item) => item.seq),
    );
    const items: I[] = [];
    for (const item of page.items) {
      if (!missing.includes(item as MissingBytes)) items.push(item as I);
      else {
        const row = fetched.get((item as MissingBytes).seq);
        if (row) items.push(fromRow(row));
      }
    }
    return { items, total: page.total };
  }

  /**
   * One statement (one snapshot) computes the total and the page. The page picks its `seq`s from
   * the covering (module, seq) index, which holds every filter column, so skipping entries is an
   * index-only scan that never touches the table; it skips from the nearer end (a page near the end
   * walks the index backwards), then fetches only the rows it returns. The total is a COUNT of the
   * matching rows, an index-only scan once the table is vacuumed. Used while the read model is not
   * ready, and by stores opened without one.
   */
  private async listSql<T>(query: ListQuery): Promise<ListResult<T>> {
    const params: SqlParam[] = [query.module];
    const param = (value: SqlParam) => {
      params.push(value);
      return `$${params.length}`;
    };
    const where = ['module = $1::text'];
    if (query.owners) {
      if (query.owners.length === 0) where.push('false');
      else if (query.owners.length === 1) {
        // One owner (the common case): a range of the (module, owner_cc, owner_pid, seq) index.
        const owner = normalizeParty(query.owners[0] as PartyRef);
        where.push(`owner_cc = ${param(owner.country_code)}::text AND owner_pid = ${param(owner.party_id)}::text`);
      } else {
        // Several: a cheap per-entry test, so the (module, seq) index still gives the order.
        where.push(`(owner_cc || '*' || owner_pid) = ANY(${textArray(param(partiesParam(query.owners)))})`);
      }
    }
    if (query.visibleTo) {
      if (query.visibleTo.length === 0) where.push('NOT f.restricted');
      else {
        const viewers = textArray(param(partiesParam(query.visibleTo)));
        where.push(
          `(NOT f.restricted OR EXISTS (SELECT 1 FROM ${this.audienceTable} AS a WHERE a.module = $1::text AND a.seq = f.seq AND a.party = ANY(${viewers})))`,
        );
      }
    }
    const from = query.dateFrom?.getTime();
    if (from !== undefined && !Number.isNaN(from)) where.push(`last_updated >= to_timestamp(${param(from)}::float8 / 1000)`);
    const to = query.dateTo?.getTime();
    if (to !== undefined && !Number.isNaN(to)) where.push(`last_updated < to_timestamp(${param(to)}::float8 / 1000)`);
    const filter = where.join(' AND ');
    const o = param(Math.max(0, Math.floor(query.offset)));
    const t = this.table;
    let page: string;
    if (Number.isFinite(query.limit)) {
      // Skip from whichever end is nearer: forward over `offset` entries, or backward (seq DESC)
      // over `total - offset - limit`. The branch not taken is gated off and never runs.
      const l = param(Math.max(0, Math.floor(query.limit)));
      page = `SELECT fwd.seq FROM (SELECT seq FROM ${t} AS f WHERE ${filter} ORDER BY seq OFFSET ${o}::bigint LIMIT ${l}::bigint) AS fwd
              WHERE 2 * ${o}::bigint + ${l}::bigint <= c.total
            UNION ALL
            SELECT bwd.seq FROM (SELECT seq FROM ${t} AS f WHERE ${filter} ORDER BY seq DESC
                OFFSET greatest(c.total - ${o}::bigint - ${l}::bigint, 0)
                LIMIT greatest(least(${o}::bigint + ${l}::bigint, c.total) - ${o}::bigint, 0)) AS bwd
              WHERE 2 * ${o}::bigint + ${l}::bigint > c.total`;
    } else {
      page = `SELECT seq FROM ${t} AS f WHERE ${filter} ORDER BY seq OFFSET ${o}::bigint`;
    }

    const rows = await this.db.query<ListRow>(
      `SELECT c.total, o.owner_cc, o.owner_pid, o.id, o.json, o.last_updated_ms, o.audience, o.version
       FROM (SELECT count(*)::int AS total FROM ${t} AS f WHERE ${filter}) AS c
       LEFT JOIN LATERAL (
         SELECT x.seq, ${objectColumns('x.')}
         FROM (${page}) AS page
         JOIN ${t} AS x ON x.module = $1::text AND x.seq = page.seq
       ) AS o ON true
       ORDER BY o.seq`,
      params,
    );
    const total = Number(rows[0]?.total ?? 0);
    const items = rows.filter((row): row is ListRow & ObjectRow => typeof row.id === 'string').map((row) => fromRow<T>(query.module, row));
    return { items, total };
  }
}
