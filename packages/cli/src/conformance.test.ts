import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runConformance } from './conformance/runner.js';
import { FAULTS, parseFault } from './mock/faults.js';
import { type RunningMock, startMock } from './mock/mock.js';
import { ocpi } from './test-support.js';

const mocks: RunningMock[] = [];
afterEach(async () => {
  await Promise.all(mocks.splice(0).map((m) => m.close()));
});

describe('conformance against the mock partner', () => {
  it.each(['CPO', 'EMSP', 'HUB'] as const)('a %s mock without faults passes every check', async (role) => {
    const mock = await startMock({ role });
    mocks.push(mock);
    const report = await runConformance({ versionsUrl: mock.versionsUrl, tokenA: mock.tokenA, write: true, timeoutMs: 5000 });
    const failed = report.checks.filter((c) => c.status === 'fail' || c.status === 'warn');
    expect(failed, JSON.stringify(failed, null, 2)).toEqual([]);
  });
});

describe('conformance against the mock hub (the core’s hub, two CPOs and an eMSP behind it)', () => {
  it('reads GET All lists, and pushes, authorizes and commands through the hub to the parties behind it', async () => {
    const mock = await startMock({ role: 'HUB', locations: 5 });
    mocks.push(mock);
    const report = await runConformance({ versionsUrl: mock.versionsUrl, tokenA: mock.tokenA, write: true, timeoutMs: 5000 });
    const by = Object.fromEntries(report.checks.map((c) => [c.id, c.status]));
    expect(report.partner).toEqual(['NL*HUB HUB']);
    expect(by).toMatchObject({
      'pagination.link': 'pass',
      'pagination.total-count': 'pass',
      'objects.ids': 'pass',
      'tokens.authorize': 'pass',
      'receivers.round-trip': 'pass',
      'receivers.errors': 'pass',
      'commands.flow': 'pass',
      'commands.errors': 'pass',
      'routing.response-headers': 'pass',
      'routing.hub': 'pass',
    });
    // The parties behind the hub registered with it through the handshake, as any party does.
    const behind = (await mock.node.store.partners.list()).flatMap((p) => p.roles.map((r) => `${r.country_code}*${r.party_id} ${r.role} ${p.status}`));
    expect(behind).toEqual(expect.arrayContaining(['NL*HC1 CPO REGISTERED', 'DE*HC2 CPO REGISTERED', 'NL*HE1 EMSP REGISTERED']));
    const commands = report.checks.find((c) => c.id === 'commands.flow');
    expect(commands?.detail).toMatch(/RESERVE_NOW ACCEPTED, → ACCEPTED/);
  });
});

describe('conformance with credentials agreed before (--token)', () => {
  it('reads without a handshake: the read checks pass, the handshake and commands are skipped', async () => {
    const mock = await startMock({ role: 'CPO' });
    mocks.push(mock);
    const dir = mkdtempSync(join(tmpdir(), 'ocpi-c-'));
    try {
      const done = await ocpi(['register', mock.versionsUrl, '--token-a', mock.tokenA, '--credentials', join(dir, 'c.json'), '--show-tokens', '--json']);
      const { token } = JSON.parse(done.stdout);
      const report = await runConformance({ versionsUrl: mock.versionsUrl, tokenC: token, write: true });
      const by = Object.fromEntries(report.checks.map((c) => [c.id, c.status]));
      expect(report.checks.filter((c) => c.status === 'fail')).toEqual([]);
      expect(by).toMatchObject({
        'credentials.register': 'skip',
        'credentials.get': 'pass',
        'objects.valid': 'pass',
        'receivers.round-trip': 'pass',
        'commands.flow': 'skip',
      });
      expect(report.partner).toEqual(['NL*MCK CPO']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('conformance against the mock partner with one fault on', () => {
  /** Small values so a run stays short: what each fault needs to show. */
  const settings: Record<string, { fault: string; role?: 'EMSP'; options?: { timeoutMs?: number; maxLatencyMs?: number; write?: boolean } }> = {
    // Every functional GET waits: an eMSP (one Sender list) without writes keeps the run short.
    slow: { fault: 'slow=400', role: 'EMSP', options: { maxLatencyMs: 250, write: false } },
    '5xx': { fault: '5xx=3' },
    timeout: { fault: 'timeout=6', options: { timeoutMs: 500 } },
    'link-loop': { fault: 'link-loop' },
    'link-skip': { fault: 'link-skip' },
    'shrinking-total': { fault: 'shrinking-total' },
    'raw-tokens': { fault: 'raw-tokens' },
    'wrong-routing': { fault: 'wrong-routing' },
    'invalid-objects': { fault: 'invalid-objects' },
    'clock-skew': { fault: 'clock-skew=900' },
    'lenient-datetimes': { fault: 'lenient-datetimes' },
  };

  it.each(FAULTS.map((f) => [f.name, f.outcome ?? 'fail', f.check] as const))('%s: %s %s and nothing else', async (name, outcome, check) => {
    const { fault, role = 'CPO', options } = settings[name] as (typeof settings)[string];
    const mock = await startMock({ role, faults: [parseFault(fault)], locations: 9 });
    mocks.push(mock);
    const report = await runConformance({ versionsUrl: mock.versionsUrl, tokenA: mock.tokenA, write: true, timeoutMs: 5000, ...options });
    const flagged = report.checks.filter((c) => c.status === 'fail' || c.status === 'warn');
    expect(
      flagged.map((c) => `${c.status} ${c.id}`),
      JSON.stringify(flagged, null, 2),
    ).toEqual([`${outcome} ${check}`]);
  });
});
