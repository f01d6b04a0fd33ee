import { beforeEach, describe, expect, it } from 'vitest';
import type { Role } from '../partners/partner.js';
import type { FinancialAdviceConfirmation, Terminal } from '../schemas/v2.3.0/index.js';
import { example, role } from '../testing/examples.js';
import { type ModuleHarness, moduleHarness } from '../testing/modules-harness.js';
import { getOwnObject, putOwnObject, STORE_MODULES } from './common.js';
import { paymentsReceiver, paymentsSender } from './payments.js';

// Until the partner registry speaks 2.3.0 (issue 15 part B), a PTP's role is written as 2.3.0 names it.
const PTP_ROLE = 'PTP' as Role;
const PTP = role(PTP_ROLE, 'DE', 'PTP');
const OTHER_PTP = role(PTP_ROLE, 'NL', 'PAY');
const BEC = role('CPO', 'BE', 'BEC');
const TNM = role('CPO', 'NL', 'TNM');

const v230 = <T>(name: string): T => example<T>(name, '2.3.0');
/** payment_terminal_example_assigned_locations.json: terminal 9e94f62c-..., customer BP, three Locations. */
const assigned = () => v230<Terminal>('payment_terminal_example_assigned_locations.json');
/**
 * The official confirmation examples carry 2.2.1 Prices (`excl_vat`/`incl_vat`) and are invalid in
 * 2.3.0 (docs/versions.md); this is the success example with the 2.3.0 Price of the same amounts.
 */
const confirmation = (): FinancialAdviceConfirmation => {
  const { total_costs: _, ...rest } = v230<FinancialAdviceConfirmation>('payment_financial_advice_confirmation_example_success.json');
  return { ...rest, total_costs: { before_taxes: 4.0, taxes: [{ name: 'VAT', percentage: 10, amount: 0.4 }] } };
};

describe('Payments Receiver (CPO side)', () => {
  let h: ModuleHarness;
  const url = (path: string) => `receiver/payments/${path}`;

  beforeEach(async () => {
    h = moduleHarness({ parties: [BEC], modules: [paymentsReceiver()], version: '2.3.0' });
    await h.partner('ptp', [PTP]);
    await h.partner('other', [OTHER_PTP]);
  });

  it('creates a Terminal from the minimal official example (201), setting last_updated, and serves it back', async () => {
    const minimal = v230<{ terminal_id: string }>('payment_terminal_create_minimal.json');
    const post = await h.call('POST', url('terminals'), { token: 'ptp', body: minimal });
    expect(post.status).toBe(201);
    expect(post.json.status_code).toBe(1000);
    const back = await h.call('GET', url(`terminals/${minimal.terminal_id}`), { token: 'ptp' });
    expect(back.json.data).toEqual({ ...minimal, last_updated: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/) });
    expect(Date.now() - Date.parse(back.json.data.last_updated)).toBeLessThan(5_000);
  });

  it('creates a Terminal from the full official example, kept as sent; posted again it is 200', async () => {
    const created = v230<Terminal>('payment_terminal_create.json');
    expect((await h.call('POST', url('terminals'), { token: 'ptp', body: created })).status).toBe(201);
    expect((await h.call('GET', url(`terminals/${created.terminal_id}`), { token: 'ptp' })).json.data).toEqual(created);
    const again = await h.call('POST', url('terminals'), { token: 'ptp', body: { ...created, invoice_creator: 'PTP' } });
    expect(again.status).toBe(200);
    expect((await h.call('GET', url(`terminals/${created.terminal_id}`), { token: 'ptp' })).json.data.invoice_creator).toBe('PTP');
  });

  it('keeps what the PTP pushes under the PTP: store owner DE/PTP', async () => {
    await h.call('POST', url('terminals'), { token: 'ptp', body: assigned() });
    expect(await getOwnObject(h.store, STORE_MODULES.terminals, { country_code: 'DE', party_id: 'PTP' }, assigned().terminal_id)).toEqual(assigned());
  });

  it('refuses an invalid Terminal with 2001 naming the field, and stores nothing', async () => {
    const { terminal_id: _, ...noId } = assigned();
    const missing = await h.call('POST', url('terminals'), { token: 'ptp', body: noId });
    expect(missing.status).toBe(200);
    expect(missing.json.status_code).toBe(2001);
    expect(missing.json.status_message).toContain('/terminal_id');
    const long = await h.call('POST', url('terminals'), { token: 'ptp', body: { ...assigned(), city: 'x'.repeat(46) } });
    expect(long.json.status_code).toBe(2001);
    expect(long.json.status_message).toContain('/city');
    expect((await h.call('GET', url(`terminals/${assigned().terminal_id}`), { token: 'ptp' })).status).toBe(404);
  });

  it('refuses a Terminal linked to a CPO that is not on this platform (2001)', async () => {
    const elsewhere = await h.call('POST', url('terminals'), { token: 'ptp', body: { ...assigned(), country_code: 'NL', party_id: 'TNM' } });
    expect(elsewhere.json.status_code).toBe(2001);
    expect(elsewhere.json.status_message).toContain('NL/TNM');
    expect((await h.call('POST', url('terminals'), { token: 'ptp', body: { ...assigned(), country_code: 'be', party_id: 'bec' } })).status).toBe(201);
  });

  it('answers an unknown Terminal or confirmation with HTTP 404', async () => {
    const terminal = await h.call('GET', url('terminals/unknown'), { token: 'ptp' });
    expect(terminal.status).toBe(404);
    expect(terminal.json.status_message).toBe('Terminal unknown is not known');
    expect((await h.call('GET', url('financial-advice-confirmations/unknown'), { token: 'ptp' })).status).toBe(404);
  });

  it("keeps each PTP's Terminals apart: another PTP neither reads nor replaces them", async () => {
    await h.call('POST', url('terminals'), { token: 'ptp', body: assigned() });
    expect((await h.call('GET', url(`terminals/${assigned().terminal_id}`), { token: 'other' })).status).toBe(404);
    const theirs = { ...assigned(), customer_reference: 'OTHER' };
    expect((await h.call('POST', url('terminals'), { token: 'other', body: theirs })).status).toBe(201);
    expect((await h.call('GET', url(`terminals/${assigned().terminal_id}`), { token: 'ptp' })).json.data).toEqual(assigned());
    expect((await h.call('GET', url(`terminals/${assigned().terminal_id}`), { token: 'other' })).json.data).toEqual(theirs);
  });

  it('takes a Financial Advice Confirmation (201), serves it to its PTP only, and refuses the official 2.2.1-priced examples naming the field', async () => {
    for (const name of ['payment_financial_advice_confirmation_create.json', 'payment_financial_advice_confirmation_example_failure.json']) {
      const official = await h.call('POST', url('financial-advice-confirmations'), { token: 'ptp', body: v230(name) });
      expect(official.json.status_code, name).toBe(2001);
      expect(official.json.status_message, name).toContain('/total_costs/before_taxes');
    }
    const post = await h.call('POST', url('financial-advice-confirmations'), { token: 'ptp', body: confirmation() });
    expect(post.status).toBe(201);
    const path = url(`financial-advice-confirmations/${confirmation().id}`);
    expect((await h.call('GET', path, { token: 'ptp' })).json.data).toEqual(confirmation());
    expect((await h.call('GET', path, { token: 'other' })).status).toBe(404);
    const failed = { ...confirmation(), capture_status_code: 'FAILED', capture_status_message: 'Capture unsuccessful at PSP' };
    expect((await h.call('POST', url('financial-advice-confirmations'), { token: 'ptp', body: failed })).status).toBe(200);
    expect((await h.call('GET', path, { token: 'ptp' })).json.data).toEqual(failed);
  });

  it('asks a partner with several parties which one pushes (2001), and takes OCPI-from', async () => {
    // Every party is registered by one partner only (issue 19): this one's are its own.
    await h.partner('both', [role('OTHER', 'DE', 'PT2'), role('EMSP', 'DE', 'MS2')]);
    const ambiguous = await h.call('POST', url('terminals'), { token: 'both', body: assigned() });
    expect(ambiguous.json.status_code).toBe(2001);
    expect(ambiguous.json.status_message).toContain('OCPI-from-country-code');
    const headers = { 'ocpi-from-country-code': 'DE', 'ocpi-from-party-id': 'PT2', 'ocpi-to-country-code': 'BE', 'ocpi-to-party-id': 'BEC' };
    expect((await h.call('POST', url('terminals'), { token: 'both', body: assigned(), headers })).status).toBe(201);
    // A partner whose one PTP role is among others pushes as that role.
    await h.partner('ptp-and-emsp', [role(PTP_ROLE, 'FR', 'PTP'), role('EMSP', 'FR', 'MSP')]);
    expect((await h.call('POST', url('terminals'), { token: 'ptp-and-emsp', body: assigned() })).status).toBe(201);
    expect(await getOwnObject(h.store, STORE_MODULES.terminals, { country_code: 'FR', party_id: 'PTP' }, assigned().terminal_id)).toEqual(assigned());
  });

  it('has no PUT or PATCH of Terminals on the CPO side (405)', async () => {
    const path = url(`terminals/${assigned().terminal_id}`);
    expect((await h.call('PUT', path, { token: 'ptp', body: assigned() })).status).toBe(405);
    expect((await h.call('PATCH', path, { token: 'ptp', body: { location_ids: [] } })).status).toBe(405);
  });
});

describe('Payments Sender (PTP side)', () => {
  let h: ModuleHarness;
  const url = (path: string) => `sender/payments/${path}`;
  const forBec = (terminalId: string): Terminal => ({ ...assigned(), terminal_id: terminalId, country_code: 'BE', party_id: 'BEC' });

  beforeEach(async () => {
    h = moduleHarness({ parties: [PTP], modules: [paymentsSender()], version: '2.3.0', pagination: { defaultLimit: 2, maxLimit: 10 } });
    await h.partner('bec', [BEC]);
    await h.partner('tnm', [TNM]);
    for (const id of ['T1', 'T2', 'T3']) await putOwnObject(h.store, STORE_MODULES.terminals, PTP, forBec(id));
    await putOwnObject(h.store, STORE_MODULES.terminals, PTP, { ...assigned(), terminal_id: 'T-TNM', country_code: 'NL', party_id: 'TNM' });
  });

  it('lists each CPO the Terminals linked to it, paginated, oldest first', async () => {
    const first = await h.call('GET', url('terminals'), { token: 'bec' });
    expect(first.json.data.map((t: Terminal) => t.terminal_id)).toEqual(['T1', 'T2']);
    expect(first.headers['x-total-count']).toBe('3');
    expect(first.headers.link).toContain('offset=2');
    expect((await h.call('GET', url('terminals?offset=2'), { token: 'bec' })).json.data).toEqual([forBec('T3')]);
    expect((await h.call('GET', url('terminals'), { token: 'tnm' })).json.data.map((t: Terminal) => t.terminal_id)).toEqual(['T-TNM']);
  });

  it('serves one Terminal to its CPO and answers 404 to another CPO and for an unknown one', async () => {
    expect((await h.call('GET', url('terminals/t1'), { token: 'bec' })).json.data).toEqual(forBec('T1'));
    expect((await h.call('GET', url('terminals/T1'), { token: 'tnm' })).status).toBe(404);
    expect((await h.call('GET', url('terminals/T9'), { token: 'bec' })).status).toBe(404);
  });

  it('assigns Locations with the official PATCH example: the rest unchanged, last_updated moved to now', async () => {
    const assignment = v230<{ location_ids: string[] }>('payment_terminal_location_assignment.json');
    const patch = await h.call('PATCH', url('terminals/T1'), { token: 'bec', body: assignment });
    expect(patch.status).toBe(200);
    const back = (await h.call('GET', url('terminals/T1'), { token: 'bec' })).json.data;
    expect(back).toEqual({ ...forBec('T1'), location_ids: assignment.location_ids, last_updated: expect.any(String) });
    expect(Date.now() - Date.parse(back.last_updated)).toBeLessThan(5_000);
    const evses = await h.call('PATCH', url('terminals/T1'), { token: 'bec', body: { evse_uids: ['E1'], last_updated: '2030-01-01T00:00:00Z' } });
    expect(evses.status).toBe(200);
    expect((await h.call('GET', url('terminals/T1'), { token: 'bec' })).json.data).toMatchObject({ evse_uids: ['E1'], last_updated: '2030-01-01T00:00:00Z' });
  });

  it('refuses PATCHes that are invalid, name another Terminal, or hand it to another CPO (2001); another CPO gets 404', async () => {
    const invalid = await h.call('PATCH', url('terminals/T1'), { token: 'bec', body: { location_ids: 'L1' } });
    expect(invalid.json.status_code).toBe(2001);
    expect(invalid.json.status_message).toContain('/location_ids');
    expect((await h.call('PATCH', url('terminals/T1'), { token: 'bec', body: { terminal_id: 'T2' } })).json.status_code).toBe(2001);
    const handOver = await h.call('PATCH', url('terminals/T1'), { token: 'bec', body: { country_code: 'NL', party_id: 'TNM' } });
    expect(handOver.json.status_code).toBe(2001);
    expect((await h.call('PATCH', url('terminals/T1'), { token: 'tnm', body: { location_ids: [] } })).status).toBe(404);
    expect((await h.call('PATCH', url('terminals/T9'), { token: 'bec', body: { location_ids: [] } })).status).toBe(404);
    expect((await h.call('GET', url('terminals/T1'), { token: 'bec' })).json.data).toEqual(forBec('T1'));
  });

  it('replaces a Terminal on PUT (200), refuses the official PUT example, which has no terminal_id, with 2001 naming it', async () => {
    const official = await h.call('PUT', url('terminals/T1'), { token: 'bec', body: v230('payment_terminal_put_update.json') });
    expect(official.json.status_code).toBe(2001);
    expect(official.json.status_message).toContain('/terminal_id');
    const updated = { ...forBec('T1'), ...v230<object>('payment_terminal_put_update.json'), invoice_base_url: 'https://omv.example.com/invoices' };
    const put = await h.call('PUT', url('terminals/T1'), { token: 'bec', body: updated });
    expect(put.status).toBe(200);
    expect((await h.call('GET', url('terminals/T1'), { token: 'bec' })).json.data).toEqual(updated);
    expect((await h.call('PUT', url('terminals/T2'), { token: 'bec', body: updated })).json.status_code).toBe(2001);
    expect((await h.call('PUT', url('terminals/T9'), { token: 'bec', body: forBec('T9') })).status).toBe(404);
    expect((await h.call('PUT', url('terminals/T-TNM'), { token: 'bec', body: forBec('T-TNM') })).status).toBe(404);
  });

  it('activates a Terminal from the official example: 201 with the Terminal, visible to the activating CPO only', async () => {
    const activation = v230<Terminal>('payment_terminal_activate.json');
    const res = await h.call('POST', url('terminals/activate'), { token: 'bec', body: activation });
    expect(res.status).toBe(201);
    expect(res.json.data).toEqual({ ...activation, last_updated: expect.any(String) });
    expect(res.json.data.last_updated).not.toBe(activation.last_updated);
    expect((await h.call('GET', url(`terminals/${activation.terminal_id}`), { token: 'bec' })).json.data).toEqual(res.json.data);
    expect((await h.call('GET', url(`terminals/${activation.terminal_id}`), { token: 'tnm' })).status).toBe(404);
    // Activated again by the same CPO: the same Terminal, 200.
    expect((await h.call('POST', url('terminals/activate'), { token: 'bec', body: activation })).status).toBe(200);
  });

  it('gives an activation without terminal_id a new one, and refuses the id of another CPO`s Terminal (2001)', async () => {
    const { terminal_id: _, ...noId } = v230<Terminal>('payment_terminal_activate.json');
    const res = await h.call('POST', url('terminals/activate'), { token: 'bec', body: noId });
    expect(res.status).toBe(201);
    expect(res.json.data.terminal_id).toMatch(/^[0-9a-f-]{36}$/);
    const taken = await h.call('POST', url('terminals/activate'), { token: 'bec', body: { ...noId, terminal_id: 'T-TNM' } });
    expect(taken.json.status_code).toBe(2001);
    expect((await h.call('GET', url('terminals/T-TNM'), { token: 'tnm' })).json.data.country_code).toBe('NL');
    const bad = await h.call('POST', url('terminals/activate'), { token: 'bec', body: { ...noId, location_ids: ['x'.repeat(37)] } });
    expect(bad.json.status_code).toBe(2001);
    expect(bad.json.status_message).toContain('/location_ids/0');
  });

  it('deactivates a Terminal: gone afterwards; another CPO`s or an unknown one is 404', async () => {
    expect((await h.call('POST', url('terminals/T-TNM/deactivate'), { token: 'bec' })).status).toBe(404);
    const res = await h.call('POST', url('terminals/T1/deactivate'), { token: 'bec' });
    expect(res.status).toBe(200);
    expect(res.json.status_code).toBe(1000);
    expect((await h.call('GET', url('terminals/T1'), { token: 'bec' })).status).toBe(404);
    expect((await h.call('POST', url('terminals/T1/deactivate'), { token: 'bec' })).status).toBe(404);
    expect((await h.call('GET', url('terminals'), { token: 'bec' })).headers['x-total-count']).toBe('2');
  });

  it('serves each Financial Advice Confirmation to the CPO it is for, which the operator must say', async () => {
    await expect(putOwnObject(h.store, STORE_MODULES.financialAdviceConfirmations, PTP, confirmation())).rejects.toThrow(/options.audience/);
    await putOwnObject(h.store, STORE_MODULES.financialAdviceConfirmations, PTP, confirmation(), { audience: [BEC] });
    expect((await h.call('GET', url('financial-advice-confirmations'), { token: 'bec' })).json.data).toEqual([confirmation()]);
    expect((await h.call('GET', url('financial-advice-confirmations'), { token: 'tnm' })).json.data).toEqual([]);
    const one = url(`financial-advice-confirmations/${confirmation().id}`);
    expect((await h.call('GET', one, { token: 'bec' })).json.data).toEqual(confirmation());
    expect((await h.call('GET', one, { token: 'tnm' })).status).toBe(404);
  });

  it('needs an audience for a Terminal linked only by customer_reference', async () => {
    const byReference = { ...assigned(), terminal_id: 'T-REF' };
    await expect(putOwnObject(h.store, STORE_MODULES.terminals, PTP, byReference)).rejects.toThrow(/options.audience/);
    await putOwnObject(h.store, STORE_MODULES.terminals, PTP, byReference, { audience: [TNM] });
    expect((await h.call('GET', url('terminals/T-REF'), { token: 'tnm' })).json.data).toEqual(byReference);
    expect((await h.call('GET', url('terminals/T-REF'), { token: 'bec' })).status).toBe(404);
  });
});
