// Secrets at rest: what a store writes instead of a credentials token. The tokens a partner gave us
// (we present them when calling it) are sealed with AES-GCM; the hashes of the tokens we gave (to
// recognize them) are keyed with HMAC, so a stolen database allows no offline guessing of a weak
// token. Web Crypto only: the same code runs on every runtime.
import { base64Encode } from './tokens.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** The prefix of a keyed hash: `k1:` + hex HMAC-SHA256 of the token's SHA-256 hex. */
export const KEYED_HASH_PREFIX = 'k1:';
/** The prefix of a sealed value: `s1:` + base64 of IV (12 bytes) and AES-256-GCM ciphertext. */
export const SEALED_PREFIX = 's1:';

/** What a store needs to keep tokens out of its files. */
export interface SecretsAtRest {
  /**
   * The form a token hash (the SHA-256 hex the core computes) is stored and looked up in:
   * `k1:` + HMAC under the node's key. Already keyed values are returned as they are, so a record
   * read back and saved again keeps its hash, and an old store's plain SHA-256 can be upgraded
   * without knowing the token.
   */
  keyHash(hash: string): Promise<string>;
  /** Encrypts a token for storage, bound to `context` (e.g. the partner id): it opens under that context only. */
  seal(plaintext: string, context: string): Promise<string>;
  /** Decrypts what `seal` wrote; fails when the key or the context differ, or the value was altered. */
  open(sealed: string, context: string): Promise<string>;
  /** A value derived from the key, kept by the store to refuse a start with another key. */
  readonly keyCheck: string;
}

const isKeyed = (value: string) => value.startsWith(KEYED_HASH_PREFIX);
export const isSealed = (value: string): boolean => value.startsWith(SEALED_PREFIX);

/** A new secret key: 32 random bytes, base64url (43 characters). */
export function generateSecretKey(): string {
  return base64Encode(crypto.getRandomValues(new Uint8Array(32)))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
}

const hex = (bytes: ArrayBuffer) => Array.from(new Uint8Array(bytes), (b) => b.toString(16).padStart(2, '0')).join('');

function fromBase64(value: string): Uint8Array<ArrayBuffer> {
  return Uint8Array.from(atob(value), (c) => c.charCodeAt(0));
}

/** A small memory of pure results: every request of a partner repeats the same hash and the same sealed token. */
class Memo {
  private readonly values = new Map<string, string>();
  get(key: string): string | undefined {
    return this.values.get(key);
  }
  set(key: string, value: string): string {
    if (this.values.size >= 1024) this.values.clear();
    this.values.set(key, value);
    return value;
  }
}

/**
 * Derives the hashing and sealing keys from a node secret of at least 32 characters (HKDF-SHA256,
 * one key per use). The same secret must be given to every node sharing a database, and on every start.
 */
export async function createSecretsAtRest(secretKey: string): Promise<SecretsAtRest> {
  if (secretKey.length < 32) throw new Error('The secret key must be at least 32 characters (e.g. generateSecretKey(), or `openssl rand -base64 32`)');
  const material = await crypto.subtle.importKey('raw', encoder.encode(secretKey), 'HKDF', false, ['deriveKey', 'deriveBits']);
  const derive = (info: string, algorithm: HmacImportParams | AesKeyAlgorithm, usages: KeyUsage[]) =>
    crypto.subtle.deriveKey(
      { name: 'HKDF', hash: 'SHA-256', salt: encoder.encode('ocpi-ts secrets at rest'), info: encoder.encode(info) },
      material,
      algorithm,
      false,
      usages,
    );
  const hmacKey = await derive('token hash v1', { name: 'HMAC', hash: 'SHA-256', length: 256 }, ['sign']);
  const aesKey = await derive('token seal v1', { name: 'AES-GCM', length: 256 }, ['encrypt', 'decrypt']);
  const checkBits = await crypto.subtle.deriveBits(
    { name: 'HKDF', hash: 'SHA-256', salt: encoder.encode('ocpi-ts secrets at rest'), info: encoder.encode('key check v1') },
    material,
    128,
  );
  const hashes = new Memo();
  /** By context, then sealed value: both strings come from the same stored record on every request, so no key is built. */
  const opened = new Map<string, Memo>();

  return {
    keyCheck: hex(checkBits),
    async keyHash(hash) {
      if (isKeyed(hash)) return hash;
      const known = hashes.get(hash);
      if (known !== undefined) return known;
      return hashes.set(hash, `${KEYED_HASH_PREFIX}${hex(await crypto.subtle.sign('HMAC', hmacKey, encoder.encode(hash)))}`);
    },
    async seal(plaintext, context) {
      const iv = crypto.getRandomValues(new Uint8Array(12));
      const sealed = new Uint8Array(
        await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: encoder.encode(context) }, aesKey, encoder.encode(plaintext)),
      );
      const joined = new Uint8Array(iv.byteLength + sealed.byteLength);
      joined.set(iv);
      joined.set(sealed, iv.byteLength);
      return `${SEALED_PREFIX}${base64Encode(joined)}`;
    },
    async open(sealed, context) {
      let memo = opened.get(context);
      const known = memo?.get(sealed);
      if (known !== undefined) return known;
      if (!isSealed(sealed)) throw new Error('Not a sealed value');
      const bytes = fromBase64(sealed.slice(SEALED_PREFIX.length));
      const plain = await crypto.subtle.decrypt(
        { name: 'AES-GCM', iv: bytes.subarray(0, 12), additionalData: encoder.encode(context) },
        aesKey,
        bytes.subarray(12),
      );
      if (!memo) {
        if (opened.size >= 1024) opened.clear();
        memo = new Memo();
        opened.set(context, memo);
      }
      return memo.set(sealed, decoder.decode(plain));
    },
  };
}
