import type { AuditEntry, AuditQuery, AuditStore, OcpiStore, Partner, PartnerStore, PartyRef, RegistrationToken, RegistrationTokenStore } from '@ocpi-ts/core';
import { normalizeParty, partyString } from '@ocpi-ts/core';
import { type SqlExecutor, type SqlParam, sqlState, UNIQUE_VIOLATION } from './executor.js';
import { migrate, quoteIdent } from './migrations.js';
import { CachedPartners } from './partner-cache.js';
import { type ObjectChange, ReadModel } from './read-model.js';
import { SqlObjectStore, textArray } from './sql-objects.js';

export interface SqlStoreOptions {
  /** PostgreSQL schema holding the tables; created if missing. Default `public`. */
  schema?: string;
  /**
   * The node's read model (docs/stores.md): an index of every object and the encoded bytes of as many
   * as `cacheBytes` allows (default 256 MiB), kept coherent with the database through LISTEN/NOTIFY.
   * `false`: every read and write goes to SQL.
   */
  readModel?: { cacheBytes?: number } | false;
}

/** Default budget of the read model's encoded objects. */
export const DEFAULT_CACHE_BYTES = 256 * 1024 * 1024;

/** A SQL store: an OcpiStore, and the state of its read model (for health checks, metrics and tests). */
export interface SqlStore extends OcpiStore {
  /** Undefined when opened without one. */
  readonly readModel: ReadModelStatus | undefined;
}

export interface ReadModelStatus {
  /** Whether reads are answered from it (false while it is built, and while its channel is lost). */
  readonly ready: boolean;
  /** Objects indexed, bytes of encoded objects held, and bytes allocated for them. */
  stats(): { objects: number; heldBytes: number; allocatedBytes: number };
  /** Every change the read model takes, this node's and other writers' (see ReadModel.onChange). */
  onChange(listener: (change: ObjectChange) => void): () => void;
}

class SqlPartnerStore implements PartnerStore {
  private readonly table: string;

  constructor(
    private readonly db: SqlExecutor,
    schema: string,
  ) {
    this.table = `${quoteIdent(schema)}.ocpi_partners`;
  }

  private async one(where: string, params: SqlParam[]): Promise<Partner | undefined> {
    const [row] = await this.db.query<{ doc: string }>(`SELECT doc::text AS doc FROM ${this.table} WHERE ${where} ORDER BY seq LIMIT 1`, params);
    return row ? (JSON.parse(row.doc) as Partner) : undefined;
  }

  get(id: string) {
    return this.one('id = $1::text', [id]);
  }

  findByTokenHash(hash: string) {
    return this.one('token_hash = $1::text', [hash]);
  }

  findByParty(party: PartyRef) {
    return this.one(`parties @> ARRAY[$1::text] AND status <> 'UNREGISTERED'`, [partyString(party)]);
  }

  async list(): Promise<Partner[]> {
    const rows = await this.db.query<{ doc: string }>(`SELECT doc::text AS doc FROM ${this.table} ORDER BY seq`);
    return rows.map((row) => JSON.parse(row.doc) as Partner);
  }

  async save(partner: Partner): Promise<void> {
    const normalized: Partner = { ...partner, roles: partner.roles.map((role) => ({ ...role, ...normalizeParty(role) })) };
    const parties = [...new Set(normalized.roles.map(partyString))];
    try {
      await this.db.query(
        `INSERT INTO ${this.table} (id, status, token_hash, parties, doc)
         VALUES ($1::text, $2::text, $3::text, ${textArray('$4')}, $5::text::jsonb)
         ON CONFLICT (id) DO UPDATE SET status = EXCLUDED.status, token_hash = EXCLUDED.token_hash,
           parties = EXCLUDED.parties, doc = EXCLUDED.doc, updated_at = now()`,
        [normalized.id, normalized.status, normalized.inboundTokenHash ?? null, JSON.stringify(parties), JSON.stringify(normalized)],
      );
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

class SqlRegistrationTokenStore implements RegistrationTokenStore {
  private readonly table: string;

  constructor(
    private readonly db: SqlExecutor,
    schema: string,
  ) {
    this.table = `${quoteIdent(schema)}.ocpi_registration_tokens`;
  }

  async create(token: RegistrationToken): Promise<void> {
    try {
      await this.db.query(`INSERT INTO ${this.table} (id, hash, doc) VALUES ($1::text, $2::text, $3::text::jsonb)`, [
        token.id,
        token.hash,
        JSON.stringify(token),
      ]);
    } catch (error) {
      if (sqlState(error) === UNIQUE_VIOLATION) throw new Error(`registration token ${token.id} exists`, { cause: error });
      throw error;
    }
  }

  async findByHash(hash: string): Promise<RegistrationToken | undefined> {
    const [row] = await this.db.query<{ doc: string }>(`SELECT doc::text AS doc FROM ${this.table} WHERE hash = $1::text ORDER BY seq LIMIT 1`, [hash]);
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
export async function openSqlStore(db: SqlExecutor, { schema = 'public', readModel = {} }: SqlStoreOptions = {}): Promise<SqlStore> {
  if (!SCHEMA_NAME.test(schema)) throw new Error(`invalid schema name ${JSON.stringify(schema)}: letters, digits and _ only`);
  let model: ReadModel | undefined;
  try {
    await migrate(db, schema);
    if (readModel) {
      model = new ReadModel(db, schema, { cacheBytes: readModel.cacheBytes ?? DEFAULT_CACHE_BYTES });
      await model.start();
    }
  } catch (error) {
    await model?.close().catch(() => {});
    await db.close().catch(() => {});
    throw error;
  }
  const partners = new SqlPartnerStore(db, schema);
  let closed: Promise<void> | undefined;
  const status: ReadModelStatus | undefined = model && {
    get ready() {
      return model.ready;
    },
    stats: () => model.index.stats(),
    onChange: (listener) => model.onChange(listener),
  };
  return {
    readModel: status,
    objects: new SqlObjectStore(db, schema, model),
    partners: model ? new CachedPartners(partners, model) : partners,
    registrationTokens: new SqlRegistrationTokenStore(db, schema),
    audit: new SqlAuditStore(db, schema),
    close: () => {
      closed ??= (async () => {
        await model?.close();
        await db.close();
      })();
      return closed;
    },
  };
}
