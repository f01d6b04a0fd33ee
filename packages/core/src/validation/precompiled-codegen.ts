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
 */
export function generateStandaloneValidators(schemas: Readonly<Record<string, TSchema>>): string {
  const ajv = new Ajv({ ...AJV_OPTIONS, code: { source: true, esm: true } });
  for (const keyword of AJV_KEYWORDS) ajv.addKeyword(keyword);
  const exports: Record<string, string> = {};
  for (const [name, schema] of Object.entries(schemas)) {
    if (!/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name)) throw new Error(`'${name}' is not a JavaScript identifier: name the validators' exports with identifiers`);
    ajv.addSchema(schema, name);
    exports[name] = name;
  }
  return inlineRuntime(standaloneCode(ajv, exports).replace(/^"use strict";/, ''));
}
