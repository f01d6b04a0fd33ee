import { Type } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import { Location } from '../schemas/v2.2.1/index.js';
import { createAjvValidatorFactory, formatIssues, toIssues } from './ajv.js';
import type { ValidationIssue } from './validator.js';

const factory = createAjvValidatorFactory();

function issuesOf(schema: Parameters<typeof factory.compile>[0], value: unknown): ValidationIssue[] {
  const result = factory.compile(schema).validate(value);
  return result.ok ? [] : result.issues;
}

describe('createAjvValidatorFactory', () => {
  it('loads ajv through the CommonJS interop and validates', () => {
    const validator = factory.compile(Type.Object({ a: Type.String() }));
    expect(validator.validate({ a: 'x' })).toEqual({ ok: true, value: { a: 'x' } });
    expect(validator.validate({ a: 1 }).ok).toBe(false);
  });

  it('compiles each schema object once', () => {
    const schema = Type.Object({ a: Type.String() });
    expect(factory.compile(schema)).toBe(factory.compile(schema));
    expect(factory.compile(schema)).not.toBe(factory.compile(Type.Object({ a: Type.String() })));
    expect(factory.compile(Location)).toBe(factory.compile(Location));
  });

  it('exposes the mode, strict by default; both modes apply the same checks', () => {
    const lenient = createAjvValidatorFactory({ mode: 'lenient' });
    expect(factory.mode).toBe('strict');
    expect(lenient.mode).toBe('lenient');
    const schema = Type.Object({ n: Type.Integer() });
    expect(lenient.compile(schema).validate({ n: 1.5 })).toEqual(factory.compile(schema).validate({ n: 1.5 }));
  });

  it('does not coerce, fill defaults or remove unknown properties', () => {
    const schema = Type.Object({ n: Type.Integer(), flag: Type.Optional(Type.Boolean({ default: true })) });
    const value = { n: 1, extra: { deep: [1, 2] } };
    const result = factory.compile(schema).validate(value);
    expect(result.ok && result.value).toBe(value);
    expect(value).toEqual({ n: 1, extra: { deep: [1, 2] } });
    expect(issuesOf(schema, { n: '1' })).toEqual([{ path: '/n', message: 'must be an integer' }]);
    expect(issuesOf(schema, { n: 1, flag: 'true' })).toEqual([{ path: '/flag', message: 'must be a boolean' }]);
  });

  it('never throws, whatever the input', () => {
    const validator = factory.compile(Location);
    for (const input of [undefined, null, 0, '', [], () => 1, Symbol('x'), new Date(), Number.NaN]) {
      const result = validator.validate(input);
      expect(result.ok).toBe(false);
    }
  });

  it('reports all problems at once', () => {
    const issues = issuesOf(Location, {});
    expect(issues.length).toBeGreaterThan(5);
    expect(issues).toContainEqual({ path: '/country_code', message: 'is required' });
    expect(issues).toContainEqual({ path: '/last_updated', message: 'is required' });
  });
});

describe('issue mapping', () => {
  it('appends the missing property to the path, escaped as a JSON pointer', () => {
    const schema = Type.Object({ 'a/b': Type.String(), 'c~d': Type.String() });
    expect(issuesOf(schema, {})).toEqual([
      { path: '/a~1b', message: 'is required' },
      { path: '/c~0d', message: 'is required' },
    ]);
  });

  it('words the common keywords plainly', () => {
    const schema = Type.Object({
      s: Type.String({ maxLength: 2, minLength: 1 }),
      t: Type.String({ minLength: 3 }),
      p: Type.String({ pattern: '^[a-z]+$' }),
      n: Type.Number({ minimum: 0, maximum: 10 }),
      x: Type.Number({ exclusiveMinimum: 0 }),
      a: Type.Array(Type.String(), { minItems: 2, maxItems: 3 }),
      o: Type.Object({}),
      c: Type.Literal('ONLY'),
    });
    const issues = issuesOf(schema, { s: 'abc', t: '', p: 'ABC', n: 11, x: 0, a: ['a'], o: [], c: 'OTHER' });
    expect(issues).toEqual([
      { path: '/s', message: 'must be at most 2 characters' },
      { path: '/t', message: 'must be at least 3 characters' },
      { path: '/p', message: 'must match pattern ^[a-z]+$' },
      { path: '/n', message: 'must be at most 10' },
      { path: '/x', message: 'must be greater than 0' },
      { path: '/a', message: 'must contain at least 2 items' },
      { path: '/o', message: 'must be an object' },
      { path: '/c', message: 'must be "ONLY"' },
    ]);
    expect(issuesOf(Type.String({ minLength: 1 }), '')).toEqual([{ path: '', message: 'must not be empty' }]);
  });

  it('collapses a union of literals into one "must be one of" issue', () => {
    const schema = Type.Object({ e: Type.Union([Type.Literal('A'), Type.Literal('B'), Type.Literal('C')]) });
    expect(issuesOf(schema, { e: 'D' })).toEqual([{ path: '/e', message: 'must be one of A, B, C' }]);
    expect(issuesOf(schema, { e: 3 })).toEqual([{ path: '/e', message: 'must be one of A, B, C' }]);
  });

  it('reports the closest branch of other unions', () => {
    const schema = Type.Object({
      v: Type.Union([Type.String({ maxLength: 3 }), Type.Object({ id: Type.String(), n: Type.Integer() })]),
    });
    expect(issuesOf(schema, { v: 'abcd' })).toEqual([{ path: '/v', message: 'must be at most 3 characters' }]);
    expect(issuesOf(schema, { v: { id: 'x' } })).toEqual([{ path: '/v/n', message: 'is required' }]);
    expect(issuesOf(schema, { v: true })).toEqual([{ path: '/v', message: 'has an unexpected type or shape' }]);
  });

  it('uses x-ocpi-messages annotations where present', () => {
    const schema = Type.String({ pattern: '^[0-9]+$', 'x-ocpi-messages': { pattern: 'must be digits' } });
    expect(issuesOf(schema, 'a1')).toEqual([{ path: '', message: 'must be digits' }]);
  });

  it('removes duplicates', () => {
    const error = {
      instancePath: '/a',
      schemaPath: '#/properties/a/type',
      keyword: 'type',
      params: { type: 'string' },
    };
    expect(toIssues([error, { ...error }])).toEqual([{ path: '/a', message: 'must be a string' }]);
  });
});

describe('formatIssues', () => {
  it('joins issues on one line', () => {
    expect(
      formatIssues([
        { path: '/evses/0/uid', message: 'is required' },
        { path: '/name', message: 'must be at most 255 characters' },
      ]),
    ).toBe('/evses/0/uid: is required; /name: must be at most 255 characters');
  });

  it('names the root and caps the list', () => {
    expect(formatIssues([{ path: '', message: 'must be an object' }])).toBe('(root): must be an object');
    const many = Array.from({ length: 12 }, (_, i) => ({ path: `/${i}`, message: 'is required' }));
    expect(formatIssues(many, 2)).toBe('/0: is required; /1: is required; (+10 more)');
    expect(formatIssues([])).toBe('');
  });
});
