import { chmodSync, closeSync, existsSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { generateSecretKey } from '@ocpi-ts/core';
import { pgliteExecutor, type SqlExecutor } from './executor.js';
import { readInitdbTemplate } from './initdb-template.js';
import { Vacuum, withVacuum } from './maintenance.js';
import { openSqlStore, type SqlStore, type SqlStoreOptions } from './sql-store.js';

export type EmbeddedStoreOptions =
  | {
      /**
       * Directory holding the database; created if missing. `memory://` keeps everything in memory
       * (tests). One process at a time: a second open of the same directory is refused.
       */
      dataDir: string;
      /** PostgreSQL schema for the tables (default `public`). */
      schema?: string;
      /** The node's read model (see `SqlStoreOptions.readModel`); `false` for SQL only. */
      readModel?: SqlStoreOptions['readModel'];
      /**
       * The node's secret (at least 32 characters) that keys token hashes and seals partner tokens.
       * Default: one generated once and kept in `dataDir/secret-key` (0600): no token is in plaintext
       * in the files, but a copy of the whole directory carries its key; give one from elsewhere
       * (`OCPI_SECRET_KEY` on the reference node) to keep them apart.
       */
      secretKey?: string;
    }
  | {
      /** An existing PGlite instance (say, with extensions loaded). The store does not close it. */
      pglite: PGlite;
      schema?: string;
      readModel?: SqlStoreOptions['readModel'];
      secretKey: string;
    };

const LOCK_FILE = 'ocpi-ts.lock';
const KEY_FILE = 'secret-key';

/**
 * Owner-only modes on everything in the data directory: 0700 directories, 0600 files. Whatever the
 * umask, PGlite writes the files of its initial database 0666 (and some later ones 0644); the
 * directory itself being 0700 keeps other users out in between.
 */
function restrictModes(dir: string): void {
  chmodSync(dir, 0o700);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) restrictModes(path);
    else if (!lstatSync(path).isSymbolicLink()) chmodSync(path, 0o600);
  }
}

/** Writes a new file readable by its owner only, whatever the umask; fails if it exists. */
function writePrivateFile(path: string, content: string): void {
  const fd = openSync(path, 'wx', 0o600);
  try {
    writeSync(fd, content);
  } finally {
    closeSync(fd);
  }
  chmodSync(path, 0o600);
}

/** The data directory's own key, generated on first use (see `secretKey`). */
function dataDirKey(dir: string): string {
  const path = join(dir, KEY_FILE);
  try {
    writePrivateFile(path, `${generateSecretKey()}\n`);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return readFileSync(path, 'utf8').trim();
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/**
 * PGlite runs PostgreSQL in this process and does not stop a second process from opening the same
 * directory, which would corrupt it: a lock file with our pid does. A lock left by a dead process
 * (crash, SIGKILL) is taken over.
 */
function lockDataDir(dir: string): () => void {
  const path = join(dir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writePrivateFile(path, `${process.pid}\n`);
      const unlock = () => {
        process.off('exit', unlock);
        try {
          if (readFileSync(path, 'utf8').trim() === String(process.pid)) unlinkSync(path);
        } catch {
          // already gone
        }
      };
      // However the process ends short of a crash (process.exit after a hung shutdown included), the lock goes with it.
      process.on('exit', unlock);
      return unlock;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number.parseInt(readFileSync(path, 'utf8'), 10);
      if (Number.isInteger(holder) && alive(holder)) {
        throw new Error(`data directory ${dir} is in use by process ${holder}${holder === process.pid ? ' (this one)' : ''}; one node per data directory`);
      }
      unlinkSync(path);
    }
  }
  throw new Error(`could not lock data directory ${dir}`);
}

/**
 * The embedded default: PostgreSQL compiled to WebAssembly (PGlite), persisted to `dataDir`.
 * Durable per write: PGlite's Postgres runs with synchronous_commit=on and writes its WAL through
 * to the files in `dataDir` (Node filesystem, no write-behind cache) before a commit returns, so a
 * process killed right after an answered write loses nothing. (PGlite does not fsync, so an OS crash
 * or power loss may lose the last writes; use PostgreSQL where that matters.)
 */
export async function createEmbeddedStore(options: EmbeddedStoreOptions): Promise<SqlStore> {
  // `soleWriter`: a PGlite instance of the store's own (a data directory, or memory://) has no other
  // user, so nobody listens to announcements; one given by the caller may be shared, and announces.
  const maintained = async (executor: SqlExecutor, secretKey: string, soleWriter: boolean) => {
    const store = await openSqlStore(executor, {
      secretKey,
      soleWriter,
      ...(options.schema === undefined ? {} : { schema: options.schema }),
      ...(options.readModel === undefined ? {} : { readModel: options.readModel }),
    });
    return withVacuum(store, new Vacuum(executor, options.schema ?? 'public', (error) => console.warn('ocpi-ts: VACUUM of the embedded store failed', error)));
  };
  if ('pglite' in options) return maintained(pgliteExecutor(options.pglite, { owned: false }), options.secretKey, false);

  const inMemory = options.dataDir.startsWith('memory://');
  let unlock = () => {};
  let dataDir = options.dataDir;
  let secretKey = options.secretKey ?? (inMemory ? generateSecretKey() : undefined);
  if (!inMemory) {
    dataDir = resolve(options.dataDir);
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    chmodSync(dataDir, 0o700);
    unlock = lockDataDir(dataDir);
  }
  // A new database starts from the initdb template (seconds of WebAssembly CPU saved) when there is one.
  const isNew = inMemory || !existsSync(join(dataDir, 'PG_VERSION'));
  const template = isNew ? readInitdbTemplate() : undefined;
  let db: PGlite;
  try {
    secretKey ??= dataDirKey(dataDir);
    // PostgreSQL's default 128 MB of shared buffers: a third of PGlite's memory, and little use
    // beside the node's read model, which serves the reads. 32 MB keeps PGlite near 400 MB resident.
    db = await PGlite.create(dataDir, {
      relaxedDurability: false,
      postgresqlconf: ['shared_buffers=32MB'],
      ...(template ? { loadDataDir: template } : {}),
    });
    if (!inMemory) restrictModes(dataDir);
  } catch (error) {
    unlock();
    throw error;
  }
  const executor = pgliteExecutor(db);
  return maintained(
    {
      ...executor,
      close: async () => {
        try {
          await executor.close();
          if (!inMemory) restrictModes(dataDir);
        } finally {
          unlock();
        }
      },
    },
    secretKey,
    true,
  );
}
