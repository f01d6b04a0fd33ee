import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getOwnObject, type Location, partnerToken, STORE_MODULES, versionEdge } from '@ocpi-ts/core';
import { example } from '@ocpi-ts/core/test-support';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { parseFault } from './mock/faults.js';
import { type RunningMock, startMock } from './mock/mock.js';
import { startRoleNode } from './node.js';
import { sampleLocation } from './samples.js';
import { ocpi } from './test-support.js';

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'ocpi-cli-'));
  dirs.push(dir);
  return dir;
};
const mocks: RunningMock[] = [];
afterEach(async () => {
  await Promise.all(mocks.splice(0).map((m) => m.close()));
});
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

async function mock(options: Parameters<typeof startMock>[0]) {
  const started = await startMock(options);
  mocks.push(started);
  return started;
}

/** A mock of the role, registered with through `ocpi register` into a fresh credentials file. */
async function registered(role: 'CPO' | 'EMSP', options: Partial<Parameters<typeof startMock>[0]> = {}) {
  const partner = await mock({ role, ...options });
  const credentials = join(tempDir(), 'credentials.json');
  const res = await ocpi([
    'register',
    partner.versionsUrl,
    '--token-a',
    partner.tokenA,
    '--credentials',
    credentials,
    '--role',
    role === 'CPO' ? 'EMSP' : 'CPO',
  ]);
  expect(res.code, res.stderr).toBe(0);
  return { partner, credentials, register: res };
}

describe('ocpi: arguments and exit codes', () => {
  it('prints the commands without arguments (exit 2) and with --help (exit 0)', async () => {
    const none = await ocpi([]);
    expect(none.code).toBe(2);
    expect(none.stdout).toMatch(/conformance/);
    expect((await ocpi(['--help'])).code).toBe(0);
    expect((await ocpi(['pull', '--help'])).stdout).toMatch(/--since/);
  });

  it('refuses an unknown command or option with exit 2 and says which', async () => {
    const unknown = await ocpi(['fly']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown command 'fly'/);
    const option = await ocpi(['validate', '--frobnicate']);
    expect(option.code).toBe(2);
    expect(option.stderr).toMatch(/frobnicate/);
  });

  it('answers an unreachable partner with exit 3, as JSON with --json', async () => {
    const res = await ocpi(['versions', 'http://127.0.0.1:9/ocpi/versions', '--token', 'x', '--json', '--timeout', '2s']);
    expect(res.code).toBe(3);
    expect(JSON.parse(res.stdout)).toMatchObject({ exitCode: 3, error: expect.stringMatching(/127\.0\.0\.1:9/) });
  });

  it('answers a missing credentials profile with exit 4', async () => {
    const res = await ocpi(['pull', 'locations', '--credentials', join(tempDir(), 'none.json')]);
    expect(res.code).toBe(4);
    expect(res.stderr).toMatch(/ocpi register/);
  });
});

describe('ocpi price (the tariff engine of @ocpi-ts/tariffs)', () => {
  it('checks a CDR against its Tariffs from files relative to the working directory; exit 1 when its costs differ, 2 without --session', async () => {
    const dir = tempDir();
    const cdr = example('cdr_example.json') as Record<string, unknown>;
    writeFileSync(join(dir, 'cdr.json'), JSON.stringify(cdr));
    writeFileSync(join(dir, 'billed.json'), JSON.stringify({ ...cdr, total_cost: { excl_vat: 4.01, incl_vat: 4.4 } }));
    const good = await ocpi(['price', '--cdr', 'cdr.json'], { cwd: dir });
    expect(good.code, good.stderr).toBe(0);
    expect(good.stdout).toContain("The CDR's costs match");
    const billed = await ocpi(['price', '--cdr=billed.json', '--json'], { cwd: dir });
    expect(billed.code).toBe(1);
    expect(JSON.parse(billed.stdout).differences).toContainEqual(expect.objectContaining({ field: 'total_cost.excl_vat' }));
    const missing = await ocpi(['price', '--tariff', 'cdr.json'], { cwd: dir });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--session is required');
    expect((await ocpi(['price', '--help'])).stdout).toContain('Usage: ocpi price');
    expect((await ocpi(['--help'])).stdout).toMatch(/price +price a Session or CDR/);
  });
});

describe('ocpi versions and register', () => {
  it('versions lists the versions and the endpoints of each', async () => {
    const partner = await mock({ role: 'CPO' });
    const res = await ocpi(['versions', partner.versionsUrl, '--token', partner.tokenA]);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toMatch(/2\.2\.1 +http/);
    expect(res.stdout).toMatch(/locations +SENDER +http/);
    const json = JSON.parse((await ocpi(['versions', partner.versionsUrl, '--token', partner.tokenA, '--json'])).stdout);
    expect(json.endpoints['2.2.1']).toContainEqual(expect.objectContaining({ identifier: 'tokens', role: 'RECEIVER' }));
  });

  it('register keeps the credentials in a file only its owner can read, and prints no token unless asked', async () => {
    const { partner, credentials, register } = await registered('CPO');
    expect(statSync(credentials).mode & 0o777).toBe(0o600);
    const file = JSON.parse(readFileSync(credentials, 'utf8'));
    const profile = file.profiles['nl-mck'];
    expect(profile).toMatchObject({
      versionsUrl: partner.versionsUrl,
      version: '2.2.1',
      tokenEncoding: 'base64',
      roles: [expect.objectContaining({ role: 'CPO' })],
    });
    expect(register.stdout).toMatch(/Registered with NL\*MCK \(CPO\)/);
    expect(register.stdout).not.toContain(profile.token);
    expect(register.stdout).toMatch(/hidden/);
    // The token is the partner's (C): it works, and the versions command takes it from the profile.
    const versions = await ocpi(['versions', '--credentials', credentials]);
    expect(versions.code, versions.stderr).toBe(0);
    expect(versions.stdout).toMatch(/locations/);
  });

  it('register --show-tokens prints the token; a party registered twice is refused by the partner (exit 3)', async () => {
    const partner = await mock({ role: 'CPO' });
    const credentials = join(tempDir(), 'c.json');
    const first = await ocpi(['register', partner.versionsUrl, '--token-a', partner.tokenA, '--credentials', credentials, '--show-tokens', '--json']);
    expect(first.code, first.stderr).toBe(0);
    const shown = JSON.parse(first.stdout);
    expect(shown.token).toBe(JSON.parse(readFileSync(credentials, 'utf8')).profiles['nl-mck'].token);
    const again = await ocpi(['register', partner.versionsUrl, '--token-a', partner.tokenA, '--credentials', credentials]);
    expect(again.code).toBe(3);
  });
});

describe('ocpi register: who holds which roles', () => {
  it('takes the roles of the partner the user registers with, a hub included', async () => {
    const hub = await mock({ role: 'HUB' });
    const credentials = join(tempDir(), 'c.json');
    const res = await ocpi(['register', hub.versionsUrl, '--token-a', hub.tokenA, '--credentials', credentials]);
    expect(res.code, res.stderr).toBe(0);
    const profile = JSON.parse(readFileSync(credentials, 'utf8')).profiles['nl-hub'];
    // The mock hub is the core's: its credentials name the hub only; the parties behind it are in its Hub Client Info.
    expect(profile.roles.map((r: { role: string; country_code: string; party_id: string }) => `${r.country_code}*${r.party_id} ${r.role}`)).toEqual([
      'NL*HUB HUB',
    ]);
  });

  it('the mock does not believe a partner that registers as a hub: refused with 2001, nothing saved', async () => {
    const cpo = await mock({ role: 'CPO' });
    const claimer = await startRoleNode({
      role: 'HUB',
      parties: [{ role: 'HUB', country_code: 'DE', party_id: 'HBX', business_details: { name: 'Self-made hub' } }],
    });
    try {
      await expect(claimer.registry.register({ versionsUrl: cpo.versionsUrl, tokenA: partnerToken(cpo.tokenA) })).rejects.toThrow(
        /HUB role of DE\/HBX is not granted/,
      );
      expect(await cpo.node.store.partners.list()).toEqual([]);
    } finally {
      await claimer.close();
    }
  });
});

describe('ocpi pull and push', () => {
  it('pull writes every object once as NDJSON, with a summary', async () => {
    const { credentials } = await registered('CPO', { locations: 57 });
    const out = join(tempDir(), 'locations.ndjson');
    const res = await ocpi(['pull', 'locations', '--credentials', credentials, '--out', out, '--limit', '10', '--json']);
    expect(res.code, res.stderr).toBe(0);
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    const ids = lines.map((line) => JSON.parse(line).id);
    expect(ids).toHaveLength(57);
    expect(new Set(ids).size).toBe(57);
    expect(JSON.parse(res.stdout)).toMatchObject({ module: 'locations', objects: 57, pages: 6, invalid: [] });
    expect(res.stderr).toMatch(/locations \[#+\.*\] \d+\/57/);
  });

  it('pull names every invalid object and its field, leaves it out, and exits 1', async () => {
    const { credentials } = await registered('CPO', { locations: 9, faults: [parseFault('invalid-objects')] });
    const res = await ocpi(['pull', 'locations', '--credentials', credentials, '--quiet']);
    expect(res.code).toBe(1);
    const named = [...res.stderr.matchAll(/invalid Location (LOC\d+) .*\/address: is required/g)].map((m) => m[1]);
    expect(named.length).toBeGreaterThan(0);
    const written = res.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line).id);
    expect(written.length + named.length).toBe(9);
    for (const id of named) expect(written).not.toContain(id);
  });

  it('pulls Sessions from a CPO with date_from (the epoch), which it requires', async () => {
    const { credentials } = await registered('CPO');
    const res = await ocpi(['pull', 'sessions', '--credentials', credentials, '--quiet']);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout.trim().split('\n')).toHaveLength(3);
  });

  it('push sends valid objects to the Receiver interface and refuses invalid ones unsent', async () => {
    const { partner, credentials } = await registered('EMSP');
    const ours = { country_code: 'NL', party_id: 'CLI' };
    const good = sampleLocation(ours, 1, '2026-01-01T00:00:00Z');
    const { address: _gone, ...bad } = sampleLocation(ours, 2, '2026-01-01T00:00:00Z');
    const file = join(tempDir(), 'push.ndjson');
    writeFileSync(file, `${JSON.stringify(good)}\n${JSON.stringify(bad)}\n`);
    const res = await ocpi(['push', 'locations', file, '--credentials', credentials, '--quiet']);
    expect(res.code).toBe(1);
    expect(res.stdout).toMatch(/invalid, not sent .*LOC00002: \/address: is required/);
    expect(res.stdout).toMatch(/1 of 2 locations pushed/);
    expect(await getOwnObject<Location>(partner.node.store, STORE_MODULES.locations, ours, good.id)).toEqual(good);
    expect(await getOwnObject(partner.node.store, STORE_MODULES.locations, ours, 'LOC00002')).toBeUndefined();
  });
});

describe.each(['2.1.1', '2.3.0'])('ocpi with a partner that speaks OCPI %s', (version) => {
  it('versions and register take its version; pull writes canonical objects; push sends them in its version', async () => {
    const listed = await mock({ role: 'CPO', versions: [version] });
    const versions = await ocpi(['versions', listed.versionsUrl, '--token', listed.tokenA]);
    expect(versions.code, versions.stderr).toBe(0);
    expect(versions.stdout).toMatch(new RegExp(`${version.replaceAll('.', '\\.')} +http\\S+ +spoken by this CLI`));

    const { credentials } = await registered('CPO', { versions: [version], locations: 12 });
    const profile = JSON.parse(readFileSync(credentials, 'utf8')).profiles['nl-mck'];
    expect([profile.version, profile.tokenEncoding]).toEqual([version, version === '2.1.1' ? 'raw' : 'base64']);
    // 2.1.1 endpoints have no role: it follows from the partner's (a CPO sends Locations).
    expect(profile.endpoints).toContainEqual(expect.objectContaining({ identifier: 'locations', role: 'SENDER' }));
    const pulled = await ocpi(['pull', 'locations', '--credentials', credentials, '--quiet']);
    expect(pulled.code, pulled.stderr).toBe(0);
    const locations = pulled.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Location);
    expect(locations).toHaveLength(12);
    // Canonical (2.3.0) objects: a 2.1.1 Location names no owner, its credentials do.
    expect(new Set(locations.map((l) => `${l.country_code}*${l.party_id}`))).toEqual(new Set(['NL*MCK']));

    const { partner, credentials: ofEmsp } = await registered('EMSP', { versions: [version] });
    const ours = { country_code: 'NL', party_id: 'CLI' };
    const location = sampleLocation(ours, 1, '2026-01-01T00:00:00Z');
    // The file is in the partner's version, as a user of that version writes it.
    const canonical = versionEdge('2.2.1').toCanonical('Location', location);
    const inVersion = canonical.ok ? versionEdge(version).fromCanonical('Location', canonical.value) : canonical;
    if (!inVersion.ok) throw new Error(`the sample Location cannot be written in ${version}`);
    const file = join(tempDir(), 'push.json');
    writeFileSync(file, JSON.stringify(inVersion.value));
    const pushed = await ocpi(['push', 'locations', file, '--credentials', ofEmsp, '--quiet']);
    expect(pushed.code, pushed.stdout).toBe(0);
    const kept = await getOwnObject<Location>(partner.node.store, STORE_MODULES.locations, ours, location.id);
    expect([kept?.country_code, kept?.party_id, kept?.id, kept?.address]).toEqual(['NL', 'CLI', location.id, location.address]);
  });
});

describe('ocpi validate', () => {
  it('reads NDJSON from stdin and names the field of each invalid object', async () => {
    const location = sampleLocation({ country_code: 'NL', party_id: 'CPO' }, 1, '2026-01-01T00:00:00Z');
    const lines = [
      location,
      { ...location, id: 'X2', evses: [{ ...location.evses?.[0], status: 'BROKEN' }] },
      { ...location, id: 'X3', country: 'Netherlands' },
    ];
    const res = await ocpi(['validate'], { stdin: `${lines.map((l) => JSON.stringify(l)).join('\n')}\nnot json\n` });
    expect(res.code).toBe(1);
    expect(res.stdout).toMatch(/stdin:2 Location X2\n +\/evses\/0\/status: /);
    expect(res.stdout).toMatch(/stdin:3 Location X3\n +\/country: /);
    expect(res.stdout).toMatch(/stdin:4 object\n +\(root\): not JSON/);
    expect(res.stdout).toMatch(/4 objects \(3 Location\), OCPI 2\.2\.1: 3 invalid/);
  });

  it('refuses an unknown --type or --version with exit 2, and an unreadable file with exit 4', async () => {
    expect((await ocpi(['validate', '--type', 'Spaceship'])).code).toBe(2);
    expect((await ocpi(['validate', '--version', '9.9'])).code).toBe(2);
    const missing = await ocpi(['validate', join(tempDir(), 'nope.json')]);
    expect(missing.code).toBe(4);
    expect(missing.stderr).toMatch(/Cannot read/);
  });
});

describe('ocpi conformance and ocpi mock', () => {
  it('reports as a table (exit 0), JSON, and JUnit XML to a file', async () => {
    const partner = await mock({ role: 'CPO' });
    const junit = join(tempDir(), 'report.xml');
    const table = await ocpi(['conformance', partner.versionsUrl, '--token-a', partner.tokenA, '--junit', junit]);
    expect(table.code, table.stdout).toBe(0);
    expect(table.stdout).toMatch(/pagination\.link +PASS +transport_and_format/);
    expect(table.stdout).toMatch(/receivers\.round-trip +SKIP .*--write/);
    const xml = readFileSync(junit, 'utf8');
    expect(xml).toMatch(/^<\?xml/);
    expect(xml).toMatch(/<testcase classname="ocpi.conformance.read" name="pagination.link: /);
    expect(xml).toMatch(/failures="0"/);
  });

  it('exits 1 with the failing check named when the partner is at fault', async () => {
    const partner = await mock({ role: 'CPO', faults: [parseFault('link-loop')] });
    const res = await ocpi(['conformance', partner.versionsUrl, '--token-a', partner.tokenA, '--json']);
    expect(res.code).toBe(1);
    const report = JSON.parse(res.stdout);
    expect(report.checks.filter((c: { status: string }) => c.status === 'fail').map((c: { id: string }) => c.id)).toEqual(['pagination.link']);
    const junit = await ocpi(['conformance', partner.versionsUrl, '--token', 'nope', '--format', 'junit']);
    expect(junit.stdout).toMatch(/<failure message=/);
  });

  it('exits 3 when the partner cannot be read at all', async () => {
    const res = await ocpi(['conformance', 'http://127.0.0.1:9/ocpi/versions', '--token', 'x', '--timeout', '1s']);
    expect(res.code).toBe(3);
  });

  it('ocpi mock serves until stopped, printing its versions URL and token A', async () => {
    const stop = new AbortController();
    let announced!: (line: { versionsUrl: string; tokenA: string; faults: string[] }) => void;
    const ready = new Promise<{ versionsUrl: string; tokenA: string; faults: string[] }>((resolve) => {
      announced = resolve;
    });
    const running = ocpi(['mock', '--role', 'EMSP', '--fault', 'clock-skew=60', '--json'], {
      signal: stop.signal,
      onStdout: (text) => text.endsWith('\n') && announced(JSON.parse(text)),
    });
    const line = await ready;
    expect(line).toMatchObject({ faults: ['clock-skew=60'], versionsUrl: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/ocpi\/versions$/) });
    const versions = await ocpi(['versions', line.versionsUrl, '--token', line.tokenA]);
    expect(versions.stdout).toMatch(/tokens +SENDER/);
    stop.abort();
    expect((await running).code).toBe(0);
    // Stopped: nothing answers there any more.
    expect((await ocpi(['versions', line.versionsUrl, '--token', line.tokenA, '--timeout', '2s'])).code).toBe(3);
    expect((await ocpi(['mock', '--role', 'NONE'])).code).toBe(2);
    expect((await ocpi(['mock', '--role', 'CPO', '--fault', 'gremlins'])).code).toBe(2);
  });
});

describe('ocpi: option values', () => {
  it('takes a token that starts with a dash as the value of its option', async () => {
    const res = await ocpi(['versions', 'http://127.0.0.1:9/ocpi/versions', '--token', '-starts-with-a-dash', '--timeout', '1s']);
    expect(res.stderr).not.toMatch(/ambiguous/);
    expect(res.code).toBe(3);
  });
});
