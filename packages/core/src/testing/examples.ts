// The official OCPI 2.2.1 example objects, and roles, for the module tests (Node only: reads files).
import type { CredentialsRole } from '../partners/partner.js';

// Found at run time: the core's sources import no Node module, test support included.
const { readFileSync } = (
  globalThis as unknown as { process: { getBuiltinModule(name: 'node:fs'): { readFileSync(url: URL, encoding: 'utf8'): string } } }
).process.getBuiltinModule('node:fs');

export const EXAMPLES_2_2_1 = new URL('../../../../../shared/ocpi-spec/2.2.1/examples/', import.meta.url);

/** An official example by file name, parsed. */
export const example = <T = any>(name: string): T => JSON.parse(readFileSync(new URL(name, EXAMPLES_2_2_1), 'utf8'));

/** A CredentialsRole whose business name is its party id. */
export const role = (r: CredentialsRole['role'], country_code: string, party_id: string): CredentialsRole => ({
  role: r,
  country_code,
  party_id,
  business_details: { name: party_id },
});
