/**
 * Bookings module 1.1 of OCPI 2.3.0 (2.3.0-bookings mod_bookings.asciidoc). The Sender (the CPO, the
 * data owner) serves its BookingLocations with their Calendars of available timeslots and its Bookings,
 * and takes booking requests; the Receiver (the eMSP) keeps the BookingLocations, Calendars and
 * Bookings CPOs push (client-owned objects: `/{country_code}/{party_id}/...`).
 *
 * The flow (Flow and Lifecycle, "Booking Lifecycle from making to Fulfillment"): the eMSP POSTs a
 * BookingRequest; the answer is the Booking, `PENDING` or at once `RESERVED`, `REJECTED` or `FAILED`,
 * each request listed in `booking_requests` with its own status. A change is a new BookingRequest with
 * the same `request_id` ("The same request ID SHALL be used for all edits on booking"); a cancellation
 * is one with `canceled` set ("To set when requesting to cancel the booking"). The CPO moves a Booking
 * on (`RESERVED` to `FULFILLED`, `NO_SHOW`, `CANCELED`) and pushes it to the eMSP's Receiver.
 */
import { JsonText, ocpiTimestamp } from '../envelope.js';
import { OcpiError, OcpiStatus } from '../errors.js';
import type { HandlerResult, OcpiModule, RequestContext, RouteDefinition } from '../module.js';
import { dateParameter } from '../pagination.js';
import {
  Booking,
  BookingLocation,
  BookingLocationPatch,
  type BookingPatch,
  BookingRequest,
  type BookingRequestStatus,
  type BookingTerms,
  Calendar,
  CalendarPatch,
  type Cancellation,
  type Period,
  type ReservationRequestStatus,
  type ReservationStatus,
  type Timeslot,
} from '../schemas/v2.3.0/index.js';
import { KeyedLock } from '../store/keyed-lock.js';
import { normalizeParty, parseOcpiDateTime, partyString } from '../store/keys.js';
import type { ObjectKey, OcpiStore, PartyRef, StoredObject } from '../store/types.js';
import { hasTimeslotIn, releasePeriod, takePeriod } from './booking-calendar.js';
import {
  applyPatch,
  assertSameId,
  assertSameOwner,
  assertValid,
  audienceOf,
  canonicalJson,
  clientOwnedGetPut,
  clientOwnedPatch,
  type Found,
  findVisibleOwnObject,
  type HandlerRequest,
  handlerRequest,
  isOutdated,
  type ListRequest,
  laterOf,
  listOwnObjects,
  listRequest,
  type MaybePromise,
  type NestedWrite,
  type OwnedRequest,
  ownedRequest,
  type Page,
  pageResult,
  putReceivedObject,
  replaceOrAdd,
  reportOutdated,
  STORE_MODULES,
  sameCiString,
  validationError,
  type WriteResult,
  writeNestedObject,
  writeResult,
  writeResultOf,
} from './common.js';

/** Which object a BookingLocation URL names: `.../booking_locations/{booking_location_id}[/{calendar_id}]`. */
export type BookingLocationTarget =
  | { level: 'booking_location'; bookingLocationId: string }
  | { level: 'calendar'; bookingLocationId: string; calendarId: string };

/** A PUT on the Receiver: a whole BookingLocation, or a Calendar added to / replaced in its BookingLocation. */
export type BookingLocationPut =
  | { level: 'booking_location'; bookingLocationId: string; object: BookingLocation }
  | { level: 'calendar'; bookingLocationId: string; calendarId: string; object: Calendar };

/** A PATCH on the Receiver: the fields to change of a BookingLocation or of one of its Calendars. */
export type BookingLocationPatchWrite =
  | { level: 'booking_location'; bookingLocationId: string; patch: BookingLocationPatch }
  | { level: 'calendar'; bookingLocationId: string; calendarId: string; patch: CalendarPatch };

/** GET BookingLocations: a paginated list, with the module's own `timeslot_from`/`timeslot_to` filter. */
export interface BookingLocationListRequest extends ListRequest {
  /** Only BookingLocations with an available timeslot that ends after this moment. */
  timeslotFrom: Date | undefined;
  /** Only BookingLocations with an available timeslot that starts before this moment. */
  timeslotTo: Date | undefined;
}

/** What a booking request led to: the Booking (201 when `created`), and why, for the status message. */
export interface BookingAnswer {
  booking: Booking | JsonText;
  created: boolean;
  /** Said in `status_message`: e.g. why the request was DECLINED (a BookingRequestStatus has no message). */
  message?: string;
}

/** Bookings Sender (typically the CPO). */
export interface BookingsSenderHandler {
  listBookingLocations(request: BookingLocationListRequest): MaybePromise<Page<BookingLocation>>;
  /** One BookingLocation, or one of its Calendars; undefined when unknown (HTTP 404). */
  getBookingLocation(target: BookingLocationTarget, request: HandlerRequest): MaybePromise<Found<BookingLocation | Calendar>>;
  /** The Bookings the caller requested, oldest first. */
  listBookings(request: ListRequest): MaybePromise<Page<Booking>>;
  /**
   * POST: a new booking, or a change or cancellation of the booking with the same `request_id`. The
   * module has checked that the request, its Tokens and a cancellation are the caller's, and the period.
   */
  requestBooking(bookingRequest: BookingRequest, request: HandlerRequest): MaybePromise<BookingAnswer>;
}

/** Bookings Receiver (typically the eMSP). The module has checked ids and owner against the URL. */
export interface BookingsReceiverHandler {
  getBookingLocation(target: BookingLocationTarget, request: OwnedRequest): MaybePromise<Found<BookingLocation | Calendar>>;
  putBookingLocation(write: BookingLocationPut, request: OwnedRequest): MaybePromise<WriteResult>;
  patchBookingLocation(write: BookingLocationPatchWrite, request: OwnedRequest): MaybePromise<WriteResult>;
  getBooking(bookingId: string, request: OwnedRequest): MaybePromise<Found<Booking>>;
  putBooking(booking: Booking, request: OwnedRequest): MaybePromise<WriteResult>;
  /** Throws `unknownBooking` when absent. */
  patchBooking(bookingId: string, patch: BookingPatch, request: OwnedRequest): MaybePromise<WriteResult>;
}

// ---------------------------------------------------------------------------------------------
// Lifecycle
// ---------------------------------------------------------------------------------------------

/** "If a booking moves to CANCELED, NO_SHOW, REJECTED, FAILED, or FULFILLED, it reaches a final state." */
export const FINAL_BOOKING_STATUSES: readonly ReservationStatus[] = ['CANCELED', 'NO_SHOW', 'REJECTED', 'FAILED', 'FULFILLED'];

/**
 * The lifecycle of mod_bookings "Flow and Lifecycle": from PENDING to RESERVED, REJECTED or FAILED (or
 * CANCELED, a request withdrawn); from RESERVED to FULFILLED, CANCELED or NO_SHOW. UNKNOWN ("any other
 * status") is not final: it may go anywhere a booking can.
 */
const NEXT_STATUSES: Record<ReservationStatus, readonly ReservationStatus[]> = {
  PENDING: ['RESERVED', 'REJECTED', 'FAILED', 'CANCELED', 'UNKNOWN'],
  RESERVED: ['FULFILLED', 'CANCELED', 'NO_SHOW', 'UNKNOWN'],
  UNKNOWN: ['PENDING', 'RESERVED', 'REJECTED', 'FAILED', 'CANCELED', 'NO_SHOW', 'FULFILLED'],
  CANCELED: [],
  NO_SHOW: [],
  REJECTED: [],
  FAILED: [],
  FULFILLED: [],
};

/** Whether a Booking may move from one status to another (staying is always allowed). */
export const canMoveBooking = (from: ReservationStatus, to: ReservationStatus): boolean => from === to || (NEXT_STATUSES[from]?.includes(to) ?? false);

const isFinal = (status: ReservationStatus): boolean => FINAL_BOOKING_STATUSES.includes(status);

/** 2001 when a Booking in a final state would get another status. */
function assertNotLeavingFinalState(bookingId: string, from: ReservationStatus, to: ReservationStatus | undefined): void {
  if (to !== undefined && to !== from && isFinal(from)) {
    throw OcpiError.invalid(`Booking ${bookingId} is ${from}, a final state (mod_bookings, Flow and Lifecycle): it cannot become ${to}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Errors and ids
// ---------------------------------------------------------------------------------------------

/** HTTP 404 for a BookingLocation that is not known; `advice` tells a Receiver's caller what to do. */
export const unknownBookingLocation = (id: string, advice?: string): OcpiError =>
  OcpiError.notFound(`BookingLocation ${id} is not known${advice ? `; ${advice}` : ''}`);

/** HTTP 404 for a Booking that is not known (to this caller). */
export const unknownBooking = (bookingId: string): OcpiError => OcpiError.notFound(`Booking ${bookingId} is not known`);

const unknownCalendar = (target: { bookingLocationId: string; calendarId: string }): OcpiError =>
  OcpiError.notFound(`Calendar ${target.calendarId} of BookingLocation ${target.bookingLocationId} is not known`);

/**
 * The id the Sender default gives the Booking of a request: derived from the requesting party and its
 * `request_id` (32 hex digits of their SHA-256), so every request with that `request_id` finds the same
 * Booking, and two requests racing to create it meet on one store key.
 */
export async function bookingIdOf(requester: PartyRef, requestId: string): Promise<string> {
  const name = `${partyString(requester)}*${requestId.toUpperCase()}`;
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(name)));
  return [...digest.subarray(0, 16)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** The BookingLocation a Booking was made on: its first request names it (the Booking object does not). */
export const bookingLocationIdOf = (booking: Booking): string | undefined => booking.booking_requests[0]?.booking_request.booking_location_id;

// ---------------------------------------------------------------------------------------------
// The Sender default
// ---------------------------------------------------------------------------------------------

const MINUTE = 60_000;
const time = (value: string): number => parseOcpiDateTime(value) ?? Number.NaN;

/** Why the booking terms do not allow this period (duration), or undefined. */
function durationProblem(terms: BookingTerms, period: Period, now: number): string | undefined {
  const minutes = (time(period.end_date_time) - time(period.start_date_time)) / MINUTE;
  if (time(period.end_date_time) <= now) return 'the period has passed';
  if (terms.min_booking_duration !== undefined && minutes < terms.min_booking_duration) {
    return `the booking lasts ${minutes} minutes, less than the minimum of ${terms.min_booking_duration} (booking_terms.min_booking_duration)`;
  }
  if (terms.max_booking_duration !== undefined && minutes > terms.max_booking_duration) {
    return `the booking lasts ${minutes} minutes, more than the maximum of ${terms.max_booking_duration} (booking_terms.max_booking_duration)`;
  }
  return undefined;
}

/** Whether `now` is still `minutes` or more before the start of a Booking (change_until_minutes, cancel_until_minutes). */
const beforeDeadline = (booking: Booking, minutes: number, now: number): boolean => now <= time(booking.period.start_date_time) - minutes * MINUTE;

/** The Timeslot of a Booking: the requested period with what the timeslot it came from offers. */
function bookedTimeslot(period: Period, from: Timeslot | undefined): Timeslot {
  const { start_date_time, end_date_time } = period;
  return { ...from, start_date_time, end_date_time };
}

type CalendarChange = { release?: Timeslot; take?: Period };
type CalendarOutcome = { ok: true; slot: Timeslot | undefined } | { ok: false; reason: string };

/**
 * Changes the Calendars of a BookingLocation in one atomic store update: gives a period back, takes
 * one, or both (a changed booking); when the taking fails nothing changes.
 */
async function changeCalendar(store: OcpiStore, key: ObjectKey, bookingId: string, change: CalendarChange): Promise<CalendarOutcome> {
  let outcome: CalendarOutcome = { ok: false, reason: `BookingLocation ${key.id} is no longer there` };
  await store.objects.update<BookingLocation>(key, (current) => {
    if (!current) return undefined;
    const now = ocpiTimestamp();
    let location = change.release ? releasePeriod(current.data, change.release, now, bookingId) : current.data;
    let slot: Timeslot | undefined;
    if (change.take) {
      const taken = takePeriod(location, change.take, now);
      if (!taken.ok) {
        outcome = taken;
        return undefined;
      }
      location = taken.bookingLocation;
      slot = taken.slot;
    }
    outcome = { ok: true, slot };
    return { data: location };
  });
  return outcome;
}

/** What the default decided for one request: the next Booking (without the request's own entry), and how the request went. */
interface Decision {
  booking: Booking;
  status: ReservationRequestStatus;
  message?: string;
  /** A period the default took for this request, given back if the Booking could not be written. */
  took?: Timeslot;
}

const declined = (booking: Booking, message: string): Decision => ({ booking, status: 'DECLINED', message: `Request DECLINED: ${message}` });

/** A change (new period, Tokens, access) or a cancellation of an existing Booking (mod_bookings, Flow and Lifecycle). */
async function decideChange(store: OcpiStore, locationKey: ObjectKey, booking: Booking, request: BookingRequest, now: number): Promise<Decision> {
  const terms = booking.booking_terms;
  if (isFinal(booking.reservation_status)) return declined(booking, `Booking ${booking.id} is ${booking.reservation_status}, a final state`);
  const held = booking.reservation_status === 'RESERVED' ? booking.period : undefined;
  if (request.canceled) {
    if (!beforeDeadline(booking, terms.cancel_until_minutes, now)) {
      return declined(booking, `a booking can be canceled until ${terms.cancel_until_minutes} minutes before its start (booking_terms.cancel_until_minutes)`);
    }
    if (held) await changeCalendar(store, locationKey, booking.id, { release: held });
    return {
      booking: { ...booking, reservation_status: 'CANCELED', canceled: request.canceled },
      status: 'ACCEPTED',
      message: `Booking ${booking.id} CANCELED`,
    };
  }
  if (terms.change_not_allowed) return declined(booking, 'the booking terms allow no change (booking_terms.change_not_allowed)');
  if (!beforeDeadline(booking, terms.change_until_minutes, now)) {
    return declined(booking, `a booking can be changed until ${terms.change_until_minutes} minutes before its start (booking_terms.change_until_minutes)`);
  }
  const problem = durationProblem(terms, request.period, now);
  if (problem) return declined(booking, problem);
  const calendar = await changeCalendar(store, locationKey, booking.id, { ...(held ? { release: held } : {}), take: request.period });
  if (!calendar.ok) return declined(booking, calendar.reason);
  const changed: Booking = {
    ...booking,
    period: bookedTimeslot(request.period, calendar.slot),
    reservation_status: 'RESERVED',
    authorization_reference: request.authorization_reference,
    ...(request.booking_option === undefined ? {} : { booking_option: request.booking_option }),
    ...(request.tokens === undefined ? {} : { booking_tokens: request.tokens }),
    ...(request.access_information === undefined ? {} : { access_information: request.access_information }),
  };
  return { booking: changed, status: 'ACCEPTED', message: `Booking ${booking.id} changed`, took: changed.period };
}

/** A first request: RESERVED when its period is free in the BookingLocation's Calendars, REJECTED otherwise. */
async function decideNew(store: OcpiStore, location: StoredObject<BookingLocation>, id: string, request: BookingRequest, now: number): Promise<Decision> {
  const terms = location.data.booking_terms;
  if (!terms) {
    // A Booking carries the accepted booking terms (card. 1): without them there is nothing to accept.
    throw OcpiError.status(OcpiStatus.SERVER_ERROR, `BookingLocation ${location.data.id} has no booking_terms: it cannot be booked`);
  }
  const booking: Booking = {
    id,
    country_code: location.key.owner.country_code,
    party_id: location.key.owner.party_id,
    request_id: request.request_id,
    location_id: location.data.location_id,
    period: bookedTimeslot(request.period, undefined),
    reservation_status: 'REJECTED',
    authorization_reference: request.authorization_reference,
    booking_terms: terms,
    booking_requests: [],
    last_updated: ocpiTimestamp(),
  };
  const option = request.booking_option ?? location.data.booking_option;
  if (option) booking.booking_option = option;
  if (request.tokens) booking.booking_tokens = request.tokens;
  if (location.data.tariff_ids) booking.tariff_ids = location.data.tariff_ids;
  if (request.access_information) booking.access_information = request.access_information;
  const problem = durationProblem(terms, request.period, now);
  const calendar = problem === undefined ? await changeCalendar(store, location.key, id, { take: request.period }) : { ok: false as const, reason: problem };
  if (!calendar.ok) return { booking, status: 'DECLINED', message: `Booking REJECTED: ${calendar.reason}` };
  const period = bookedTimeslot(request.period, calendar.slot);
  return { booking: { ...booking, period, reservation_status: 'RESERVED' }, status: 'ACCEPTED', message: `Booking ${id} RESERVED`, took: period };
}

// Requests for one Booking run one at a time in this process, so a change reads the period the
// previous one left. Across nodes, the BookingLocation's atomic update still keeps two bookings off
// one timeslot; two changes of one Booking at once on two nodes can leave a timeslot taken.
const bookingRequests = new KeyedLock();

async function handleBookingRequest(context: RequestContext, request: BookingRequest): Promise<BookingAnswer> {
  const store = context.node.store;
  const location = await findVisibleOwnObject<BookingLocation>(context, STORE_MODULES.bookingLocations, request.booking_location_id);
  // Like a command naming an unknown Location (status_codes: 2003), the request reached the OCPI layer.
  if (!location) throw OcpiError.status(OcpiStatus.UNKNOWN_LOCATION, `BookingLocation ${request.booking_location_id} is not known`);
  if (!sameCiString(location.data.location_id, request.location_id)) {
    throw OcpiError.invalid(`location_id '${request.location_id}' is not the Location of BookingLocation ${location.data.id} ('${location.data.location_id}')`);
  }
  const id = await bookingIdOf(normalizeParty(request), request.request_id);
  const key = { module: STORE_MODULES.bookings, owner: location.key.owner, id };
  const now = Date.now();
  const existing = (await store.objects.get<Booking>(key))?.data;
  if (existing) {
    if (!sameCiString(bookingLocationIdOf(existing) ?? '', request.booking_location_id)) {
      throw OcpiError.invalid(
        `request_id '${request.request_id}' is a booking of BookingLocation ${bookingLocationIdOf(existing)}: request a new booking to book another`,
      );
    }
    // The same request again (a retry after a lost answer) changes nothing.
    if (canonicalJson(existing.booking_requests.at(-1)?.booking_request) === canonicalJson(request)) return { booking: existing, created: false };
  }
  const decision = existing ? await decideChange(store, location.key, existing, request, now) : await decideNew(store, location, id, request, now);
  const entry: BookingRequestStatus = { request_status: decision.status, booking_request: request, request_received: ocpiTimestamp(new Date(now)) };
  let raced = false;
  const outcome = await store.objects.update<Booking>(key, (current) => {
    // Created meanwhile by the same request on another node: that one stands. Removed meanwhile: gone.
    raced = !existing && current !== undefined;
    if (raced || (existing && !current)) return undefined;
    const requests = [...(current?.data.booking_requests ?? []), entry];
    // Only the requesting eMSP reads its Booking (storeAudienceOf).
    return { data: { ...decision.booking, booking_requests: requests, last_updated: ocpiTimestamp() }, audience: [normalizeParty(request)] };
  });
  // A period taken for a Booking that was not written is given back.
  if ((raced || outcome.kind === 'absent') && decision.took) await changeCalendar(store, location.key, id, { release: decision.took });
  if (outcome.kind === 'absent' || outcome.kind === 'deleted') throw unknownBooking(id);
  return { booking: JsonText.of(outcome.object), created: outcome.kind === 'created', ...(decision.message && !raced ? { message: decision.message } : {}) };
}

/**
 * The Sender default: serves the BookingLocations the operator put in the store (`putOwnObject`) to
 * every partner and each Booking to the eMSP that requested it, and books against the Calendars:
 *
 * - A new request is `RESERVED` (its request `ACCEPTED`) when its period lies whole in an available
 *   timeslot (steps of `timeslot_increment`) and fits `min_booking_duration`/`max_booking_duration`;
 *   the period is then taken out of the Calendar. Otherwise the Booking is `REJECTED` (`DECLINED`).
 *   The Booking carries the BookingLocation's `booking_terms` (one without is refused, 3000), `tariff_ids`
 *   and `booking_option` unless the request chose one; its id is `bookingIdOf(requester, request_id)`.
 * - A request with a known `request_id` changes the Booking (a new period, Tokens, access) until
 *   `change_until_minutes` before its start unless `change_not_allowed`, or cancels it with `canceled`
 *   until `cancel_until_minutes` before; a Booking in a final state changes no more (`DECLINED`).
 *   A canceled or moved period becomes available again.
 * - The same request sent again (a retry) is answered with the Booking as it is.
 *
 * `status_message` says how the request went. The CPO's own moves (FULFILLED, NO_SHOW, a cancellation
 * by the CPO) go through `setOwnBookingStatus`.
 */
export const storeBookingsSender: BookingsSenderHandler = {
  async listBookingLocations(request) {
    if (!request.timeslotFrom && !request.timeslotTo) return listOwnObjects<BookingLocation>(STORE_MODULES.bookingLocations, request);
    return listBookingLocationsWithTimeslots(request);
  },
  async getBookingLocation(target, { context }) {
    const stored = await findVisibleOwnObject<BookingLocation>(context, STORE_MODULES.bookingLocations, target.bookingLocationId);
    if (!stored) return undefined;
    return target.level === 'booking_location' ? JsonText.of(stored) : calendarOf(stored.data, target.calendarId);
  },
  listBookings: (request) => listOwnObjects<Booking>(STORE_MODULES.bookings, request),
  requestBooking: async (request, { context }) =>
    bookingRequests.run(`${partyString(request)}*${request.request_id.toUpperCase()}`, () => handleBookingRequest(context, request)),
};

/** How many BookingLocations a `timeslot_from`/`timeslot_to` list reads from the store at a time. */
const SCAN_BATCH = 200;

/**
 * The `timeslot_from`/`timeslot_to` filter of the default: the store cannot filter on timeslots, so the
 * caller's BookingLocations are read in batches and filtered, and the page cut from what matches. It
 * costs a read of every BookingLocation of the node (there are typically few); lists without the
 * filter are served from the store directly.
 */
async function listBookingLocationsWithTimeslots(request: BookingLocationListRequest): Promise<Page<BookingLocation>> {
  const { context } = request;
  const items: JsonText[] = [];
  let total = 0;
  for (let offset = 0; ; offset += SCAN_BATCH) {
    const batch = await context.node.store.objects.list<BookingLocation>({
      module: STORE_MODULES.bookingLocations,
      owners: context.node.parties,
      visibleTo: audienceOf(context),
      dateFrom: request.dateFrom,
      dateTo: request.dateTo,
      offset,
      limit: SCAN_BATCH,
    });
    for (const item of batch.items) {
      if (!hasTimeslotIn(item.data, request.timeslotFrom, request.timeslotTo)) continue;
      if (total >= request.offset && items.length < request.limit) items.push(JsonText.of(item));
      total++;
    }
    if (batch.items.length < SCAN_BATCH) return { items, total };
  }
}

const calendarOf = (location: BookingLocation, calendarId: string): Calendar | undefined => location.calendars?.find((c) => sameCiString(c.id, calendarId));

export interface OwnBookingStatusChange {
  /** The CPO party that owns the Booking. */
  owner: PartyRef;
  bookingId: string;
  status: ReservationStatus;
  /** Why, when the status is CANCELED; default `{ cancellation_reason: 'UNKNOWN', who_canceled: 'CPO' }`. */
  canceled?: Cancellation;
}

/**
 * The CPO moves one of its Bookings on (mod_bookings, Flow and Lifecycle): RESERVED to FULFILLED,
 * NO_SHOW or CANCELED ("Cancel Booking from CPO"), PENDING to RESERVED, REJECTED or FAILED. Requests
 * still PENDING are settled with it (ACCEPTED, DECLINED or FAILED), and a canceled RESERVED period
 * becomes available again. Resolves with the Booking as stored, to push to the eMSP
 * (`PartnerClient.pushBooking`); rejects on an unknown Booking or a move the lifecycle does not allow.
 */
export async function setOwnBookingStatus(store: OcpiStore, change: OwnBookingStatusChange): Promise<Booking> {
  const key = { module: STORE_MODULES.bookings, owner: normalizeParty(change.owner), id: change.bookingId };
  const settled: Partial<Record<ReservationStatus, ReservationRequestStatus>> = { RESERVED: 'ACCEPTED', REJECTED: 'DECLINED', FAILED: 'FAILED' };
  let failure: string | undefined;
  let released: Booking | undefined;
  const outcome = await store.objects.update<Booking>(key, (current) => {
    if (!current) {
      failure = `Booking ${change.bookingId} of ${partyString(change.owner)} is not known`;
      return undefined;
    }
    const from = current.data.reservation_status;
    if (!canMoveBooking(from, change.status)) {
      failure = `Booking ${change.bookingId} is ${from}: it cannot become ${change.status} (mod_bookings, Flow and Lifecycle)`;
      return undefined;
    }
    const requestStatus = settled[change.status];
    const next: Booking = {
      ...current.data,
      reservation_status: change.status,
      booking_requests: current.data.booking_requests.map((r) =>
        requestStatus && r.request_status === 'PENDING' ? { ...r, request_status: requestStatus } : r,
      ),
      last_updated: ocpiTimestamp(),
    };
    if (change.status === 'CANCELED' && from !== 'CANCELED') {
      next.canceled = change.canceled ?? { cancellation_reason: 'UNKNOWN', who_canceled: 'CPO' };
      if (from === 'RESERVED') released = next;
    }
    return { data: next };
  });
  if (failure !== undefined) throw new Error(failure);
  if (outcome.kind !== 'created' && outcome.kind !== 'updated' && outcome.kind !== 'unchanged') throw new Error(`Booking ${change.bookingId} is not known`);
  const locationId = released && bookingLocationIdOf(released);
  if (released && locationId) {
    await changeCalendar(store, { module: STORE_MODULES.bookingLocations, owner: key.owner, id: locationId }, released.id, { release: released.period });
  }
  return outcome.object.data;
}

// ---------------------------------------------------------------------------------------------
// The Receiver default
// ---------------------------------------------------------------------------------------------

const outdated = (stored: string, target: string): NestedWrite<BookingLocation> => ({ ok: false, outdated: { stored, target } });

/**
 * Puts a Calendar into its BookingLocation, replacing one with the same id unless the stored one is
 * newer (ordered writes, `isOutdated`); the parent takes its `last_updated` when later than its own.
 */
export function putCalendar(location: BookingLocation, calendar: Calendar): NestedWrite<BookingLocation> {
  const existing = calendarOf(location, calendar.id);
  if (existing && isOutdated(calendar.last_updated, existing.last_updated)) return outdated(existing.last_updated, `Calendar ${calendar.id}`);
  const calendars = replaceOrAdd(location.calendars ?? [], calendar, (c) => sameCiString(c.id, calendar.id));
  return {
    ok: true,
    parent: { ...location, calendars: calendars.list, last_updated: laterOf(location.last_updated, calendar.last_updated) },
    created: calendars.created,
  };
}

/**
 * Applies a PATCH to a BookingLocation or one of its Calendars, unless what it patches is newer, and
 * checks the result against the full schema. A Calendar PATCH also sets the parent's `last_updated`
 * when later than its own (mod_bookings, "PATCH Method").
 */
export function patchBookingLocation(context: RequestContext, location: BookingLocation, write: BookingLocationPatchWrite): NestedWrite<BookingLocation> {
  if (write.level === 'booking_location') {
    if (isOutdated(write.patch.last_updated, location.last_updated)) return outdated(location.last_updated, `BookingLocation ${location.id}`);
    const next = applyPatch(location, write.patch);
    const error = validationError(context, BookingLocation, next, 'BookingLocation after PATCH');
    return error ? { ok: false, error } : { ok: true, parent: next, created: false };
  }
  const calendar = calendarOf(location, write.calendarId);
  if (!calendar) return { ok: false, error: unknownCalendar(write) };
  if (isOutdated(write.patch.last_updated, calendar.last_updated)) return outdated(calendar.last_updated, `Calendar ${calendar.id}`);
  const next = applyPatch(calendar, write.patch);
  const error = validationError(context, Calendar, next, 'Calendar after PATCH');
  if (error) return { ok: false, error };
  const calendars = (location.calendars ?? []).map((c) => (c === calendar ? next : c));
  return { ok: true, parent: { ...location, calendars, last_updated: laterOf(location.last_updated, write.patch.last_updated) }, created: false };
}

/**
 * Runs a write stamped `received` on a stored BookingLocation atomically (`writeNestedObject`); HTTP
 * 404 when there is none; an outdated one is acknowledged, not applied, and reported; the
 * BookingLocation may not grow past what the node keeps of one object.
 */
function writeBookingLocation(
  context: RequestContext,
  owner: PartyRef,
  id: string,
  received: string,
  change: (location: BookingLocation) => NestedWrite<BookingLocation>,
): Promise<WriteResult> {
  return writeNestedObject(
    context.node.store,
    { module: STORE_MODULES.bookingLocations, owner, id },
    change,
    () => unknownBookingLocation(id, 'PUT the BookingLocation first'),
    { context, name: `BookingLocation ${id}`, received },
  );
}

/**
 * Writes a Booking pushed by its CPO atomically, refusing to take one out of a final state; `next` may
 * throw. A write stamped `received` older than the stored Booking is acknowledged, not applied, and
 * reported (ordered writes).
 */
async function writeBooking(
  context: RequestContext,
  owner: PartyRef,
  bookingId: string,
  received: string,
  next: (current: Booking | undefined) => Booking,
): Promise<WriteResult> {
  const key = { module: STORE_MODULES.bookings, owner, id: bookingId };
  let failure: unknown;
  let stored: string | undefined;
  const outcome = await context.node.store.objects.update<Booking>(key, (current) => {
    // The mutation may run twice (docs/stores.md): each run decides afresh.
    failure = undefined;
    stored = current && isOutdated(received, current.lastUpdated) ? current.lastUpdated : undefined;
    if (stored !== undefined) return undefined;
    try {
      const booking = next(current?.data);
      if (current) assertNotLeavingFinalState(bookingId, current.data.reservation_status, booking.reservation_status);
      return { data: booking };
    } catch (error) {
      failure = error;
      return undefined;
    }
  });
  if (failure) throw failure;
  if (stored !== undefined) return reportOutdated(context, key, { received, stored });
  return writeResultOf(outcome);
}

/** The Receiver default: keeps what each CPO pushes, per owner and id; Calendars inside their BookingLocation. */
export const storeBookingsReceiver: BookingsReceiverHandler = {
  async getBookingLocation(target, { context, owner }) {
    const stored = await context.node.store.objects.get<BookingLocation>({ module: STORE_MODULES.bookingLocations, owner, id: target.bookingLocationId });
    if (!stored) return undefined;
    return target.level === 'booking_location' ? JsonText.of(stored) : calendarOf(stored.data, target.calendarId);
  },
  async putBookingLocation(write, { context, owner }) {
    if (write.level === 'booking_location') {
      return putReceivedObject(context, { module: STORE_MODULES.bookingLocations, owner, id: write.bookingLocationId }, write.object);
    }
    return writeBookingLocation(context, owner, write.bookingLocationId, write.object.last_updated, (location) => putCalendar(location, write.object));
  },
  patchBookingLocation: (write, { context, owner }) =>
    writeBookingLocation(context, owner, write.bookingLocationId, write.patch.last_updated, (location) => patchBookingLocation(context, location, write)),
  async getBooking(bookingId, { context, owner }) {
    const stored = await context.node.store.objects.get<Booking>({ module: STORE_MODULES.bookings, owner, id: bookingId });
    return stored ? JsonText.of(stored) : undefined;
  },
  putBooking: (booking, { context, owner }) => writeBooking(context, owner, booking.id, booking.last_updated, () => booking),
  patchBooking: (bookingId, patch, { context, owner }) =>
    writeBooking(context, owner, bookingId, patch.last_updated, (current) => {
      if (!current) throw unknownBooking(bookingId);
      const next = applyPatch(current, patch);
      assertValid(context, Booking, next, 'Booking after PATCH');
      return next;
    }),
};

// ---------------------------------------------------------------------------------------------
// The modules
// ---------------------------------------------------------------------------------------------

const BOOKING_LOCATIONS = 'booking_locations';

function targetOf(context: RequestContext): BookingLocationTarget {
  const bookingLocationId = context.param('booking_location_id');
  const calendarId = context.params.calendar_id;
  return calendarId === undefined ? { level: 'booking_location', bookingLocationId } : { level: 'calendar', bookingLocationId, calendarId };
}

function foundTarget(found: Found<BookingLocation | Calendar>, target: BookingLocationTarget): HandlerResult {
  if (found === undefined) throw target.level === 'booking_location' ? unknownBookingLocation(target.bookingLocationId) : unknownCalendar(target);
  return { data: found };
}

/** 2001 unless a BookingRequest is the caller's own: its party, its Tokens, a cancellation by the eMSP. */
function assertOwnRequest(context: RequestContext, request: BookingRequest): void {
  const parties = audienceOf(context).map(partyString);
  const requester = partyString(request);
  if (!parties.includes(requester)) {
    throw OcpiError.invalid(
      `BookingRequest country_code/party_id ${request.country_code}/${request.party_id} is not one of the parties registered with your credentials`,
    );
  }
  // "It is not allowed in OCPI to use a Token that is not 'owned' by the eMSP itself" (mod_locations).
  for (const [i, token] of (request.tokens ?? []).entries()) {
    if (partyString(token) !== requester)
      throw OcpiError.invalid(`/tokens/${i}: Token ${token.uid} belongs to ${partyString(token)}, not to the requesting party ${requester}`);
  }
  if (time(request.period.end_date_time) <= time(request.period.start_date_time)) {
    throw OcpiError.invalid('/period: end_date_time must be after start_date_time');
  }
  if (request.canceled && request.canceled.who_canceled !== 'EMSP') {
    throw OcpiError.invalid(`/canceled/who_canceled: an eMSP's cancellation request is made by EMSP, not ${request.canceled.who_canceled}`);
  }
}

/** What a GET of a BookingLocation URL answers: the BookingLocation, or one of its Calendars by id. */
const bookingLocationOrCalendar = (context: RequestContext): string => (context.params.calendar_id === undefined ? 'BookingLocation' : 'Calendar');

/** The Bookings Sender interface (mod_bookings "Sender Interface"), mounted at `sender/bookings`. */
export function bookingsSender(handler: BookingsSenderHandler = storeBookingsSender): OcpiModule {
  return {
    identifier: 'bookings',
    role: 'SENDER',
    routes: [
      { method: 'GET', path: [], paginated: true, gives: 'Booking', handle: async (ctx) => pageResult(await handler.listBookings(listRequest(ctx))) },
      {
        method: 'POST',
        path: [],
        body: { schema: BookingRequest, name: 'BookingRequest' },
        gives: 'Booking',
        async handle(ctx) {
          const request = ctx.body as BookingRequest;
          assertOwnRequest(ctx, request);
          const answer = await handler.requestBooking(request, handlerRequest(ctx));
          return writeResult(answer.created ? 'created' : 'updated', { data: answer.booking, ...(answer.message ? { statusMessage: answer.message } : {}) });
        },
      },
      {
        method: 'GET',
        path: [BOOKING_LOCATIONS],
        paginated: true,
        gives: 'BookingLocation',
        async handle(ctx) {
          const request: BookingLocationListRequest = {
            ...listRequest(ctx),
            timeslotFrom: dateParameter(ctx.query, 'timeslot_from'),
            timeslotTo: dateParameter(ctx.query, 'timeslot_to'),
          };
          return pageResult(await handler.listBookingLocations(request));
        },
      },
      {
        method: 'GET',
        path: [BOOKING_LOCATIONS, ':booking_location_id', ':calendar_id?'],
        gives: bookingLocationOrCalendar,
        async handle(ctx) {
          const target = targetOf(ctx);
          return foundTarget(await handler.getBookingLocation(target, handlerRequest(ctx)), target);
        },
      },
    ],
  };
}

const RECEIVER_BOOKING_LOCATION = [':country_code', ':party_id', BOOKING_LOCATIONS, ':booking_location_id'] as const;
const RECEIVER_CALENDAR = [...RECEIVER_BOOKING_LOCATION, ':calendar_id'] as const;

/** The Bookings Receiver interface (mod_bookings "Receiver Interface"), mounted at `receiver/bookings`. */
export function bookingsReceiver(handler: BookingsReceiverHandler = storeBookingsReceiver): OcpiModule {
  const put = (path: readonly string[], schema: typeof BookingLocation | typeof Calendar, name: string): RouteDefinition => ({
    method: 'PUT',
    path,
    clientOwned: true,
    body: { schema, name },
    async handle(ctx) {
      const request = ownedRequest(ctx);
      const target = targetOf(ctx);
      let write: BookingLocationPut;
      if (target.level === 'booking_location') {
        const object = ctx.body as BookingLocation;
        assertSameOwner(object, request.owner);
        assertSameId('id', target.bookingLocationId, object.id);
        write = { ...target, object };
      } else {
        const object = ctx.body as Calendar;
        assertSameId('id', target.calendarId, object.id);
        write = { ...target, object };
      }
      return writeResult(await handler.putBookingLocation(write, request));
    },
  });
  const patch = (path: readonly string[], schema: typeof BookingLocationPatch | typeof CalendarPatch, name: string): RouteDefinition => ({
    method: 'PATCH',
    path,
    clientOwned: true,
    // The schema requires `last_updated` (mod_bookings, "PATCH Method").
    body: { schema, name },
    async handle(ctx) {
      const request = ownedRequest(ctx);
      const target = targetOf(ctx);
      const body = ctx.body as Record<string, unknown>;
      let write: BookingLocationPatchWrite;
      if (target.level === 'booking_location') {
        assertSameOwner(body, request.owner);
        assertSameId('id', target.bookingLocationId, body.id);
        write = { ...target, patch: body as BookingLocationPatch };
      } else {
        assertSameId('id', target.calendarId, body.id);
        write = { ...target, patch: body as CalendarPatch };
      }
      const result = await handler.patchBookingLocation(write, request);
      return writeResult(result === 'created' ? 'updated' : result);
    },
  });
  return {
    identifier: 'bookings',
    role: 'RECEIVER',
    routes: [
      {
        method: 'GET',
        path: [...RECEIVER_BOOKING_LOCATION, ':calendar_id?'],
        clientOwned: true,
        gives: bookingLocationOrCalendar,
        async handle(ctx) {
          const target = targetOf(ctx);
          return foundTarget(await handler.getBookingLocation(target, ownedRequest(ctx)), target);
        },
      },
      put(RECEIVER_BOOKING_LOCATION, BookingLocation, 'BookingLocation'),
      put(RECEIVER_CALENDAR, Calendar, 'Calendar'),
      patch(RECEIVER_BOOKING_LOCATION, BookingLocationPatch, 'BookingLocation PATCH'),
      patch(RECEIVER_CALENDAR, CalendarPatch, 'Calendar PATCH'),
      // The Booking's URL names its id, as the GET's table and the PATCH examples do (docs/versions.md).
      ...clientOwnedGetPut<Booking>({ idParam: 'booking_id', type: 'Booking', get: handler.getBooking, put: handler.putBooking }),
      clientOwnedPatch<BookingPatch>({ idParam: 'booking_id', type: 'Booking', patch: handler.patchBooking }),
    ],
  };
}
