// `pnpm admin`: the operator's commands on a node's store, configured by the same environment as
// `pnpm serve` (OCPI_DATABASE_URL or OCPI_DATA_DIR, OCPI_SECRET_KEY). The embedded store belongs to
// one process: stop the node first, or use PostgreSQL.
import {
  approvePartner,
  createRegistrationToken,
  listRegistrationTokens,
  type OcpiStore,
  type PartnerQuirks,
  refusePartner,
  revokeRegistrationToken,
  setPartnerQuirks,
} from '@ocpi-ts/core';
import { createStoreFromEnv } from '@ocpi-ts/postgres';
import { ConfigError, readConfig } from './config.js';

const USAGE = `usage:
  pnpm admin tokens issue [--label <text>] [--expires-in-hours <n>]   a registration token (token A), shown once
  pnpm admin tokens list                                             every registration token, without the tokens
  pnpm admin tokens revoke <id>                                      refuse a registration token from now on
  pnpm admin partners list                                           partners, their roles and the roles they wait for
  pnpm admin partners approve <id>                                   grant the roles a partner waits for
  pnpm admin partners refuse <id>                                    refuse them (a registration waiting is unregistered)
  pnpm admin partners quirks <id> [name=value]... [--clear]          show or set a partner's quirks: enums=strict|lenient,
                                                                     dateFromRequired=true|false, maxPageSize=<n>, clockSkewSeconds=<s>`;

class UsageError extends Error {}

function option(args: string[], name: string): string | undefined {
  const at = args.indexOf(name);
  if (at === -1) return undefined;
  const value = args[at + 1];
  if (value === undefined || value.startsWith('--')) throw new UsageError(`${name} needs a value`);
  return value;
}

/** Runs one command and returns what to print. */
export async function runAdmin(store: OcpiStore, args: string[]): Promise<string[]> {
  const [topic, command, id] = args;
  const need = (value: string | undefined) => {
    if (!value) throw new UsageError(`${topic} ${command} needs an id`);
    return value;
  };
  if (topic === 'tokens' && command === 'issue') {
    const hours = option(args, '--expires-in-hours');
    if (hours !== undefined && !/^\d+$/.test(hours)) throw new UsageError('--expires-in-hours must be a whole number');
    const label = option(args, '--label');
    const issued = await createRegistrationToken(store, {
      ...(label === undefined ? {} : { label }),
      ...(hours === undefined ? {} : { expiresAt: new Date(Date.now() + Number(hours) * 3_600_000) }),
    });
    return [`id:    ${issued.id}`, `token: ${issued.token}`, 'Give the token and the versions URL to the partner; it is not shown again.'];
  }
  if (topic === 'tokens' && command === 'list') {
    return (await listRegistrationTokens(store)).map((t) =>
      `${t.id}  ${t.state.padEnd(7)}  created ${t.createdAt}${t.expiresAt ? `  expires ${t.expiresAt}` : ''}  ${t.label ?? ''}`.trimEnd(),
    );
  }
  if (topic === 'tokens' && command === 'revoke') {
    const revoked = await revokeRegistrationToken(store, need(id));
    if (!revoked) throw new UsageError(`no registration token ${id}`);
    return [`revoked ${id}`];
  }
  const roles = (list: { role: string; country_code: string; party_id: string }[] | undefined) =>
    (list ?? []).map((r) => `${r.role} ${r.country_code}*${r.party_id}`).join(', ');
  if (topic === 'partners' && command === 'list') {
    return (await store.partners.list()).map(
      (p) => `${p.id}  ${p.status.padEnd(17)}  ${roles(p.roles)}${p.requestedRoles ? `  waits for: ${roles(p.requestedRoles)}` : ''}`,
    );
  }
  if (topic === 'partners' && (command === 'approve' || command === 'refuse')) {
    const decide = command === 'approve' ? approvePartner : refusePartner;
    const partner = await decide({ store }, need(id)).catch((error: unknown) => {
      throw new UsageError(error instanceof Error ? error.message : String(error));
    });
    return [`${partner.id}  ${partner.status}  ${roles(partner.roles)}`];
  }
  if (topic === 'partners' && command === 'quirks') {
    const current = await store.partners.get(need(id));
    if (!current) throw new UsageError(`no partner ${id}`);
    const settings = args.slice(3).filter((arg) => arg !== '--clear');
    if (settings.length === 0 && !args.includes('--clear')) return [`${current.id}  quirks: ${JSON.stringify(current.quirks ?? {})}`];
    const quirks: Record<string, unknown> = args.includes('--clear') ? {} : { ...current.quirks };
    for (const setting of settings) {
      const [name, value] = setting.split('=', 2);
      if (!name || value === undefined) throw new UsageError(`quirks are name=value, got '${setting}'`);
      quirks[name] = value === 'true' ? true : value === 'false' ? false : /^-?\d+$/.test(value) ? Number(value) : value;
    }
    const partner = await setPartnerQuirks({ store }, current.id, quirks as PartnerQuirks).catch((error: unknown) => {
      throw new UsageError(error instanceof Error ? error.message : String(error));
    });
    return [`${partner.id}  quirks: ${JSON.stringify(partner.quirks ?? {})}`];
  }
  throw new UsageError(`unknown command: ${args.join(' ') || '(none)'}`);
}

async function main() {
  const args = process.argv.slice(2);
  let store: OcpiStore | undefined;
  try {
    const config = readConfig();
    store = await createStoreFromEnv({
      databaseUrl: config.databaseUrl,
      dataDir: config.dataDir,
      secretKey: config.secretKey,
      ...(config.databaseSchema ? { schema: config.databaseSchema } : {}),
    });
    for (const line of await runAdmin(store, args)) console.log(line);
  } catch (error) {
    if (error instanceof UsageError) console.error(`${error.message}\n${USAGE}`);
    else if (error instanceof ConfigError) console.error(`Invalid setting ${error.message}`);
    else console.error(error instanceof Error ? error.message : error);
    process.exitCode = 2;
  } finally {
    await store?.close();
  }
}

if (process.argv[1]?.endsWith('admin.ts')) await main();
