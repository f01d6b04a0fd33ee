/**
 * Build-time code generation of precompiled validators: ajv standalone code, with the same options and
 * keywords as the ajv factory, emitted as one self-contained ES module (the ajv runtime helpers it
 * needs are inlined instead of `require("ajv/dist/runtime/...")`, so it bundles for any runtime).
 *
 * Runs where code generation is allowed (Node, at build time): ajv compiles each schema to get its
 * code. The core's own validators come from here (scripts/generate-validators.ts); an operator's
 * custom module uses it in its own build script (docs/edge-runtimes.md, "Custom modules").
 */
import type { TSchema } from '@sinclair/typebox';
import AjvModule from 'ajv';
import equalModule from 'ajv/dist/runtime/equal.js';
import ucs2lengthModule from 'ajv/dist/runtime/ucs2length.js';
import standaloneModule from 'ajv/dist/standalone/index.js';
import { AJV_KEYWORDS, AJV_OPTIONS } from './ajv.js';

// CommonJS modules: the default import is the value or the exports object, depending on the loader.
const interop = <T>(module: T): T => (module as { default?: T }).default ?? module;
const Ajv = interop(AjvModule);
const standaloneCode = interop(standaloneModule);

/** ajv runtime helpers whose source is self-contained, so it can be inlined. */
const INLINABLE_RUNTIME: Readonly<Record<string, (...args: never[]) => unknown>> = {
  ucs2length: interop(ucs2lengthModule) as (...args: never[]) => unknown,
  equal: interop(equalModule) as unknown as (...args: never[]) => unknown,
};

function inlineRuntime(code: string): string {
  const helpers = new Map<string, string>();
  const replaced = code.replace(/require\("ajv\/dist\/runtime\/([A-Za-z0-9_]+)"\)\.default/g, (_match, name: string) => {
    const helper = INLINABLE_RUNTIME[name];
    if (!helper) throw new Error(`The generated validators need ajv's runtime helper '${name}', which cannot be inlined (a 'format' keyword?)`);
    helpers.set(name, `const ajvRuntime_${name} = ${helper.toString()};`);
    return `ajvRuntime_${name}`;
  });
  if (/\brequire\(/.test(replaced)) throw new Error('The generated validators still contain a require() call');
  return `${[...helpers.values()].join('\n')}\n${replaced}`;
}

/**
 * The source of an ES module that exports one validate function per entry, under the entry's name
 * (a JavaScript identifier). Deterministic: same schemas and ajv version, same text. Load the module
 * and give its functions to `createStandaloneValidatorFactory` to use them.
 *
 * Named sub-schemas (those with a `title`: an OCPI class, object or enum) are compiled once and
 * referenced (`$ref`) wherever they recur, across entries and across OCPI versions, instead of being
 * inlined into every schema that contains them; entries with the same structure share one function.
 * Errors keep their paths and messages (`toIssues` reads instance paths, keywords and parent schemas).
 */
export function generateStandaloneValidators(schemas: Readonly<Record<string, TSchema>>): string {
  const ajv = new Ajv({ ...AJV_OPTIONS, code: { source: true, esm: true } });
  for (const keyword of AJV_KEYWORDS) ajv.addKeyword(keyword);
  const shared = new SharedSchemas();
  // One export per distinct schema; the other names of the same schema are aliases of it.
  const exports: Record<string, string> = {};
  const firstNameOf = new Map<string, string>();
  const aliases: string[] = [];
  for (const [name, schema] of Object.entries(schemas)) {
    if (!/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name)) throw new Error(`'${name}' is not a JavaScript identifier: name the validators' exports with identifiers`);
    const id = shared.idOf(schema as unknown as JsonSchema);
    const first = firstNameOf.get(id);
    if (first === undefined) {
      firstNameOf.set(id, name);
      exports[name] = id;
    } else aliases.push(`export const ${name} = ${first};`);
  }
  for (const [id, schema] of shared.entries()) ajv.addSchema({ ...schema, $id: id });
  return `${inlineRuntime(standaloneCode(ajv, exports).replace(/^"use strict";/, ''))}\n${aliases.join('\n')}`;
}

type JsonSchema = Record<string, unknown>;

/** Schemas by structure, each with an id; nested named schemas replaced by references to theirs. */
class SharedSchemas {
  private readonly ids = new Map<string, string>();
  private readonly schemas = new Map<string, JsonSchema>();

  /** The id of `schema` (added with its named sub-schemas on first sight). */
  idOf(schema: JsonSchema): string {
    const text = JSON.stringify(schema);
    let id = this.ids.get(text);
    if (id === undefined) {
      id = `https://ocpi-ts.invalid/schemas/${this.ids.size}.json`;
      this.ids.set(text, id);
      this.schemas.set(id, this.withReferences(schema, true) as JsonSchema);
    }
    return id;
  }

  entries(): IterableIterator<[string, JsonSchema]> {
    return this.schemas.entries();
  }

  private withReferences(value: unknown, root = false): unknown {
    if (Array.isArray(value)) return value.map((item) => this.withReferences(item));
    if (typeof value !== 'object' || value === null) return value;
    const schema = value as JsonSchema;
    if (!root && typeof schema.title === 'string') return { $ref: this.idOf(schema) };
    return Object.fromEntries(Object.entries(schema).map(([key, inner]) => [key, isAnnotation(key) ? inner : this.withReferences(inner)]));
  }
}

/** Keywords whose values are data, not sub-schemas (an enum's `examples`, custom messages, `const`...). */
function isAnnotation(keyword: string): boolean {
  return keyword === 'examples' || keyword === 'const' || keyword === 'enum' || keyword === 'required' || keyword.startsWith('x-');
}
