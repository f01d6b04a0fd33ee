/**
 * Writes `template/pglite-<version>-initdb.tar.gz`, the cluster a new embedded store starts from (see
 * src/initdb-template.ts). Run by the package's build and by `pnpm install` at the root (prepare);
 * does nothing when the template of the installed PGlite version exists. Not committed; packed.
 */
import { generateInitdbTemplate } from '../src/initdb-template.js';

const started = performance.now();
const { path, written } = await generateInitdbTemplate();
if (written) console.log(`wrote ${path} (initdb in ${((performance.now() - started) / 1000).toFixed(1)} s)`);
