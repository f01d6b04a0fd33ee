/**
 * `ocpi validate --version` and `ocpi convert` on every official example of 2.1.1, 2.2.1 and 2.3.0
 * (Payments and Bookings included): each validates in its own version (or is rejected naming the
 * fields where the spec text makes it invalid), and converting it to 2.3.0 and back gives it back
 * changed only where a loss was reported.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { covered, differences, EXAMPLE_TABLES, type ExampleValue, example, exampleJson, examplesDir, exampleValues } from '@ocpi-ts/core/test-support';
import type { TSchema } from '@sinclair/typebox';
import { afterAll, describe, expect, it } from 'vitest';
import { ocpi } from './test-support.js';

const FOLDERS = [
  ['2.1.1', '2.1.1'],
  ['2.2.1', '2.2.1'],
  ['2.3.0', '2.3.0'],
  ['2.3.0-bookings', '2.3.0'],
] as const;

/** The `--type` of an example: its schema's name, `...Patch` for a PATCH body. */
const typeArg = (schema: TSchema, patch: boolean) => `${String(schema.title).replace(/Patch$/, '')}${patch ? 'Patch' : ''}`;

const ndjson = (values: readonly unknown[]) => values.map((value) => JSON.stringify(value)).join('\n');

/** The examples of a folder by type, in order. */
function byType(values: readonly ExampleValue[]): Map<string, ExampleValue[]> {
  const groups = new Map<string, ExampleValue[]>();
  for (const value of values) {
    const type = typeArg(value.schema, value.patch);
    groups.set(type, [...(groups.get(type) ?? []), value]);
  }
  return groups;
}

const dir = mkdtempSync(join(tmpdir(), 'ocpi-convert-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.each(FOLDERS)('ocpi validate --version: the official %s examples', (folder, version) => {
  const table = EXAMPLE_TABLES[folder];
  const values = exampleValues(folder, table);

  it.each([...byType(values)])('every %s validates in its own version', async (type, group) => {
    const res = await ocpi(['validate', '--version', version, '--type', type, '--json'], { stdin: ndjson(group.map((g) => g.value)) });
    expect(JSON.parse(res.stdout)).toMatchObject({ version, objects: group.length, valid: true, invalid: [] });
    expect(res.code).toBe(0);
  });

  const invalid = Object.entries(table).flatMap(([file, entry]) => (entry.kind === 'invalid' ? [[file, entry] as const] : []));
  it.each(invalid)('%s is rejected as the spec text makes it, naming the fields', async (file, entry) => {
    const value = exampleJson(readExample(folder, file));
    const res = await ocpi(['validate', '--version', version, '--type', typeArg(entry.schema, false), '--json'], { stdin: JSON.stringify(value) });
    expect(res.code).toBe(1);
    const paths = JSON.parse(res.stdout).invalid.flatMap((i: { issues: { path: string }[] }) => i.issues.map((x) => x.path));
    for (const path of entry.paths) expect(paths).toContain(path);
  });
});

const readExample = (folder: string, file: string): string => readFileSync(new URL(file, examplesDir(folder)), 'utf8');

/** The options a conversion of this example needs: its owner (2.1.1 names none) and the eMSP of its Token. */
function partyArgs(value: unknown): string[] {
  const object = value as { country_code?: string; party_id?: string; cdr_token?: { country_code?: string; party_id?: string } };
  const owner = `${object.country_code ?? 'NL'}*${object.party_id ?? 'TNM'}`;
  return ['--party', owner, '--emsp', `${object.cdr_token?.country_code ?? 'DE'}*${object.cdr_token?.party_id ?? 'MSP'}`, '--role', 'CPO'];
}

interface Report {
  converted: unknown[];
  losses: { pointer: string; kind: string; reason: string }[];
  refused: unknown[];
}

async function convert(args: string[], value: unknown, refusal?: string): Promise<Report> {
  const res = await ocpi(['convert', ...args, '--json'], { stdin: JSON.stringify(value) });
  const report = JSON.parse(res.stdout) as Report;
  if (refusal) {
    expect(JSON.stringify(report.refused)).toContain(refusal);
    expect(res.code).toBe(1);
    return report;
  }
  expect(report.refused, `${args.join(' ')}: ${res.stdout}`).toEqual([]);
  expect(res.code).toBe(0);
  return report;
}

/** Examples that cannot be written in 2.3.0 at all, and the reason the refusal gives. */
const INEXPRESSIBLE: Record<string, string> = {
  // mod_tariffs 2.1.1 "2.2.3 PATCH Method"; 2.2 has no Tariff PATCH.
  'mod_tariffs.md-L209.txt': 'OCPI 2.3.0 has no Tariff PATCH',
};

describe.each(FOLDERS)('ocpi convert: the official %s examples to 2.3.0 and back', (folder, version) => {
  it.each(exampleValues(folder, EXAMPLE_TABLES[folder]).map((entry) => [`${entry.file}${entry.label}`, entry] as const))('%s', async (_name, entry) => {
    const type = ['--type', typeArg(entry.schema, entry.patch)];
    const parties = partyArgs(entry.value);
    const refusal = INEXPRESSIBLE[entry.file];
    const there = await convert(['--from', version, '--to', '2.3.0', ...type, ...parties], entry.value, refusal);
    if (refusal) return;
    if (version === '2.3.0') {
      // The canonical model is 2.3.0: nothing to convert, nothing lost.
      expect(there.converted).toEqual([entry.value]);
      expect(there.losses).toEqual([]);
      return;
    }
    // A 2.1.1 Session or CDR embeds its Location: written back from the Location it names, given as 2.3.0.
    const locations: string[] = [];
    const losses = [...there.losses];
    const embedded = (entry.value as { location?: unknown }).location;
    if (version === '2.1.1' && embedded !== undefined) {
      const location = await convert(['--from', '2.1.1', '--to', '2.3.0', '--type', 'Location', ...parties], embedded);
      const file = join(dir, `${entry.file}-location.json`);
      writeFileSync(file, JSON.stringify(location.converted[0]));
      losses.push(...location.losses.map((loss) => ({ ...loss, pointer: `/location${loss.pointer}` })));
      locations.push('--locations', file);
    }
    const back = await convert(['--from', '2.3.0', '--to', version, ...type, ...parties, ...locations], there.converted[0]);
    losses.push(...back.losses);
    const unexplained = differences(entry.value, back.converted[0]).filter((difference) => !covered(difference, losses as Parameters<typeof covered>[1]));
    expect(unexplained).toEqual([]);
  });
});

describe('ocpi convert: refusals and output', () => {
  const location = example<Record<string, unknown>>('location_example.json', '2.2.1');
  const token211 = exampleValues('2.1.1', EXAMPLE_TABLES['2.1.1']).find((e) => e.file === 'mod_tokens.md-L129.txt')?.value;

  it('refuses a 2.1.1 object when no --party says who owns it, naming --party (exit 2), and writes nothing', async () => {
    const res = await ocpi(['convert', '--from', '2.1.1', '--to', '2.2.1', '--type', 'Token'], { stdin: JSON.stringify(token211) });
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/name no owner: .*--party CC\*PID/);
    expect(res.stdout).toBe('');
  });

  it("with --party the 2.1.1 Token is that party's in 2.2.1", async () => {
    const res = await ocpi(['convert', '--from', '2.1.1', '--to', '2.2.1', '--party', 'nl*tnm'], { stdin: JSON.stringify(token211) });
    expect(res.code).toBe(0);
    expect(JSON.parse(res.stdout)).toMatchObject({ country_code: 'NL', party_id: 'TNM', uid: (token211 as { uid: string }).uid });
  });

  it('refuses an object invalid in the --from version, naming the field (exit 1), and converts the others', async () => {
    const bad = { ...location, id: 'BAD', evses: [{ ...(location.evses as object[])[0], status: 'SLEEPING' }] };
    const res = await ocpi(['convert', '--from', '2.2.1', '--to', '2.3.0'], { stdin: `${JSON.stringify(location)}\n${JSON.stringify(bad)}\n` });
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/✗ stdin:2 Location BAD\n {4}\/evses\/0\/status: /);
    expect(res.stderr).toMatch(/2 objects, OCPI 2\.2\.1 -> 2\.3\.0: 1 converted .*1 refused/);
    // NDJSON in, NDJSON out: only the converted object.
    expect(
      res.stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line).id),
    ).toEqual(['LOC1']);
  });

  it('refuses a Session to 2.1.1 whose Location is not given, saying to give it with --locations', async () => {
    const session = example('session_example_1_simple_start.json', '2.2.1');
    const res = await ocpi(['convert', '--from', '2.2.1', '--to', '2.1.1', '--json'], { stdin: JSON.stringify(session) });
    expect(res.code).toBe(1);
    const report = JSON.parse(res.stdout);
    expect(report.converted).toEqual([]);
    expect(report.refused[0].issues).toContainEqual({
      path: '/location_id',
      message: expect.stringMatching(/not known here \(give it with --locations <file>\)/),
    });
  });

  it('writes a Session to 2.1.1 with the Location given by --locations embedded, and reports each loss on stderr', async () => {
    const session = example('session_example_1_simple_start.json', '2.2.1');
    const file = join(dir, 'locations.ndjson');
    // The Location of the Session's own party (a Location is found by its owner and id).
    writeFileSync(file, `${JSON.stringify({ ...location, country_code: 'NL', party_id: 'STK' })}\n`);
    const res = await ocpi(['convert', '--from', '2.2.1', '--to', '2.1.1', '--locations', file], { stdin: JSON.stringify(session) });
    expect(res.code).toBe(0);
    const written = JSON.parse(res.stdout);
    expect(written.location).toMatchObject({ id: 'LOC1', evses: [{ uid: (session as { evse_uid: string }).evse_uid }] });
    expect(written.auth_id).toBe((session as { cdr_token: { contract_id: string } }).cdr_token.contract_id);
    expect(res.stderr).toMatch(/~ stdin Session 101\n {4}\/cdr_token narrowed: OCPI 2\.1\.1 names the Token by its contract id/);
  });

  it('refuses unknown versions and types with the known ones', async () => {
    const version = await ocpi(['convert', '--from', '2.0', '--to', '2.3.0']);
    expect(version.code).toBe(2);
    expect(version.stderr).toMatch(/--from 2\.0 is not a version .*known: 2\.3\.0, 2\.2\.1, 2\.1\.1/);
    const type = await ocpi(['validate', '--version', '2.1.1', '--type', 'ChargingProfile']);
    expect(type.code).toBe(2);
    expect(type.stderr).toMatch(/--type ChargingProfile is not an OCPI 2\.1\.1 type/);
  });
});
