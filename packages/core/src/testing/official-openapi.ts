/**
 * The official OCPI OpenAPI description (vendor/ocpi/openapi/<version>, YAML split per module), read
 * for the tests, and a field-by-field comparison of its component schemas with ours: property names,
 * required properties, types (a reference by the referenced name), enum values and openness, lengths.
 */
import { parse } from 'yaml';
import type { OpenApiSchema } from '../schemas/openapi.js';
import { readVendorText, vendorFiles, vendorUrl } from './examples.js';

type Schema = Record<string, unknown>;

/** Every component schema of the official description of `version`, by name. */
export function officialSchemas(version: string): Map<string, Schema> {
  const schemas = new Map<string, Schema>();
  for (const file of vendorFiles(vendorUrl(`openapi/${version}/`)).filter((url) => url.pathname.endsWith('.yaml'))) {
    const document = parse(readVendorText(file)) as { components?: { schemas?: Record<string, Schema> } } | null;
    for (const [name, schema] of Object.entries(document?.components?.schemas ?? {})) schemas.set(name, schema);
  }
  return schemas;
}

const refName = (ref: unknown): string => String(ref).split('/').pop() ?? '';

/** A property's type in words both sides can be compared on. */
function typeOf(schema: Schema | undefined, components: ReadonlyMap<string, Schema>, ours: boolean): string {
  if (!schema) return 'absent';
  if (typeof schema.$ref === 'string') {
    const name = refName(schema.$ref);
    // Our basic types are components; the official description writes them inline as strings.
    if (ours && ['DateTime', 'URL', 'TimeOfDay', 'LocalDate'].includes(name)) return 'string';
    return `ref ${name}`;
  }
  if (schema.type === 'array') return `array of ${typeOf(schema.items as Schema | undefined, components, ours)}`;
  if (Array.isArray(schema.enum)) return 'inline enum';
  return String(schema.type ?? 'any');
}

function maxLengthOf(schema: Schema | undefined, components: ReadonlyMap<string, Schema>): unknown {
  if (!schema) return undefined;
  if (typeof schema.$ref === 'string') return components.get(refName(schema.$ref))?.maxLength;
  if (schema.type === 'array') return maxLengthOf(schema.items as Schema | undefined, components);
  return schema.maxLength;
}

function enumOf(schema: Schema): { values: string[]; open: boolean } | undefined {
  if (Array.isArray(schema.enum)) return { values: schema.enum.map(String), open: schema.format === 'open-enum' };
  if (schema['x-ocpi-open-enum'] === true) return { values: (schema.examples as string[] | undefined) ?? [], open: true };
  return undefined;
}

const sorted = (values: Iterable<string>): string => [...values].sort().join(', ');

/**
 * The differences between the official component `name` and ours, one line each
 * (`Location.time_zone: type official string, ours absent`).
 */
export function compareSchema(
  name: string,
  official: Schema,
  ours: OpenApiSchema,
  officialComponents: ReadonlyMap<string, Schema>,
  ourComponents: ReadonlyMap<string, Schema>,
): string[] {
  const differences: string[] = [];
  const officialEnum = enumOf(official);
  const ourEnum = enumOf(ours);
  if (officialEnum || ourEnum) {
    const a = new Set(officialEnum?.values ?? []);
    const b = new Set(ourEnum?.values ?? []);
    const missing = [...a].filter((value) => !b.has(value));
    const extra = [...b].filter((value) => !a.has(value));
    if (missing.length) differences.push(`${name}: values only official: ${sorted(missing)}`);
    if (extra.length) differences.push(`${name}: values only ours: ${sorted(extra)}`);
    if ((officialEnum?.open ?? false) !== (ourEnum?.open ?? false)) {
      differences.push(`${name}: official ${officialEnum?.open ? 'open' : 'closed'}, ours ${ourEnum?.open ? 'open' : 'closed'}`);
    }
    return differences;
  }
  const officialProperties = (official.properties ?? {}) as Record<string, Schema>;
  const ourProperties = (ours.properties ?? {}) as Record<string, Schema>;
  for (const property of new Set([...Object.keys(officialProperties), ...Object.keys(ourProperties)])) {
    const a = officialProperties[property];
    const b = ourProperties[property];
    const typeA = typeOf(a, officialComponents, false);
    const typeB = typeOf(b, ourComponents, true);
    if (typeA !== typeB) differences.push(`${name}.${property}: type official ${typeA}, ours ${typeB}`);
    const lengthA = maxLengthOf(a, officialComponents);
    const lengthB = maxLengthOf(b, ourComponents);
    if (a && b && lengthA !== undefined && lengthA !== lengthB) differences.push(`${name}.${property}: maxLength official ${lengthA}, ours ${lengthB}`);
  }
  const requiredA = new Set((official.required as string[] | undefined) ?? []);
  const requiredB = new Set((ours.required as string[] | undefined) ?? []);
  const onlyA = [...requiredA].filter((property) => !requiredB.has(property));
  const onlyB = [...requiredB].filter((property) => !requiredA.has(property));
  if (onlyA.length) differences.push(`${name}: required only official: ${sorted(onlyA)}`);
  if (onlyB.length) differences.push(`${name}: required only ours: ${sorted(onlyB)}`);
  return differences;
}
