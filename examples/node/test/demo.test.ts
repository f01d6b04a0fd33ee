import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CDR, createAjvValidatorFactory, Session } from '@ocpi-ts/core';
import { checkCdr } from '@ocpi-ts/tariffs';
import { afterAll, describe, expect, it } from 'vitest';
import { runDemo } from '../src/demo.js';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});
const validators = createAjvValidatorFactory();

describe.each(['fastify', 'hono', 'express'] as const)('the two-party demo over real HTTP through %s', (adapter) => {
  it('registers, pulls every location, starts and stops a session by command, and delivers the session and its CDR', { timeout: 90_000 }, async () => {
    const dataDir = mkdtempSync(join(tmpdir(), `ocpi-demo-${adapter}-`));
    dirs.push(dataDir);
    const lines: string[] = [];
    const result = await runDemo({ adapter, dataDir, print: (line) => lines.push(line), tickMs: 150, readings: 2 });
    try {
      expect(result.partner.status).toBe('REGISTERED');
      // Both nodes serve 2.3.0, 2.2.1 and 2.1.1: the handshake picks the highest.
      expect(result.partner.version).toBe('2.3.0');
      expect(result.locations).toBe(20);
      // The 2.1.1 eMSP roams with the same CPO at once: the same Locations, none of DE*MSP's sessions,
      // and the loss report says what 2.1.1 could not carry (2.1.1 Locations name no owner).
      expect(result.partner211.version).toBe('2.1.1');
      expect(result.partner211.tokenEncoding).toBe('raw');
      expect(result.locations211).toBe(20);
      const old = { country_code: 'NL', party_id: 'CPO' };
      expect((await result.emsp211.store.objects.list({ module: 'sessions', owners: [old], offset: 0, limit: 10 })).total).toBe(0);
      expect((await result.emsp211.store.objects.list({ module: 'cdrs', owners: [old], offset: 0, limit: 10 })).total).toBe(0);
      expect(result.losses211.length).toBeGreaterThan(0);
      expect(lines.some((line) => line.startsWith("9. The CPO's loss report for BE*OLD"))).toBe(true);
      // The eMSP keeps what the CPO pushed: the completed session and its CDR, both valid objects of the canonical model (2.3.0).
      expect(validators.compile(Session).validate(result.session)).toMatchObject({ ok: true });
      expect(validators.compile(CDR).validate(result.cdr)).toMatchObject({ ok: true });
      expect(result.session.status).toBe('COMPLETED');
      expect(result.session.charging_periods?.length).toBeGreaterThanOrEqual(2);
      expect(result.cdr.session_id).toBe(result.session.id);
      expect(result.cdr.total_energy).toBe(result.session.kwh);
      expect(result.cdr.total_energy).toBeGreaterThan(0);
      // Its costs come from the tariff engine and the Tariff it carries (AC: EUR 0.50 start fee, 0.35 per kWh, 21% VAT).
      expect(result.cdr.tariffs?.map((t) => t.id)).toEqual(['AC-STANDARD']);
      const cents = (billed: number | undefined, exact: number) => expect(Math.abs((billed ?? Number.NaN) - exact)).toBeLessThanOrEqual(0.005 + 1e-9);
      const afterTaxes = (price: { before_taxes: number; taxes?: { amount: number }[] }) =>
        price.before_taxes + (price.taxes ?? []).reduce((sum, tax) => sum + tax.amount, 0);
      cents(result.cdr.total_cost.before_taxes, 0.5 + result.cdr.total_energy * 0.35);
      // After taxes is two amounts each rounded to the cent (before_taxes and the tax), so within a cent of exact.
      expect(Math.abs(afterTaxes(result.cdr.total_cost) - (0.5 + result.cdr.total_energy * 0.35) * 1.21)).toBeLessThanOrEqual(0.01 + 1e-9);
      cents(result.cdr.total_energy_cost?.before_taxes, result.cdr.total_energy * 0.35);
      const check = checkCdr(result.cdr, { timeZone: 'Europe/Amsterdam' });
      expect(check.ok && check.check.differences).toEqual([]);
      expect(result.session.total_cost).toEqual(result.cdr.total_cost);
      const stored = await result.emsp.store.objects.get({ module: 'cdrs', owner: { country_code: 'NL', party_id: 'CPO' }, id: result.cdr.id });
      expect(stored?.data).toEqual(result.cdr);
      // The CPO holds the tokens the eMSP pushed, and token A is dead.
      const tokens = await result.cpo.store.objects.list({ module: 'tokens', owners: [{ country_code: 'DE', party_id: 'MSP' }], offset: 0, limit: 10 });
      expect(tokens.total).toBe(3);
      const versions = await fetch(result.cpo.versionsUrl, { headers: { authorization: `Token ${btoa(result.cpo.tokenA)}` } });
      expect(versions.status).toBe(401);
      expect(lines.some((line) => line.startsWith('8. CPO -> eMSP'))).toBe(true);
      // A newcomer reads each OCPI term explained where it first appears, in plain counts.
      const text = lines.join('\n');
      for (const term of [
        'token A: a one-time registration token',
        'credentials: what each side sends',
        'the CommandResponse says',
        'response_url, a URL of the eMSP',
        'a CDR (Charge Detail Record)',
      ]) {
        expect(text).toContain(term);
      }
      // Meter readings, each pushed as the session's latest state (close readings may come as one push).
      const readings = [...text.matchAll(/PUT sessions\/NL\/CPO\/\S+: ([\d.]+) kWh, (\d+) charging periods?,/g)].map((m) => [Number(m[1]), Number(m[2])]);
      expect(readings).toHaveLength(2);
      expect(readings[1]?.[1]).toBeGreaterThan(readings[0]?.[1] as number);
      expect(result.cpo.server.node.parties[0]?.business_details.name).toBe('Demo charging network NL*CPO');
    } finally {
      await Promise.all([result.cpo.close(), result.emsp.close(), result.emsp211.close()]);
    }
  });
});
