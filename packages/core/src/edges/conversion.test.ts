/**
 * Every official example of 2.1.1, 2.2.1 and 2.3.0 (Payments and Bookings included) converted to the
 * other versions and back: what reaches the other version is valid there, and what comes back differs
 * from the example only where a loss was reported.
 */
import type { TSchema } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import type * as v230 from '../schemas/v2.3.0/index.js';
import { covered, differences } from '../testing/conversion-checks.js';
import { type ExampleValue, exampleValues } from '../testing/example-checks.js';
import { EXAMPLE_TABLES } from '../testing/example-tables.js';
import { example } from '../testing/examples.js';
import { createAjvValidatorFactory } from '../validation/ajv.js';
import type { ConversionContext, Loss } from './convert.js';
import { CANONICAL_VERSION, type OcpiVersion, versionEdge } from './edge.js';

const validators = createAjvValidatorFactory();
const typeOf = (schema: TSchema): string => String(schema.title).replace(/Patch$/, '');

type Json = Record<string, unknown>;
const asJson = (value: unknown): Json => (typeof value === 'object' && value !== null ? (value as Json) : {});

/** The official 2.3.0 Location, as the Location every Session and CDR of the examples is at. */
function locationResolver(): ConversionContext['location'] {
  const base = example<v230.Location>('location_example.json', '2.3.0');
  return (owner, id) => ({ ...base, ...owner, id });
}

/** What the conversions know beyond an example: its owner, our party (the Tokens' eMSP), the partner's role, its Locations. */
function contextFor(value: unknown): ConversionContext {
  const object = asJson(value);
  const token = asJson(object.cdr_token);
  const location = locationResolver();
  return {
    owner: { country_code: String(object.country_code ?? 'NL'), party_id: String(object.party_id ?? 'TNM') },
    ourParty: { country_code: String(token.country_code ?? 'DE'), party_id: String(token.party_id ?? 'MSP') },
    partnerRole: 'CPO',
    // Each Session is at the official Location, with its own EVSE and Connector ids; a CDR's Location is
    // its CdrLocation (as when the Location is not known).
    location: (owner, id) => {
      const found = location?.(owner, id);
      const evse = found?.evses?.[0];
      if (!found || !evse || object.cdr_location !== undefined) return undefined;
      const connector = { ...(evse.connectors[0] as v230.Connector), id: String(object.connector_id) };
      return { ...found, evses: [{ ...evse, uid: String(object.evse_uid), connectors: [connector] }] };
    },
  };
}

/** A 2.1.1 Session's embedded Location, as the canonical Location the node knows (and the losses of that conversion). */
function embeddedLocationOf(value: unknown, context: ConversionContext): { context: ConversionContext; losses: Loss[] } {
  const embedded = asJson(value).location;
  if (embedded === undefined || asJson(value).cdr_token !== undefined) return { context, losses: [] };
  const known = versionEdge('2.1.1').toCanonical<v230.Location>('Location', embedded, { context });
  const losses = known.losses.map((loss) => ({ ...loss, pointer: `/location${loss.pointer}` }));
  return { context: { ...context, location: () => (known.ok ? known.value : undefined) }, losses };
}

function check(version: OcpiVersion, other: OcpiVersion, entry: ExampleValue): string[] {
  const type = typeOf(entry.schema);
  const source = versionEdge(version);
  const target = versionEdge(other);
  // One context throughout: the owner and parties a 2.1.1 object does not carry come from the node, not the object.
  const embedded = embeddedLocationOf(entry.value, contextFor(entry.value));
  const call = { patch: entry.patch, context: embedded.context };
  // Through the canonical model: version -> canonical -> other.
  const canonical = source.toCanonical(type, entry.value, call);
  const there = canonical.ok ? target.fromCanonical(type, canonical.value, call) : canonical;
  const problems: string[] = [];
  const losses = [...embedded.losses, ...canonical.losses, ...there.losses];
  // What the canonical model holds is valid 2.3.0 (handlers and stores rely on it).
  const canonicalSchema = versionEdge(CANONICAL_VERSION).schemaOf(type, entry.patch);
  if (canonical.ok && canonicalSchema) {
    const validCanonical = validators.compile(canonicalSchema).validate(canonical.value);
    if (!validCanonical.ok) problems.push(`invalid in the canonical model: ${validCanonical.issues.map((i) => `${i.path} ${i.message}`).join('; ')}`);
  }
  if (!there.ok) {
    if (losses.length === 0) problems.push(`${type} could not be converted and no loss says why`);
    return problems;
  }
  const targetSchema = target.schemaOf(type, entry.patch);
  if (!targetSchema) return [`OCPI ${other} has no ${type}`];
  const valid = validators.compile(targetSchema).validate(there.value);
  if (!valid.ok) problems.push(`invalid in ${other}: ${valid.issues.map((i) => `${i.path} ${i.message}`).join('; ')}`);
  // And back: other -> canonical -> version.
  const backCanonical = target.toCanonical(type, there.value, call);
  const back = backCanonical.ok ? source.fromCanonical(type, backCanonical.value, call) : backCanonical;
  const all = [...losses, ...backCanonical.losses, ...back.losses];
  if (!back.ok) {
    problems.push(`came back inexpressible: ${JSON.stringify(back.losses)}`);
    return problems;
  }
  for (const difference of differences(entry.value, back.value)) {
    if (!covered(difference, all)) problems.push(`${difference} changed and no loss was reported there`);
  }
  return problems;
}

const FOLDERS: readonly [string, OcpiVersion][] = [
  ['2.3.0', '2.3.0'],
  ['2.3.0-bookings', '2.3.0'],
  ['2.2.1', '2.2.1'],
  ['2.1.1', '2.1.1'],
];

describe('every official example converts to every version and back, changed only where a loss is reported', () => {
  for (const [folder, version] of FOLDERS) {
    const values = exampleValues(folder, EXAMPLE_TABLES[folder as keyof typeof EXAMPLE_TABLES]);
    for (const other of ['2.3.0', '2.2.1', '2.1.1'] as const) {
      if (other === version) continue;
      it(`${folder} -> ${other} -> ${folder} (${values.length} objects)`, () => {
        const failures = values.flatMap((entry) => check(version, other, entry).map((problem) => `${entry.file}${entry.label}: ${problem}`));
        expect(failures).toEqual([]);
      });
    }
  }

  it('the canonical version converts nothing', () => {
    const location = example('location_example.json', '2.3.0');
    const result = versionEdge(CANONICAL_VERSION).fromCanonical('Location', location);
    expect(result).toMatchObject({ ok: true, identity: true, losses: [] });
    if (result.ok) expect(result.value).toBe(location);
  });
});
