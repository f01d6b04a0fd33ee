/**
 * Commands module, Receiver interface (mod_commands.asciidoc), typically implemented by a CPO:
 * `POST {commands_endpoint_url}{command}` answers a CommandResponse at once, and the CommandResult
 * of the Charge Point is POSTed later to the `response_url` of the command.
 *
 * The operator's handler says both in one return value: the immediate response, and a promise of
 * the result. The library posts the result (or TIMEOUT when none comes within the advertised
 * timeout) without holding up the answer. The Sender side (receiving results at the response_url)
 * lives in `client/command-results.ts`.
 */
import { OcpiError, OcpiStatus } from '../errors.js';
import type { NodeInfo, RequestContext, RouteDefinition } from '../module.js';
// The command types this interface knows: 2.3.0's CommandType is an OpenEnum, and another value is no resource here (404).
import type { CommandType } from '../schemas/v2.2.1/enums.js';
import {
  type CancelReservation,
  CommandResponse,
  type CommandResponseType,
  type CommandResult,
  type DisplayText,
  type Location,
  type ReserveNow,
  type StartSession,
  type StopSession,
  type UnlockConnector,
} from '../schemas/v2.3.0/index.js';
import { normalizeParty, parseOcpiDateTime } from '../store/keys.js';
import type { OcpiStore, PartyRef, StoredObject } from '../store/types.js';
import { formatIssues } from '../validation/ajv.js';
import {
  type AsyncResultModule,
  type AsyncResultOptions,
  addressedParties,
  callerOwnsToken,
  callerParties,
  createResultPoster,
  findOwnSession,
  type ResultPostOutcome,
  type ResultTarget,
  resultTargetOf,
  systemTimers,
  type Timers,
} from './async-results.js';
import { CommandMemory, type CommandMemoryOptions } from './command-memory.js';
import { type HandlerRequest, handlerRequest, type MaybePromise, STORE_MODULES, sameCiString } from './common.js';

/** The body of each command (mod_commands "POST Method", Request Body); the client exports the same map as `CommandBodies`. */
interface Bodies {
  CANCEL_RESERVATION: CancelReservation;
  RESERVE_NOW: ReserveNow;
  START_SESSION: StartSession;
  STOP_SESSION: StopSession;
  UNLOCK_CONNECTOR: UnlockConnector;
}

/** The immediate answer: a CommandResponse whose `timeout` defaults to the module's `timeout` option. */
export interface CommandAnswer {
  result: CommandResponseType;
  /** Seconds the Sender should wait for the result (CommandResponse.timeout). */
  timeout?: number;
  message?: DisplayText[];
}

/**
 * What a handler returns: the immediate response, and the Charge Point's result to POST to the
 * `response_url`. The result is only posted when the response is ACCEPTED (mod_commands "Response
 * Data"); one that has not come within the advertised timeout is replaced by a CommandResult
 * TIMEOUT, one that rejects by FAILED. Leaving `result` out of an ACCEPTED answer means TIMEOUT.
 */
export interface CommandOutcome {
  response: CommandAnswer;
  result?: Promise<CommandResult> | CommandResult;
}

export type CommandHandler<C> = (command: C, request: HandlerRequest) => MaybePromise<CommandOutcome>;

/**
 * The business logic of the Commands Receiver, one method per CommandType. Throw
 * `unknownCommandLocation(id)` for a Location that is not the operator's (status_codes: "2003
 * Unknown Location, for example: Command: START_SESSION with unknown location").
 */
export interface CommandsReceiverHandler {
  cancelReservation: CommandHandler<CancelReservation>;
  reserveNow: CommandHandler<ReserveNow>;
  startSession: CommandHandler<StartSession>;
  stopSession: CommandHandler<StopSession>;
  unlockConnector: CommandHandler<UnlockConnector>;
}

/** Every command answered, for logs, metrics and simulators. */
export type CommandEvent = {
  [T in CommandType]: { type: T; command: Bodies[T]; response: CommandResponse; context: RequestContext };
}[CommandType];

export interface CommandsReceiverOptions extends AsyncResultOptions {
  /** Options of the store-backed default used for the methods the handler leaves out. */
  defaults?: StoreCommandsReceiverOptions;
  /** CommandResponse.timeout when the handler gives none, in seconds (default 30). */
  timeout?: number;
  /** Called after every command was answered (any response); a throwing hook changes nothing. */
  onCommand?: (event: CommandEvent) => void;
  /** The memory of answered commands, kept in the store for retries (default: 15 minutes, 10,000 per partner). */
  memory?: CommandMemoryOptions;
}

interface CommandSpec {
  type: CommandType;
  method: keyof CommandsReceiverHandler;
  /** The object type of the body (2.1.1 has no CancelReservation: that route is not mounted there). */
  body: string;
}

const COMMANDS: { [T in CommandType]: CommandSpec & { type: T } } = {
  CANCEL_RESERVATION: { type: 'CANCEL_RESERVATION', method: 'cancelReservation', body: 'CancelReservation' },
  RESERVE_NOW: { type: 'RESERVE_NOW', method: 'reserveNow', body: 'ReserveNow' },
  START_SESSION: { type: 'START_SESSION', method: 'startSession', body: 'StartSession' },
  STOP_SESSION: { type: 'STOP_SESSION', method: 'stopSession', body: 'StopSession' },
  UNLOCK_CONNECTOR: { type: 'UNLOCK_CONNECTOR', method: 'unlockConnector', body: 'UnlockConnector' },
};

/** The CommandType values (mod_commands "CommandType enum"): the `{command}` segments this interface accepts. */
export const COMMAND_TYPES = Object.keys(COMMANDS) as CommandType[];

/** 2003 Unknown Location (status_codes), answered with HTTP 200: the command reached the OCPI layer. */
export const unknownCommandLocation = (locationId: string): OcpiError =>
  OcpiError.status(OcpiStatus.UNKNOWN_LOCATION, `Unknown Location '${locationId}': it is not a Location of this CPO`);

/** A further result for a command answered earlier, to the same `response_url`. */
export interface LaterCommandResult {
  /** Our node (`server.node`). */
  node: NodeInfo;
  command: CommandType;
  responseUrl: string;
  /** Who gets it: `resultTargetOf(request.context)`, kept from the handler's request. */
  target: ResultTarget;
  result: CommandResult;
}

export interface CancelReservationByCpo {
  /** Our node (`server.node`). */
  node: NodeInfo;
  /** The eMSP party the reservation is kept under (the party of its Token). */
  owner: PartyRef;
  reservationId: string;
  /** Why, for the driver: "Charge Point out of order". */
  message?: DisplayText[];
}

/** The Commands Receiver module, with the CPO's way to send results after the first. */
export interface CommandsReceiverModule extends AsyncResultModule {
  /**
   * Posts another CommandResult for a command answered earlier (the CPO side may send more than one
   * result per command where the spec allows it). Resolves with how the POST ended; never rejects.
   */
  postResult(later: LaterCommandResult): Promise<ResultPostOutcome>;
  /**
   * The CPO cancels a reservation the store default made (mod_commands "Flow", "Reservation canceled by
   * the CPO"): posts CommandResult CANCELED_RESERVATION to the `response_url` of its RESERVE_NOW and
   * forgets it. Resolves undefined when there is no such reservation (or it expired).
   */
  cancelReservation(cancel: CancelReservationByCpo): Promise<ResultPostOutcome | undefined>;
}

/**
 * The Commands Receiver interface (mod_commands "Receiver Interface"), mounted at `receiver/commands`.
 * Methods the handler leaves out use `storeCommandsReceiver`, so `{ startSession }` alone overrides
 * one command.
 */
export function commandsReceiver(handler: Partial<CommandsReceiverHandler> = {}, options: CommandsReceiverOptions = {}): CommandsReceiverModule {
  const poster = createResultPoster(options);
  const methods: CommandsReceiverHandler = { ...storeCommandsReceiver({ timers: options.timers ?? systemTimers, ...options.defaults }) };
  for (const [name, method] of Object.entries(handler)) if (method !== undefined) Object.assign(methods, { [name]: method });
  const defaultTimeout = options.timeout ?? 30;
  const memory = new CommandMemory(options.memory);

  const route = (spec: CommandSpec): RouteDefinition => ({
    method: 'POST',
    path: [spec.type],
    body: { type: spec.body },
    gives: 'CommandResponse',
    async handle(ctx) {
      const command = ctx.body as Bodies[CommandType];
      await poster.checkResponseUrl(command.response_url, ctx.partner, 'response_url');
      // A retry (same partner, command and response_url, same body) gets the first answer again: the
      // handler does not run twice, so a retried START_SESSION never starts a second session. The memory
      // is in the store: whichever node of several receives the retry answers it so.
      const retryKey = `${spec.type}\n${command.response_url}\n${JSON.stringify(command)}`;
      const response = await memory.answerOnce(ctx.node.store, ctx.partner.id, retryKey, async () => {
        const run = methods[spec.method] as CommandHandler<Bodies[CommandType]>;
        const outcome = await run(command, handlerRequest(ctx));
        const response: CommandResponse = {
          result: outcome.response.result,
          timeout: outcome.response.timeout ?? defaultTimeout,
          ...(outcome.response.message === undefined ? {} : { message: outcome.response.message }),
        };
        const checked = ctx.node.validator(CommandResponse).validate(response);
        if (!checked.ok) throw new Error(`The ${spec.type} handler answered an invalid CommandResponse: ${formatIssues(checked.issues)}`);
        if (response.result === 'ACCEPTED') {
          poster.deliver<CommandResult>({
            kind: spec.type,
            type: 'CommandResult',
            responseUrl: command.response_url,
            context: ctx,
            result: outcome.result,
            timeoutSeconds: response.timeout,
            // CommandResultType TIMEOUT: "no response received from the Charge Point in a reasonable time".
            timeoutResult: { result: 'TIMEOUT' },
            errorResult: { result: 'FAILED' },
          });
        } else if (outcome.result instanceof Promise) {
          // Only an ACCEPTED command has a result to post; keep a rejection from going unhandled.
          outcome.result.catch(() => undefined);
        }
        ctx.emit({ type: 'command.received', command: spec.type, body: command, response: response.result });
        try {
          options.onCommand?.({ type: spec.type, command, response, context: ctx } as CommandEvent);
        } catch {
          // Observability must not change the answer.
        }
        return response;
      });
      return { data: response };
    },
  });

  return {
    identifier: 'commands',
    role: 'RECEIVER',
    routes: [
      ...COMMAND_TYPES.map((type) => route(COMMANDS[type])),
      {
        // Any other `{command}` is not a resource of this interface. The segment is a CommandType
        // (mod_commands "Request Parameters"), and a request that does not address an existing
        // resource has not reached the OCPI layer (status_codes), so: HTTP 404.
        method: 'POST',
        path: [':command'],
        openApi: false,
        handle(ctx) {
          const given = ctx.param('command');
          const match = COMMAND_TYPES.find((type) => sameCiString(type, given));
          const hint = match ? ` (CommandType values are upper case: ${match})` : '';
          throw OcpiError.notFound(`Unknown command type '${given}'${hint}; this interface accepts ${COMMAND_TYPES.join(', ')}`);
        },
      },
    ],
    drain: () => poster.drain(),
    postResult: (later) =>
      poster.send<CommandResult>({
        kind: later.command,
        type: 'CommandResult',
        responseUrl: later.responseUrl,
        node: later.node,
        target: later.target,
        result: later.result,
      }),
    async cancelReservation({ node, owner, reservationId, message }) {
      const key = reservationKey(normalizeParty(owner), reservationId);
      const found = await node.store.objects.get<StoredReservation>(key);
      const expiry = found && parseOcpiDateTime(found.data.expiry_date);
      if (!found?.data.result_to || (expiry !== undefined && expiry <= Date.now())) return undefined;
      await node.store.objects.delete(key);
      const result: CommandResult = { result: 'CANCELED_RESERVATION', ...(message === undefined ? {} : { message }) };
      return poster.send<CommandResult>({
        kind: 'RESERVE_NOW',
        type: 'CommandResult',
        responseUrl: found.data.result_to.response_url,
        node,
        target: found.data.result_to.target,
        result,
      });
    },
  };
}

// ---------------------------------------------------------------------------------------------
// The store-backed default handler
// ---------------------------------------------------------------------------------------------

/** Where the default handler keeps reservations made through RESERVE_NOW, under the eMSP party that made them. */
export const RESERVATIONS_STORE_MODULE = 'command_reservations';

/** A reservation as the default handler stores it. */
export interface StoredReservation {
  reservation_id: string;
  location_id: string;
  /** The CPO party owning the Location. */
  location_owner: PartyRef;
  evse_uid?: string;
  expiry_date: string;
  token_uid: string;
  authorization_reference?: string;
  last_updated: string;
  /** Where later results of the RESERVE_NOW go (CANCELED_RESERVATION): its response_url and requester. */
  result_to?: { response_url: string; target: ResultTarget };
}

const reservationKey = (owner: PartyRef, id: string) => ({ module: RESERVATIONS_STORE_MODULE, owner, id });

export interface StoreCommandsReceiverOptions {
  /** Delay before the default result is posted, in ms (default 100), so the Sender has the response first. */
  resultDelayMs?: number;
  timers?: Timers;
}

const rejected = (text: string): CommandOutcome => ({ response: { result: 'REJECTED', message: [{ language: 'en', text }] } });

/** A Location of the operator's, among the parties the request addresses; `unknownCommandLocation` (2003) when there is none. */
export async function findCommandLocation(ctx: RequestContext, locationId: string): Promise<StoredObject<Location>> {
  for (const owner of addressedParties(ctx)) {
    const found = await ctx.node.store.objects.get<Location>({ module: STORE_MODULES.locations, owner, id: locationId });
    if (found) return found;
  }
  throw unknownCommandLocation(locationId);
}

/** Checks an EVSE (and connector) of a Location: undefined when fine, else the reason to answer REJECTED. */
function evseProblem(location: Location, evseUid: string | undefined, connectorId: string | undefined): string | undefined {
  if (evseUid === undefined) return undefined;
  const evse = location.evses?.find((e) => sameCiString(e.uid, evseUid));
  // An EVSE with status REMOVED no longer exists for the eMSP (mod_locations "Status enum").
  if (!evse || evse.status === 'REMOVED') return `Unknown EVSE '${evseUid}' at Location '${location.id}'`;
  if (connectorId !== undefined && !evse.connectors.some((c) => sameCiString(c.id, connectorId))) {
    return `Unknown connector '${connectorId}' at EVSE '${evseUid}'`;
  }
  return undefined;
}

/**
 * The default Commands handler, with no business logic: it checks what the store knows, answers
 * ACCEPTED and posts the result ACCEPTED shortly after.
 *
 * - START_SESSION, RESERVE_NOW, UNLOCK_CONNECTOR: the Location must be the operator's (2003
 *   otherwise). An unknown EVSE or connector is REJECTED: CommandResponseType has no "unknown EVSE",
 *   and status 2003 is about Locations. A Token of another party is REJECTED ("An eMSP sending a
 *   StartSession SHALL only use Token that are owned by this eMSP").
 * - STOP_SESSION: the Session must be the operator's (UNKNOWN_SESSION otherwise), of the caller's
 *   token and running (REJECTED otherwise: "Session might not be from a customer of the eMSP that
 *   send this request").
 * - RESERVE_NOW stores the reservation under the eMSP party of the token. CANCEL_RESERVATION of one
 *   the caller does not hold posts UNKNOWN_RESERVATION, so an eMSP can never cancel another's
 *   ("We don't want a Sender (eMSP) to replace or cancel a reservation of another Sender").
 */
export function storeCommandsReceiver(options: StoreCommandsReceiverOptions = {}): CommandsReceiverHandler {
  const timers = options.timers ?? systemTimers;
  const delay = options.resultDelayMs ?? 100;
  const later = (result: CommandResult): Promise<CommandResult> =>
    new Promise((resolve) => {
      timers.setTimeout(() => resolve(result), delay);
    });
  const accepted = (result: CommandResult = { result: 'ACCEPTED' }): CommandOutcome => ({ response: { result: 'ACCEPTED' }, result: later(result) });

  return {
    async startSession(command, { context }) {
      const location = await findCommandLocation(context, command.location_id);
      const problem = evseProblem(location.data, command.evse_uid, command.connector_id);
      if (problem) return rejected(problem);
      if (!callerOwnsToken(context, command.token)) return rejected('The Token belongs to another party');
      return accepted();
    },

    async reserveNow(command, { context }) {
      const location = await findCommandLocation(context, command.location_id);
      const problem = evseProblem(location.data, command.evse_uid, undefined);
      if (problem) return rejected(problem);
      if (!callerOwnsToken(context, command.token)) return rejected('The Token belongs to another party');
      const expiry = parseOcpiDateTime(command.expiry_date);
      if (expiry !== undefined && expiry <= Date.now()) return rejected(`expiry_date ${command.expiry_date} has passed`);
      const reservation: StoredReservation = {
        reservation_id: command.reservation_id,
        location_id: location.data.id,
        location_owner: location.key.owner,
        ...(command.evse_uid === undefined ? {} : { evse_uid: command.evse_uid }),
        expiry_date: command.expiry_date,
        token_uid: command.token.uid,
        ...(command.authorization_reference === undefined ? {} : { authorization_reference: command.authorization_reference }),
        last_updated: new Date().toISOString(),
        result_to: { response_url: command.response_url, target: resultTargetOf(context) },
      };
      // The same reservation_id of the same eMSP replaces the reservation (mod_commands "ReserveNow Object").
      await context.node.store.objects.put(reservationKey(normalizeParty(command.token), command.reservation_id), { data: reservation });
      return accepted();
    },

    async cancelReservation(command, { context }) {
      for (const owner of callerParties(context)) {
        const key = reservationKey(owner, command.reservation_id);
        const found = await context.node.store.objects.get<StoredReservation>(key);
        if (!found) continue;
        await context.node.store.objects.delete(key);
        const expiry = parseOcpiDateTime(found.data.expiry_date);
        if (expiry !== undefined && expiry <= Date.now()) break;
        return accepted();
      }
      return accepted({ result: 'UNKNOWN_RESERVATION', message: [{ language: 'en', text: `Unknown reservation '${command.reservation_id}'` }] });
    },

    async stopSession(command, { context }) {
      const session = await findOwnSession(context, command.session_id);
      if (!session) return { response: { result: 'UNKNOWN_SESSION', message: [{ language: 'en', text: `Unknown Session '${command.session_id}'` }] } };
      if (!callerOwnsToken(context, session.data.cdr_token)) return rejected(`Session '${command.session_id}' is not a session of your customers`);
      if (session.data.status !== 'ACTIVE' && session.data.status !== 'PENDING') return rejected(`Session '${command.session_id}' is ${session.data.status}`);
      return accepted();
    },

    async unlockConnector(command, { context }) {
      const location = await findCommandLocation(context, command.location_id);
      const problem = evseProblem(location.data, command.evse_uid, command.connector_id);
      if (problem) return rejected(problem);
      return accepted();
    },
  };
}

/** A reservation the default handler stored for an eMSP party. */
export async function readReservation(store: OcpiStore, owner: PartyRef, reservationId: string): Promise<StoredReservation | undefined> {
  return (await store.objects.get<StoredReservation>({ module: RESERVATIONS_STORE_MODULE, owner: normalizeParty(owner), id: reservationId }))?.data;
}
