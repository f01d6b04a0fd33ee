/**
 * Conversion between an OCPI version's objects and the canonical model (2.3.0), written once for
 * every object type: a walk over the two schemas side by side. Where both versions have a field, its
 * value is walked further; a field of the source version that the target lacks is dropped; a field
 * neither version knows is a partner's own and passes through (2.3.0 transport_and_format,
 * "Non-specified JSON fields"). A closed enum value, a length, a pattern or a cardinality the target
 * cannot hold makes the value inexpressible there: an optional field or a list item is dropped, a
 * required one makes its parent inexpressible in turn. Every drop, narrowing or default is a `Loss`
 * (a JSON Pointer into the source object, and why).
 *
 * What the walk cannot know (a Price with taxes becoming `excl_vat`/`incl_vat`, 2.1.1's embedded
 * Location) is said by rules, one per schema title and direction (edges/rules-*.ts). The walk copies
 * nothing it does not change: a conversion that changes nothing returns its input, so an object whose
 * conversion is the identity is served from its stored bytes as they are.
 */
import type { TSchema } from '@sinclair/typebox';
import type { Role } from '../partners/partner.js';
import { CI_STRING_PATTERN, STRING_PATTERN } from '../schemas/common/basic.js';
import { isClosedEnum, isOpenEnum, knownValues } from '../schemas/common/enums.js';
import type { Location } from '../schemas/v2.3.0/index.js';
import type { PartyRef } from '../store/types.js';

/** What a conversion did to one field: left it out, changed its value to fit, or filled in a value the source did not have. */
export type LossKind = 'dropped' | 'narrowed' | 'defaulted';

/** One field a conversion could not carry as it was. */
export interface Loss {
  /** JSON Pointer into the source object: `/evses/0/connectors/1/capabilities`. */
  pointer: string;
  kind: LossKind;
  /** Why, in words: `not in OCPI 2.1.1`. */
  reason: string;
}

/** `in`: from a version to the canonical model (what a partner sends us); `out`: canonical to a version (what we send). */
export type Direction = 'in' | 'out';

/** What a conversion needs to know beyond the object: who owns it, and who is on each side. */
export interface ConversionContext {
  /**
   * The owner of objects that name none in their version (2.1.1 carries no `country_code`/`party_id`):
   * the party in the URL of a client-owned object, else the partner's own party.
   */
  owner?: PartyRef | undefined;
  /** Our party facing the partner: the eMSP that owns the Tokens of 2.1.1 Sessions and CDRs we receive. */
  ourParty?: PartyRef | undefined;
  /** The role the partner plays where its version does not say (2.1.1 Credentials): it follows from ours. */
  partnerRole?: Role | undefined;
  /** The canonical Locations of Sessions and CDRs, for 2.1.1's embedded Location (see `VersionEdge.prepare`). */
  location?: ((owner: PartyRef, id: string) => Location | undefined) | undefined;
}

/** The walk as a rule sees it: report a loss, or walk a part of the value further. */
export interface Walker {
  readonly direction: Direction;
  /** The version on the other side of the canonical model. */
  readonly version: string;
  /** A PATCH body: required fields may be absent, and none is defaulted. */
  readonly patch: boolean;
  readonly context: ConversionContext;
  loss(pointer: string, kind: LossKind, reason: string): void;
  /** Converts `value` at `pointer` from schema `from` to schema `to`; `INEXPRESSIBLE` when it cannot be. */
  walk(value: unknown, from: TSchema | undefined, to: TSchema | undefined, pointer: string): unknown;
  /** The walk without the rule of this level: what a rule calls once it reshaped the value. */
  walkDefault(value: unknown, from: TSchema | undefined, to: TSchema, pointer: string): unknown;
  /** Whether the value at `pointer` is a partial object (the PATCH body itself; what it nests is whole). */
  partial(pointer: string): boolean;
  /** Set when a rule read the context's `location`: the result depends on more than the object. */
  usedReferences: boolean;
}

/** A value that cannot be expressed in the target version (its reasons are among the losses). */
export const INEXPRESSIBLE: unique symbol = Symbol('inexpressible');

/**
 * A rule for one schema title in one direction: gets the source value and both schemas, answers the
 * value in the target's shape (walking its parts with `walker.walk`) or `INEXPRESSIBLE`.
 */
export type Rule = (value: unknown, from: TSchema, to: TSchema, pointer: string, walker: Walker) => unknown;

/** The rules of one version: by `from.title>to.title` (for a type renamed between versions) or by the target's title. */
export type Rules = Readonly<Record<string, Rule>>;

export type ConversionResult<T = unknown> = { ok: true; value: T; losses: Loss[]; identity: boolean; usesReferences: boolean } | { ok: false; losses: Loss[] };

export interface ConvertOptions {
  direction: Direction;
  version: string;
  rules: Rules;
  patch?: boolean;
  context?: ConversionContext;
}

type JsonObject = Record<string, unknown>;
const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);
const propertiesOf = (schema: TSchema | undefined): Record<string, TSchema> | undefined =>
  schema && schema.type === 'object' && isObject(schema.properties) ? (schema.properties as Record<string, TSchema>) : undefined;
const requiredOf = (schema: TSchema): readonly string[] => (Array.isArray(schema.required) ? (schema.required as string[]) : []);

/** A JSON Pointer segment (RFC 6901: `~` and `/` escaped). */
export const pointerSegment = (key: string | number): string => String(key).replace(/~/g, '~0').replace(/\//g, '~1');

const patterns = new Map<string, RegExp>();
const patternOf = (source: string): RegExp => {
  let found = patterns.get(source);
  if (!found) {
    found = new RegExp(source, 'u');
    patterns.set(source, found);
  }
  return found;
};

/** Converts one value of one object type between a version and the canonical model (see the module comment). */
export function convertValue<T = unknown>(value: unknown, from: TSchema, to: TSchema, options: ConvertOptions): ConversionResult<T> {
  const losses: Loss[] = [];
  const rules = options.rules;
  const walker: Walker = {
    direction: options.direction,
    version: options.version,
    patch: options.patch ?? false,
    context: options.context ?? {},
    usedReferences: false,
    loss(pointer, kind, reason) {
      losses.push({ pointer, kind, reason });
    },
    walk(child, childFrom, childTo, pointer) {
      return walk(child, childFrom, childTo, pointer, walker, rules);
    },
    walkDefault(child, childFrom, childTo, pointer) {
      return walkDefault(child, childFrom, childTo, pointer, walker, rules);
    },
    partial: (pointer) => (options.patch ?? false) && pointer === '',
  };
  const converted = walk(value, from, to, '', walker, rules);
  if (converted === INEXPRESSIBLE) return { ok: false, losses };
  return { ok: true, value: converted as T, losses, identity: converted === value, usesReferences: walker.usedReferences };
}

const where = (walker: Walker) => `OCPI ${walker.direction === 'out' ? walker.version : '2.3.0 (the canonical model)'}`;

function walk(value: unknown, from: TSchema | undefined, to: TSchema | undefined, pointer: string, walker: Walker, rules: Rules): unknown {
  // The same schema on both sides (Charging Profiles, DisplayText...): nothing to convert.
  if (from === to || to === undefined) return value;
  // A PATCH body follows the rule of its object (`LocationPatch` that of `Location`).
  const toTitle = baseTitle(to);
  const rule = (from !== undefined && rules[`${baseTitle(from)}>${toTitle}`]) || (toTitle !== undefined && rules[toTitle]) || undefined;
  if (rule && from) return rule(value, from, to, pointer, walker);
  return walkDefault(value, from, to, pointer, walker, rules);
}

const baseTitle = (schema: TSchema): string | undefined => (typeof schema.title === 'string' ? schema.title.replace(/Patch$/, '') : undefined);

function walkDefault(value: unknown, from: TSchema | undefined, to: TSchema, pointer: string, walker: Walker, rules: Rules): unknown {
  if (Array.isArray(value)) return walkArray(value, from, to, pointer, walker);
  if (isObject(value)) return walkObject(value, from, to, pointer, walker, rules);
  return walkScalar(value, from, to, pointer, walker);
}

function walkArray(value: readonly unknown[], from: TSchema | undefined, to: TSchema, pointer: string, walker: Walker): unknown {
  if (to.type !== 'array') return value;
  const fromItems = from?.type === 'array' ? (from.items as TSchema) : undefined;
  let out: unknown[] | undefined;
  for (let i = 0; i < value.length; i++) {
    const item = value[i];
    const converted = walker.walk(item, fromItems, to.items as TSchema, `${pointer}/${i}`);
    if (converted === INEXPRESSIBLE) walker.loss(`${pointer}/${i}`, 'dropped', 'left out of the list');
    if (converted !== item && !out) out = value.slice(0, i);
    if (out && converted !== INEXPRESSIBLE) out.push(converted);
  }
  const result = out ?? value;
  if (typeof to.minItems === 'number' && result.length < to.minItems) {
    walker.loss(
      pointer,
      'dropped',
      `${where(walker)} needs at least ${to.minItems} item${to.minItems === 1 ? '' : 's'} here, ${result.length} could be expressed`,
    );
    return INEXPRESSIBLE;
  }
  return result;
}

function walkObject(value: JsonObject, from: TSchema | undefined, to: TSchema, pointer: string, walker: Walker, rules: Rules): unknown {
  const patch = walker.partial(pointer);
  const toProperties = propertiesOf(to);
  if (!toProperties) return value;
  const fromProperties = propertiesOf(from) ?? {};
  const required = requiredOf(to);
  let out: JsonObject | undefined;
  const change = () => {
    out ??= { ...value };
    return out;
  };
  for (const key of Object.keys(value)) {
    const child = value[key];
    const at = `${pointer}/${pointerSegment(key)}`;
    const target = toProperties[key];
    if (target === undefined) {
      // A field the source version defines and the target does not: dropped. One neither defines: kept.
      if (fromProperties[key] !== undefined) {
        walker.loss(at, 'dropped', `not in ${where(walker)}`);
        delete change()[key];
      }
      continue;
    }
    const converted = walk(child, fromProperties[key] ?? target, target, at, walker, rules);
    if (converted === child) continue;
    if (converted === INEXPRESSIBLE) {
      if (required.includes(key) && !patch) return INEXPRESSIBLE;
      delete change()[key];
    } else {
      change()[key] = converted;
    }
  }
  // A PATCH must carry last_updated from 2.2 on (mod_locations, mod_sessions, mod_tokens "PATCH Method");
  // a 2.1.1 PATCH need not: the change is taken as of now.
  if (patch && walker.direction === 'in' && required.includes('last_updated') && (out ?? value).last_updated === undefined) {
    walker.loss(`${pointer}/last_updated`, 'defaulted', 'a PATCH carries last_updated from OCPI 2.2 on: the time it was received');
    change().last_updated = `${new Date().toISOString().slice(0, 19)}Z`;
  }
  if (!patch) {
    for (const key of required) {
      if ((out ?? value)[key] === undefined) {
        walker.loss(`${pointer}/${pointerSegment(key)}`, 'dropped', `required in ${where(walker)}, and the source has no value for it`);
        return INEXPRESSIBLE;
      }
    }
  }
  return out ?? value;
}

function walkScalar(value: unknown, from: TSchema | undefined, to: TSchema, pointer: string, walker: Walker): unknown {
  if (typeof value === 'string') {
    if (isClosedEnum(to) && !knownValues(to).includes(value)) {
      walker.loss(pointer, 'dropped', `${value} is not a ${String(to.title ?? 'value')} of ${where(walker)}`);
      return INEXPRESSIBLE;
    }
    if (isOpenEnum(to) || to.type !== 'string') return value;
    if (typeof to.pattern === 'string' && to.pattern !== from?.pattern && !patternOf(to.pattern).test(value)) {
      walker.loss(pointer, 'dropped', `'${value}' does not fit ${where(walker)} (${to.pattern === CI_STRING_PATTERN ? 'printable ASCII only' : 'its format'})`);
      return INEXPRESSIBLE;
    }
    if (typeof to.maxLength === 'number' && value.length > to.maxLength) {
      // Free text is cut to fit; an identifier cut would name another object.
      if (to.pattern === STRING_PATTERN && from?.pattern !== CI_STRING_PATTERN) {
        walker.loss(pointer, 'narrowed', `cut to the ${to.maxLength} characters ${where(walker)} allows`);
        return value.slice(0, to.maxLength);
      }
      walker.loss(pointer, 'dropped', `longer than the ${to.maxLength} characters ${where(walker)} allows`);
      return INEXPRESSIBLE;
    }
    return value;
  }
  if (typeof value === 'number' && to.type === 'integer' && !Number.isInteger(value)) {
    walker.loss(pointer, 'dropped', `${value} is not an integer, as ${where(walker)} needs here`);
    return INEXPRESSIBLE;
  }
  return value;
}

/** The properties of an object schema (for rules that build their output field by field). */
export const schemaProperties = (schema: TSchema): Record<string, TSchema> => propertiesOf(schema) ?? {};

/** The object value as a record, for rules (an object that is not one passes through the walk untouched). */
export const asObject = (value: unknown): JsonObject | undefined => (isObject(value) ? value : undefined);
