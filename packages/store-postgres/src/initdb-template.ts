// A new PGlite database starts with initdb: PostgreSQL's bootstrap run in WebAssembly, which takes
// seconds of CPU (5 s on an idle 2-core machine, over 10 s on a busy one) and was most of the first
// start of a node on the embedded store. The same cluster, made once by `generateInitdbTemplate` (at
// build and install time) and kept as a gzipped tar next to the package, loads in about a second.
// It is keyed by the PGlite version: another version's template is never used; initdb runs instead.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';

/** The PGlite version installed beside this package. */
function pgliteVersion(): string {
  const entry = createRequire(import.meta.url).resolve('@electric-sql/pglite');
  const manifest = join(dirname(entry), '..', 'package.json');
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
}

/** Where the template of the installed PGlite version lives: `template/` of this package. */
export function initdbTemplatePath(): string {
  const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
  return join(packageRoot, 'template', `pglite-${pgliteVersion()}-initdb.tar.gz`);
}

/** The template as PGlite's `loadDataDir`, or undefined when none was made for this PGlite version. */
export function readInitdbTemplate(): Blob | undefined {
  const path = initdbTemplatePath();
  return existsSync(path) ? new Blob([readFileSync(path)]) : undefined;
}

/** Runs initdb once in memory and writes its cluster as the template; nothing to do when it exists. */
export async function generateInitdbTemplate(): Promise<{ path: string; written: boolean }> {
  const path = initdbTemplatePath();
  if (existsSync(path)) return { path, written: false };
  const db = await PGlite.create();
  try {
    const dump = await db.dumpDataDir('gzip');
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, new Uint8Array(await dump.arrayBuffer()));
  } finally {
    await db.close();
  }
  return { path, written: true };
}
