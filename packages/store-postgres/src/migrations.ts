import { isSealed, type SecretsAtRest } from '@ocpi-ts/core';
import type { SqlExecutor, SqlQueryable } from './executor.js';

/** What a migration may need besides SQL: the store's secrets, to rewrite tokens it finds in plaintext. */
export interface MigrationContext {
  secrets: SecretsAtRest;
}

/**
 * One schema change. Migrations are append-only: a released one is never edited, a change is a new
 * version. Each runs inside the single start-up transaction, so a failed start leaves nothing behind.
 */
export interface Migration {
  version: number;
  name: string;
  /** Statements to run, given the quoted schema name (`"public"`). */
  up: (schema: string) => string[];
  /** Runs after `up`, in the same transaction, for changes SQL cannot make alone (keying hashes, sealing tokens). */
  run?: (tx: SqlQueryable, schema: string, context: MigrationContext) => Promise<void>;
}

/**
 * Version 11: every token hash keyed with HMAC and every partner token sealed, in place. A plain
 * SHA-256 is keyed without knowing the token (`keyHash`); the key check refuses later starts with another key.
 */
async function sealSecrets(tx: SqlQueryable, s: string, { secrets }: MigrationContext): Promise<void> {
  const partners = await tx.query<{ id: string; doc: string }>(`SELECT id, doc::text AS doc FROM ${s}.ocpi_partners`);
  for (const row of partners) {
    const doc = JSON.parse(row.doc) as { inboundTokenHash?: string; outboundToken?: string };
    if (doc.inboundTokenHash !== undefined) doc.inboundTokenHash = await secrets.keyHash(doc.inboundTokenHash);
    if (doc.outboundToken !== undefined && !isSealed(doc.outboundToken)) doc.outboundToken = await secrets.seal(doc.outboundToken, row.id);
    await tx.query(`UPDATE ${s}.ocpi_partners SET token_hash = $2::text, doc = $3::text::jsonb WHERE id = $1::text`, [
      row.id,
      doc.inboundTokenHash ?? null,
      JSON.stringify(doc),
    ]);
  }
  const tokens = await tx.query<{ id: string; hash: string; doc: string }>(`SELECT id, hash, doc::text AS doc FROM ${s}.ocpi_registration_tokens`);
  for (const row of tokens) {
    const hash = await secrets.keyHash(row.hash);
    const doc = { ...(JSON.parse(row.doc) as object), hash };
    await tx.query(`UPDATE ${s}.ocpi_registration_tokens SET hash = $2::text, doc = $3::text::jsonb WHERE id = $1::text`, [row.id, hash, JSON.stringify(doc)]);
  }
  await tx.query(`INSERT INTO ${s}.ocpi_secrets (name, value) VALUES ('key_check', $1::text)`, [secrets.keyCheck]);
}

export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'objects, partners, registration tokens',
    up: (s) => [
      `CREATE TABLE ${s}.ocpi_objects (
        module text NOT NULL,
        owner_cc text NOT NULL,
        owner_pid text NOT NULL,
        id text NOT NULL,
        seq bigint GENERATED ALWAYS AS IDENTITY,
        json text NOT NULL,
        last_updated timestamptz NOT NULL,
        audience text[] NOT NULL DEFAULT '{}',
        restricted boolean GENERATED ALWAYS AS (cardinality(audience) > 0) STORED,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (module, owner_cc, owner_pid, id)
      )`,
      // Creation order per module. Covering every list filter column lets the skip over OFFSET rows
      // run as an index-only scan, fetching table rows for the returned page only. The audience
      // itself (unbounded) is not in it: `restricted` says whether to look in ocpi_object_audience.
      `CREATE UNIQUE INDEX ocpi_objects_module_seq ON ${s}.ocpi_objects (module, seq) INCLUDE (owner_cc, owner_pid, last_updated, restricted)`,
      `CREATE INDEX ocpi_objects_module_owner_seq ON ${s}.ocpi_objects (module, owner_cc, owner_pid, seq)`,
      `CREATE INDEX ocpi_objects_module_last_updated ON ${s}.ocpi_objects (module, last_updated, seq)`,
      // The parties of restricted objects, one row each: visibility is an index probe per entry.
      `CREATE TABLE ${s}.ocpi_object_audience (
        module text NOT NULL,
        seq bigint NOT NULL,
        party text NOT NULL,
        PRIMARY KEY (module, seq, party),
        FOREIGN KEY (module, seq) REFERENCES ${s}.ocpi_objects (module, seq) ON DELETE CASCADE
      )`,
      `CREATE INDEX ocpi_object_audience_party ON ${s}.ocpi_object_audience (module, party, seq)`,
      `CREATE TABLE ${s}.ocpi_partners (
        id text PRIMARY KEY,
        seq bigint GENERATED ALWAYS AS IDENTITY,
        status text NOT NULL,
        token_hash text,
        parties text[] NOT NULL DEFAULT '{}',
        doc jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`,
      `CREATE UNIQUE INDEX ocpi_partners_token_hash ON ${s}.ocpi_partners (token_hash)`,
      `CREATE INDEX ocpi_partners_parties ON ${s}.ocpi_partners USING gin (parties)`,
      `CREATE TABLE ${s}.ocpi_registration_tokens (
        id text PRIMARY KEY,
        seq bigint GENERATED ALWAYS AS IDENTITY,
        hash text NOT NULL,
        doc jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`,
      `CREATE INDEX ocpi_registration_tokens_hash ON ${s}.ocpi_registration_tokens (hash)`,
      // Append-only: the store has no statement that changes or deletes a row.
      `CREATE TABLE ${s}.ocpi_audit (
        seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        at timestamptz,
        action text NOT NULL,
        partner_id text,
        doc jsonb NOT NULL
      )`,
      `CREATE INDEX ocpi_audit_action ON ${s}.ocpi_audit (action, seq)`,
      `CREATE INDEX ocpi_audit_partner ON ${s}.ocpi_audit (partner_id, seq)`,
    ],
  },
  {
    version: 10,
    name: 'one partner per party',
    up: (s) => [
      // A party (country code and party id) is held by one partner that is not unregistered: the
      // primary key makes two registrations of one party racing end with one of them refused.
      `CREATE TABLE ${s}.ocpi_partner_parties (
        party text PRIMARY KEY,
        partner_id text NOT NULL REFERENCES ${s}.ocpi_partners (id) ON DELETE CASCADE
      )`,
      `CREATE INDEX ocpi_partner_parties_partner ON ${s}.ocpi_partner_parties (partner_id)`,
      // Existing partners keep their parties; of a party two of them hold (the check was not atomic), the oldest keeps it.
      `INSERT INTO ${s}.ocpi_partner_parties (party, partner_id)
       SELECT p.party, p.id FROM (SELECT unnest(parties) AS party, id, seq FROM ${s}.ocpi_partners WHERE status <> 'UNREGISTERED') AS p
       ORDER BY p.seq ON CONFLICT (party) DO NOTHING`,
    ],
  },
  {
    version: 11,
    name: 'keyed token hashes, sealed partner tokens',
    up: (s) => [`CREATE TABLE ${s}.ocpi_secrets (name text PRIMARY KEY, value text NOT NULL)`],
    run: sealSecrets,
  },
];

/** First key of the two-int advisory lock that guards migrations (second: hash of the schema name). */
const MIGRATION_LOCK = 0x0c91_0001;

export const quoteIdent = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/**
 * Brings the schema up to the latest version, in one transaction under an advisory lock: nodes
 * starting together queue on the lock, the first migrates, the others then find nothing to do.
 * Returns the versions it applied.
 */
export async function migrate(executor: SqlExecutor, schema: string, list: readonly Migration[] = migrations, context?: MigrationContext): Promise<number[]> {
  const s = quoteIdent(schema);
  return executor.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1::int, hashtext($2::text))', [MIGRATION_LOCK, schema]);
    const exists = await tx.query('SELECT 1 FROM pg_namespace WHERE nspname = $1::text', [schema]);
    if (exists.length === 0) await tx.query(`CREATE SCHEMA ${s}`);
    await tx.query(
      `CREATE TABLE IF NOT EXISTS ${s}.ocpi_migrations (
        version int PRIMARY KEY,
        name text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`,
    );
    const rows = await tx.query<{ version: number }>(`SELECT version FROM ${s}.ocpi_migrations ORDER BY version`);
    const applied = new Set(rows.map((row) => Number(row.version)));
    const latest = Math.max(0, ...list.map((m) => m.version));
    const newest = Math.max(0, ...applied);
    if (newest > latest) {
      throw new Error(`database schema ${schema} is at version ${newest}, newer than this @ocpi-ts/postgres knows (${latest}); upgrade the node`);
    }
    const done: number[] = [];
    for (const migration of [...list].sort((a, b) => a.version - b.version)) {
      if (applied.has(migration.version)) continue;
      for (const statement of migration.up(s)) await tx.query(statement);
      if (migration.run) {
        if (!context) throw new Error(`migration ${migration.version} (${migration.name}) needs the store's secrets`);
        await migration.run(tx, s, context);
      }
      await tx.query(`INSERT INTO ${s}.ocpi_migrations (version, name) VALUES ($1::int, $2::text)`, [migration.version, migration.name]);
      done.push(migration.version);
    }
    return done;
  });
}
