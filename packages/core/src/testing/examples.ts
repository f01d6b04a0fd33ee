// The official OCPI example objects, vendored verbatim in `vendor/ocpi/examples/` at the repository root
// (see its README for source and licence), and roles, for the tests (Node only: reads files).
import type { CredentialsRole } from '../partners/partner.js';

// Found at run time: the core's sources import no Node module, test support included.
interface NodeFs {
  readFileSync(url: URL, encoding: 'utf8'): string;
  readdirSync(url: URL): string[];
  existsSync(url: URL): boolean;
  statSync(url: URL): { isDirectory(): boolean };
}
const fs = (globalThis as unknown as { process: { getBuiltinModule(name: 'node:fs'): NodeFs } }).process.getBuiltinModule('node:fs');
const { readFileSync } = fs;

/** A file or folder (ending in `/`) of the vendored OCPI material, `vendor/ocpi/` at the repository root. */
export const vendorUrl = (path: string): URL => new URL(`../../../../vendor/ocpi/${path}`, import.meta.url);

/** The text of a vendored file. */
export const readVendorText = (url: URL): string => readFileSync(url, 'utf8');

/** Whether a vendored file or folder exists. */
export const vendorExists = (url: URL): boolean => fs.existsSync(url);

/** The files below a vendored folder (its URL ends in `/`), recursively, sorted. */
export function vendorFiles(folder: URL): URL[] {
  return fs
    .readdirSync(folder)
    .sort()
    .flatMap((name) => {
      const url = new URL(name, folder);
      return fs.statSync(url).isDirectory() ? vendorFiles(new URL(`${name}/`, folder)) : [url];
    });
}

/** The folder of a version's vendored official examples (`2.1.1`, `2.2.1`, `2.3.0`, `2.3.0-bookings`). */
export const examplesDir = (version: string): URL => vendorUrl(`examples/${version}/`);

export const EXAMPLES_2_2_1 = examplesDir('2.2.1');

/** An official example by file name, parsed (2.2.1 unless another version is named). */
export const example = <T = any>(name: string, version = '2.2.1'): T => JSON.parse(readFileSync(new URL(name, examplesDir(version)), 'utf8'));

/** A CredentialsRole whose business name is its party id. */
export const role = (r: CredentialsRole['role'], country_code: string, party_id: string): CredentialsRole => ({
  role: r,
  country_code,
  party_id,
  business_details: { name: party_id },
});
