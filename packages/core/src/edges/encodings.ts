/**
 * Canonical objects written in a partner's version, on the way out (the server's answers, the client's
 * pushes). Stored objects come as their canonical JSON bytes (`JsonText`): in the canonical version they
 * are served as they are; in another, an object whose conversion is the identity is served from the
 * same bytes, and a converted encoding is computed once and kept (bounded) under the stored object's
 * revision, or its bytes, so a page of a million-object crawl is not converted on every request.
 */
import { JsonText, jsonList } from '../envelope.js';
import { OcpiError, OcpiStatus } from '../errors.js';
import type { Location } from '../schemas/v2.3.0/index.js';
import { partyString } from '../store/keys.js';
import type { OcpiStore, PartyRef } from '../store/types.js';
import type { ConversionContext, Loss } from './convert.js';
import { CANONICAL_VERSION, type VersionEdge } from './edge.js';
import { type LossRecorder, lossKey } from './losses.js';

/**
 * What one stored object is in one version: itself, another encoding, or nothing (with why). `keys`
 * are its losses' report keys (`lossKey`), computed once: a cached page only tallies them.
 */
type Encoded = { losses: readonly Loss[]; keys: readonly string[] } & ({ kind: 'same' } | { kind: 'converted'; json: JsonText } | { kind: 'inexpressible' });

export interface EncodingCacheOptions {
  /** Encodings kept at most (default 20,000). */
  maxEntries?: number;
  /** Bytes of converted encodings kept at most (default 64 MiB). */
  maxBytes?: number;
}

const encoder = new TextEncoder();

/** Encodings of stored objects in other versions, oldest forgotten first once a bound is reached. */
export class EncodingCache {
  readonly #entries = new Map<unknown, Map<string, Encoded>>();
  readonly #maxEntries: number;
  readonly #maxBytes: number;
  #count = 0;
  #bytes = 0;

  constructor(options: EncodingCacheOptions = {}) {
    this.#maxEntries = options.maxEntries ?? 20_000;
    this.#maxBytes = options.maxBytes ?? 64 * 1024 * 1024;
  }

  /** The revision names the bytes across reads; else the bytes themselves (a store that keeps them hands out the same array), else the text. */
  static #keyOf(json: JsonText): unknown {
    return json.revision ?? json.utf8 ?? json.text;
  }

  static #size(encoded: Encoded): number {
    return 64 + (encoded.kind === 'converted' ? (encoded.json.utf8?.byteLength ?? encoded.json.text.length) : 0);
  }

  /**
   * Pages encoded whole, by the array a store handed out (gone with it), then by version and object
   * type (two lookups of constant strings: no key is built per request).
   */
  readonly #pages = new WeakMap<readonly unknown[], Map<string, Map<string, { json: JsonText; tally: Tally }>>>();

  page(values: readonly unknown[], version: string, type: string): { json: JsonText; tally: Tally } | undefined {
    return this.#pages.get(values)?.get(version)?.get(type);
  }

  setPage(values: readonly unknown[], version: string, type: string, page: { json: JsonText; tally: Tally }): void {
    let versions = this.#pages.get(values);
    if (!versions) {
      versions = new Map();
      this.#pages.set(values, versions);
    }
    let types = versions.get(version);
    if (!types) {
      types = new Map();
      versions.set(version, types);
    }
    types.set(type, page);
  }

  get(json: JsonText, slot: string): Encoded | undefined {
    return this.#entries.get(EncodingCache.#keyOf(json))?.get(slot);
  }

  set(json: JsonText, slot: string, encoded: Encoded): void {
    const key = EncodingCache.#keyOf(json);
    let slots = this.#entries.get(key);
    if (!slots) {
      slots = new Map();
      this.#entries.set(key, slots);
    }
    slots.set(slot, encoded);
    this.#count++;
    this.#bytes += EncodingCache.#size(encoded) + (typeof key === 'string' ? key.length : 0);
    while ((this.#count > this.#maxEntries || this.#bytes > this.#maxBytes) && this.#entries.size > 1) {
      const [oldest, oldSlots] = this.#entries.entries().next().value as [unknown, Map<string, Encoded>];
      this.#entries.delete(oldest);
      for (const old of oldSlots.values()) {
        this.#count--;
        this.#bytes -= EncodingCache.#size(old) + (typeof oldest === 'string' ? oldest.length : 0);
      }
    }
  }

  /** Encodings held now (for tests and metrics). */
  get size(): number {
    return this.#count;
  }
}

export interface ToVersionOptions {
  edge: VersionEdge;
  /** The object type of each value (the route's `gives`). */
  type: string;
  /** Where the Locations of 2.1.1 Sessions and CDRs are read (without it, they cannot be embedded). */
  store: OcpiStore | undefined;
  losses: LossRecorder;
  partnerId: string | undefined;
  origin?: { requestId?: string; correlationId?: string };
  /** Keeps converted encodings of stored objects (the server's); without it, every call converts. */
  cache?: EncodingCache;
  /** A PATCH we send: a field the partner's version cannot express refuses it (2001) rather than being dropped. */
  patch?: boolean;
}

/** The Locations a list of canonical objects needs in a version (2.1.1 Sessions and CDRs embed theirs), read from the store. */
async function locationsFor(edge: VersionEdge, type: string, values: readonly unknown[], store: OcpiStore | undefined): Promise<ConversionContext['location']> {
  const wanted = values.flatMap((value) => edge.references(type, value));
  if (wanted.length === 0 || !store) return undefined;
  const found = new Map<string, Location>();
  const keyOf = (owner: PartyRef, id: string) => `${partyString(owner)}\n${id.toUpperCase()}`;
  for (const { owner, id } of wanted) {
    const key = keyOf(owner, id);
    if (found.has(key)) continue;
    const stored = await store.objects.get<Location>({ module: 'locations', owner, id });
    if (stored) found.set(key, stored.data);
  }
  return (owner, id) => found.get(keyOf(owner, id));
}

/** 2001 naming the fields a PATCH we send cannot carry to the partner's version. */
export function inexpressiblePatch(type: string, version: string, losses: readonly Loss[]): OcpiError {
  const fields = losses.map((loss) => `${loss.pointer || '/'} (${loss.reason})`).join(', ');
  return OcpiError.invalid(`This ${type} PATCH sets what OCPI ${version} cannot express, so it is not sent: ${fields}`);
}

/** The losses of a list, tallied per field and kind, to be recorded once (a cached page replays them). */
type Tally = Map<string, { loss: Loss; times: number }>;

function report(tally: Tally, options: ToVersionOptions): void {
  for (const { loss, times } of tally.values()) {
    const losses = [loss];
    options.losses.record(
      { partnerId: options.partnerId, version: options.edge.version, objectType: options.type, direction: 'to-partner', losses },
      options.origin,
      times,
    );
  }
}

/**
 * Canonical values (objects or stored `JsonText`) in the edge's version, in order. A value the version
 * cannot express is left out of a list (its losses say why); alone (`single`), it is an error.
 */
export async function toVersion(values: readonly unknown[], options: ToVersionOptions, single = false): Promise<unknown[]> {
  const tally: Tally = new Map();
  try {
    return (await convertList(values, options, tally, single)).out;
  } finally {
    report(tally, options);
  }
}

/**
 * A page a store hands out frozen (the same array to every request until its module changes, see
 * `ObjectIndex.pageJson`) in the edge's version, as one JSON array: converted and joined once per array
 * and version, its losses recorded again on every request. Undefined for any other list, or a page
 * whose encoding depends on other objects (2.1.1 Sessions and CDRs embed their Location).
 */
export async function pageInVersion(values: readonly unknown[], options: ToVersionOptions & { cache: EncodingCache }): Promise<JsonText | undefined> {
  if (values.length === 0 || !Object.isFrozen(values)) return undefined;
  // A page encoded before was a list of JsonText then, and a frozen list stays what it was.
  const known = options.cache.page(values, options.edge.version, options.type);
  if (known) {
    report(known.tally, options);
    return known.json;
  }
  if (!values.every((value) => value instanceof JsonText)) return undefined;
  const tally: Tally = new Map();
  const converted = options.edge.version === CANONICAL_VERSION ? { out: values, volatile: false } : await convertList(values, options, tally, false);
  report(tally, options);
  const json = jsonList(converted.out as JsonText[]);
  if (!converted.volatile) options.cache.setPage(values, options.edge.version, options.type, { json, tally });
  return json;
}

async function convertList(
  values: readonly unknown[],
  options: ToVersionOptions,
  tally: Tally,
  single: boolean,
): Promise<{ out: unknown[]; volatile: boolean }> {
  const { edge, type, cache } = options;
  const slot = `${edge.version}\n${type}`;
  // The losses of the whole list, tallied per field and kind, and recorded once at the end: a page of
  // cached encodings costs a few Map updates, not a report per object.
  const note = (losses: readonly Loss[], keys: readonly string[]) => {
    for (let i = 0; i < losses.length; i++) {
      const key = keys[i] as string;
      const seen = tally.get(key);
      if (seen) seen.times++;
      else tally.set(key, { loss: losses[i] as Loss, times: 1 });
    }
  };
  let volatile = false;
  const out: unknown[] = new Array(values.length);
  const todo: { index: number; value: unknown; json: JsonText | undefined }[] = [];
  for (let index = 0; index < values.length; index++) {
    const item = values[index];
    if (item instanceof JsonText) {
      const known = cache?.get(item, slot);
      if (known) {
        note(known.losses, known.keys);
        out[index] = known.kind === 'same' ? item : known.kind === 'converted' ? known.json : undefined;
        if (known.kind === 'inexpressible' && single) throw inexpressibleObject(type, edge.version, known.losses);
        continue;
      }
      todo.push({ index, value: JSON.parse(item.text), json: item });
    } else {
      todo.push({ index, value: item, json: undefined });
    }
  }
  const location = await locationsFor(
    edge,
    type,
    todo.map((t) => t.value),
    options.store,
  );
  for (const { index, value, json } of todo) {
    const converted = edge.fromCanonical(type, value, { patch: options.patch ?? false, context: { location } });
    if (options.patch && converted.losses.length > 0) throw inexpressiblePatch(type, edge.version, converted.losses);
    const losses = { losses: converted.losses, keys: converted.losses.map(lossKey) };
    note(losses.losses, losses.keys);
    let encoded: Encoded;
    if (!converted.ok) encoded = { kind: 'inexpressible', ...losses };
    else if (converted.identity) encoded = { kind: 'same', ...losses };
    else encoded = { kind: 'converted', json: new JsonText(encoder.encode(JSON.stringify(converted.value))), ...losses };
    // What depends on other objects (an embedded Location) is not kept: that object may change.
    if (converted.ok && converted.usesReferences) volatile = true;
    else if (json && cache) cache.set(json, slot, encoded);
    if (!converted.ok) {
      if (single) throw inexpressibleObject(type, edge.version, converted.losses);
      continue;
    }
    out[index] = json ? (encoded.kind === 'converted' ? encoded.json : json) : converted.value;
  }
  return { out: out.filter((item) => item !== undefined), volatile };
}

/** An object the partner asked for that its version cannot express (the reasons are its losses). */
function inexpressibleObject(type: string, version: string, losses: readonly Loss[]): OcpiError {
  const reasons = losses.map((loss) => `${loss.pointer || '/'}: ${loss.reason}`).join('; ');
  return OcpiError.status(OcpiStatus.SERVER_ERROR, `This ${type} cannot be expressed in OCPI ${version}: ${reasons}`);
}
