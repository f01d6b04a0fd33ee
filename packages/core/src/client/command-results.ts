import { OcpiError } from '../errors.js';
import type { NodeInfo, OcpiModule } from '../module.js';
import type { CommandType } from '../schemas/v2.2.1/index.js';
import type { CommandResult } from '../schemas/v2.3.0/index.js';
import { deleteExpired, INTERNAL_MODULES, instant, NODE_OWNER } from '../store/internal-records.js';
import type { OcpiStore } from '../store/types.js';

export interface CommandResultReceiverOptions {
  /** How long to wait for a CommandResult before resolving with TIMEOUT (default 2 minutes). */
  timeoutMs?: number;
}

/** A command sent, waiting for its asynchronous CommandResult at `responseUrl`. */
export interface PendingCommand {
  uid: string;
  command: CommandType;
  /** The `response_url` to put in the command: our commands SENDER endpoint, `/{command}/{uid}`. */
  responseUrl: string;
  /**
   * Settles once the wait is kept in the store, where any node sharing it takes the result: send the
   * command after it (rejects when the store failed).
   */
  registered: Promise<void>;
  /** The first CommandResult the partner POSTs, or `TIMEOUT` when none comes in time. */
  result: Promise<CommandResult>;
  /**
   * Resolves once no more results are accepted at `responseUrl`, with the last one: at once after the
   * first for most commands; for an accepted RESERVE_NOW when the reservation ends (see `expect`).
   */
  ended: Promise<CommandResult>;
  /** Stops waiting (e.g. the command was not ACCEPTED): `result` resolves with TIMEOUT now if none came. */
  cancel(): void;
}

export interface ExpectCommandResult {
  /** Our node: `responseUrl` is built on its commands SENDER endpoint. */
  node: NodeInfo;
  command: CommandType;
  /** Only this partner may post the result (others get 404). */
  partnerId?: string;
  /** The OCPI version whose commands endpoint to use; default the highest one where it is mounted. */
  version?: string;
  timeoutMs?: number;
  /**
   * RESERVE_NOW: its `expiry_date`. After an ACCEPTED result, further results are accepted at the same
   * `response_url` until then (mod_commands "Flow": the CPO cancels a reservation by posting
   * CANCELED_RESERVATION there), or until one that is not ACCEPTED ends the reservation.
   */
  expiresAt?: Date;
  /** RESERVE_NOW and CANCEL_RESERVATION: the reservation; an ACCEPTED cancel of ours ends it too. */
  reservationId?: string;
  /** Called with every result posted, the first included. */
  onResult?: (result: CommandResult) => void;
}

export interface CommandResultReceiver {
  /** Mount it on the node: the commands SENDER interface, receiving `POST {url}/{command}/{uid}`. */
  module: OcpiModule;
  expect(options: ExpectCommandResult): PendingCommand;
  /** How many commands are waiting. */
  readonly waiting: number;
}

/**
 * A command's wait as the store keeps it, so the result is taken by whichever node the partner posts it
 * to (mod_commands: the `response_url` may reach any node behind the load balancer). `last_updated` is
 * when the wait ends: a result posted later gets 404.
 */
interface WaitRecord {
  command: CommandType;
  partnerId?: string;
  /** RESERVE_NOW: its `expiry_date`; after an ACCEPTED result, more are taken until then. */
  expiresAt?: string;
  /** Every result posted so far, in the order they were taken. */
  results: CommandResult[];
  /** No more results are taken. */
  closed: boolean;
  last_updated: string;
}

interface Waiting {
  command: CommandType;
  partnerId: string | undefined;
  reservationId: string | undefined;
  /** Takes the results of the record this node has not seen yet; ends the wait when no more may come. */
  sync(record: WaitRecord | undefined): void;
  end(): void;
}

/** How long a reservation's response_url stays open past its expiry_date, against clock skew. */
const RESERVATION_GRACE_MS = 60_000;
/** setTimeout's largest delay (about 24.8 days). */
const MAX_TIMER_MS = 2_147_483_647;
/** How often a store without a change feed is read for results posted to other nodes. */
const POLL_MS = 250;

const unref = <T>(timer: T): T => {
  // A pending deadline never keeps the process alive (unref exists on Node and Bun).
  (timer as { unref?: () => void }).unref?.();
  return timer;
};

const recordKey = (uid: string) => ({ module: INTERNAL_MODULES.commandResults, owner: NODE_OWNER, id: uid });

/**
 * Waits for asynchronous command results (mod_commands, "Sender Interface"): each command gets a
 * `response_url` with a unique id, and the CommandResult POSTed there resolves its promise. An
 * accepted RESERVE_NOW keeps its `response_url` open for later results until the reservation ends.
 * The wait is kept in the store: a result posted to another node sharing the database is taken there
 * and reaches the waiting node through the store's change feed (`OcpiStore.onObjectChange`), or by
 * polling a store without one.
 */
export function createCommandResultReceiver(options: CommandResultReceiverOptions = {}): CommandResultReceiver {
  const defaultTimeout = options.timeoutMs ?? 120_000;
  const waiting = new Map<string, Waiting>();
  const watched = new WeakSet<OcpiStore>();
  let polling: ReturnType<typeof setInterval> | undefined;

  async function refresh(store: OcpiStore, uid: string): Promise<void> {
    if (!waiting.has(uid)) return;
    const record = await store.objects.get<WaitRecord>(recordKey(uid));
    waiting.get(uid)?.sync(record?.data);
  }

  /** Hears of results other nodes took: through the store's change feed, or by polling while commands wait. */
  function watch(store: OcpiStore): void {
    if (watched.has(store)) return;
    watched.add(store);
    if (store.onObjectChange) {
      store.onObjectChange((change) => {
        if (change.origin !== 'remote' || change.key.module !== INTERNAL_MODULES.commandResults) return;
        refresh(store, change.key.id.toLowerCase()).catch(() => undefined);
      });
      return;
    }
    polling ??= unref(
      setInterval(() => {
        for (const uid of waiting.keys()) refresh(store, uid).catch(() => undefined);
      }, POLL_MS),
    );
  }

  const module: OcpiModule = {
    identifier: 'commands',
    role: 'SENDER',
    routes: [
      {
        method: 'POST',
        path: [':command', ':uid'],
        // Validated and converted per version: a 2.1.1 Charge Point posts a CommandResponse (mod_commands
        // 2.1.1, "3.1 CommandResponse Object": its result only, UNKNOWN_SESSION and TIMEOUT among the values).
        body: { type: 'CommandResult' },
        async handle(ctx) {
          const uid = ctx.param('uid').toLowerCase();
          const command = ctx.param('command').toUpperCase();
          const posted = ctx.body as CommandResult;
          const now = Date.now();
          // Taken atomically in the store, whichever node the partner posts to.
          const taken = await ctx.node.store.objects.update<WaitRecord>(recordKey(uid), (current) => {
            const wait = current?.data;
            if (!wait || wait.closed || Date.parse(wait.last_updated) <= now || wait.command !== command) return undefined;
            if (wait.partnerId !== undefined && wait.partnerId !== ctx.partner.id) return undefined;
            // mod_commands "Flow": after an ACCEPTED RESERVE_NOW the CPO may post again (CANCELED_RESERVATION) until the reservation ends.
            const reservationOpen = command === 'RESERVE_NOW' && posted.result === 'ACCEPTED' && wait.expiresAt !== undefined;
            const until = reservationOpen ? instant(Date.parse(wait.expiresAt as string) + RESERVATION_GRACE_MS) : wait.last_updated;
            return { data: { ...wait, results: [...wait.results, posted], closed: !reservationOpen, last_updated: until } };
          });
          if (taken.kind !== 'updated') throw OcpiError.notFound(`No ${command} command is waiting for a result with id ${uid}`);
          waiting.get(uid)?.sync(taken.object.data);
          return {};
        },
      },
    ],
  };

  function expect(request: ExpectCommandResult): PendingCommand {
    const { node, command } = request;
    const version = request.version ?? node.versions.find((v) => node.moduleUrl(v, 'commands', 'SENDER') !== undefined);
    const base = version === undefined ? undefined : node.moduleUrl(version, 'commands', 'SENDER');
    if (base === undefined) throw new Error('No commands SENDER interface is mounted on this node: mount the receiver module first');
    const store = node.store;
    watch(store);
    const uid = crypto.randomUUID();
    const timeoutMs = request.timeoutMs ?? defaultTimeout;
    let settleFirst!: (result: CommandResult) => void;
    let settleEnded!: (result: CommandResult) => void;
    const result = new Promise<CommandResult>((resolve) => {
      settleFirst = resolve;
    });
    const ended = new Promise<CommandResult>((resolve) => {
      settleEnded = resolve;
    });
    let first: CommandResult | undefined;
    let last: CommandResult | undefined;
    let seen = 0;
    const timedOut = (text: string): CommandResult => ({ result: 'TIMEOUT', message: [{ language: 'en', text }] });
    let timer = unref(setTimeout(() => end(timedOut(`No CommandResult received within ${timeoutMs} ms`)), timeoutMs));

    function end(fallback?: CommandResult) {
      if (!waiting.delete(uid)) return;
      clearTimeout(timer);
      // A result posted from now on, to any node, gets 404.
      store.objects.delete(recordKey(uid)).catch(() => undefined);
      if (waiting.size === 0 && polling !== undefined) {
        clearInterval(polling);
        polling = undefined;
      }
      const outcome = last ?? fallback ?? timedOut('Stopped waiting for the CommandResult');
      if (!first) settleFirst(outcome);
      settleEnded(outcome);
    }

    function receive(posted: CommandResult) {
      last = posted;
      try {
        request.onResult?.(posted);
      } catch {
        // A throwing listener changes nothing for the partner.
      }
      const isFirst = first === undefined;
      first ??= posted;
      if (isFirst) settleFirst(posted);
      const reservationOpen = command === 'RESERVE_NOW' && posted.result === 'ACCEPTED' && request.expiresAt !== undefined;
      if (!reservationOpen) return end();
      if (isFirst) {
        // The first result came: from now on the reservation's expiry is the deadline.
        clearTimeout(timer);
        const remaining = (request.expiresAt as Date).getTime() + RESERVATION_GRACE_MS - Date.now();
        timer = unref(setTimeout(() => end(), Math.min(Math.max(0, remaining), MAX_TIMER_MS)));
      }
    }

    function sync(record: WaitRecord | undefined) {
      if (!record) return;
      while (seen < record.results.length && waiting.has(uid)) receive(record.results[seen++] as CommandResult);
    }

    waiting.set(uid, { command, partnerId: request.partnerId, reservationId: request.reservationId, sync, end: () => end() });
    const now = Date.now();
    const wait: WaitRecord = {
      command,
      ...(request.partnerId === undefined ? {} : { partnerId: request.partnerId }),
      ...(request.expiresAt === undefined ? {} : { expiresAt: request.expiresAt.toISOString() }),
      results: [],
      closed: false,
      last_updated: instant(now + timeoutMs),
    };
    const registered = (async () => {
      await store.objects.put(recordKey(uid), { data: wait });
      // Waits whose node stopped before they ended: past their deadline, gone.
      await deleteExpired(store, INTERNAL_MODULES.commandResults, now, NODE_OWNER);
    })();
    registered.catch(() => undefined);
    if (command === 'CANCEL_RESERVATION' && request.reservationId !== undefined) {
      // Our own cancel, once accepted, ends the reservation's wait for more results.
      const cancelled = request.reservationId.toUpperCase();
      void result.then((outcome) => {
        if (outcome.result !== 'ACCEPTED') return;
        for (const other of waiting.values()) {
          if (other.command === 'RESERVE_NOW' && other.partnerId === request.partnerId && other.reservationId?.toUpperCase() === cancelled) other.end();
        }
      });
    }
    return {
      uid,
      command,
      responseUrl: `${base}/${encodeURIComponent(command)}/${uid}`,
      registered,
      result,
      ended,
      cancel: () => end(timedOut('Stopped waiting for the CommandResult')),
    };
  }

  return {
    module,
    expect,
    get waiting() {
      return waiting.size;
    },
  };
}
