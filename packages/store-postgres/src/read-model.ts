/**
 * The node's read model of one schema: an `ObjectIndex` of every object (order, owner, audience,
 * last_updated, version) with the encoded bytes of as many as its budget allows, kept coherent with
 * the database. The database stays the source of truth:
 *
 * - this node's writes are applied after their commit, before they are acknowledged, so a read never
 *   returns an object older than one this node acknowledged writing;
 * - every write to the tables, by any node or by hand, is announced by a trigger at commit on the
 *   schema's channel (migration 2), and applied in commit order; a version per object makes applying
 *   idempotent and order-proof, and a tombstone keeps a late announcement from bringing back an
 *   object this node deleted;
 * - while the channel is not listened to (at start, after a lost connection) the index is rebuilt
 *   from a snapshot taken after LISTEN, plus every announcement and local write since; until then
 *   `ready` is false and the store answers from SQL.
 *
 * The channel is also where other shared state (partners today) learns of changes: `onPartnersChanged`.
 */
import { type IndexedRow, keyString, ObjectIndex, type ObjectIndexOptions, type ObjectKey } from '@ocpi-ts/core';
import type { SqlExecutor } from './executor.js';
import { changesChannel, quoteIdent } from './migrations.js';
import { parseParty } from './sql-objects.js';

/** A change the read model took, for `onChange` listeners. */
export interface ObjectChange {
  kind: 'upsert' | 'delete';
  key: ObjectKey;
  version: number;
  /** 'local': written by this node (through this store); 'remote': announced on the channel. */
  origin: 'local' | 'remote';
}

/** One change as announced on the channel (or made by this node). */
type Change =
  | { kind: 'upsert'; row: IndexedRow; complete: boolean }
  | { kind: 'delete'; key: ObjectKey; version: number }
  | { kind: 'resync' }
  | { kind: 'partners' };

interface IndexRow {
  module: string;
  owner_cc: string;
  owner_pid: string;
  id: string;
  seq: number | string;
  version: number | string;
  ms: number | string;
  audience: string;
  json?: string;
}

/** Columns of an index row, from the objects table aliased `t`. */
export const INDEX_COLUMNS =
  't.module, t.owner_cc, t.owner_pid, t.id, t.seq::float8 AS seq, t.version::float8 AS version, (extract(epoch FROM t.last_updated) * 1000)::float8 AS ms, array_to_json(t.audience)::text AS audience';

export function indexedRow(row: IndexRow): IndexedRow {
  const indexed: IndexedRow = {
    key: { module: row.module, owner: { country_code: row.owner_cc, party_id: row.owner_pid }, id: row.id },
    seq: Number(row.seq),
    version: Number(row.version),
    updatedAt: Math.round(Number(row.ms)),
    audience: (JSON.parse(row.audience) as string[]).map(parseParty),
  };
  if (row.json !== undefined) indexed.json = row.json;
  return indexed;
}

/** Reads one announcement: a JSON header, then (for upserts that fit) a newline and the object's JSON. */
function parseChange(payload: string): Change {
  const newline = payload.indexOf('\n');
  const header = JSON.parse(newline < 0 ? payload : payload.slice(0, newline)) as {
    o: 'u' | 'd' | 'r' | 'p';
    m: string;
    c: string;
    p: string;
    i: string;
    s: number;
    v: number;
    t?: number;
    a?: string[];
  };
  if (header.o === 'r') return { kind: 'resync' };
  if (header.o === 'p') return { kind: 'partners' };
  const key = { module: header.m, owner: { country_code: header.c, party_id: header.p }, id: header.i };
  if (header.o === 'd') return { kind: 'delete', key, version: Number(header.v) };
  const row: IndexedRow = {
    key,
    seq: Number(header.s),
    version: Number(header.v),
    updatedAt: Math.round(Number(header.t ?? 0)),
    audience: (header.a ?? []).map(parseParty),
  };
  if (newline >= 0) row.json = payload.slice(newline + 1);
  return { kind: 'upsert', row, complete: header.t !== undefined };
}

/** Rows read per statement while building the index. */
const LOAD_BATCH = 20_000;

export class ReadModel {
  /** Replaced by every rebuild. */
  index: ObjectIndex;
  private state: 'loading' | 'ready' | 'lost' = 'loading';
  /** Changes that arrive while the index is being rebuilt, applied to the new one in order. */
  private pending: Change[] = [];
  /** Announcements applied one after the other (a fetch may be needed); undefined when idle. */
  private applying: Promise<void> | undefined;
  private readonly queue: Change[] = [];
  /** Objects this node deleted, by key: the version they had. Dropped when the delete's own announcement arrives. */
  private readonly tombstones = new Map<string, number>();
  private generation = 0;
  private readonly partnerListeners = new Set<() => void>();
  private readonly changeListeners = new Set<(change: ObjectChange) => void>();
  /**
   * Keys this node is writing, with the announcements that came for them meanwhile: its own write's
   * announcement can arrive before the write's answer. They are reported once the write settles.
   */
  private readonly writing = new Map<string, { count: number; held: ObjectChange[]; versions: Set<number> }>();
  private readonly table: string;
  private unlisten: (() => Promise<void>) | undefined;
  private readonly onError: (error: unknown) => void;
  private building: Promise<void> | undefined;

  /** Whether writes are announced on the channel (not for a sole writer, see SqlStoreOptions.soleWriter). */
  private readonly announced: boolean;

  constructor(
    private readonly db: SqlExecutor,
    private readonly schema: string,
    private readonly options: ObjectIndexOptions = {},
    { announced = true, onError = (error) => console.error('ocpi-ts: read model', error) }: { announced?: boolean; onError?: (error: unknown) => void } = {},
  ) {
    this.announced = announced;
    this.onError = onError;
    this.index = new ObjectIndex(options);
    this.table = `${quoteIdent(schema)}.ocpi_objects`;
  }

  /** Whether reads may be answered from the index. */
  get ready(): boolean {
    return this.state === 'ready';
  }

  /** Starts listening and builds the index; resolves when it is ready. */
  async start(): Promise<void> {
    this.unlisten = await this.db.listen(changesChannel(this.schema), {
      notify: (payload) => this.receive(payload),
      state: (state) => {
        if (state === 'lost') this.lose();
        else void this.rebuild(true);
      },
    });
    await this.building;
  }

  async close(): Promise<void> {
    this.state = 'lost';
    this.generation++;
    await this.unlisten?.();
    await this.building?.catch(() => {});
  }

  /**
   * Called for every change the index takes: this node's writes ('local') and those announced by
   * other writers ('remote'), after they are applied. The place for state shared across nodes to
   * learn of each other's writes (a command result written on another node, say).
   */
  onChange(listener: (change: ObjectChange) => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  /** Called whenever what the database holds of partners may have changed (or the channel was lost). */
  onPartnersChanged(listener: () => void): () => void {
    this.partnerListeners.add(listener);
    return () => this.partnerListeners.delete(listener);
  }

  /**
   * Runs this node's write of `key`: what `onChange` listeners hear of it is 'local', even when its
   * announcement arrives before its answer.
   */
  async writeLocal<R>(key: ObjectKey, write: () => Promise<R>): Promise<R> {
    const id = keyString(key);
    const entry = this.writing.get(id) ?? { count: 0, held: [], versions: new Set<number>() };
    entry.count++;
    this.writing.set(id, entry);
    try {
      return await write();
    } finally {
      if (--entry.count === 0) {
        this.writing.delete(id);
        for (const change of entry.held) if (!entry.versions.has(change.version)) this.changed(change);
      }
    }
  }

  /** A write this node committed: applied now, before it is acknowledged. */
  applyLocal(row: IndexedRow): void {
    this.writing.get(keyString(row.key))?.versions.add(row.version);
    this.local({ kind: 'upsert', row, complete: true });
  }

  /** A delete this node committed (the object had `version`). */
  removeLocal(key: ObjectKey, version: number): void {
    this.writing.get(keyString(key))?.versions.add(version);
    // Kept until the delete's own announcement comes back: none comes when nothing is announced.
    if (this.announced) this.tombstones.set(keyString(key), version);
    this.local({ kind: 'delete', key, version });
  }

  /**
   * Reads objects by seq from the database (those whose bytes the index does not hold) and gives them
   * to the index, which keeps them within its budget. Returns them by seq: what the database holds now,
   * never older than the index (an object deleted meanwhile is not among them).
   */
  async fetch(module: string, seqs: readonly number[]): Promise<Map<number, IndexedRow>> {
    const fetched = new Map<number, IndexedRow>();
    if (seqs.length === 0) return fetched;
    const index = this.index;
    // The bytes and version only: the index knows the rest of the objects it holds at that version
    // (a page of 50 unheld objects costs about a millisecond less than with every column, measured).
    const rows = await this.db.query<{ seq: number | string; version: number | string; json: string }>(
      `SELECT t.seq::float8 AS seq, t.version::float8 AS version, t.json FROM ${this.table} AS t
       WHERE t.module = $1::text AND t.seq = ANY(string_to_array($2::text, ',')::bigint[])`,
      [module, seqs.join(',')],
    );
    const changed: number[] = [];
    for (const row of rows) {
      const seq = Number(row.seq);
      const entry = index.entryAt(module, seq);
      if (entry?.version !== Number(row.version)) {
        changed.push(seq);
        continue;
      }
      const indexed: IndexedRow = { key: entry.key, seq, version: entry.version, updatedAt: entry.updatedAt, audience: entry.audience, json: row.json };
      fetched.set(seq, indexed);
      index.refresh(indexed);
    }
    if (changed.length === 0) return fetched;
    // Changed since the index took them (their announcement is on its way): every column.
    const full = await this.db.query<IndexRow>(
      `SELECT ${INDEX_COLUMNS}, t.json FROM ${this.table} AS t
       WHERE t.module = $1::text AND t.seq = ANY(string_to_array($2::text, ',')::bigint[])`,
      [module, changed.join(',')],
    );
    for (const row of full) {
      const indexed = indexedRow(row);
      fetched.set(indexed.seq, indexed);
      // Only objects the index still holds at that seq: one deleted meanwhile must not come back.
      index.refresh(indexed);
    }
    return fetched;
  }

  private local(change: Change): void {
    // Applied at once, even ahead of announcements still being applied: versions and tombstones make
    // the order of changes to one object irrelevant, and the write must be visible before it is acknowledged.
    if (this.state === 'ready') this.applyNow(change, 'local');
    else if (this.state === 'loading') this.pending.push(change);
  }

  private receive(payload: string): void {
    let change: Change;
    try {
      change = parseChange(payload);
    } catch (error) {
      this.onError(new Error(`unreadable announcement on ${changesChannel(this.schema)}`, { cause: error }));
      return;
    }
    if (change.kind === 'partners') {
      this.partnersChanged();
      return;
    }
    if (change.kind === 'resync') {
      void this.rebuild(false);
      return;
    }
    if (this.state === 'loading') this.pending.push(change);
    else if (this.state === 'ready') this.apply(change);
  }

  /** Applies a change now, or after those still being applied (a short announcement needs a fetch). */
  private apply(change: Change): void {
    if (!this.applying && (change.kind !== 'upsert' || change.complete)) {
      this.applyNow(change);
      return;
    }
    this.queue.push(change);
    this.applying ??= this.drain();
  }

  private async drain(): Promise<void> {
    try {
      for (let change = this.queue.shift(); change; change = this.queue.shift()) {
        if (change.kind === 'upsert' && !change.complete) await this.applyShort(change.row);
        else this.applyNow(change);
      }
    } catch (error) {
      // The index may now miss a change: rebuild it.
      this.onError(error);
      void this.rebuild(false);
    } finally {
      this.applying = undefined;
    }
  }

  private applyNow(change: Change, origin: 'local' | 'remote' = 'remote'): void {
    if (change.kind === 'upsert') {
      const deleted = this.tombstones.get(keyString(change.row.key));
      if (deleted !== undefined && change.row.version <= deleted) return;
      if (this.index.upsert(change.row) || origin === 'local') this.report({ kind: 'upsert', key: change.row.key, version: change.row.version, origin });
    } else if (change.kind === 'delete') {
      const removed = this.index.remove(change.key, change.version);
      const id = keyString(change.key);
      const deleted = this.tombstones.get(id);
      if (deleted !== undefined && deleted <= change.version) this.tombstones.delete(id);
      if (removed || origin === 'local') this.report({ kind: 'delete', key: change.key, version: change.version, origin });
    }
  }

  /** Reports a change now, or (an announcement for a key this node is writing) once that write settles. */
  private report(change: ObjectChange): void {
    const writing = change.origin === 'remote' ? this.writing.get(keyString(change.key)) : undefined;
    if (writing) writing.held.push(change);
    else this.changed(change);
  }

  private changed(change: ObjectChange): void {
    for (const listener of this.changeListeners) {
      try {
        listener(change);
      } catch (error) {
        this.onError(error);
      }
    }
  }

  /** An announcement with the key only (its header did not fit): the row is read by key. */
  private async applyShort(row: IndexedRow): Promise<void> {
    const held = this.index.entry(row.key);
    if (held && held.version >= row.version) return;
    const k = row.key;
    const [found] = await this.db.query<IndexRow>(
      `SELECT ${INDEX_COLUMNS}, t.json FROM ${this.table} AS t
       WHERE t.module = $1::text AND t.owner_cc = $2::text AND t.owner_pid = $3::text AND t.id = $4::text`,
      [k.module, k.owner.country_code, k.owner.party_id, k.id],
    );
    // Gone meanwhile: its delete is announced after this.
    if (found) this.applyNow({ kind: 'upsert', row: indexedRow(found), complete: true });
  }

  private lose(): void {
    this.generation++;
    this.state = 'lost';
    this.pending = [];
    this.queue.length = 0;
    this.partnersChanged();
  }

  /**
   * Builds a new index from a snapshot taken now, then applies what arrived meanwhile. `reconnected`:
   * the announcements before the new LISTEN are lost, and with them any that tombstones wait for.
   */
  private rebuild(reconnected: boolean): Promise<void> {
    const generation = ++this.generation;
    this.state = 'loading';
    this.pending = [];
    if (reconnected) this.tombstones.clear();
    this.partnersChanged();
    const build = this.load(generation).catch((error: unknown) => {
      if (generation !== this.generation) return;
      this.onError(error);
      // Try again later; meanwhile the store answers from SQL.
      setTimeout(() => {
        if (generation === this.generation) void this.rebuild(false);
      }, 1000).unref?.();
    });
    this.building = build;
    return build;
  }

  private async load(generation: number): Promise<void> {
    const fresh = new ObjectIndex(this.options);
    let after: [string, number] = ['', 0];
    for (;;) {
      const rows = await this.db.query<IndexRow>(
        `SELECT ${INDEX_COLUMNS} FROM ${this.table} AS t
         WHERE (t.module, t.seq) > ($1::text, $2::bigint) ORDER BY t.module, t.seq LIMIT ${LOAD_BATCH}`,
        after,
      );
      if (generation !== this.generation) return;
      for (const row of rows) fresh.upsert(indexedRow(row));
      const last = rows.at(-1);
      if (!last || rows.length < LOAD_BATCH) break;
      after = [last.module, Number(last.seq)];
    }
    this.index = fresh;
    // Changes that came while loading, in order; the snapshot may already hold some (versions sort it out).
    const pending = this.pending;
    this.pending = [];
    this.state = 'ready';
    for (const change of pending) this.apply(change);
  }

  private partnersChanged(): void {
    for (const listener of this.partnerListeners) listener();
  }
}
