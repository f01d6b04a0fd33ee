import { generateToken, hashToken } from '../auth/tokens.js';
import type { RegistrationToken } from '../partners/partner.js';
import type { OcpiStore } from '../store/types.js';

export interface CreateRegistrationTokenOptions {
  /** What the token is for, e.g. the partner's name: shown in listings. */
  label?: string;
  /** After this instant the token is refused. */
  expiresAt?: Date;
  /** The token itself, when the operator chose it (e.g. from configuration); default a new random one. */
  token?: string;
}

/** A registration token as listings show it: never the token itself, which only its creator saw once. */
export type RegistrationTokenInfo = Omit<RegistrationToken, 'hash'> & { state: 'usable' | 'used' | 'revoked' | 'expired' };

/**
 * Issues a registration token (CREDENTIALS_TOKEN_A, credentials "Registration") to hand to a new
 * partner out of band, with our versions URL. The token is returned once; only its hash is stored.
 * It is accepted on the versions, version details and credentials endpoints only, and dies when a
 * partner registers with it.
 */
export async function createRegistrationToken(store: OcpiStore, options: CreateRegistrationTokenOptions = {}): Promise<{ id: string; token: string }> {
  const token = options.token ?? generateToken();
  const record: RegistrationToken = {
    id: crypto.randomUUID(),
    hash: await hashToken(token),
    createdAt: new Date().toISOString(),
    ...(options.label === undefined ? {} : { label: options.label }),
    ...(options.expiresAt === undefined ? {} : { expiresAt: options.expiresAt.toISOString() }),
  };
  await store.registrationTokens.create(record);
  return { id: record.id, token };
}

const stateOf = (token: RegistrationToken, now: number): RegistrationTokenInfo['state'] =>
  token.revokedAt ? 'revoked' : token.usedAt ? 'used' : token.expiresAt && Date.parse(token.expiresAt) <= now ? 'expired' : 'usable';

/** Every registration token issued, oldest first, without hashes. */
export async function listRegistrationTokens(store: OcpiStore): Promise<RegistrationTokenInfo[]> {
  const now = Date.now();
  return (await store.registrationTokens.list())
    .map(({ hash: _hash, ...info }) => ({ ...info, state: stateOf({ hash: _hash, ...info }, now) }))
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
}

/** Refuses the token from now on; false when no token has this id. */
export function revokeRegistrationToken(store: OcpiStore, id: string): Promise<boolean> {
  return store.registrationTokens.revoke(id);
}
