/**
 * Request values a store cannot hold are refused here, before any store sees them: PostgreSQL text
 * cannot hold NUL, UTF-8 cannot encode a lone UTF-16 surrogate, and a B-tree entry holds a few
 * kilobytes at most. OCPI never needs them: its ids are CiStrings and its strings printable
 * (types.asciidoc, CiString and string: "Only printable ... allowed"), so a NUL, another control
 * character or a lone surrogate is invalid input, and an id longer than any OCPI id is too.
 */
import { OcpiError } from './errors.js';

/** Longest path parameter accepted. OCPI ids are at most 39 characters (CDR id); custom modules get room. */
export const MAX_PATH_PARAMETER = 255;

/** Whether a string holds a C0 control character or DEL. */
function hasControl(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** What makes a string unstorable, or undefined when it is fine. */
function flaw(value: string, controls: boolean): string | undefined {
  if (value.includes('\u0000')) return 'contains a NUL character (U+0000)';
  if (controls && hasControl(value)) return 'contains a control character';
  if (LONE_SURROGATE.test(value)) return 'contains a lone UTF-16 surrogate (not encodable as UTF-8)';
  return undefined;
}

/** Path parameters (ids and parties): printable, no lone surrogate, at most MAX_PATH_PARAMETER characters. */
export function assertStorableParams(params: Readonly<Record<string, string>>): void {
  for (const [name, value] of Object.entries(params)) {
    if (value.length > MAX_PATH_PARAMETER) {
      throw OcpiError.invalid(`Path parameter ${name} is ${value.length} characters long; at most ${MAX_PATH_PARAMETER} are accepted`);
    }
    const problem = flaw(value, true);
    if (problem) throw OcpiError.invalid(`Path parameter ${name} ${problem}; OCPI ids are printable ASCII`);
  }
}

/** Escapes in JSON text (or raw surrogates) that may decode to what a store cannot hold: only then is the value walked. */
const SUSPECT = /\\u(?:0000|d[89a-f])|[\uD800-\uDFFF]/i;

/** A parsed request body: no string or property name holding a NUL or a lone surrogate. */
export function assertStorableBody(text: string, value: unknown, name: string): void {
  if (!SUSPECT.test(text)) return;
  const visit = (node: unknown, path: string): void => {
    if (typeof node === 'string') {
      const problem = flaw(node, false);
      if (problem) throw OcpiError.invalid(`Invalid ${name}: ${path || '/'} ${problem}`);
    } else if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) visit(node[i], `${path}/${i}`);
    } else if (node !== null && typeof node === 'object') {
      for (const [key, item] of Object.entries(node)) {
        const problem = flaw(key, false);
        if (problem) throw OcpiError.invalid(`Invalid ${name}: a property name at ${path || '/'} ${problem}`);
        visit(item, `${path}/${key}`);
      }
    }
  };
  visit(value, '');
}
