// `pnpm serve`: one reference node, configured by the environment (see config.ts and the README).
import { ConfigError, readConfig } from './config.js';
import { startNode } from './node.js';

async function main() {
  let config: ReturnType<typeof readConfig>;
  try {
    config = readConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`Invalid setting ${error.message}`);
      process.exit(2);
    }
    throw error;
  }
  const node = await startNode({ config });
  const shutdown = async (signal: string) => {
    console.error(`${signal}: finishing in-flight requests and closing the store`);
    // Whatever hangs, the process ends: the store's lock goes with it (see createEmbeddedStore).
    setTimeout(() => {
      console.error(`${signal}: not closed after ${config.shutdownGraceMs + 5000} ms; exiting`);
      process.exit(1);
    }, config.shutdownGraceMs + 5000).unref();
    await node.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
  console.log(`OCPI ${config.role} ${config.countryCode}*${config.partyId} (${config.adapter}) is ready`);
  console.log(`  versions URL: ${node.versionsUrl}`);
  // A token A of the configuration stays there: printed only when the node made it, for the operator to hand out once.
  console.log(`  token A:      ${config.tokenA === undefined ? node.tokenA : '(the one in OCPI_TOKEN_A)'}`);
  console.log(`  health:       ${node.versionsUrl.replace(/\/ocpi\/versions$/, '/health')}`);
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
