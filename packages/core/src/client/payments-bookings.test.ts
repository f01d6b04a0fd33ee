// The partner client's Payments and Bookings calls, against real 2.3.0 servers over HTTP on 127.0.0.1.
import { afterEach, describe, expect, it } from 'vitest';
import { generateToken, hashToken } from '../auth/tokens.js';
import type { OcpiModule } from '../module.js';
import { bookingIdOf, bookingsReceiver, bookingsSender } from '../modules/bookings.js';
import { getOwnObject, putOwnObject, STORE_MODULES } from '../modules/common.js';
import { paymentsReceiver, paymentsSender } from '../modules/payments.js';
import { LOCAL_OUTBOUND_POLICY } from '../outbound.js';
import { type CredentialsRole, type Partner, partnerToken, type Role } from '../partners/partner.js';
import type { Booking, BookingLocation, BookingRequest, Endpoint, FinancialAdviceConfirmation, Terminal } from '../schemas/v2.3.0/index.js';
import { createOcpiServer } from '../server.js';
import { createMemoryStore } from '../store/memory.js';
import type { OcpiStore } from '../store/types.js';
import { bookableLocation } from '../testing/bookings.js';
import { example, role } from '../testing/examples.js';
import { serveOverHttp } from '../testing/http.js';
import { createOcpiClient, type OcpiClient } from './client.js';
import { OcpiClientError } from './errors.js';

const CPO = role('CPO', 'BE', 'BEC');
const PTP = role('PTP' as Role, 'DE', 'PTP');
const EMSP = role('EMSP', 'NL', 'INF');

interface Node {
  parties: CredentialsRole[];
  store: OcpiStore;
  client: OcpiClient;
  endpoints: Endpoint[];
}

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

async function startNode(parties: CredentialsRole[], modules: OcpiModule[]): Promise<Node> {
  const store = createMemoryStore();
  const served = await serveOverHttp((origin) => createOcpiServer({ baseUrl: `${origin}/ocpi`, parties, store, versions: ['2.3.0'], modules: modules }));
  closers.push(served.close);
  const client = createOcpiClient({ parties, outbound: LOCAL_OUTBOUND_POLICY });
  return { parties, store, client, endpoints: served.server.node.endpoints('2.3.0') as Endpoint[] };
}

/** Registers two nodes with each other as a completed 2.3.0 handshake leaves them; answers `from`'s record of `to`. */
async function link(from: Node, to: Node): Promise<Partner> {
  const now = new Date().toISOString();
  const record = async (at: Node, of: Node, outbound: string, inbound: string): Promise<Partner> => {
    const partner: Partner = {
      id: `partner-${of.parties[0]?.party_id}`,
      status: 'REGISTERED',
      roles: of.parties,
      version: '2.3.0',
      endpoints: of.endpoints,
      inboundTokenHash: await hashToken(inbound),
      outboundToken: partnerToken(outbound),
      tokenEncoding: 'base64',
      createdAt: now,
      updatedAt: now,
    };
    await at.store.partners.save(partner);
    return partner;
  };
  const [fromToTo, toToFrom] = [generateToken(), generateToken()];
  await record(to, from, toToFrom, fromToTo);
  return record(from, to, fromToTo, toToFrom);
}

const v230 = <T>(name: string): T => example<T>(name, '2.3.0');

describe('the partner client: Payments', () => {
  it('a PTP posts Terminals and Financial Advice Confirmations to a CPO; the CPO activates, assigns, updates and deactivates at the PTP', async () => {
    const cpo = await startNode([CPO], [paymentsReceiver()]);
    const ptp = await startNode([PTP], [paymentsSender()]);
    const cpoAtPtp = ptp.client.forPartner(await link(ptp, cpo));
    const ptpAtCpo = cpo.client.forPartner((await cpo.store.partners.list())[0] as Partner);

    const created = v230<Terminal>('payment_terminal_create.json');
    expect((await cpoAtPtp.postTerminal(created)).httpStatus).toBe(201);
    expect(await getOwnObject(cpo.store, STORE_MODULES.terminals, PTP, created.terminal_id)).toEqual(created);
    const { total_costs: _, ...rest } = v230<FinancialAdviceConfirmation>('payment_financial_advice_confirmation_example_success.json');
    const confirmation = { ...rest, total_costs: { before_taxes: 4.0 } };
    expect((await cpoAtPtp.postFinancialAdviceConfirmation(confirmation)).httpStatus).toBe(201);
    expect(await getOwnObject(cpo.store, STORE_MODULES.financialAdviceConfirmations, PTP, confirmation.id)).toEqual(confirmation);

    const { terminal_id: __, ...activation } = v230<Terminal>('payment_terminal_activate.json');
    const activated = await ptpAtCpo.activateTerminal(activation);
    expect(activated.httpStatus).toBe(201);
    const terminalId = activated.data?.terminal_id as string;
    expect(activated.data).toEqual({ ...activation, terminal_id: terminalId, last_updated: expect.any(String) });
    const assignment = v230<{ location_ids: string[] }>('payment_terminal_location_assignment.json');
    expect((await ptpAtCpo.patchTerminal(terminalId, assignment)).statusCode).toBe(1000);
    const stored = await getOwnObject<Terminal>(ptp.store, STORE_MODULES.terminals, PTP, terminalId);
    expect(stored?.location_ids).toEqual(assignment.location_ids);
    expect((await ptpAtCpo.updateTerminal({ ...(stored as Terminal), customer_reference: 'BEC' })).httpStatus).toBe(200);
    expect((await getOwnObject<Terminal>(ptp.store, STORE_MODULES.terminals, PTP, terminalId))?.customer_reference).toBe('BEC');
    expect((await ptpAtCpo.deactivateTerminal(terminalId)).statusCode).toBe(1000);
    const gone = await ptpAtCpo.deactivateTerminal(terminalId).catch((error: unknown) => error);
    expect(gone).toBeInstanceOf(OcpiClientError);
    expect((gone as OcpiClientError).httpStatus).toBe(404);
  });
});

describe('the partner client: Bookings', () => {
  it('an eMSP books, changes and cancels at a CPO; the CPO pushes the Booking and its BookingLocation to the eMSP', async () => {
    const cpo = await startNode([CPO], [bookingsSender()]);
    const emsp = await startNode([EMSP], [bookingsReceiver()]);
    const cpoAtEmsp = emsp.client.forPartner(await link(emsp, cpo));
    const emspAtCpo = cpo.client.forPartner((await cpo.store.partners.list())[0] as Partner);

    const { location, at } = bookableLocation(CPO, 'BL1', 'LOC1');
    await putOwnObject(cpo.store, STORE_MODULES.bookingLocations, CPO, location);

    const request: BookingRequest = {
      country_code: 'NL',
      party_id: 'INF',
      request_id: 'R1',
      location_id: 'LOC1',
      booking_location_id: 'BL1',
      period: { start_date_time: at('09:00'), end_date_time: at('10:00') },
      authorization_reference: 'AUTH1',
    };
    const booked = await cpoAtEmsp.requestBooking(request);
    expect(booked.httpStatus).toBe(201);
    expect(booked.data).toMatchObject({ id: await bookingIdOf(EMSP, 'R1'), reservation_status: 'RESERVED' });
    const changed = await cpoAtEmsp.requestBooking({ ...request, period: { start_date_time: at('11:00'), end_date_time: at('12:00') } });
    expect(changed.httpStatus).toBe(200);
    expect(changed.data.period).toEqual({ start_date_time: at('11:00'), end_date_time: at('12:00') });
    const canceled = await cpoAtEmsp.requestBooking({ ...request, canceled: { cancellation_reason: 'TRAFFIC', who_canceled: 'EMSP' } });
    expect(canceled.data.reservation_status).toBe('CANCELED');
    expect(canceled.statusMessage).toContain('CANCELED');

    const booking = (await getOwnObject<Booking>(cpo.store, STORE_MODULES.bookings, CPO, booked.data.id)) as Booking;
    expect((await emspAtCpo.pushBooking(booking)).httpStatus).toBe(201);
    expect(await getOwnObject(emsp.store, STORE_MODULES.bookings, CPO, booking.id)).toEqual(booking);
    const current = (await getOwnObject<BookingLocation>(cpo.store, STORE_MODULES.bookingLocations, CPO, 'BL1')) as BookingLocation;
    expect((await emspAtCpo.pushBookingLocation(current)).httpStatus).toBe(201);
    expect(await getOwnObject(emsp.store, STORE_MODULES.bookingLocations, CPO, 'BL1')).toEqual(current);

    const unknown = await cpoAtEmsp.requestBooking({ ...request, request_id: 'R2', booking_location_id: 'NONE' }).catch((error: unknown) => error);
    expect(unknown).toBeInstanceOf(OcpiClientError);
    expect((unknown as OcpiClientError).statusCode).toBe(2003);
  });
});
