import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type OcpiEvent, partnerToken, type Token } from '@ocpi-ts/core';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ConfigError, readConfig } from '../src/config.js';
import { startNode } from '../src/node.js';
import { demoTokens } from '../src/seed.js';
import { after, cleanUp, env, exitOf, node, SERVE, serve, spawnNode, tempDir } from './support.js';

afterEach(() => cleanUp());
afterAll(() => cleanUp({ dirs: true }));

describe('configuration', () => {
  it.each([
    [{ OCPI_ROLE: 'NSP' }, 'OCPI_ROLE'],
    [{ OCPI_ROLE: 'HUB', OCPI_HUB_TIMEOUT_MS: '10' }, 'OCPI_HUB_TIMEOUT_MS'],
    [{ PORT: 'eighty' }, 'PORT'],
    [{ OCPI_COUNTRY_CODE: 'NLD' }, 'OCPI_COUNTRY_CODE'],
    [{ OCPI_PARTY_ID: 'TOOLONG' }, 'OCPI_PARTY_ID'],
    [{ OCPI_PUBLIC_URL: 'ftp://x' }, 'OCPI_PUBLIC_URL'],
    [{ OCPI_TOKEN_A: 'short' }, 'OCPI_TOKEN_A'],
    [{ OCPI_SEED_LOCATIONS: '-1' }, 'OCPI_SEED_LOCATIONS'],
    [{ OCPI_ADAPTER: 'koa' }, 'OCPI_ADAPTER'],
    [{ OCPI_DATABASE_URL: 'mysql://db' }, 'OCPI_DATABASE_URL'],
    [{ OCPI_OUTBOUND_POLICY: 'open' }, 'OCPI_OUTBOUND_POLICY'],
    [{ OCPI_RATE_LIMIT: '0' }, 'OCPI_RATE_LIMIT'],
    [{ OCPI_BODY_LIMIT: 'lots' }, 'OCPI_BODY_LIMIT'],
    [{ OCPI_WEBHOOK_URL: 'not a url' }, 'OCPI_WEBHOOK_URL'],
  ])('refuses %o naming the setting', (values, name) => {
    expect(() => readConfig(values)).toThrow(ConfigError);
    expect(() => readConfig(values)).toThrow(new RegExp(`^${name}:`));
  });

  it('has the documented defaults', () => {
    expect(readConfig({})).toMatchObject({
      port: 3000,
      host: '127.0.0.1',
      role: 'CPO',
      publicUrl: 'http://127.0.0.1:3000',
      seedLocations: 20,
      adapter: 'fastify',
      outboundPolicy: 'local',
    });
  });

  it('OCPI_ROLE=HUB is a hub NL*HUB on OCPI 2.3.0 and 2.2.1 (2.1.1 has no routing headers)', () => {
    const hub = readConfig({ OCPI_ROLE: 'HUB' });
    expect([hub.role, hub.partyId, hub.versions, hub.hubTimeoutMs]).toEqual(['HUB', 'HUB', ['2.3.0', '2.2.1'], 30_000]);
    expect(readConfig({ OCPI_ROLE: 'HUB', OCPI_VERSIONS: '2.2.1' }).versions).toEqual(['2.2.1']);
  });

  it('pnpm serve stops at once on a bad setting, naming it, with exit status 2', async () => {
    const failed = await serve({ OCPI_ADAPTER: 'koa' }).catch((error: { code: number; out: string }) => error);
    expect(failed).toMatchObject({ code: 2 });
    expect((failed as { out: string }).out).toContain('OCPI_ADAPTER');
  });
});

describe('the reference node over HTTP', () => {
  it('serves a health endpoint outside the OCPI paths', async () => {
    const cpo = await node({ OCPI_ROLE: 'CPO' });
    const health = await fetch(cpo.versionsUrl.replace('/ocpi/versions', '/health'));
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', role: 'CPO' });
  });

  it('counts what partners sent that was tolerated, shown at /metrics to the holder of OCPI_METRICS_TOKEN only (issue 17)', async () => {
    const cpo = await node({ OCPI_ROLE: 'CPO', OCPI_SEED_LOCATIONS: '3', OCPI_METRICS_TOKEN: 'metrics-secret-1' });
    const emsp = await node({ OCPI_ROLE: 'EMSP', OCPI_PARTY_ID: 'IOT', OCPI_COUNTRY_CODE: 'NL' });
    const partner = await emsp.partners.register({ versionsUrl: cpo.versionsUrl, tokenA: partnerToken(cpo.tokenA) });
    // The EVRoaming client's request: its own party as OCPI-to.
    const pulled = await fetch(cpo.versionsUrl.replace('/versions', '/2.2.1/sender/locations?offset=0&limit=16'), {
      headers: {
        authorization: `Token ${btoa(partner.outboundToken as string)}`,
        'OCPI-from-country-code': 'NL',
        'OCPI-from-party-id': 'IOT',
        'OCPI-to-country-code': 'NL',
        'OCPI-to-party-id': 'IOT',
      },
    });
    expect(((await pulled.json()) as { data: unknown[] }).data).toHaveLength(3);
    const url = cpo.versionsUrl.replace('/ocpi/versions', '/metrics');
    expect((await fetch(url)).status).toBe(401);
    expect((await fetch(url, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
    const metrics = await fetch(url, { headers: { authorization: 'Bearer metrics-secret-1' } });
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toMatch(/^ocpi_tolerated_total\{partner="[^"]+",kind="ocpi-to"\} 1$/m);
    expect((await fetch(emsp.versionsUrl.replace('/ocpi/versions', '/metrics'))).status).toBe(404);
  });

  it('applies OCPI_RATE_LIMIT per partner (429, Retry-After, envelope) and OCPI_BODY_LIMIT (413, envelope)', async () => {
    const cpo = await node({ OCPI_ROLE: 'CPO', OCPI_RATE_LIMIT: '2', OCPI_BODY_LIMIT: '2048', OCPI_SEED_LOCATIONS: '1' });
    const emsp = await node({ OCPI_ROLE: 'EMSP', OCPI_PARTY_ID: 'MSP', OCPI_COUNTRY_CODE: 'DE' });
    const partner = await emsp.partners.register({ versionsUrl: cpo.versionsUrl, tokenA: partnerToken(cpo.tokenA) });
    const auth = { authorization: `Token ${btoa(partner.outboundToken as string)}` };
    // The eMSP's outbox pushes its tokens to the CPO after registering: under the same partner's limit,
    // so wait until they are in, or they take the requests this test counts on.
    await expect.poll(async () => (await emsp.outbox.stats()).depth, { timeout: 20_000 }).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 1100)); // a full bucket
    const statuses: number[] = [];
    let limited: Response | undefined;
    for (let i = 0; i < 6; i++) {
      const res = await fetch(cpo.versionsUrl, { headers: auth });
      statuses.push(res.status);
      if (res.status === 429) limited = res;
    }
    expect(statuses).toContain(429);
    expect(Number(limited?.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await limited?.json()).toMatchObject({ status_code: 2000 });
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const big = await fetch(`${cpo.versionsUrl.replace('versions', '2.2.1')}/receiver/tokens/DE/MSP/X`, {
      method: 'PUT',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ pad: 'x'.repeat(5000) }),
    });
    expect(big.status).toBe(413);
    expect(await big.json()).toMatchObject({ status_code: 2000, status_message: expect.stringContaining('2048 bytes') });
  });

  it('forwards events to OCPI_WEBHOOK_URL, and keeps an audit log of the registration', async () => {
    const received: OcpiEvent[] = [];
    const hook = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => {
        received.push(JSON.parse(body));
        res.end('ok');
      });
    });
    await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
    try {
      const cpo = await node({
        OCPI_ROLE: 'CPO',
        OCPI_SEED_LOCATIONS: '1',
        OCPI_WEBHOOK_URL: `http://127.0.0.1:${(hook.address() as AddressInfo).port}/events`,
      });
      const emsp = await node({ OCPI_ROLE: 'EMSP', OCPI_PARTY_ID: 'MSP', OCPI_COUNTRY_CODE: 'DE' });
      await emsp.partners.register({ versionsUrl: cpo.versionsUrl, tokenA: partnerToken(cpo.tokenA) });
      // The eMSP pushes its three tokens after registering: three objects created at the CPO.
      await expect.poll(() => received.filter((e) => e.type === 'object.created' && e.module === 'tokens').length, { timeout: 5000 }).toBe(3);
      expect(received.some((e) => e.type === 'partner.registered')).toBe(true);
      const rows = await cpo.audit.query();
      expect(rows.map((r) => r.action)).toEqual(expect.arrayContaining(['partner.registered', 'registration_token.used']));
    } finally {
      hook.close();
    }
  });

  // Three starts on embedded stores: near 20 s on a loaded machine.
  it('keeps every partner, token and object across a restart on the same data directory', { timeout: 60_000 }, async () => {
    const dataDir = tempDir();
    const config = { OCPI_ROLE: 'CPO', OCPI_DATA_DIR: dataDir, OCPI_TOKEN_A: 'fixed-token-a-for-test', OCPI_SEED_LOCATIONS: '3' };
    const first = await startNode({ config: env(config) });
    const emsp = await node({ OCPI_ROLE: 'EMSP', OCPI_PARTY_ID: 'MSP', OCPI_COUNTRY_CODE: 'DE' });
    const partner = await emsp.partners.register({ versionsUrl: first.versionsUrl, tokenA: partnerToken(first.tokenA) });
    // The eMSP's tokens go through its outbox: delivered once it is empty.
    await expect.poll(async () => (await emsp.outbox.stats()).depth, { timeout: 10_000 }).toBe(0);
    await first.close();
    const second = await startNode({ config: env({ ...config, PORT: String(first.port) }) });
    after(second);
    const cpoSide = (await second.store.partners.list()).filter((p) => p.status === 'REGISTERED');
    expect(cpoSide).toHaveLength(1);
    const tokens = await second.store.objects.list({ module: 'tokens', offset: 0, limit: 10 });
    expect(tokens.items.map((t) => (t.data as Token).uid).sort()).toEqual(
      demoTokens({ country_code: 'DE', party_id: 'MSP' })
        .map((t) => t.uid)
        .sort(),
    );
    // The eMSP's token still opens the CPO, and token A stays dead.
    const locations = await emsp.client.forPartner(partner).get<unknown[]>('locations', 'SENDER');
    expect(locations.data).toHaveLength(3);
    expect((await fetch(second.versionsUrl, { headers: { authorization: `Token ${btoa('fixed-token-a-for-test')}` } })).status).toBe(401);
    // Two embedded stores opened and one reopened: on a loaded machine that is past the default 20 s.
  });
});

describe('pnpm serve as a process', () => {
  it.each(['fastify', 'hono', 'express'])(
    'with OCPI_ADAPTER=%s gives a node a partner of ours registers with and uses',
    async (adapter) => {
      const cpo = await serve({ OCPI_ROLE: 'CPO', OCPI_ADAPTER: adapter, OCPI_DATA_DIR: tempDir(), OCPI_SEED_LOCATIONS: '12' });
      const emsp = await node({ OCPI_ROLE: 'EMSP', OCPI_PARTY_ID: 'MSP', OCPI_COUNTRY_CODE: 'DE' });
      const partner = await emsp.partners.register({ versionsUrl: cpo.versionsUrl, tokenA: partnerToken(cpo.tokenA) });
      const client = emsp.client.forPartner(partner);
      let count = 0;
      for await (const _ of client.paginate('locations', 'SENDER', { limit: 5 })) count++;
      expect(count).toBe(12);
      const results = { receiver: emsp.commandResults!, node: emsp.server.node, timeoutMs: 15_000 };
      const token = demoTokens({ country_code: 'DE', party_id: 'MSP' })[0]!;
      const sent = await client.sendCommand('START_SESSION', { token, location_id: 'LOC00001' }, { results });
      expect(sent.response.result).toBe('ACCEPTED');
      expect((await sent.result)?.result).toBe('ACCEPTED');
    },
    60_000,
  );

  it('registers with OCPI_PARTNER_VERSIONS_URL and OCPI_PARTNER_TOKEN_A at start', async () => {
    const cpo = await node({ OCPI_ROLE: 'CPO', OCPI_SEED_LOCATIONS: '1' });
    await serve({
      OCPI_ROLE: 'EMSP',
      OCPI_PARTY_ID: 'MSP',
      OCPI_COUNTRY_CODE: 'DE',
      OCPI_DATA_DIR: tempDir(),
      OCPI_PARTNER_VERSIONS_URL: cpo.versionsUrl,
      OCPI_PARTNER_TOKEN_A: cpo.tokenA,
    });
    const registered = (await cpo.store.partners.list()).filter((p) => p.status === 'REGISTERED');
    expect(registered.map((p) => p.roles[0]?.party_id)).toEqual(['MSP']);
  }, 60_000);

  it.each(['SIGTERM', 'SIGINT'] as const)(
    'shuts down gracefully on %s with exit status 0 and no error output',
    async (signal) => {
      const { child, output } = await serve({ OCPI_ROLE: 'CPO', OCPI_DATA_DIR: tempDir(), OCPI_SEED_LOCATIONS: '1' });
      const exited = exitOf(child);
      child.kill(signal);
      child.kill(signal); // Ctrl-C reaches the node twice under pnpm (the terminal, then pnpm): one shutdown
      expect(await exited).toBe(0);
      expect(output()).toContain(`${signal}: finishing in-flight requests and closing the store`);
      expect(output()).not.toMatch(/error|ELIFECYCLE|at .*:\d+:\d+/i);
    },
    60_000,
  );

  it('through pnpm, Ctrl-C on the process group exits 0 without ELIFECYCLE', async () => {
    const pnpm = process.env.npm_execpath?.includes('pnpm') ? [process.execPath, process.env.npm_execpath] : ['pnpm'];
    // Its own process group (detached), as a terminal's foreground job.
    const { child, output } = spawnNode(pnpm[0] as string, [...pnpm.slice(1), 'serve'], { OCPI_DATA_DIR: tempDir(), OCPI_SEED_LOCATIONS: '1' }, true);
    const exited = exitOf(child);
    await expect.poll(output, { timeout: 30_000 }).toContain('Ctrl-C stops the node.');
    process.kill(-(child.pid as number), 'SIGINT');
    expect(await exited).toBe(0);
    expect(output()).not.toContain('ELIFECYCLE');
    expect(output()).toContain('SIGINT: finishing in-flight requests');
  }, 60_000);

  it('never answers a valid token 401 while it starts: 503 with Retry-After, /health starting, until ready', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));
    const tokenA = 'start-up-token-a-123';
    const origin = `http://127.0.0.1:${port}`;
    const seen: { versions: string; health: string }[] = [];
    // Enough locations that seeding takes a while: the window a partner could hit.
    spawnNode(process.execPath, ['--import', 'tsx', SERVE], { PORT: String(port), OCPI_TOKEN_A: tokenA, OCPI_DATA_DIR: tempDir(), OCPI_SEED_LOCATIONS: '400' });
    const answer = async (path: string, headers: Record<string, string> = {}) => {
      try {
        const res = await fetch(`${origin}${path}`, { headers, signal: AbortSignal.timeout(5000) });
        const body = await res.text();
        if (res.status === 503 && path !== '/health' && res.headers.get('retry-after') !== '1') return '503 without Retry-After';
        return path === '/health' ? `${res.status} ${JSON.parse(body).status}` : String(res.status);
      } catch {
        return 'closed';
      }
    };
    // From the moment the process starts until a while after the node answers.
    const deadline = Date.now() + 45_000;
    let readySince: number | undefined;
    while (Date.now() < deadline && (readySince === undefined || Date.now() - readySince < 500)) {
      const versions = await answer('/ocpi/versions', { authorization: `Token ${btoa(tokenA)}` });
      seen.push({ versions, health: await answer('/health') });
      if (versions === '200') readySince ??= Date.now();
    }
    const versions = new Set(seen.map((s) => s.versions));
    expect([...versions].filter((status) => !['closed', '503', '200'].includes(status))).toEqual([]);
    expect(versions).toContain('503');
    expect(versions).toContain('200');
    expect(seen.map((s) => s.health)).toContain('503 starting');
    expect(seen.at(-1)?.health).toBe('200 ok');
  }, 60_000);

  it('killed with SIGKILL in the middle of a stream of PUTs, it still has every object whose PUT was answered 1000 after a restart', async () => {
    const dataDir = tempDir();
    const settings = { OCPI_ROLE: 'CPO', OCPI_DATA_DIR: dataDir, OCPI_TOKEN_A: 'durability-token-a', OCPI_SEED_LOCATIONS: '1' };
    const first = await serve(settings);
    const emsp = await node({ OCPI_ROLE: 'EMSP', OCPI_PARTY_ID: 'MSP', OCPI_COUNTRY_CODE: 'DE' });
    const partner = await emsp.partners.register({ versionsUrl: first.versionsUrl, tokenA: partnerToken(first.tokenA) });
    const client = emsp.client.forPartner(partner);
    const acknowledged: string[] = [];
    const token = (n: number): Token => ({
      ...demoTokens({ country_code: 'DE', party_id: 'MSP' })[0]!,
      uid: `STREAM${String(n).padStart(5, '0')}`,
      last_updated: new Date().toISOString(),
    });
    const stream = (async () => {
      for (let n = 0; ; n++) {
        try {
          const answer = await client.pushToken(token(n));
          if (answer.statusCode === 1000) acknowledged.push(token(n).uid);
        } catch {
          return;
        }
      }
    })();
    await expect.poll(() => acknowledged.length, { timeout: 20_000 }).toBeGreaterThan(30);
    first.child.kill('SIGKILL');
    await stream;
    const port = new URL(first.versionsUrl).port;
    await serve({ ...settings, PORT: port });
    for (const uid of acknowledged) {
      const found = await client.get<Token>('tokens', 'RECEIVER', ['DE', 'MSP', uid], { query: { type: 'APP_USER' } });
      expect(found.data.uid).toBe(uid);
    }
  }, 90_000);
});
