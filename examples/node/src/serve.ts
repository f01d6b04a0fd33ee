// `pnpm serve`: one reference node, configured by the environment (see config.ts and docs/node.md).
// Prints a line per start-up step, then what a partner needs to register. SIGINT (Ctrl-C) and SIGTERM
// finish in-flight requests (for OCPI_SHUTDOWN_GRACE_MS), close the store and exit 0.
import { ConfigError, type NodeConfig, readConfig } from './config.js';
import { type RunningNode, startNode } from './node.js';
import { pullRecipe, registerRecipe } from './recipes.js';

let config: NodeConfig | undefined;
let node: RunningNode | undefined;
let stopping = false;
async function shutdown(signal: string) {
  // The terminal sends Ctrl-C to every process of the group and pnpm forwards it again: one is enough.
  if (stopping) return;
  stopping = true;
  console.log(`${signal}: finishing in-flight requests and closing the store`);
  // Whatever hangs, the process ends: the store's lock goes with it (see createEmbeddedStore).
  const limitMs = (config?.shutdownGraceMs ?? 0) + 5000;
  setTimeout(() => {
    console.error(`${signal}: not closed after ${limitMs} ms; exiting`);
    process.exit(1);
  }, limitMs).unref();
  await node?.close();
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));

async function main() {
  try {
    config = readConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`Invalid setting ${error.message}`);
      process.exit(2);
    }
    throw error;
  }
  console.log(`ocpi-ts reference node: ${config.role} ${config.countryCode}*${config.partyId}, OCPI ${config.versions.join(', ')}`);
  node = await startNode({ config, onStep: (line) => console.log(line) });
  console.log(`  health: ${node.versionsUrl.replace(/\/ocpi\/versions$/, '/health')}`);
  // A token A of the configuration stays there: printed only when the node made it, for the operator to hand out once.
  for (const line of registerRecipe(node.versionsUrl, config.tokenA === undefined ? node.tokenA : undefined)) console.log(line);
  const registeredWith = config.registerWith?.versionsUrl;
  const partner = registeredWith ? (await node.store.partners.list()).find((p) => p.status === 'REGISTERED' && p.versionsUrl === registeredWith) : undefined;
  if (partner) for (const line of pullRecipe(partner)) console.log(line);
  console.log('Ctrl-C stops the node.');
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
