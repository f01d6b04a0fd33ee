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
    await node.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
  console.log(`OCPI ${config.role} ${config.countryCode}*${config.partyId} (${config.adapter}) is ready`);
  console.log(`  versions URL: ${node.versionsUrl}`);
  console.log(`  token A:      ${node.tokenA}`);
  console.log(`  health:       ${node.versionsUrl.replace(/\/ocpi\/versions$/, '/health')}`);
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
