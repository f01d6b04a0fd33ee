// Copy-paste recipes printed for a newcomer: how a partner registers with a node, and how to pull
// from a node one is registered with. Shared by `pnpm serve` and the demo (`pnpm start`).
import { authorizationHeader, type Partner } from '@ocpi-ts/core';

/**
 * How another node registers with this one: the versions URL and token A, and a `pnpm serve` that does
 * it. `tokenA` undefined: the operator configured it (OCPI_TOKEN_A), and it is not printed back.
 */
export function registerRecipe(versionsUrl: string, tokenA: string | undefined): string[] {
  const port = Number(new URL(versionsUrl).port || 80) + 1;
  return [
    'A partner registers with these two, given out of band (OCPI credentials handshake: it POSTs its credentials with token A;',
    'each side then holds a new token for the other, and token A is dead):',
    `  versions URL: ${versionsUrl}`,
    `  token A:      ${tokenA ?? '(the one in OCPI_TOKEN_A)'}`,
    'Try it with an eMSP of your own, in another terminal; it registers, then prints how to pull our locations:',
    `  PORT=${port} OCPI_ROLE=EMSP OCPI_COUNTRY_CODE=DE OCPI_PARTY_ID=MSP OCPI_DATA_DIR=.data/ocpi-emsp-${port} \\`,
    `    OCPI_PARTNER_VERSIONS_URL=${versionsUrl} OCPI_PARTNER_TOKEN_A=${tokenA ?? '"$OCPI_TOKEN_A"'} pnpm serve`,
  ];
}

/** `curl` commands that call a partner as we do, with the token it gave us (Authorization: Token, Base64). */
export function pullRecipe(partner: Partner): string[] {
  const header = `Authorization: ${authorizationHeader(partner.outboundToken ?? '', partner.tokenEncoding)}`;
  const url = (identifier: string) => partner.endpoints.find((e) => e.identifier === identifier && e.role === 'SENDER')?.url;
  const name = partner.roles.map((r) => `${r.country_code}*${r.party_id}`).join(', ');
  const lines = [`Call ${name} as this node does, with the token ${name} gave it in the handshake:`, `  curl -s -H "${header}" ${partner.versionsUrl}`];
  const locations = url('locations');
  if (locations) lines.push(`  curl -s -H "${header}" "${locations}?limit=2"   # a page of locations: Link and X-Total-Count headers lead on`);
  const sessions = url('sessions');
  if (sessions) lines.push(`  curl -s -H "${header}" ${sessions}   # charging sessions of our drivers`);
  return lines;
}
