import type {
  AuditEntry,
  AuditQuery,
  AuditStore,
  ListQuery,
  ListResult,
  Mutation,
  ObjectKey,
  ObjectStore,
  ObjectWrite,
  OcpiStore,
  Partner,
  PartnerStore,
  PartyRef,
  RegistrationToken,
  RegistrationTokenStore,
  StoredObject,
  UpdateOutcome,
} from '@ocpi-ts/core';
import {
  createSecretsAtRest,
  KeyedLock,
  keyString,
  lastUpdatedOf,
  normalizeKey,
  normalizeParty,
  PartyTakenError,
  partnerToken,
  partyString,
  type SecretsAtRest,
} from '@ocpi-ts/core';
import { type SqlExecutor, type SqlParam, type SqlQueryable, sqlState, UNIQUE_VIOLATION } from './executor.js';
import { migrate, migrations, quoteIdent } from './migrations.js';

export interface SqlStoreOptions {
  /** PostgreSQL schema holding the tables; created if missing. Default `public`. */
  schema?: string;
  /**
   * The node's secret (at least 32 characters): token hashes are keyed and partner tokens sealed
   * with keys derived from it (`createSecretsAtRest`). Every node sharing the database, and every
   * start, needs the same one: another is refused.
   */
  secretKey: string;
}

interface ObjectRow {
  owner_cc: string;
  owner_pid: string;
  id: string;
  json: string;
  last_updated_ms: number | string;
  audience: string;
}

interface ListRow extends Partial<ObjectRow> {
  total: number | string;
}

/** JSON `[...]` of "CC*PID" strings, the form of the audience and parties columns. */
const partiesParam = (audience: readonly PartyRef[]): string => JSON.stringify(audience.map(partyString));

const parseParty = (value: string): PartyRef => {
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
  `${t}owner_cc, ${t}owner_pid, ${t}id, ${t}json, (extract(epoch FROM ${t}last_updated) * 1000)::float8 AS last_updated_ms, array_to_json(${t}audience)::text AS audience`;

const fromRow = <T>(module: string, row: ObjectRow): StoredObject<T> =>
  storedObject<T>(
    { module, owner: { country_code: row.owner_cc, party_id: row.owner_pid }, id: row.id },
    row.json,
    new Date(Math.round(Number(row.last_updated_ms))).toISOString(),
    (JSON.parse(row.audience) as string[]).map(parseParty),
  );

const sameAudience = (current: readonly PartyRef[], next: readonly PartyRef[]): boolean =>
  current.length === next.length && current.every((party, i) => partyString(party) === partyString(next[i] as PartyRef));

/** ARRAY of the elements of a JSON array parameter, in order. */
const textArray = (param: string) => `ARRAY(SELECT e FROM json_array_elements_text(${param}::text::json) WITH ORDINALITY AS a(e, i) ORDER BY i)`;

class SqlObjectStore implements ObjectStore {
  /** Writers of one key in this process queue here first, so they hold at most one connection. */
  private readonly lock = new KeyedLock();
  private readonly table: string;
  private readonly audienceTable: string;

  constructor(
    private readonly db: SqlExecutor,
    private readonly schema: string,
  ) {
    this.table = `${quoteIdent(schema)}.ocpi_objects`;
    this.audienceTable = `${quoteIdent(schema)}.ocpi_object_audience`;
  }

  private pk(key: ObjectKey): [string, string, string, string] {
    const k = normalizeKey(key);
    return [k.module, k.owner.country_code, k.owner.party_id, k.id];
  }

  private select(q: SqlQueryable, key: ObjectKey, forUpdate: boolean): Promise<ObjectRow[]> {
    return q.query<ObjectRow>(
      `SELECT ${objectColumns()} FROM ${this.table}
       WHERE module = $1::text AND owner_cc = $2::text AND owner_pid = $3::text AND id = $4::text${forUpdate ? ' FOR UPDATE' : ''}`,
      this.pk(key),
    );
  }

  /** Exclusive access to one key: in this process first, then in the database. */
  private exclusive<R>(key: ObjectKey, fn: (q: SqlQueryable) => Promise<R>): Promise<R> {
    const lockKey = `${this.schema}/${keyString(key)}`;
    return this.lock.run(lockKey, () => this.db.exclusive(lockKey, fn));
  }

  async get<T>(key: ObjectKey): Promise<StoredObject<T> | undefined> {
    const [row] = await this.select(this.db, key, false);
    return row ? fromRow<T>(key.module, row) : undefined;
  }

  async put<T>(key: ObjectKey, write: ObjectWrite<T>): Promise<{ created: boolean; object: StoredObject<T> }> {
    const outcome = await this.update<T>(key, () => write);
    if (outcome.kind === 'created') return { created: true, object: outcome.object };
    if (outcome.kind === 'updated' || outcome.kind === 'unchanged') return { created: false, object: outcome.object };
    throw new Error(`put of ${keyString(key)} ended ${outcome.kind}`);
  }

  update<T>(key: ObjectKey, mutate: Mutation<T>): Promise<UpdateOutcome<T>> {
    return this.exclusive(key, async (q) => {
      const [row] = await this.select(q, key, true);
      const current = row ? fromRow<T>(key.module, row) : undefined;
      const next = await mutate(current);
      const pk = this.pk(key);
      if (next === undefined) return current ? { kind: 'unchanged', object: current } : { kind: 'absent' };
      if (next === null) {
        if (!current) return { kind: 'absent' };
        await q.query(`DELETE FROM ${this.table} WHERE module = $1::text AND owner_cc = $2::text AND owner_pid = $3::text AND id = $4::text`, pk);
        return { kind: 'deleted' };
      }
      const json = JSON.stringify(next.data);
      if (typeof json !== 'string') throw new TypeError(`object ${keyString(key)}: data is not JSON-serializable`);
      const audience = (next.audience ?? current?.audience ?? []).map(normalizeParty);
      if (current && current.json === json && sameAudience(current.audience, audience)) return { kind: 'unchanged', object: current };
      const lastUpdated = lastUpdatedOf(next.data);
      const params: SqlParam[] = [...pk, json, Date.parse(lastUpdated), partiesParam(audience)];
      // One statement each (atomic without a transaction, as on PGlite): the row, and its audience
      // rows (parties no longer in it deleted, new ones added).
      if (current) {
        await q.query(
          `WITH o AS (
             UPDATE ${this.table}
             SET json = $5::text, last_updated = to_timestamp($6::float8 / 1000), audience = ${textArray('$7')}, updated_at = now()
             WHERE module = $1::text AND owner_cc = $2::text AND owner_pid = $3::text AND id = $4::text
             RETURNING module, seq, audience
           ), gone AS (
             DELETE FROM ${this.audienceTable} AS a USING o
             WHERE a.module = o.module AND a.seq = o.seq AND a.party <> ALL (o.audience)
           )
           INSERT INTO ${this.audienceTable} (module, seq, party)
           SELECT o.module, o.seq, unnest(o.audience) FROM o
           ON CONFLICT DO NOTHING`,
          params,
        );
      } else {
        await q.query(
          `WITH o AS (
             INSERT INTO ${this.table} (module, owner_cc, owner_pid, id, json, last_updated, audience)
             VALUES ($1::text, $2::text, $3::text, $4::text, $5::text, to_timestamp($6::float8 / 1000), ${textArray('$7')})
             RETURNING module, seq, audience
           )
           INSERT INTO ${this.audienceTable} (module, seq, party)
           SELECT o.module, o.seq, unnest(o.audience) FROM o`,
          params,
        );
      }
      const object = storedObject<T>(normalizeKey(key), json, lastUpdated, audience);
      return current ? { kind: 'updated', object } : { kind: 'created', object };
    });
  }

  delete(key: ObjectKey): Promise<boolean> {
    return this.exclusive(key, async (q) => {
      const rows = await q.query(
        `DELETE FROM ${this.table} WHERE module = $1::text AND owner_cc = $2::text AND owner_pid = $3::text AND id = $4::text RETURNING 1 AS deleted`,
        this.pk(key),
      );
      return rows.length > 0;
    });
  }

  /**
   * One statement (one snapshot) computes the total and the page. The page picks its `seq`s from
   * the covering (module, seq) index, which holds every filter column, so skipping entries is an
   * index-only scan that never touches the table; it skips from the nearer end (a page near the end
   * walks the index backwards), then fetches only the rows it returns. The total is a COUNT of the
   * matching rows, an index-only scan once the table is vacuumed. See docs/stores.md for costs.
   */
  async list<T>(query: ListQuery): Promise<ListResult<T>> {
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
      `SELECT c.total, o.owner_cc, o.owner_pid, o.id, o.json, o.last_updated_ms, o.audience
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

/**
 * Partners, with their secrets kept apart from the files: `token_hash` (and the document's
 * `inboundTokenHash`) is the keyed hash, `outboundToken` is sealed to the partner's id. Reads give the
 * token back in the clear and the hash in its keyed form, which saving again keeps as it is.
 */
class SqlPartnerStore implements PartnerStore {
  private readonly table: string;
  private readonly parties: string;

  constructor(
    private readonly db: SqlExecutor,
    schema: string,
    private readonly secrets: SecretsAtRest,
  ) {
    this.table = `${quoteIdent(schema)}.ocpi_partners`;
    this.parties = `${quoteIdent(schema)}.ocpi_partner_parties`;
  }

  private async read(doc: string): Promise<Partner> {
    const partner = JSON.parse(doc) as Partner;
    if (partner.outboundToken !== undefined) partner.outboundToken = partnerToken(await this.secrets.open(partner.outboundToken, partner.id));
    return partner;
  }

  private async one(where: string, params: SqlParam[]): Promise<Partner | undefined> {
    const [row] = await this.db.query<{ doc: string }>(`SELECT doc::text AS doc FROM ${this.table} WHERE ${where} ORDER BY seq LIMIT 1`, params);
    return row ? this.read(row.doc) : undefined;
  }

  get(id: string) {
    return this.one('id = $1::text', [id]);
  }

  async findByTokenHash(hash: string) {
    return this.one('token_hash = $1::text', [await this.secrets.keyHash(hash)]);
  }

  findByParty(party: PartyRef) {
    return this.one(`id = (SELECT partner_id FROM ${this.parties} WHERE party = $1::text)`, [partyString(party)]);
  }

  async list(): Promise<Partner[]> {
    const rows = await this.db.query<{ doc: string }>(`SELECT doc::text AS doc FROM ${this.table} ORDER BY seq`);
    return Promise.all(rows.map((row) => this.read(row.doc)));
  }

  async save(partner: Partner): Promise<void> {
    const tokenHash = partner.inboundTokenHash === undefined ? undefined : await this.secrets.keyHash(partner.inboundTokenHash);
    const outboundToken = partner.outboundToken === undefined ? undefined : await this.secrets.seal(partner.outboundToken, partner.id);
    const normalized = {
      ...partner,
      roles: partner.roles.map((role) => ({ ...role, ...normalizeParty(role) })),
      ...(tokenHash === undefined ? {} : { inboundTokenHash: tokenHash }),
      ...(outboundToken === undefined ? {} : { outboundToken }),
    };
    const parties = [...new Set(normalized.roles.map(partyString))];
    try {
      await this.db.transaction(async (tx) => {
        await tx.query(
          `INSERT INTO ${this.table} (id, status, token_hash, parties, doc)
           VALUES ($1::text, $2::text, $3::text, ${textArray('$4')}, $5::text::jsonb)
           ON CONFLICT (id) DO UPDATE SET status = EXCLUDED.status, token_hash = EXCLUDED.token_hash,
             parties = EXCLUDED.parties, doc = EXCLUDED.doc, updated_at = now()`,
          [normalized.id, normalized.status, tokenHash ?? null, JSON.stringify(parties), JSON.stringify(normalized)],
        );
        // The partner's claims on its parties: one holder per party (a concurrent claim waits for
        // this transaction, then finds the party taken).
        await tx.query(`DELETE FROM ${this.parties} WHERE partner_id = $1::text`, [normalized.id]);
        if (normalized.status === 'UNREGISTERED' || parties.length === 0) return;
        const claimed = await tx.query<{ party: string }>(
          `INSERT INTO ${this.parties} (party, partner_id) SELECT unnest(${textArray('$2')}), $1::text ON CONFLICT (party) DO NOTHING RETURNING party`,
          [normalized.id, JSON.stringify(parties)],
        );
        const taken = parties.find((party) => !claimed.some((row) => row.party === party));
        if (taken !== undefined) throw new PartyTakenError(parseParty(taken));
      });
    } catch (error) {
      if (sqlState(error) === UNIQUE_VIOLATION) throw new Error('token hash already in use', { cause: error });
      throw error;
    }
  }

  async delete(id: string): Promise<boolean> {
    const rows = await this.db.query(`DELETE FROM ${this.table} WHERE id = $1::text RETURNING 1 AS deleted`, [id]);
    return rows.length > 0;
  }
}

/** Registration tokens by keyed hash (see `SecretsAtRest.keyHash`). */
class SqlRegistrationTokenStore implements RegistrationTokenStore {
  private readonly table: string;

  constructor(
    private readonly db: SqlExecutor,
    schema: string,
    private readonly secrets: SecretsAtRest,
  ) {
    this.table = `${quoteIdent(schema)}.ocpi_registration_tokens`;
  }

  async create(token: RegistrationToken): Promise<void> {
    const hash = await this.secrets.keyHash(token.hash);
    try {
      await this.db.query(`INSERT INTO ${this.table} (id, hash, doc) VALUES ($1::text, $2::text, $3::text::jsonb)`, [
        token.id,
        hash,
        JSON.stringify({ ...token, hash }),
      ]);
    } catch (error) {
      if (sqlState(error) === UNIQUE_VIOLATION) throw new Error(`registration token ${token.id} exists`, { cause: error });
      throw error;
    }
  }

  async findByHash(hash: string): Promise<RegistrationToken | undefined> {
    const [row] = await this.db.query<{ doc: string }>(`SELECT doc::text AS doc FROM ${this.table} WHERE hash = $1::text ORDER BY seq LIMIT 1`, [
      await this.secrets.keyHash(hash),
    ]);
    return row ? (JSON.parse(row.doc) as RegistrationToken) : undefined;
  }
  async list(): Promise<RegistrationToken[]> {
    const rows = await this.db.query<{ doc: string }>(`SELECT doc::text AS doc FROM ${this.table} ORDER BY seq`);
    return rows.map((row) => JSON.parse(row.doc) as RegistrationToken);
  }

  async revoke(id: string): Promise<boolean> {
    const rows = await this.db.query(
      `UPDATE ${this.table}
       SET doc = CASE WHEN doc->>'revokedAt' IS NULL THEN doc || jsonb_build_object('revokedAt', $2::text) ELSE doc END
       WHERE id = $1::text RETURNING 1 AS revoked`,
      [id, new Date().toISOString()],
    );
    return rows.length > 0;
  }

  /** One UPDATE: under concurrency the row lock makes later callers re-check the WHERE and miss. */
  async markUsed(id: string, partnerId: string, at: string): Promise<boolean> {
    const rows = await this.db.query(
      `UPDATE ${this.table}
       SET doc = doc || jsonb_build_object('usedAt', $3::text, 'usedByPartnerId', $2::text)
       WHERE id = $1::text AND doc->>'usedAt' IS NULL AND doc->>'revokedAt' IS NULL RETURNING 1 AS used`,
      [id, partnerId, at],
    );
    return rows.length > 0;
  }
}

class SqlAuditStore implements AuditStore {
  private readonly table: string;

  constructor(
    private readonly db: SqlExecutor,
    schema: string,
  ) {
    this.table = `${quoteIdent(schema)}.ocpi_audit`;
  }

  async append(entry: AuditEntry): Promise<void> {
    const at = Date.parse(entry.at);
    const { seq: _ignored, ...doc } = entry;
    await this.db.query(
      `INSERT INTO ${this.table} (at, action, partner_id, doc) VALUES (to_timestamp($1::float8 / 1000), $2::text, $3::text, $4::text::jsonb)`,
      [Number.isNaN(at) ? null : at, entry.action, entry.partnerId ?? null, JSON.stringify(doc)],
    );
  }

  /** Newest first. */
  async query(query: AuditQuery = {}): Promise<AuditEntry[]> {
    const params: SqlParam[] = [];
    const where: string[] = ['true'];
    if (query.action) {
      params.push(query.action);
      where.push(`action = $${params.length}::text`);
    }
    if (query.partnerId) {
      params.push(query.partnerId);
      where.push(`partner_id = $${params.length}::text`);
    }
    const since = query.since?.getTime();
    if (since !== undefined && !Number.isNaN(since)) {
      params.push(since);
      where.push(`at >= to_timestamp($${params.length}::float8 / 1000)`);
    }
    params.push(Math.max(0, Math.floor(query.limit ?? 100)));
    const rows = await this.db.query<{ seq: number | string; doc: string }>(
      `SELECT seq::float8 AS seq, doc::text AS doc FROM ${this.table} WHERE ${where.join(' AND ')} ORDER BY seq DESC LIMIT $${params.length}::bigint`,
      params,
    );
    return rows.map((row) => ({ ...(JSON.parse(row.doc) as AuditEntry), seq: Number(row.seq) }));
  }
}

const SCHEMA_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/**
 * Migrates `schema` and opens the store on it. The same SQL runs on PGlite and on a PostgreSQL
 * server; only the executor differs. `close()` closes the executor (if it owns its connection).
 */
export async function openSqlStore(db: SqlExecutor, { schema = 'public', secretKey }: SqlStoreOptions): Promise<OcpiStore> {
  let secrets: SecretsAtRest;
  try {
    if (!SCHEMA_NAME.test(schema)) throw new Error(`invalid schema name ${JSON.stringify(schema)}: letters, digits and _ only`);
    if (typeof secretKey !== 'string') throw new Error('secretKey is required: the store keeps no token in plaintext (see createSecretsAtRest)');
    secrets = await createSecretsAtRest(secretKey);
    await migrate(db, schema, migrations, { secrets });
    const [check] = await db.query<{ value: string }>(`SELECT value FROM ${quoteIdent(schema)}.ocpi_secrets WHERE name = 'key_check'`);
    if (check?.value !== secrets.keyCheck) {
      throw new Error(`the secret key differs from the one the tokens in schema ${schema} were sealed with; start with that key`);
    }
  } catch (error) {
    await db.close().catch(() => {});
    throw error;
  }
  let closed: Promise<void> | undefined;
  return {
    objects: new SqlObjectStore(db, schema),
    partners: new SqlPartnerStore(db, schema, secrets),
    registrationTokens: new SqlRegistrationTokenStore(db, schema, secrets),
    audit: new SqlAuditStore(db, schema),
    close: () => {
      closed ??= db.close();
      return closed;
    },
  };
}
