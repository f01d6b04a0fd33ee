import type { TokenEncoding } from '../partners/partner.js';

const encoder = new TextEncoder();

/** SHA-256 hex of a credentials token: what the store keeps instead of the token (Web Crypto, any runtime). */
export async function hashToken(token: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', encoder.encode(token));
  let hex = '';
  for (const byte of new Uint8Array(digest)) hex += byte.toString(16).padStart(2, '0');
  return hex;
}

/** Compares two strings in time that depends only on their length, not on where they differ. */
export function constantTimeEqual(a: string, b: string): boolean {
  const x = encoder.encode(a);
  const y = encoder.encode(b);
  let diff = x.length ^ y.length;
  const length = Math.max(x.length, y.length);
  for (let i = 0; i < length; i++) diff |= (x[i] ?? 0) ^ (y[i] ?? 0);
  return diff === 0;
}

/** A new random credentials token: 32 random bytes, base64url, no padding (printable, under 64 chars). */
export function generateToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return base64Encode(bytes).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function base64Encode(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/** Decodes strict Base64 (RFC 4648 section 4) to UTF-8 text, or undefined when it is not that. */
export function base64DecodeUtf8(value: string): string | undefined {
  if (value.length === 0 || value.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(value)) return undefined;
  try {
    const binary = atob(value);
    const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

/** The `Authorization` header value for a credentials token (transport_and_format, "Authorization header"). */
export function authorizationHeader(token: string, encoding: TokenEncoding): string {
  return `Token ${encoding === 'base64' ? base64Encode(encoder.encode(token)) : token}`;
}

/** A token as it may have been sent: Base64-decoded (2.2.1) or raw (many 2.1.1 / 2.2 platforms). */
export interface PresentedToken {
  encoding: TokenEncoding;
  token: string;
}

/**
 * The readings of `Authorization: Token <value>`: the Base64 decoding when the value is valid
 * Base64 of UTF-8 text, and the raw value. The caller accepts a reading only if the partner it
 * resolves to uses that encoding.
 */
export function readAuthorizationHeader(header: string | undefined): PresentedToken[] {
  if (!header) return [];
  const match = /^Token\s+(\S+)\s*$/i.exec(header.trim());
  const value = match?.[1];
  if (!value) return [];
  const readings: PresentedToken[] = [];
  const decoded = base64DecodeUtf8(value);
  if (decoded !== undefined && decoded.length > 0) readings.push({ encoding: 'base64', token: decoded });
  readings.push({ encoding: 'raw', token: value });
  return readings;
}
