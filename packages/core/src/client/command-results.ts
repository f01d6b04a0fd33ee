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
  /** The CommandResult the partner POSTs, or `TIMEOUT` when none comes in time. */
  result: Promise<CommandResult>;
  /** Stops waiting (e.g. the command was not ACCEPTED): `result` resolves with TIMEOUT now. */
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
  settle(result: CommandResult): void;
}

/**
 * Waits for asynchronous command results (mod_commands, "Sender Interface"): each command gets a
 * `response_url` with a unique id, and the CommandResult POSTed there resolves its promise. Results
 * are kept in this process only: behind a load balancer, route `{commands url}/*` to one node.
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
          entry.settle(ctx.body as CommandResult);
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
    let settle!: (result: CommandResult) => void;
    const result = new Promise<CommandResult>((resolve) => {
      settle = resolve;
    });
    const finish = (outcome: CommandResult) => {
      if (!waiting.delete(uid)) return;
      clearTimeout(timer);
      settle(outcome);
    };
    const timedOut = (text: string): CommandResult => ({ result: 'TIMEOUT', message: [{ language: 'en', text }] });
    const timer = setTimeout(() => finish(timedOut(`No CommandResult received within ${timeoutMs} ms`)), timeoutMs);
    // A pending deadline never keeps the process alive (unref exists on Node and Bun).
    (timer as { unref?: () => void }).unref?.();
    waiting.set(uid, { command, partnerId: request.partnerId, settle: finish });
    return {
      uid,
      command,
      responseUrl: `${base}/${encodeURIComponent(command)}/${uid}`,
      result,
      cancel: () => finish(timedOut('Stopped waiting for the CommandResult')),
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
