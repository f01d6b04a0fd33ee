// Bundles sources for a non-Node platform and fails on any Node built-in in their dependency graph:
// how a package proves it runs on Bun, Deno and edge runtimes (Node only: esbuild).
import { builtinModules } from 'node:module';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';

const builtins = new Set(builtinModules);

/** Fails the build on any import of a Node built-in, `node:` prefixed or bare. */
export const refuseNodeImports: Plugin = {
  name: 'refuse-node-imports',
  setup(b) {
    b.onResolve({ filter: /.*/ }, (args) => {
      if (args.path.startsWith('node:') || builtins.has(args.path)) {
        return { errors: [{ text: `Node built-in '${args.path}' imported by ${args.importer}` }] };
      }
      return undefined;
    });
  },
};

/** The entry points bundled for `platform: 'neutral'` (workspace packages from their sources): the errors and the code. */
export async function bundleNeutral(entryPoints: string[]): Promise<{ errors: unknown[]; code: string }> {
  const result = await build({
    entryPoints,
    bundle: true,
    platform: 'neutral',
    mainFields: ['module', 'main'],
    // Workspace packages resolve to their sources through the root tsconfig's paths.
    tsconfig: fileURLToPath(new URL('../../tsconfig.json', import.meta.url)),
    format: 'esm',
    write: false,
    outdir: 'out',
    logLevel: 'silent',
    plugins: [refuseNodeImports],
  });
  return { errors: result.errors, code: result.outputFiles.map((f) => f.text).join('\n') };
}
