import type { AuditEntry, AuditQuery, AuditStore, OcpiStore, Partner, PartnerStore, PartyRef, RegistrationToken, RegistrationTokenStore } from '@ocpi-ts/core';
import { createSecretsAtRest, normalizeParty, PartyTakenError, partnerToken, partyString, type SecretsAtRest } from '@ocpi-ts/core';
import { type SqlExecutor, type SqlParam, sqlState, UNIQUE_VIOLATION } from './executor.js';
import { ANNOUNCE_SETTING, migrate, migrations, quoteIdent } from './migrations.js';
import { PartnerCache } from './partner-cache.js';
import { type ObjectChange, ReadModel } from './read-model.js';
import { parseParty, SqlObjectStore, textArray } from './sql-objects.js';

export interface SqlStoreOptions {
  /** PostgreSQL schema holding the tables; created if missing. Default `public`. */
  schema?: string;
  /**
   * The node's secret (at least 32 characters): token hashes are keyed and partner tokens sealed
   * with keys derived from it (`createSecretsAtRest`). Every node sharing the database, and every
   * start, needs the same one: another is refused.
   */
  secretKey: string;
  /**
   * The node's read model (docs/stores.md): an index of every object and the encoded bytes of as many
   * as `cacheBytes` allows (default 256 MiB), kept coherent with the database through LISTEN/NOTIFY.
   * `false`: every read and write goes to SQL.
   */
  readModel?: { cacheBytes?: number } | false;
  /**
   * This store is the only one using the database (an embedded store on a PGlite instance of its
   * own, which nothing else can reach): changes are not announced, since nobody listens (migration
   * 4). PGlite only: a PostgreSQL pool's sessions are many, and other nodes may listen.
   */
  soleWriter?: boolean;
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

/**
 * Partners, with their secrets kept apart from the files: `token_hash` (and the document's
 * `inboundTokenHash`) is the keyed hash, `outboundToken` is sealed to the partner's id. Reads give the
 * token back in the clear and the hash in its keyed form, which saving again keeps as it is.
 *
 * With a read model, the partner of a token (looked up on every request) comes from `cache`: the
 * partner as stored (keyed hash, sealed token), by keyed hash, emptied by any partner change.
 */
class SqlPartnerStore implements PartnerStore {
  private readonly table: string;
  private readonly parties: string;

  constructor(
    private readonly db: SqlExecutor,
    schema: string,
    private readonly secrets: SecretsAtRest,
    private readonly cache?: PartnerCache,
  ) {
    this.table = `${quoteIdent(schema)}.ocpi_partners`;
    this.parties = `${quoteIdent(schema)}.ocpi_partner_parties`;
  }

  /** A partner as the caller sees it: its token opened (a new top-level object; a cached partner's parts are frozen). */
  private async read(stored: Partner): Promise<Partner> {
    if (stored.outboundToken === undefined) return Object.isFrozen(stored) ? { ...stored } : stored;
    return { ...stored, outboundToken: partnerToken(await this.secrets.open(stored.outboundToken, stored.id)) };
  }

  private async stored(where: string, params: SqlParam[]): Promise<Partner | undefined> {
    const [row] = await this.db.query<{ doc: string }>(`SELECT doc::text AS doc FROM ${this.table} WHERE ${where} ORDER BY seq LIMIT 1`, params);
    return row ? (JSON.parse(row.doc) as Partner) : undefined;
  }

  private async one(where: string, params: SqlParam[]): Promise<Partner | undefined> {
    const stored = await this.stored(where, params);
    return stored && this.read(stored);
  }

  get(id: string) {
    return this.one('id = $1::text', [id]);
  }

  async findByTokenHash(hash: string) {
    const keyed = await this.secrets.keyHash(hash);
    const load = () => this.stored('token_hash = $1::text', [keyed]);
    const stored = await (this.cache ? this.cache.find(keyed, load) : load());
    return stored && this.read(stored);
  }

  findByParty(party: PartyRef) {
    return this.one(`id = (SELECT partner_id FROM ${this.parties} WHERE party = $1::text)`, [partyString(party)]);
  }

  async list(): Promise<Partner[]> {
    const rows = await this.db.query<{ doc: string }>(`SELECT doc::text AS doc FROM ${this.table} ORDER BY seq`);
    return Promise.all(rows.map((row) => this.read(JSON.parse(row.doc) as Partner)));
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
    } finally {
      // Also announced to every node; this node forgets at once, before it answers.
      this.cache?.forget();
    }
  }

  async delete(id: string): Promise<boolean> {
    try {
      const rows = await this.db.query(`DELETE FROM ${this.table} WHERE id = $1::text RETURNING 1 AS deleted`, [id]);
      return rows.length > 0;
    } finally {
      this.cache?.forget();
    }
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
export async function openSqlStore(db: SqlExecutor, { schema = 'public', secretKey, readModel = {}, soleWriter = false }: SqlStoreOptions): Promise<SqlStore> {
  let secrets: SecretsAtRest;
  let model: ReadModel | undefined;
  try {
    if (!SCHEMA_NAME.test(schema)) throw new Error(`invalid schema name ${JSON.stringify(schema)}: letters, digits and _ only`);
    if (typeof secretKey !== 'string') throw new Error('secretKey is required: the store keeps no token in plaintext (see createSecretsAtRest)');
    secrets = await createSecretsAtRest(secretKey);
    if (soleWriter) {
      if (db.kind !== 'pglite') throw new Error('soleWriter is for an embedded store on a PGlite instance of its own');
      await db.query(`SET ${ANNOUNCE_SETTING} = 'off'`);
    }
    await migrate(db, schema, migrations, { secrets });
    const [check] = await db.query<{ value: string }>(`SELECT value FROM ${quoteIdent(schema)}.ocpi_secrets WHERE name = 'key_check'`);
    if (check?.value !== secrets.keyCheck) {
      throw new Error(`the secret key differs from the one the tokens in schema ${schema} were sealed with; start with that key`);
    }
    if (readModel) {
      model = new ReadModel(db, schema, { cacheBytes: readModel.cacheBytes ?? DEFAULT_CACHE_BYTES }, { announced: !soleWriter });
      await model.start();
    }
  } catch (error) {
    await model?.close().catch(() => {});
    await db.close().catch(() => {});
    throw error;
  }
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
    // The read model's channel is the one mechanism by which a node hears of the others' writes.
    ...(model ? { onObjectChange: (listener) => model.onChange((change) => listener({ key: change.key, origin: change.origin })) } : {}),
    objects: new SqlObjectStore(db, schema, model),
    partners: new SqlPartnerStore(db, schema, secrets, model && new PartnerCache(model)),
    registrationTokens: new SqlRegistrationTokenStore(db, schema, secrets),
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
