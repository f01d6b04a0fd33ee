import { OcpiError } from '../errors.js';
import type { NodeInfo, OcpiModule } from '../module.js';
import type { CommandType } from '../schemas/v2.2.1/index.js';
import { CommandResult } from '../schemas/v2.2.1/index.js';

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

interface Waiting {
  command: CommandType;
  partnerId: string | undefined;
  reservationId: string | undefined;
  /** Takes one posted result; ends the wait when no more may come. */
  receive(result: CommandResult): void;
  end(): void;
}

/** How long a reservation's response_url stays open past its expiry_date, against clock skew. */
const RESERVATION_GRACE_MS = 60_000;
/** setTimeout's largest delay (about 24.8 days). */
const MAX_TIMER_MS = 2_147_483_647;

const unref = (timer: ReturnType<typeof setTimeout>) => {
  // A pending deadline never keeps the process alive (unref exists on Node and Bun).
  (timer as { unref?: () => void }).unref?.();
  return timer;
};

/**
 * Waits for asynchronous command results (mod_commands, "Sender Interface"): each command gets a
 * `response_url` with a unique id, and the CommandResult POSTed there resolves its promise. An
 * accepted RESERVE_NOW keeps its `response_url` open for later results until the reservation ends.
 * Results are kept in this process only: behind a load balancer, route `{commands url}/*` to one node.
 */
export function createCommandResultReceiver(options: CommandResultReceiverOptions = {}): CommandResultReceiver {
  const defaultTimeout = options.timeoutMs ?? 120_000;
  const waiting = new Map<string, Waiting>();

  const module: OcpiModule = {
    identifier: 'commands',
    role: 'SENDER',
    routes: [
      {
        method: 'POST',
        path: [':command', ':uid'],
        body: { schema: CommandResult, name: 'CommandResult' },
        handle(ctx) {
          const uid = ctx.param('uid');
          const entry = waiting.get(uid);
          const command = ctx.param('command').toUpperCase();
          if (!entry || entry.command !== command || (entry.partnerId !== undefined && entry.partnerId !== ctx.partner.id)) {
            throw OcpiError.notFound(`No ${command} command is waiting for a result with id ${uid}`);
          }
          entry.receive(ctx.body as CommandResult);
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
    const timedOut = (text: string): CommandResult => ({ result: 'TIMEOUT', message: [{ language: 'en', text }] });
    let timer = unref(setTimeout(() => end(timedOut(`No CommandResult received within ${timeoutMs} ms`)), timeoutMs));

    function end(fallback?: CommandResult) {
      if (!waiting.delete(uid)) return;
      clearTimeout(timer);
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

    waiting.set(uid, { command, partnerId: request.partnerId, reservationId: request.reservationId, receive, end: () => end() });
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
