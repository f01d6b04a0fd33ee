/**
 * Liberal in what we accept, strict in what we send, and every tolerance visible (issue 17).
 *
 * Partners we did not write send what the spec does not quite allow but what names one thing without
 * doubt: an open enum value we do not know yet (a connector `standard: "NACS"`), a DateTime with an
 * offset or microseconds, their own party as `OCPI-to`, a Token PUT without `?type=`. Refusing such a
 * message loses a whole object for nothing; accepting it silently hides a partner's defect. So each is
 * accepted (normalised where we keep it), raised as a `partner.tolerated` event and counted per
 * partner and kind (`ToleranceCounters`). What cannot be a default is a per-partner quirk
 * (`PartnerQuirks`, kept with the partner), e.g. strict enums for a partner that wants to be told.
 *
 * The server calls `acceptBody` at the one point where a request body is validated; the routing
 * tolerance lives with the routing rules (`routing-headers.ts`), the `?type` default with Tokens.
 */
import type { TSchema } from '@sinclair/typebox';
import { normalizeOcpiDateTime } from './date-time.js';
import { OcpiError } from './errors.js';
import type { EventInput } from './module.js';
import type { Partner } from './partners/partner.js';
import { DATE_TIME_PATTERN } from './schemas/common/basic.js';
import { schemaWalker } from './schemas/common/schema-walk.js';
import { findUnknownEnumValues } from './schemas/common/unknown-enum-values.js';
import type { OcpiStore } from './store/types.js';
import { formatIssues } from './validation/ajv.js';
import type { ValidationIssue, Validator } from './validation/validator.js';

/** What was tolerated: the event's `kind`, and the counters' second key. */
export type ToleranceKind =
  /** An open enum value outside the known ones, kept as sent. */
  | 'open-enum'
  /** A DateTime with an offset, too many fractional digits, a lower-case `z`: stored as UTC `Z`. */
  | 'date-time'
  /** An `OCPI-to` party that is not ours, on a platform that is not a hub: answered for our party. */
  | 'ocpi-to'
  /** A Token PUT without `?type=` whose body names another type than RFID: that type is used. */
  | 'token-type';

/**
 * A partner's quirks: what cannot be a default, set by the operator per partner (stored with it;
 * `setPartnerQuirks`). Every field is optional; absent means the library's default behaviour.
 */
export interface PartnerQuirks {
  /**
   * `lenient` (the default): an unknown value of an open enum is kept, with a `partner.tolerated`
   * event. `strict`: refused with 2001 naming the field, for a partner that wants to be told.
   */
  enums?: 'lenient' | 'strict';
  /**
   * The partner's Sender interfaces refuse a list request without `date_from` (as mod_sessions asks
   * for Sessions): every pull from it carries one, the epoch when there is no watermark.
   */
  dateFromRequired?: boolean;
  /** The largest page the partner serves: our pulls ask for at most this many objects (`limit`). */
  maxPageSize?: number;
  /**
   * How far the partner's clock may be off ours, in seconds. A pull's next `date_from` watermark starts
   * this much earlier (on top of the usual overlap), so an object the partner stamped with its late
   * clock is not skipped.
   */
  clockSkewSeconds?: number;
}

/** The quirk names and what each takes, for the operator's tools (admin, API) to check input against. */
export const QUIRK_NAMES = ['enums', 'dateFromRequired', 'maxPageSize', 'clockSkewSeconds'] as const;

/**
 * Checks quirks an operator gives (API, CLI): a list of what is wrong, empty when they are fine.
 * Unknown names are refused, so a typo does not silently do nothing.
 */
export function checkPartnerQuirks(value: unknown): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return ['quirks must be an object'];
  const problems: string[] = [];
  for (const [name, quirk] of Object.entries(value)) {
    if (quirk === undefined) continue;
    if (name === 'enums') {
      if (quirk !== 'lenient' && quirk !== 'strict') problems.push(`enums must be 'lenient' or 'strict', got ${JSON.stringify(quirk)}`);
    } else if (name === 'dateFromRequired') {
      if (typeof quirk !== 'boolean') problems.push(`dateFromRequired must be true or false, got ${JSON.stringify(quirk)}`);
    } else if (name === 'maxPageSize') {
      if (!Number.isSafeInteger(quirk) || (quirk as number) < 1)
        problems.push(`maxPageSize must be a whole number of at least 1, got ${JSON.stringify(quirk)}`);
    } else if (name === 'clockSkewSeconds') {
      if (!Number.isSafeInteger(quirk) || Math.abs(quirk as number) > 86_400)
        problems.push(`clockSkewSeconds must be a whole number of seconds within a day, got ${JSON.stringify(quirk)}`);
    } else {
      problems.push(`unknown quirk '${name}'; the quirks are ${QUIRK_NAMES.join(', ')}`);
    }
  }
  return problems;
}

/** A `partner.tolerated` event, for a module or the server to emit (`context.emit`). */
export function tolerated(
  kind: ToleranceKind,
  message: string,
  detail: { objectType?: string; field?: string; value?: string } = {},
): EventInput & { type: 'partner.tolerated' } {
  return { type: 'partner.tolerated', kind, message, ...detail };
}

const SPEC_DATE_TIME = new RegExp(DATE_TIME_PATTERN);
const walkDateTimes = schemaWalker((schema) => (schema.title === 'DateTime' ? true : undefined));

/**
 * Rewrites, in place, every DateTime of `body` (along `schema`) that the spec's pattern refuses but
 * that names one instant (`normalizeOcpiDateTime`), and says which. A value that is valid as sent is
 * left as it is; one that is no DateTime at all is left for the validator to name.
 */
function normalizeDateTimes(schema: TSchema, body: unknown, objectType: string): EventInput[] {
  const found: EventInput[] = [];
  walkDateTimes(schema, body, ({ value, pointer, parent, key }) => {
    if (typeof value !== 'string' || (value.length <= 25 && SPEC_DATE_TIME.test(value))) return;
    const normalized = normalizeOcpiDateTime(value);
    if (normalized === undefined) return;
    (parent as Record<string | number, unknown>)[key] = normalized;
    found.push(tolerated('date-time', `${objectType} ${pointer}: DateTime '${value}' taken as ${normalized}`, { objectType, field: pointer, value }));
  });
  return found;
}

export interface AcceptBodyInput {
  /** The body's schema and the name used in messages (`Location`, `Token PATCH`). */
  schema: TSchema;
  name: string;
  /** The parsed JSON; DateTimes are normalised in it. */
  body: unknown;
  validator: Validator<unknown>;
  /** The calling partner's quirks (none for a registration). */
  quirks: PartnerQuirks | undefined;
}

/**
 * The inbound step of every request body: DateTimes normalised, the body validated (2001 naming each
 * wrong field), unknown open enum values kept with a warning or, for a partner with strict enums,
 * refused. Answers what was tolerated, as events for the request to emit.
 */
export function acceptBody(input: AcceptBodyInput): EventInput[] {
  const { schema, name, body, validator, quirks } = input;
  const events = normalizeDateTimes(schema, body, name);
  const result = validator.validate(body);
  if (!result.ok) throw OcpiError.invalid(`Invalid ${name}: ${formatIssues(result.issues)}`, { errors: result.issues });
  const unknown = findUnknownEnumValues(schema, body);
  if (unknown.length === 0) return events;
  if (quirks?.enums === 'strict') {
    const issues: ValidationIssue[] = unknown.map((u) => ({
      path: u.pointer,
      message: `'${u.value}' is not a known ${u.enum} value (this platform takes only known values from you)`,
    }));
    throw OcpiError.invalid(`Invalid ${name}: ${formatIssues(issues)}`, { errors: issues });
  }
  for (const u of unknown) {
    events.push(
      tolerated('open-enum', `${name} ${u.pointer}: unknown ${u.enum} value '${u.value}' kept`, { objectType: name, field: u.pointer, value: u.value }),
    );
  }
  return events;
}

/** One counter: a partner, a kind and, for body tolerances, the object type, field and value. */
export interface ToleranceCount {
  partnerId: string;
  kind: ToleranceKind;
  objectType?: string;
  /** The field with array indexes as `*` (`/evses/*\/connectors/*\/standard`): one counter for every connector. */
  field?: string;
  value?: string;
  count: number;
  /** When it last happened (ISO). */
  last: string;
}

/**
 * Counts `partner.tolerated` events per partner, kind, object type, field and value, in this process
 * (a metrics view; the events carry the details). At most `maxCounters` counters with details: beyond,
 * new combinations are summed in one counter per partner and kind, so a partner sending ever new
 * values cannot grow the node's memory.
 */
export class ToleranceCounters {
  readonly #counts = new Map<string, ToleranceCount>();
  constructor(private readonly maxCounters = 10_000) {}

  record(event: { partnerId: string | undefined; kind: ToleranceKind; objectType?: string; field?: string; value?: string }): void {
    const partnerId = event.partnerId ?? '(registration)';
    const field = event.field?.replace(/\/\d+(?=\/|$)/g, '/*');
    const detailed: Omit<ToleranceCount, 'count' | 'last'> = {
      partnerId,
      kind: event.kind,
      ...(event.objectType === undefined ? {} : { objectType: event.objectType }),
      ...(field === undefined ? {} : { field }),
      ...(event.value === undefined ? {} : { value: event.value }),
    };
    let key = JSON.stringify([partnerId, event.kind, event.objectType, field, event.value]);
    let counter = this.#counts.get(key);
    if (!counter && this.#counts.size >= this.maxCounters) {
      key = JSON.stringify([partnerId, event.kind]);
      counter = this.#counts.get(key);
      if (!counter) {
        counter = { partnerId, kind: event.kind, count: 0, last: '' };
        this.#counts.set(key, counter);
      }
    }
    if (!counter) {
      counter = { ...detailed, count: 0, last: '' };
      this.#counts.set(key, counter);
    }
    counter.count++;
    counter.last = new Date().toISOString();
  }

  /** Every counter, the most frequent first; `partnerId` selects one partner's. */
  list(partnerId?: string): ToleranceCount[] {
    return [...this.#counts.values()]
      .filter((c) => partnerId === undefined || c.partnerId === partnerId)
      .map((c) => ({ ...c }))
      .sort((a, b) => b.count - a.count);
  }

  /** The total per partner and kind. */
  totals(): { partnerId: string; kind: ToleranceKind; count: number }[] {
    const totals = new Map<string, { partnerId: string; kind: ToleranceKind; count: number }>();
    for (const c of this.#counts.values()) {
      const key = `${c.partnerId}\u0000${c.kind}`;
      const total = totals.get(key) ?? { partnerId: c.partnerId, kind: c.kind, count: 0 };
      total.count += c.count;
      totals.set(key, total);
    }
    return [...totals.values()];
  }
}

/**
 * Sets a partner's quirks, replacing those it had (`{}` clears them): the operator's call (API, `pnpm
 * admin partners quirks`). Throws naming every problem when a quirk is unknown or its value wrong.
 * Credentials updates keep them; a new registration starts without.
 */
export async function setPartnerQuirks(admin: { store: OcpiStore }, partnerId: string, quirks: PartnerQuirks): Promise<Partner> {
  const problems = checkPartnerQuirks(quirks);
  if (problems.length > 0) throw new Error(`Invalid quirks: ${problems.join('; ')}`);
  const current = await admin.store.partners.get(partnerId);
  if (!current) throw new Error(`No partner ${partnerId}`);
  const { quirks: _previous, ...rest } = current;
  const set = Object.fromEntries(Object.entries(quirks).filter(([, value]) => value !== undefined)) as PartnerQuirks;
  const partner: Partner = { ...rest, ...(Object.keys(set).length > 0 ? { quirks: set } : {}), updatedAt: new Date().toISOString() };
  await admin.store.partners.save(partner);
  return partner;
}
