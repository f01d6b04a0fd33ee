/**
 * OCPI 2.3.0 Payments module objects (mod_payments "Object description" and "Data types"): the
 * Terminal of a Payment Terminal Provider (PTP) and its Financial Advice Confirmations.
 */

import type { Static } from '@sinclair/typebox';
import { Type } from '@sinclair/typebox';
import { CiString, DateTime, Url } from '../common/basic.js';
import { derive } from '../common/compose.js';
import { CaptureStatusCode, InvoiceCreator } from './enums.js';
import { GeoLocation, Price } from './types.js';

/** mod_payments "Terminal Object": one physical payment terminal and the Locations/EVSEs assigned to it. */
export const Terminal = Type.Object(
  {
    terminal_id: CiString(36),
    customer_reference: Type.Optional(CiString(36)),
    party_id: Type.Optional(CiString(3)),
    country_code: Type.Optional(CiString(2)),
    address: Type.Optional(CiString(45)),
    city: Type.Optional(CiString(45)),
    postal_code: Type.Optional(CiString(10)),
    state: Type.Optional(CiString(20)),
    country: Type.Optional(CiString(3)),
    coordinates: Type.Optional(GeoLocation),
    invoice_base_url: Type.Optional(Url),
    invoice_creator: Type.Optional(InvoiceCreator),
    reference: Type.Optional(CiString(36)),
    location_ids: Type.Optional(Type.Array(CiString(36))),
    evse_uids: Type.Optional(Type.Array(CiString(36))),
    last_updated: DateTime,
  },
  { title: 'Terminal' },
);
export type Terminal = Static<typeof Terminal>;

/**
 * mod_payments "POST Activate Terminal Method" body: a Terminal whose `terminal_id` is optional ("it
 * will be set by the PTP"); "the cardinality for the remaining fields stays the same".
 */
export const TerminalActivation = derive(Terminal, { set: { terminal_id: Type.Optional(CiString(36)) } }, { title: 'TerminalActivation' });
export type TerminalActivation = Static<typeof TerminalActivation>;

/**
 * mod_payments "POST Terminal Method" body (the PTP creates a Terminal on the CPO's system): "The object
 * sent here can be just the terminal id or an object with additional data", so only `terminal_id` is
 * required; the receiver sets `last_updated` when it is absent.
 */
export const NewTerminal = derive(Terminal, { set: { last_updated: Type.Optional(DateTime) } }, { title: 'NewTerminal' });
export type NewTerminal = Static<typeof NewTerminal>;

/**
 * mod_payments "Financial Advice Confirmation Object": what was captured at the PSP for the session of
 * `authorization_reference` (the one given in Commands.StartSession), with the EFT data for the invoice.
 * `eft_data` and `capture_status_message` are CiString[1..255]: non-empty, at most 255 characters.
 */
export const FinancialAdviceConfirmation = Type.Object(
  {
    id: CiString(36),
    authorization_reference: CiString(36),
    total_costs: Price,
    currency: CiString(3),
    eft_data: Type.Array(CiString(255, { minLength: 1 }), { minItems: 1 }),
    capture_status_code: CaptureStatusCode,
    capture_status_message: Type.Optional(CiString(255, { minLength: 1 })),
    last_updated: DateTime,
  },
  { title: 'FinancialAdviceConfirmation' },
);
export type FinancialAdviceConfirmation = Static<typeof FinancialAdviceConfirmation>;
