/**
 * The basic OCPI types, the same in every version (types.asciidoc / types.md): CiString, string,
 * DateTime, URL, DisplayText, times of day and dates, and the JSON Schema helpers the object schemas
 * share.
 *
 * Schemas carry an annotation keyword, `x-ocpi-messages` (keyword name -> plain-words message), that
 * the ajv validator uses to explain pattern failures ("must match DateTime format (RFC 3339)") instead
 * of printing the regular expression. Validators that do not know it ignore it.
 *
 * 2.1.1 defines `string` as printable ASCII; 2.2 widened it to printable UTF-8. One `OcpiString`
 * (printable UTF-8) serves every version: a 2.1.1 partner's non-ASCII name is kept, not rejected
 * (nothing is lost; docs/versions.md).
 */

import type { Static, StringOptions, TString } from '@sinclair/typebox';
import { Type } from '@sinclair/typebox';

/** Name of the annotation keyword holding per-keyword error messages (see the module comment). */
export const MESSAGES_KEYWORD = 'x-ocpi-messages';

type JsonSchemaObject = Record<string, unknown>;

/**
 * A JSON Schema conditional (`if`/`then`/`else`), used inside `allOf` for the cross-field rules the
 * spec text states (e.g. "credit CDRs need credit_reference_id"). Built here once because linters
 * flag object literals with a `then` key as accidental thenables.
 */
export function IfThen(condition: JsonSchemaObject, consequence: JsonSchemaObject, alternative?: JsonSchemaObject): JsonSchemaObject {
  // biome-ignore lint/suspicious/noThenProperty: JSON Schema keyword; the schema object is never awaited.
  const schema: JsonSchemaObject = { if: condition, then: consequence };
  if (alternative) schema.else = alternative;
  return schema;
}

/** CiString: printable ASCII only (types.asciidoc "CiString type"), space included. */
export const CI_STRING_PATTERN = '^[\\x20-\\x7E]*$';

/**
 * string: "Only printable UTF-8 allowed" (types.asciidoc "string type"): no C0 control characters
 * (carriage return, tab, line feed...), no DEL, no C1 control characters.
 */
export const STRING_PATTERN = '^[^\\x00-\\x1F\\x7F-\\x9F]*$';

/**
 * DateTime (types.asciidoc): RFC 3339, always UTC, "Z" optional (its absence means UTC), fractional
 * seconds optional. Offsets such as `+00:00` are not allowed: the spec lists the only allowed
 * patterns and notes that `+00:00` is not the same as UTC. Months and days are range-checked
 * (February accepts 29 regardless of the year). Leap second `:60` is allowed as in RFC 3339.
 */
export const DATE_TIME_PATTERN =
  '^[0-9]{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)|02-(?:0[1-9]|[12][0-9]))' +
  'T(?:[01][0-9]|2[0-3]):[0-5][0-9]:(?:[0-5][0-9]|60)(?:\\.[0-9]+)?Z?$';

/** GeoLocation.latitude regex of mod_locations, anchored. */
export const LATITUDE_PATTERN = '^-?[0-9]{1,2}\\.[0-9]{5,7}$';
/** GeoLocation.longitude regex of mod_locations, anchored. */
export const LONGITUDE_PATTERN = '^-?[0-9]{1,3}\\.[0-9]{5,7}$';
/** Time of day `HH:MM`, 24h with leading zeros (RegularHours, TariffRestrictions), anchored. */
export const TIME_OF_DAY_PATTERN = '^([0-1][0-9]|2[0-3]):[0-5][0-9]$';
/** Date `YYYY-MM-DD` (TariffRestrictions.start_date/end_date regex), anchored. */
export const DATE_PATTERN = '^([12][0-9]{3})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$';
/**
 * URL (types.asciidoc: string(255) following the w3.org URI spec): not empty, no whitespace and no
 * control characters. Relative references are URIs too, so no scheme is demanded.
 */
export const URL_PATTERN = '^[^\\s\\x00-\\x1F\\x7F-\\x9F]+$';

/** `CiString(n)`: case-insensitive printable-ASCII string of at most `n` characters (no limit when omitted). */
export function CiString(maxLength?: number, options: StringOptions = {}): TString {
  return Type.String({
    ...(maxLength === undefined ? {} : { maxLength }),
    pattern: CI_STRING_PATTERN,
    [MESSAGES_KEYWORD]: { pattern: 'must contain only printable ASCII characters' },
    ...options,
  });
}

/** `string(n)`: case-sensitive printable UTF-8 string of at most `n` characters (no limit when omitted). */
export function OcpiString(maxLength?: number, options: StringOptions = {}): TString {
  return Type.String({
    ...(maxLength === undefined ? {} : { maxLength }),
    pattern: STRING_PATTERN,
    [MESSAGES_KEYWORD]: { pattern: 'must not contain control characters (line breaks, tabs...)' },
    ...options,
  });
}

/** types.asciidoc "DateTime type": string(25), see `DATE_TIME_PATTERN`. */
export const DateTime = Type.String({
  title: 'DateTime',
  maxLength: 25,
  pattern: DATE_TIME_PATTERN,
  [MESSAGES_KEYWORD]: { pattern: 'must match DateTime format (RFC 3339)' },
});
export type DateTime = Static<typeof DateTime>;

/** types.asciidoc "URL type": string(255), see `URL_PATTERN`. */
export const Url = Type.String({
  title: 'URL',
  maxLength: 255,
  pattern: URL_PATTERN,
  [MESSAGES_KEYWORD]: { pattern: 'must be a URL (no whitespace or control characters)' },
});
export type Url = Static<typeof Url>;

/** A 24h time of day `HH:MM` (string(5)). */
export const TimeOfDay = Type.String({
  title: 'TimeOfDay',
  maxLength: 5,
  pattern: TIME_OF_DAY_PATTERN,
  [MESSAGES_KEYWORD]: { pattern: 'must be a time of day HH:MM (24h, leading zeros)' },
});
export type TimeOfDay = Static<typeof TimeOfDay>;

/** A local date `YYYY-MM-DD` (string(10)). */
export const LocalDate = Type.String({
  title: 'LocalDate',
  maxLength: 10,
  pattern: DATE_PATTERN,
  [MESSAGES_KEYWORD]: { pattern: 'must be a date YYYY-MM-DD' },
});
export type LocalDate = Static<typeof LocalDate>;

/** types.asciidoc "DisplayText class". */
export const DisplayText = Type.Object(
  {
    language: OcpiString(2),
    text: OcpiString(512),
  },
  { title: 'DisplayText' },
);
export type DisplayText = Static<typeof DisplayText>;
