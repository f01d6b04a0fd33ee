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
  /** Statements to run, given the quoted schema name (`"public"`) and the name itself (`public`). */
  up: (schema: string, name: string) => string[];
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

/** 32-bit FNV-1a of a string, in hex: a short, stable tag. */
const fnv1a = (text: string): string => {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return hash.toString(16).padStart(8, '0');
};

/**
 * The LISTEN/NOTIFY channel on which every change to the objects and partners of a schema is
 * announced. A plain lower-case identifier of at most 63 bytes (PostgreSQL's limit; drivers differ in
 * quoting channel names), so a schema name with capitals, or a long one, is told apart by a hash.
 */
export function changesChannel(schema: string): string {
  const plain = `ocpi_changes_${schema}`;
  return plain === plain.toLowerCase() && plain.length <= 63 ? plain : `ocpi_changes_${schema.slice(0, 40).toLowerCase()}_${fnv1a(schema)}`;
}

/** Rows one statement may change and still be announced one by one; more are announced as "resync". */
export const NOTIFY_ROWS = 1000;
/** A session that sets this to `off` announces nothing (migration 4). */
export const ANNOUNCE_SETTING = 'ocpi_ts.announce';
/** Payloads stay below PostgreSQL's 8000-byte limit. */
const NOTIFY_BYTES = 7900;

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
    version: 2,
    name: 'object versions; changes announced on a channel',
    up: (s, name) => {
      const channel = `'${changesChannel(name)}'`;
      return [
        // Every write of an object gives it a higher version (inserts by the default, updates by the
        // trigger, whoever writes): a node's read model keeps the highest version it has seen.
        `CREATE SEQUENCE ${s}.ocpi_object_versions`,
        `ALTER TABLE ${s}.ocpi_objects ADD COLUMN version bigint NOT NULL DEFAULT nextval('${s}.ocpi_object_versions')`,
        `ALTER SEQUENCE ${s}.ocpi_object_versions OWNED BY ${s}.ocpi_objects.version`,
        `CREATE FUNCTION ${s}.ocpi_objects_next_version() RETURNS trigger LANGUAGE plpgsql AS $$
         BEGIN
           NEW.version := nextval('${s}.ocpi_object_versions');
           RETURN NEW;
         END $$`,
        `CREATE TRIGGER ocpi_objects_version BEFORE UPDATE ON ${s}.ocpi_objects FOR EACH ROW EXECUTE FUNCTION ${s}.ocpi_objects_next_version()`,
        // Each changed row is announced at commit (NOTIFY is transactional) with what a read model
        // needs: key, seq, version, last_updated, audience and, when it fits, the JSON after a newline.
        // Larger payloads leave out the JSON (or everything but the key): listeners fetch the row.
        // A statement changing more than ${NOTIFY_ROWS} rows (a bulk load) is announced as one "resync".
        `CREATE FUNCTION ${s}.ocpi_objects_changed() RETURNS trigger LANGUAGE plpgsql AS $$
         DECLARE
           channel text := TG_ARGV[0];
           r record;
           key text;
           header text;
         BEGIN
           IF TG_OP = 'DELETE' THEN
             IF (SELECT count(*) FROM old_rows) > ${NOTIFY_ROWS} THEN
               PERFORM pg_notify(channel, '{"o":"r"}');
               RETURN NULL;
             END IF;
             FOR r IN SELECT module, owner_cc, owner_pid, id, seq, version FROM old_rows LOOP
               header := json_build_object('o', 'd', 'm', r.module, 'c', r.owner_cc, 'p', r.owner_pid, 'i', r.id, 's', r.seq, 'v', r.version)::text;
               PERFORM pg_notify(channel, CASE WHEN octet_length(header) < ${NOTIFY_BYTES} THEN header ELSE '{"o":"r"}' END);
             END LOOP;
           ELSE
             IF (SELECT count(*) FROM new_rows) > ${NOTIFY_ROWS} THEN
               PERFORM pg_notify(channel, '{"o":"r"}');
               RETURN NULL;
             END IF;
             FOR r IN SELECT module, owner_cc, owner_pid, id, seq, version, last_updated, audience, json FROM new_rows LOOP
               key := json_build_object('o', 'u', 'm', r.module, 'c', r.owner_cc, 'p', r.owner_pid, 'i', r.id, 's', r.seq, 'v', r.version)::text;
               header := left(key, -1) || ',"t":' || (extract(epoch FROM r.last_updated) * 1000)::float8 || ',"a":' || array_to_json(r.audience)::text || '}';
               IF octet_length(header) + octet_length(r.json) < ${NOTIFY_BYTES} THEN
                 PERFORM pg_notify(channel, header || chr(10) || r.json);
               ELSIF octet_length(header) < ${NOTIFY_BYTES} THEN
                 PERFORM pg_notify(channel, header);
               ELSIF octet_length(key) < ${NOTIFY_BYTES} THEN
                 PERFORM pg_notify(channel, key);
               ELSE
                 PERFORM pg_notify(channel, '{"o":"r"}');
               END IF;
             END LOOP;
           END IF;
           RETURN NULL;
         END $$`,
        `CREATE TRIGGER ocpi_objects_inserted AFTER INSERT ON ${s}.ocpi_objects REFERENCING NEW TABLE AS new_rows
         FOR EACH STATEMENT EXECUTE FUNCTION ${s}.ocpi_objects_changed(${channel})`,
        `CREATE TRIGGER ocpi_objects_updated AFTER UPDATE ON ${s}.ocpi_objects REFERENCING NEW TABLE AS new_rows
         FOR EACH STATEMENT EXECUTE FUNCTION ${s}.ocpi_objects_changed(${channel})`,
        `CREATE TRIGGER ocpi_objects_deleted AFTER DELETE ON ${s}.ocpi_objects REFERENCING OLD TABLE AS old_rows
         FOR EACH STATEMENT EXECUTE FUNCTION ${s}.ocpi_objects_changed(${channel})`,
        // Partner changes are announced without detail: nodes drop what they keep of partners.
        `CREATE FUNCTION ${s}.ocpi_partners_changed() RETURNS trigger LANGUAGE plpgsql AS $$
         BEGIN
           PERFORM pg_notify(TG_ARGV[0], '{"o":"p"}');
           RETURN NULL;
         END $$`,
        `CREATE TRIGGER ocpi_partners_changed AFTER INSERT OR UPDATE OR DELETE ON ${s}.ocpi_partners
         FOR EACH STATEMENT EXECUTE FUNCTION ${s}.ocpi_partners_changed(${channel})`,
      ];
    },
  },
  {
    version: 3,
    name: 'list pages from the read model: two list-only indexes dropped',
    // Pages come from the node's read model; only the SQL fallback (read model not ready, or off)
    // still filters in SQL, on the (module, seq) index that INCLUDEs owner and last_updated. Every
    // write paid for these two: measured, a third of the database's time per update.
    up: (s) => [`DROP INDEX ${s}.ocpi_objects_module_owner_seq`, `DROP INDEX ${s}.ocpi_objects_module_last_updated`],
  },
  {
    version: 4,
    name: 'changes announced unless the session says nobody listens',
    // An embedded store on a PGlite instance of its own is the database's only reader and writer:
    // nobody listens, and announcing cost PGlite half of a grouped update (measured). Such a session
    // sets `ocpi_ts.announce = off` (openSqlStore's `soleWriter`); every other session announces as before.
    up: (s, name) => {
      const channel = `'${changesChannel(name)}'`;
      const when = `WHEN (current_setting('${ANNOUNCE_SETTING}', true) IS DISTINCT FROM 'off')`;
      const objects = (trigger: string, event: string, transition: string) => [
        `DROP TRIGGER ${trigger} ON ${s}.ocpi_objects`,
        `CREATE TRIGGER ${trigger} AFTER ${event} ON ${s}.ocpi_objects REFERENCING ${transition}
         FOR EACH STATEMENT ${when} EXECUTE FUNCTION ${s}.ocpi_objects_changed(${channel})`,
      ];
      return [
        ...objects('ocpi_objects_inserted', 'INSERT', 'NEW TABLE AS new_rows'),
        ...objects('ocpi_objects_updated', 'UPDATE', 'NEW TABLE AS new_rows'),
        ...objects('ocpi_objects_deleted', 'DELETE', 'OLD TABLE AS old_rows'),
        `DROP TRIGGER ocpi_partners_changed ON ${s}.ocpi_partners`,
        `CREATE TRIGGER ocpi_partners_changed AFTER INSERT OR UPDATE OR DELETE ON ${s}.ocpi_partners
         FOR EACH STATEMENT ${when} EXECUTE FUNCTION ${s}.ocpi_partners_changed(${channel})`,
      ];
    },
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
      for (const statement of migration.up(s, schema)) await tx.query(statement);
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
