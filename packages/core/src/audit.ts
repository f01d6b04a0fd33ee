import type { OcpiEvent, OcpiEventBus } from './events.js';
import type { PartyRef } from './store/types.js';

export type AuditAction =
  | 'partner.registered'
  | 'partner.updated'
  | 'partner.unregistered'
  | 'partner.awaiting_approval'
  | 'registration_token.used'
  | 'command.received'
  | 'command.sent'
  | 'result.sent'
  | 'auth.failed';

/** One row of the audit log: who did what, when, under which request. Never a token. */
export interface AuditEntry {
  /** Assigned by the store, increasing. */
  seq?: number;
  at: string;
  action: AuditAction;
  partnerId?: string | undefined;
  parties?: PartyRef[] | undefined;
  requestId?: string | undefined;
  correlationId?: string | undefined;
  /** How many occurrences this row stands for (authentication failures are counted, not one row each). */
  count: number;
  details?: Record<string, unknown> | undefined;
}

export interface AuditQuery {
  action?: AuditAction;
  partnerId?: string;
  /** `at >= since`. */
  since?: Date;
  /** Newest first; default 100. */
  limit?: number;
}

/** Append-only: the store offers no way to change or delete a row. */
export interface AuditStore {
  append(entry: AuditEntry): Promise<void>;
  query(query?: AuditQuery): Promise<AuditEntry[]>;
}

export interface AuditLogOptions {
  store: { audit: AuditStore };
  /** Subscribed to: partner, command and result events become rows; each row is emitted as `audit.recorded`. */
  events: OcpiEventBus;
  /** Authentication failures are summed per address and reason over this window (default 60 s). */
  failureWindowMs?: number;
  /** Where append errors go; default `console.error`. */
  onError?: (error: unknown) => void;
}

export interface AuditLog {
  /** A row of the operator's own (e.g. a command the operator's client sent). */
  record(entry: Omit<AuditEntry, 'at' | 'count'> & { count?: number }): Promise<void>;
  /** Counts a failed authentication; written as one row per address and reason per window. */
  authFailure(address: string | undefined, reason: string): void;
  query(query?: AuditQuery): Promise<AuditEntry[]>;
  /** Writes the pending failure counts now (also on a timer, and before the node closes). */
  flush(): Promise<void>;
  close(): Promise<void>;
}

const FROM_EVENT: Partial<Record<OcpiEvent['type'], AuditAction>> = {
  'partner.registered': 'partner.registered',
  'partner.updated': 'partner.updated',
  'partner.unregistered': 'partner.unregistered',
  'partner.awaiting_approval': 'partner.awaiting_approval',
  'command.received': 'command.received',
  'result.sent': 'result.sent',
};

/** Keeps the audit log in the store, from the node's events and the server's authentication failures. */
export function createAuditLog(options: AuditLogOptions): AuditLog {
  const { store, events } = options;
  const onError = options.onError ?? ((error) => console.error('ocpi-ts: audit row not written', error));
  const failures = new Map<string, { address: string | undefined; reason: string; count: number; first: string; last: string }>();
  let timer: ReturnType<typeof setTimeout> | undefined;

  async function append(entry: AuditEntry) {
    try {
      await store.audit.append(entry);
      events.emit({ type: 'audit.recorded', entry, partnerId: entry.partnerId, requestId: entry.requestId, correlationId: entry.correlationId });
    } catch (error) {
      onError(error);
    }
  }

  const unsubscribe = events.on('*', (event) => {
    const action = FROM_EVENT[event.type];
    if (!action) return;
    const details: Record<string, unknown> = {};
    if (event.type === 'command.received') Object.assign(details, { command: event.command, response: event.response });
    if (event.type === 'result.sent') Object.assign(details, { kind: event.kind, url: event.url });
    if ((event.type === 'partner.registered' || event.type === 'partner.awaiting_approval') && event.registrationTokenId) {
      void append({
        at: new Date().toISOString(),
        action: 'registration_token.used',
        partnerId: event.partnerId,
        parties: event.roles,
        requestId: event.requestId,
        correlationId: event.correlationId,
        count: 1,
        details: { registrationTokenId: event.registrationTokenId },
      });
    }
    if (event.type === 'partner.updated') details.tokenRotated = true;
    return append({
      at: new Date().toISOString(),
      action,
      partnerId: event.partnerId,
      parties: 'roles' in event ? event.roles : undefined,
      requestId: event.requestId,
      correlationId: event.correlationId,
      count: 1,
      ...(Object.keys(details).length > 0 ? { details } : {}),
    });
  });

  async function flush() {
    if (timer) clearTimeout(timer);
    timer = undefined;
    const pending = [...failures.values()];
    failures.clear();
    for (const failure of pending) {
      await append({
        at: failure.last,
        action: 'auth.failed',
        count: failure.count,
        details: { address: failure.address, reason: failure.reason, first: failure.first, last: failure.last },
      });
    }
  }

  return {
    record: (entry) => append({ ...entry, at: new Date().toISOString(), count: entry.count ?? 1 }),
    authFailure(address, reason) {
      const key = `${address ?? ''}\n${reason}`;
      const now = new Date().toISOString();
      const found = failures.get(key);
      if (found) {
        found.count += 1;
        found.last = now;
      } else {
        failures.set(key, { address, reason, count: 1, first: now, last: now });
      }
      if (!timer) {
        timer = setTimeout(() => void flush(), options.failureWindowMs ?? 60_000);
        (timer as { unref?: () => void }).unref?.();
      }
    },
    query: (query) => store.audit.query(query),
    flush,
    async close() {
      unsubscribe();
      await flush();
    },
  };
}

/** The audit log in memory (the memory store's). */
export class MemoryAuditStore implements AuditStore {
  private readonly rows: AuditEntry[] = [];
  async append(entry: AuditEntry): Promise<void> {
    this.rows.push(structuredClone({ ...entry, seq: this.rows.length + 1 }));
  }
  async query(query: AuditQuery = {}): Promise<AuditEntry[]> {
    const since = query.since?.getTime();
    return this.rows
      .filter(
        (row) =>
          (!query.action || row.action === query.action) &&
          (!query.partnerId || row.partnerId === query.partnerId) &&
          (since === undefined || Date.parse(row.at) >= since),
      )
      .reverse()
      .slice(0, query.limit ?? 100)
      .map((row) => structuredClone(row));
  }
}
