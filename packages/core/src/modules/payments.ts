/**
 * Payments module of OCPI 2.3.0 (mod_payments.asciidoc): the Sender (the Payment Terminal Provider,
 * PTP) serves its Terminals and Financial Advice Confirmations and takes the CPO's updates,
 * activations and deactivations of Terminals; the Receiver (the CPO) takes the Terminals and Financial
 * Advice Confirmations the PTP creates on the CPO's system.
 *
 * Who owns what. Both objects belong to the PTP: "Data owner: PTP"; a Terminal "will be owned and
 * created by the PTP" (Usage Flows, Terminal Assignment); the CPO's PUT and PATCH are "information
 * Push" messages whose objects "will not be owned by the CPO" (PUT/PATCH Terminal Method, Request
 * Parameters); the PTP pushes a Financial Advice Confirmation after its capture (Usage Flows,
 * Transaction). Neither interface has `{country_code}/{party_id}` in its URLs, so the owner comes from
 * the credentials: on the CPO's Receiver it is the pushing PTP party (`pushingParty`: its `OCPI-from`
 * party, else its only party, else its only PTP role); on the PTP's
 * Sender, one of the node's own parties.
 *
 * Who may read what. A Terminal's own `country_code`/`party_id` are "an alternative to the customer
 * reference" (Terminal Object): they name the CPO the Terminal is linked to, its customer, not its
 * owner; that CPO alone reads and updates it on the Sender. A Financial Advice Confirmation names no
 * party: it is for the CPO that received the StartSession with its `authorization_reference`, which
 * only the PTP's operator knows, so it is stored with an explicit audience (`putOwnObject`).
 */
import { JsonText, ocpiTimestamp } from '../envelope.js';
import { OcpiError } from '../errors.js';
import type { OcpiModule, RequestContext } from '../module.js';
import { FinancialAdviceConfirmation, NewTerminal, Terminal, TerminalActivation, TerminalPatch } from '../schemas/v2.3.0/index.js';
import { normalizeParty, partyString } from '../store/keys.js';
import type { PartyRef } from '../store/types.js';
import { callerParties, pushingParty } from './async-results.js';
import {
  applyPatch,
  assertSameId,
  audienceOf,
  type Found,
  findVisibleOwnObject,
  foundResult,
  type HandlerRequest,
  handlerRequest,
  isVisibleTo,
  type ListRequest,
  listOwnObjects,
  listRequest,
  type MaybePromise,
  type OwnedRequest,
  type Page,
  pageResult,
  patchStoredObject,
  STORE_MODULES,
  type WriteResult,
  writeResult,
  writeResultOf,
} from './common.js';

/** Payments Sender (the PTP). The module has checked the body's `terminal_id` against the URL. */
export interface PaymentsSenderHandler {
  /** GET `/terminals` (paginated): the Terminals the calling CPO may see. */
  listTerminals(request: ListRequest): MaybePromise<Page<Terminal>>;
  getTerminal(terminalId: string, request: HandlerRequest): MaybePromise<Found<Terminal>>;
  /** PUT `/terminals/{terminal_id}`: the CPO updates a Terminal. Throw `unknownTerminal` for one it does not have. */
  putTerminal(terminal: Terminal, request: HandlerRequest): MaybePromise<WriteResult>;
  /**
   * PATCH `/terminals/{terminal_id}`: typically the CPO assigns `location_ids` and/or `evse_uids` ("the
   * sum of evses will be enabled for this payment terminal"). Throw `unknownTerminal` for one it does not have.
   */
  patchTerminal(terminalId: string, patch: TerminalPatch, request: HandlerRequest): MaybePromise<WriteResult>;
  /**
   * POST `/terminals/activate`: the CPO asks the PTP to set up a Terminal (e.g. one integrated in a
   * station, identified by `reference`). Returns the Terminal the PTP creates (answered with 201 when
   * `created`), which the PTP then POSTs to the CPO's Receiver.
   */
  activateTerminal(activation: TerminalActivation, request: HandlerRequest): MaybePromise<{ terminal: Terminal; result: WriteResult }>;
  /** POST `/terminals/{terminal_id}/deactivate`; `absent` for a Terminal the caller does not have (HTTP 404). */
  deactivateTerminal(terminalId: string, request: HandlerRequest): MaybePromise<'deactivated' | 'absent'>;
  /** GET `/financial-advice-confirmations` (paginated). */
  listFinancialAdviceConfirmations(request: ListRequest): MaybePromise<Page<FinancialAdviceConfirmation>>;
  getFinancialAdviceConfirmation(id: string, request: HandlerRequest): MaybePromise<Found<FinancialAdviceConfirmation>>;
}

/** Payments Receiver (the CPO). `request.owner` is the PTP party that pushes (see `pushingParty`). */
export interface PaymentsReceiverHandler {
  getTerminal(terminalId: string, request: OwnedRequest): MaybePromise<Found<Terminal>>;
  /**
   * POST `/terminals`: the PTP creates a Terminal (`last_updated` set by the module when the body has
   * none). `created` answers 201; a Terminal posted again is `updated` or `unchanged` (200).
   */
  postTerminal(terminal: Terminal, request: OwnedRequest): MaybePromise<WriteResult>;
  getFinancialAdviceConfirmation(id: string, request: OwnedRequest): MaybePromise<Found<FinancialAdviceConfirmation>>;
  /** POST `/financial-advice-confirmations`: `created` answers 201, one posted again 200. */
  postFinancialAdviceConfirmation(confirmation: FinancialAdviceConfirmation, request: OwnedRequest): MaybePromise<WriteResult>;
}

/** HTTP 404 for a Terminal that is not known (to this caller). */
export const unknownTerminal = (terminalId: string): OcpiError => OcpiError.notFound(`Terminal ${terminalId} is not known`);

/** The Terminal's `country_code`/`party_id`, when it has both: the CPO it is linked to. */
const linkedCpoOf = (terminal: { country_code?: string | undefined; party_id?: string | undefined }): PartyRef | undefined =>
  terminal.country_code !== undefined && terminal.party_id !== undefined ? normalizeParty(terminal as PartyRef) : undefined;

/** 2001 unless the CPO a Terminal names is one of these parties. */
function assertLinkedTo(terminal: { country_code?: string; party_id?: string }, parties: readonly PartyRef[], whose: string): void {
  const linked = linkedCpoOf(terminal);
  if (linked && !parties.some((p) => partyString(p) === partyString(linked))) {
    throw OcpiError.invalid(`Terminal country_code/party_id ${linked.country_code}/${linked.party_id} is not one of ${whose}`);
  }
}

/** The node's party a Sender write belongs to: the `OCPI-to` party, else its PTP role, else its first party. */
function ownPartyOf(context: RequestContext): PartyRef {
  if (context.routing.to) return normalizeParty(context.routing.to);
  const parties = context.node.parties;
  return normalizeParty(parties.find((p) => String(p.role) === 'PTP') ?? (parties[0] as PartyRef));
}

/**
 * The Sender default: serves the Terminals and Financial Advice Confirmations the operator put in the
 * store (`putOwnObject`), each to the CPO it is for, and applies the CPO's updates to the Terminals it
 * may see. An activation creates a Terminal (the given `terminal_id`, or a new UUID) visible to the
 * activating CPO, with `last_updated` now; a deactivation removes the Terminal. Neither contacts the
 * PTP's systems: the operator follows the store's object events (`object.created`, `object.deleted`)
 * to configure the terminal and to POST it to the CPO (`PartnerClient.postTerminal`).
 */
export const storePaymentsSender: PaymentsSenderHandler = {
  listTerminals: (request) => listOwnObjects<Terminal>(STORE_MODULES.terminals, request),
  async getTerminal(terminalId, { context }) {
    const stored = await findVisibleOwnObject<Terminal>(context, STORE_MODULES.terminals, terminalId);
    return stored ? JsonText.of(stored) : undefined;
  },
  async putTerminal(terminal, { context }) {
    const stored = await findVisibleOwnObject<Terminal>(context, STORE_MODULES.terminals, terminal.terminal_id);
    if (!stored) throw unknownTerminal(terminal.terminal_id);
    // The audience stays: a PUT changes the Terminal, not who may read it.
    const outcome = await context.node.store.objects.update<Terminal>(stored.key, (current) => (current ? { data: terminal } : undefined));
    if (outcome.kind === 'absent') throw unknownTerminal(terminal.terminal_id);
    return writeResultOf(outcome);
  },
  async patchTerminal(terminalId, patch, { context }) {
    const stored = await findVisibleOwnObject<Terminal>(context, STORE_MODULES.terminals, terminalId);
    if (!stored) throw unknownTerminal(terminalId);
    return patchStoredObject<Terminal>(context, stored.key, {
      schema: Terminal,
      name: 'Terminal',
      // Ordered when it carries last_updated; the chapter's PATCH need not, and then the Terminal changed now.
      received: patch.last_updated,
      merge: (current) => applyPatch(current, { last_updated: ocpiTimestamp(), ...patch }),
      unknown: () => unknownTerminal(terminalId),
    });
  },
  async activateTerminal(activation, { context }) {
    const terminal: Terminal = { ...activation, terminal_id: activation.terminal_id ?? crypto.randomUUID(), last_updated: ocpiTimestamp() };
    const linked = linkedCpoOf(terminal);
    const audience = linked ? [linked] : callerParties(context);
    let taken = false;
    const key = { module: STORE_MODULES.terminals, owner: ownPartyOf(context), id: terminal.terminal_id };
    const outcome = await context.node.store.objects.update<Terminal>(key, (current) => {
      taken = current !== undefined && !isVisibleTo(current, audienceOf(context));
      return taken ? undefined : { data: terminal, audience };
    });
    if (taken) throw OcpiError.invalid(`terminal_id '${terminal.terminal_id}' is the id of a Terminal of another party: leave it out to get a new one`);
    return { terminal, result: writeResultOf(outcome) };
  },
  async deactivateTerminal(terminalId, { context }) {
    const stored = await findVisibleOwnObject<Terminal>(context, STORE_MODULES.terminals, terminalId);
    return stored && (await context.node.store.objects.delete(stored.key)) ? 'deactivated' : 'absent';
  },
  listFinancialAdviceConfirmations: (request) => listOwnObjects<FinancialAdviceConfirmation>(STORE_MODULES.financialAdviceConfirmations, request),
  async getFinancialAdviceConfirmation(id, { context }) {
    const stored = await findVisibleOwnObject<FinancialAdviceConfirmation>(context, STORE_MODULES.financialAdviceConfirmations, id);
    return stored ? JsonText.of(stored) : undefined;
  },
};

/**
 * The Receiver default: keeps the Terminals and Financial Advice Confirmations each PTP posts, per
 * PTP party and id; the same id posted again replaces the object (a PTP re-sending a Terminal after
 * an activation, or a corrected capture status).
 */
export const storePaymentsReceiver: PaymentsReceiverHandler = {
  async getTerminal(terminalId, { context, owner }) {
    const stored = await context.node.store.objects.get<Terminal>({ module: STORE_MODULES.terminals, owner, id: terminalId });
    return stored ? JsonText.of(stored) : undefined;
  },
  async postTerminal(terminal, { context, owner }) {
    const key = { module: STORE_MODULES.terminals, owner, id: terminal.terminal_id };
    return writeResultOf(await context.node.store.objects.update<Terminal>(key, () => ({ data: terminal })));
  },
  async getFinancialAdviceConfirmation(id, { context, owner }) {
    const stored = await context.node.store.objects.get<FinancialAdviceConfirmation>({ module: STORE_MODULES.financialAdviceConfirmations, owner, id });
    return stored ? JsonText.of(stored) : undefined;
  },
  async postFinancialAdviceConfirmation(confirmation, { context, owner }) {
    const key = { module: STORE_MODULES.financialAdviceConfirmations, owner, id: confirmation.id };
    return writeResultOf(await context.node.store.objects.update<FinancialAdviceConfirmation>(key, () => ({ data: confirmation })));
  },
};

const TERMINALS = 'terminals';
const CONFIRMATIONS = 'financial-advice-confirmations';

/** The Payments Sender interface (mod_payments "Sender Interface"), mounted at `sender/payments`. */
export function paymentsSender(handler: PaymentsSenderHandler = storePaymentsSender): OcpiModule {
  const terminalPath = [TERMINALS, ':terminal_id'];
  return {
    identifier: 'payments',
    role: 'SENDER',
    routes: [
      {
        method: 'GET',
        path: [TERMINALS],
        paginated: true,
        gives: 'Terminal',
        handle: async (ctx) => pageResult(await handler.listTerminals(listRequest(ctx))),
      },
      {
        method: 'POST',
        path: [TERMINALS, 'activate'],
        body: { schema: TerminalActivation, name: 'Terminal activation' },
        gives: 'Terminal',
        async handle(ctx) {
          const activation = ctx.body as TerminalActivation;
          assertLinkedTo(activation, audienceOf(ctx), 'your parties');
          const { terminal, result } = await handler.activateTerminal(activation, handlerRequest(ctx));
          return writeResult(result, { data: terminal });
        },
      },
      {
        method: 'GET',
        path: terminalPath,
        gives: 'Terminal',
        handle: async (ctx) => foundResult(await handler.getTerminal(ctx.param('terminal_id'), handlerRequest(ctx)), `Terminal ${ctx.param('terminal_id')}`),
      },
      {
        method: 'PUT',
        path: terminalPath,
        body: { schema: Terminal, name: 'Terminal' },
        async handle(ctx) {
          const terminal = ctx.body as Terminal;
          assertSameId('terminal_id', ctx.param('terminal_id'), terminal.terminal_id);
          assertLinkedTo(terminal, audienceOf(ctx), 'your parties');
          const result = await handler.putTerminal(terminal, handlerRequest(ctx));
          // The CPO updates a Terminal the PTP created: never a creation.
          return writeResult(result === 'created' ? 'updated' : result);
        },
      },
      {
        method: 'PATCH',
        path: terminalPath,
        body: { schema: TerminalPatch, name: 'Terminal PATCH' },
        async handle(ctx) {
          const patch = ctx.body as TerminalPatch;
          assertSameId('terminal_id', ctx.param('terminal_id'), patch.terminal_id);
          assertLinkedTo(patch, audienceOf(ctx), 'your parties');
          const result = await handler.patchTerminal(ctx.param('terminal_id'), patch, handlerRequest(ctx));
          return writeResult(result === 'created' ? 'updated' : result);
        },
      },
      {
        method: 'POST',
        path: [...terminalPath, 'deactivate'],
        async handle(ctx) {
          const result = await handler.deactivateTerminal(ctx.param('terminal_id'), handlerRequest(ctx));
          if (result === 'absent') throw unknownTerminal(ctx.param('terminal_id'));
          return {};
        },
      },
      {
        method: 'GET',
        path: [CONFIRMATIONS],
        paginated: true,
        gives: 'FinancialAdviceConfirmation',
        handle: async (ctx) => pageResult(await handler.listFinancialAdviceConfirmations(listRequest(ctx))),
      },
      {
        method: 'GET',
        path: [CONFIRMATIONS, ':financial_advice_confirmation_id'],
        gives: 'FinancialAdviceConfirmation',
        async handle(ctx) {
          const id = ctx.param('financial_advice_confirmation_id');
          return foundResult(await handler.getFinancialAdviceConfirmation(id, handlerRequest(ctx)), `Financial Advice Confirmation ${id}`);
        },
      },
    ],
  };
}

/** The Payments Receiver interface (mod_payments "Receiver Interface"), mounted at `receiver/payments`. */
export function paymentsReceiver(handler: PaymentsReceiverHandler = storePaymentsReceiver): OcpiModule {
  const pushed = (ctx: RequestContext): OwnedRequest => ({ partner: ctx.partner, context: ctx, owner: pushingParty(ctx, 'PTP') });
  return {
    identifier: 'payments',
    role: 'RECEIVER',
    routes: [
      {
        method: 'POST',
        path: [TERMINALS],
        // "The object sent here can be just the terminal id" (POST Terminal Method).
        body: { schema: NewTerminal, name: 'Terminal' },
        async handle(ctx) {
          const posted = ctx.body as NewTerminal;
          assertLinkedTo(posted, ctx.node.parties, 'the parties of this platform');
          const terminal: Terminal = { ...posted, last_updated: posted.last_updated ?? ocpiTimestamp() };
          return writeResult(await handler.postTerminal(terminal, pushed(ctx)));
        },
      },
      {
        method: 'GET',
        path: [TERMINALS, ':terminal_id'],
        gives: 'Terminal',
        handle: async (ctx) => foundResult(await handler.getTerminal(ctx.param('terminal_id'), pushed(ctx)), `Terminal ${ctx.param('terminal_id')}`),
      },
      {
        method: 'POST',
        path: [CONFIRMATIONS],
        body: { schema: FinancialAdviceConfirmation, name: 'FinancialAdviceConfirmation' },
        handle: async (ctx) => writeResult(await handler.postFinancialAdviceConfirmation(ctx.body as FinancialAdviceConfirmation, pushed(ctx))),
      },
      {
        method: 'GET',
        path: [CONFIRMATIONS, ':financial_advice_confirmation_id'],
        gives: 'FinancialAdviceConfirmation',
        async handle(ctx) {
          const id = ctx.param('financial_advice_confirmation_id');
          return foundResult(await handler.getFinancialAdviceConfirmation(id, pushed(ctx)), `Financial Advice Confirmation ${id}`);
        },
      },
    ],
  };
}
