// `pnpm start`: the two-party demo (see demo.ts); `pnpm start --hub`: two CPOs and an eMSP through a hub
// (hub-demo.ts); `--once` exits after the flow.
import { createRegistrationToken } from '@ocpi-ts/core';
import { readConfig } from './config.js';
import { runDemo } from './demo.js';
import { runHubDemo } from './hub-demo.js';
import { pullRecipe, registerRecipe } from './recipes.js';

async function main() {
  const once = process.argv.includes('--once');
  if (process.argv.includes('--hub')) return hubDemo(once);
  const adapter = readConfig({ OCPI_ADAPTER: process.env.OCPI_ADAPTER }).adapter;
  const result = await runDemo({ adapter });
  if (once) {
    await Promise.all([result.cpo.close(), result.emsp.close(), result.emsp211.close()]);
    return;
  }
  const { token: tokenA } = await createRegistrationToken(result.cpo.store, { label: 'printed by the demo' });
  console.log('Both nodes keep serving (Ctrl-C to stop). As the eMSP:');
  for (const line of pullRecipe(result.partner)) console.log(line);
  console.log('Register a node of your own with the CPO:');
  for (const line of registerRecipe(result.cpo.versionsUrl, tokenA)) console.log(line);
  // Ctrl-C reaches us twice under pnpm (the terminal, then pnpm): one shutdown, exit 0.
  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    await Promise.all([result.cpo.close(), result.emsp.close(), result.emsp211.close()]);
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown());
  process.on('SIGTERM', () => void shutdown());
}

/** `pnpm start --hub`: two CPOs and an eMSP through one hub (hub-demo.ts). */
async function hubDemo(once: boolean) {
  const adapter = readConfig({ OCPI_ADAPTER: process.env.OCPI_ADAPTER }).adapter;
  const result = await runHubDemo({ adapter });
  if (once) return result.close();
  console.log(`The four nodes keep serving (Ctrl-C to stop); the hub's versions endpoint is ${result.hub.versionsUrl}`);
  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    await result.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown());
  process.on('SIGTERM', () => void shutdown());
}

main().catch((error) => {
  console.error(`The demo failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
