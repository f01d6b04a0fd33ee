import { example } from '@ocpi-ts/core/test-support';
import { describe, expect, it } from 'vitest';
import { priceCommand } from './price-command.js';
import { session } from './testing/sessions.js';

/** Files by name, and what the command printed. */
function io(files: Record<string, unknown>) {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    io: {
      readFile: async (path: string) => {
        if (!(path in files)) throw new Error(`${path}: no such file`);
        const content = files[path];
        return typeof content === 'string' ? content : JSON.stringify(content);
      },
      stdout: (text: string) => void out.push(text),
      stderr: (text: string) => void err.push(text),
    },
  };
}

// tariff_4's Monday: 165 min at 16 A then 42 min parked, 9.00 / 10.30.
const monday = session(
  [
    { at: '2025-06-02T07:30:00Z', kwh: 25, charging: 2.75, maxCurrent: 16 },
    { at: '2025-06-02T10:15:00Z', parking: 0.7 },
  ],
  '2025-06-02T10:57:00Z',
);

describe('ocpi price', () => {
  it('prints the breakdown: each line, which element and why, the totals rounded and exact', async () => {
    const t = io({ 'tariff.json': example('tariff_4_complex.json'), 'session.json': monday });
    const code = await priceCommand(['--tariff', 'tariff.json', '--session', 'session.json', '--time-zone', 'Europe/Berlin'], t.io);
    expect(code).toBe(0);
    const printed = t.out.join('');
    expect(printed).toContain('2025-06-02 09:30 MONDAY');
    expect(printed).toMatch(/TIME\s+14#1\s+2\.75 h\s+2\.75 h\s+1\s+20\s+2\.75\s+3\.3/);
    expect(printed).toContain('PARKING_TIME by 14#4 (local time 09:00-18:00, on MONDAY,TUESDAY,WEDNESDAY,THURSDAY,FRIDAY)');
    expect(printed).toContain('TIME by 14#1 (current < 32 A)');
    expect(printed).toContain('Total: excl. tax 9.00, incl. tax 10.30 EUR; taxes 15%: 0.375, 20%: 0.55, 10%: 0.375');
    expect(printed).toContain('fixed        excl. tax 2.50, incl. tax 2.88 (exact 2.875)');
  });

  it('--json gives the breakdown and the CDR cost fields', async () => {
    const t = io({ 'tariff.json': { data: example('tariff_4_complex.json'), status_code: 1000, timestamp: '2025-06-02T00:00:00Z' }, 'session.json': monday });
    expect(await priceCommand(['--tariff=tariff.json', '--session=session.json', '--tz', 'Europe/Berlin', '--json'], t.io)).toBe(0);
    const json = JSON.parse(t.out.join(''));
    expect(json.costs.total_cost).toEqual({ excl_vat: 9, incl_vat: 10.3 });
    expect(json.breakdown.total).toEqual({
      exclTax: '9',
      inclTax: '10.3',
      taxes: [
        { percentage: '15', amount: '0.375' },
        { percentage: '20', amount: '0.55' },
        { percentage: '10', amount: '0.375' },
      ],
    });
    expect(json.breakdown.periods[1].lines[0]).toMatchObject({ dimension: 'PARKING_TIME', element: 4, quantity: '0.7', billed: '0.75' });
  });

  it('checks a CDR against the Tariffs it carries, and exits 1 when its costs differ', async () => {
    const cdr = example('cdr_example.json');
    const good = io({ 'cdr.json': cdr });
    expect(await priceCommand(['--session', 'cdr.json'], good.io)).toBe(0);
    expect(good.out.join('')).toContain("The CDR's costs match");
    const bad = io({ 'cdr.json': { ...cdr, total_cost: { excl_vat: 4.01, incl_vat: 4.4 } } });
    expect(await priceCommand(['--cdr', 'cdr.json'], bad.io)).toBe(1);
    expect(bad.out.join('')).toContain('total_cost.excl_vat: billed 4.01, computed 4');
  });

  it('says why it cannot price, with exit code 2', async () => {
    const missing = io({});
    expect(await priceCommand(['--tariff', 't.json'], missing.io)).toBe(2);
    expect(missing.err.join('')).toContain('--session is required');
    const unknown = io({ 's.json': monday });
    expect(await priceCommand(['--session', 's.json', '--tariff', 'nope.json'], unknown.io)).toBe(2);
    expect(unknown.err.join('')).toContain('nope.json: no such file');
    const textOnly = io({ 's.json': monday, 't.json': { id: 'T', currency: 'EUR', tariff_alt_text: [{ language: 'en', text: 'Call us' }], elements: [] } });
    expect(await priceCommand(['--session', 's.json', '--tariff', 't.json'], textOnly.io)).toBe(2);
    expect(textOnly.err.join('')).toContain('NOT_COMPUTABLE');
    expect(textOnly.err.join('')).toContain('tariff_alt_text (en): Call us');
    const flag = io({});
    expect(await priceCommand(['--session', 's.json', '--frobnicate'], flag.io)).toBe(2);
    expect(flag.err.join('')).toContain('Unknown argument: --frobnicate');
  });
});
