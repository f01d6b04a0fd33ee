import type { AuditEntry } from './audit.js';
import type { VersionLossEvent } from './edges/losses.js';
import type { CommandType } from './schemas/v2.3.0/index.js';
import type { PartyRef } from './store/types.js';
import type { ToleranceKind } from './tolerances.js';

/** Who caused an event, when it came from a request. */
export interface EventOrigin {
  partnerId: string | undefined;
  requestId: string | undefined;
  correlationId: string | undefined;
}

/** A module object that a write created, changed or deleted (store module name, owning party, id). */
export interface ObjectEvent extends EventOrigin {
  type: 'object.created' | 'object.updated' | 'object.deleted';
  module: string;
  owner: PartyRef;
  id: string;
  /** The object as stored after the write; absent for deletions. */
  object?: unknown;
}

/**
 * A PUT or PATCH older than the object stored (its `last_updated` earlier than the stored one's):
 * acknowledged, as the partner has already moved on, but not applied. Partners push over parallel
 * connections, so updates can arrive out of order. `target` names the EVSE or Connector written,
 * when it was one.
 */
export interface ObjectOutdatedEvent extends EventOrigin {
  type: 'object.outdated';
  module: string;
  owner: PartyRef;
  id: string;
  target?: string;
  /** `last_updated` of the write, and of what is stored (of the EVSE or Connector for a nested write). */
  received: string;
  stored: string;
}

export interface PartnerEvent extends EventOrigin {
  /** `partner.awaiting_approval`: the policy held roles of a registration or update for the operator (`approvePartner`). */
  type: 'partner.registered' | 'partner.updated' | 'partner.unregistered' | 'partner.awaiting_approval';
  partnerId: string;
  roles: PartyRef[];
  /** On registration with a registration token (token A): which one was used. */
  registrationTokenId?: string;
}

export interface CommandReceivedEvent extends EventOrigin {
  type: 'command.received';
  command: CommandType;
  body: unknown;
  /** The immediate CommandResponse result: ACCEPTED, REJECTED, ... */
  response: string;
}

export interface ResultSentEvent extends EventOrigin {
  type: 'result.sent';
  /** `command` or the charging-profile result kind. */
  kind: string;
  url: string;
  result: unknown;
}

/** A callback to a partner that failed (a command result, a call while registering); pushes of objects go through the outbox (`outbox.failed`). */
export interface OutboundFailedEvent extends EventOrigin {
  type: 'outbound.failed';
  url: string;
  reason: string;
}

/** The outbox delivered an object's latest state to a partner (outbox.ts). */
export interface OutboxDeliveredEvent extends EventOrigin {
  type: 'outbox.delivered';
  partnerId: string;
  module: string;
  owner: PartyRef;
  id: string;
  /** Attempts it took, this one included. */
  attempts: number;
  /** From the oldest change it carries being queued to its delivery. */
  queuedMs: number;
}

/** A delivery of the outbox failed (partner down, or refusing): it is tried again at `nextAttemptAt`. */
export interface OutboxFailedEvent extends EventOrigin {
  type: 'outbox.failed';
  partnerId: string;
  module: string;
  owner: PartyRef;
  id: string;
  attempts: number;
  error: string;
  nextAttemptAt: string;
}

/** A row was appended to the audit log. */
export interface AuditRecordedEvent extends EventOrigin {
  type: 'audit.recorded';
  entry: AuditEntry;
}

/**
 * A received CDR whose costs differ from what its Tariffs give (beyond a tolerance). The core only
 * carries it: a price check (e.g. `withCdrPriceCheck` of @ocpi-ts/tariffs) wraps the CDRs Receiver.
 */
export interface CdrPriceMismatchEvent extends EventOrigin {
  type: 'cdr.priceMismatch';
  /** The CDR's owner (the CPO) and id. */
  owner: PartyRef;
  cdrId: string;
  currency: string;
  /** Each cost field that differs: the amount billed and the amount computed (exact, as text). */
  differences: { field: string; billed: number | undefined; computed: string | undefined }[];
  /** Largest difference allowed between a billed amount and the computed one. */
  tolerance: number;
  /** The CDR's own cost fields, as received. */
  billed: Record<string, unknown>;
  /** The same fields as computed from the Tariffs, rounded to the currency. */
  computed: Record<string, unknown>;
  /** The computed breakdown: per period, which tariff element priced what, and why. */
  breakdown: unknown;
  /** The Tariffs priced with, and where each came from: held by this node, or carried in the CDR. */
  tariffs: { id: string; source: 'held' | 'cdr'; last_updated?: string | undefined }[];
  timeZone: string;
}

/** A received CDR whose costs could not be checked (no Tariff known, an alt-text-only Tariff, ...). */
export interface CdrPriceUncheckedEvent extends EventOrigin {
  type: 'cdr.priceUnchecked';
  owner: PartyRef;
  cdrId: string;
  reason: string;
}

/**
 * Something a partner sent outside the letter of the spec that was accepted all the same (or, under a
 * strict quirk, refused): an unknown open enum value, a DateTime with an offset, a wrong `OCPI-to`, a
 * Token PUT without `?type=`. See `tolerances.ts`; each is counted per partner and kind too.
 */
export interface PartnerToleratedEvent extends EventOrigin {
  type: 'partner.tolerated';
  kind: ToleranceKind;
  /** What was tolerated and what was made of it, for a log line. */
  message: string;
  /** The object type (`Location`, `Token`), when the tolerance is in a body. */
  objectType?: string;
  /** JSON Pointer of the field in the body (`/evses/0/connectors/0/standard`), or the header. */
  field?: string;
  /** The value as received. */
  value?: string;
}

export type OcpiEvent =
  | PartnerToleratedEvent
  | ObjectEvent
  | ObjectOutdatedEvent
  | PartnerEvent
  | CommandReceivedEvent
  | ResultSentEvent
  | OutboundFailedEvent
  | OutboxDeliveredEvent
  | OutboxFailedEvent
  | AuditRecordedEvent
  | CdrPriceMismatchEvent
  | CdrPriceUncheckedEvent
  | VersionLossEvent;
export type OcpiEventType = OcpiEvent['type'];
/** The event of one type (the members whose `type` union contains it, narrowed to it). */
export type OcpiEventOf<T extends OcpiEventType> = OcpiEvent extends infer E
  ? E extends OcpiEvent
    ? T extends E['type']
      ? E & { type: T }
      : never
    : never
  : never;
export type OcpiEventListener<T extends OcpiEventType = OcpiEventType> = (event: OcpiEventOf<T>) => void | Promise<void>;

export interface OcpiEventBus {
  /** Subscribes to one event type. Returns the unsubscribe function. */
  on<T extends OcpiEventType>(type: T, listener: (event: NoInfer<OcpiEventOf<T>>) => void | Promise<void>): () => void;
  /** Subscribes to every event. */
  on(type: '*', listener: OcpiEventListener): () => void;
  /**
   * Delivers an event to its listeners later, in a task of its own: a listener never delays the
   * answer it follows, and its errors (thrown or rejected) go to `onListenerError`, never further.
   */
  emit(event: OcpiEvent): void;
  /** Whether anyone listens: the server skips recording events when nobody does. */
  readonly active: boolean;
}

export interface EventBusOptions {
  /** Default `console.error`. */
  onListenerError?: (error: unknown, event: OcpiEvent) => void;
}

export function createEventBus(options: EventBusOptions = {}): OcpiEventBus {
  const listeners = new Map<string, Set<OcpiEventListener>>();
  const onListenerError = options.onListenerError ?? ((error, event) => console.error(`ocpi-ts: a listener of ${event.type} failed`, error));
  const deliver = (listener: OcpiEventListener, event: OcpiEvent) => {
    try {
      Promise.resolve(listener(event as never)).catch((error: unknown) => onListenerError(error, event));
    } catch (error) {
      onListenerError(error, event);
    }
  };
  return {
    on(type: string, listener: (event: never) => void | Promise<void>) {
      const stored = listener as unknown as OcpiEventListener;
      const set = listeners.get(type) ?? new Set();
      listeners.set(type, set);
      set.add(stored);
      return () => set.delete(stored);
    },
    emit(event) {
      const targets = [...(listeners.get(event.type) ?? []), ...(listeners.get('*') ?? [])];
      if (targets.length === 0) return;
      setTimeout(() => {
        for (const listener of targets) deliver(listener, event);
      }, 0);
    },
    get active() {
      for (const set of listeners.values()) if (set.size > 0) return true;
      return false;
    },
  };
}
