/** OCPI 2.2.1 response envelope (transport_and_format.asciidoc "Response format"). */

import type { TInteger, TObject, TOptional, TOptionalWithFlag, TSchema, TString, TUnknown } from '@sinclair/typebox';
import { Type } from '@sinclair/typebox';
import { DateTime, OcpiString } from './types.js';

export type TResponseEnvelope<Data extends TSchema> = TObject<{
  data: TOptionalWithFlag<Data, true>;
  status_code: TInteger;
  status_message: TOptional<TString>;
  timestamp: TString;
}>;

/**
 * The envelope of every OCPI response: `status_code` (int, four digits) and `timestamp` required,
 * `status_message` and `data` optional. `data` is validated against `data` when present: pass
 * `Type.Array(X)` for list responses. Error responses usually carry no `data`; the spec advises
 * receivers to accept an absent `data` where it does not say what to put there.
 */
export function ResponseEnvelope<Data extends TSchema>(data: Data): TResponseEnvelope<Data> {
  return Type.Object(
    {
      data: Type.Optional(data),
      // "OCPI status codes consist of four digits" (see status_codes.asciidoc for the ranges).
      status_code: Type.Integer({ minimum: 1000, maximum: 9999 }),
      status_message: Type.Optional(OcpiString()),
      timestamp: DateTime,
    },
    { title: 'OcpiResponse' },
  );
}

/** An envelope whose `data` is not checked (check it separately, e.g. item by item). */
export const AnyResponseEnvelope: TResponseEnvelope<TUnknown> = ResponseEnvelope(Type.Unknown());
