// `pnpm start`: the two-party demo (see demo.ts); `pnpm start --once` exits after the flow.
import { createRegistrationToken } from '@ocpi-ts/core';
import { readConfig } from './config.js';
import { type DemoResult, runDemo } from './demo.js';

/** How to call the nodes by hand, with the tokens they hold for each other. */
function curlHints(result: DemoResult, tokenA: string): string[] {
  const cpoToken = result.partner.outboundToken as string;
  const base64 = Buffer.from(cpoToken).toString('base64');
  return [
    'Both nodes keep serving (Ctrl-C to stop). Call the CPO as the eMSP does:',
    `  curl -s -H "Authorization: Token ${base64}" ${result.cpo.versionsUrl}`,
    `  curl -s -H "Authorization: Token ${base64}" "${result.cpo.versionsUrl.replace(/versions$/, '2.2.1/sender/locations')}?limit=2"`,
    `  curl -s -H "Authorization: Token ${base64}" ${result.cpo.versionsUrl.replace(/versions$/, '2.2.1/sender/sessions')}`,
    `Register a node of your own with the CPO (OCPI_PARTNER_VERSIONS_URL / OCPI_PARTNER_TOKEN_A of pnpm serve): ${result.cpo.versionsUrl} with token A ${tokenA}`,
  ];
}

async function main() {
  const once = process.argv.includes('--once');
  const adapter = readConfig({ OCPI_ADAPTER: process.env.OCPI_ADAPTER }).adapter;
  const result = await runDemo({ adapter });
  if (once) {
    await Promise.all([result.cpo.close(), result.emsp.close()]);
    return;
  }
  const { token: tokenA } = await createRegistrationToken(result.cpo.store, { label: 'printed by the demo' });
  for (const line of curlHints(result, tokenA)) console.log(line);
  const shutdown = async () => {
    await Promise.all([result.cpo.close(), result.emsp.close()]);
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown());
  process.once('SIGTERM', () => void shutdown());
}

main().catch((error) => {
  console.error(`The demo failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
