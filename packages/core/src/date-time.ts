/**
 * OCPI DateTimes (types.asciidoc, "DateTime type"): the one place that reads, writes and normalises
 * them. The schema (`DateTime` in schemas/common/basic.ts) says what the spec allows; what we write is
 * always the strictest form, `2015-06-29T20:39:09Z`.
 */

const READABLE = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:([Zz])|([+-])(\d{2}):?(\d{2}))?$/;

/** Parses an OCPI DateTime; one without a zone designator is UTC (types.asciidoc, DateTime). */
export function parseOcpiDateTime(value: string): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/i.test(value)) return undefined;
  const withZone = /(Z|[+-]\d{2}:\d{2})$/i.test(value) ? value : `${value}Z`;
  const time = Date.parse(withZone);
  return Number.isNaN(time) ? undefined : time;
}

/** A time as we send it: UTC, whole seconds, `Z` (`2015-06-29T20:39:09Z`). */
export const formatOcpiDateTime = (time: Date | number = new Date()): string => `${new Date(time).toISOString().slice(0, 19)}Z`;

/**
 * A DateTime the spec's pattern refuses but that names one instant without doubt, as UTC: an offset
 * (`2015-06-29T22:39:09+02:00`, `+00:00`, `+0200`), more fractional digits than string(25) holds
 * (microseconds), a lower-case `z` or `t`, a space for the `T`. Fractions are kept to the millisecond
 * (`.123456` is `.123`, `.000000` none). Undefined when `value` is no such DateTime (an impossible date
 * included: February 30th is not read as March 2nd).
 */
export function normalizeOcpiDateTime(value: string): string | undefined {
  const parts = READABLE.exec(value);
  if (!parts) return undefined;
  const [, year, month, day, hour, minute, second, fraction = '', , sign, offsetHours, offsetMinutes] = parts;
  const fields = [year, month, day, hour, minute, second].map(Number) as [number, number, number, number, number, number];
  const local = Date.UTC(fields[0], fields[1] - 1, fields[2], fields[3], fields[4], fields[5]);
  const check = new Date(local);
  if (check.getUTCMonth() !== fields[1] - 1 || check.getUTCDate() !== fields[2] || check.getUTCHours() !== fields[3] || check.getUTCSeconds() !== fields[5]) {
    return undefined;
  }
  const offset = sign ? (sign === '-' ? -1 : 1) * (Number(offsetHours) * 60 + Number(offsetMinutes)) * 60_000 : 0;
  const utc = new Date(local - offset).toISOString().slice(0, 19);
  const millis = fraction.slice(0, 3).padEnd(3, '0').replace(/0+$/, '');
  return `${utc}${millis ? `.${millis}` : ''}Z`;
}
