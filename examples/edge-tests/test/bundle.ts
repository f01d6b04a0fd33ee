// esbuild bundles of the examples for Deno and workerd: one ES module, workspace packages from their sources.
import { build, type Plugin } from 'esbuild';
import { SOURCES, SOURCES_FILTER } from './sources.js';

const workspaceSources: Plugin = {
  name: 'ocpi-ts sources',
  setup(b) {
    b.onResolve({ filter: SOURCES_FILTER }, (args) => {
      const path = SOURCES[args.path];
      return path ? { path } : undefined;
    });
  },
};

/** Bundles `entry` into one ES module (no Node built-in allowed: platform neutral) and returns its text. */
export async function bundle(entry: string, conditions: string[] = []): Promise<string> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    mainFields: ['module', 'main'],
    conditions,
    target: 'es2022',
    write: false,
    logLevel: 'silent',
    plugins: [workspaceSources],
  });
  const [output] = result.outputFiles;
  if (!output) throw new Error(`esbuild produced no output for ${entry}`);
  return output.text;
}
