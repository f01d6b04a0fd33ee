import type { AuditStore } from '../audit.js';
import type { JsonText } from '../envelope.js';
import type { Partner, RegistrationToken } from '../partners/partner.js';

/** A party on the OCPI network: the owner of client-owned objects. Upper-cased on write. */
export interface PartyRef {
  country_code: string;
  party_id: string;
}

/** Where a module object lives: module identifier, owning party, object id (all case-insensitive CiStrings). */
export interface ObjectKey {
  module: string;
  owner: PartyRef;
  id: string;
}

/**
 * An object as the store holds it. `json` is its serialized form, produced once on write and reused
 * by every page that includes it (the fast read path); it always equals `JSON.stringify(data)`.
 */
export interface StoredObject<T = unknown> {
  key: ObjectKey;
  data: T;
  json: string;
  /**
   * The UTF-8 bytes of `json`, when the store keeps the object encoded (the memory store does): the
   * envelope copies them in, so the page is not encoded again. A hint, not part of the object's value:
   * where present it is not an own enumerable property, so comparing and spreading objects ignore it.
   */
  readonly utf8?: Uint8Array<ArrayBuffer>;
  /**
   * Names this version of the object across reads, when the store can: equal revisions mean equal
   * JSON. A hint like `utf8` (not an own enumerable property): the server keeps the object's encoding in
   * other OCPI versions under it. Without one the server keys that encoding by the bytes it was given.
   */
  readonly revision?: string;
  /** `last_updated` of the object, as an ISO instant, used by `date_from`/`date_to`. */
  lastUpdated: string;
  /** Parties allowed to read the object on a sender interface; empty means every partner. */
  audience: PartyRef[];
}

export interface ObjectWrite<T = unknown> {
  data: T;
  audience?: PartyRef[];
}

export interface ListQuery {
  module: string;
  /** Only objects owned by one of these parties. Absent means every owner. */
  owners?: readonly PartyRef[];
  /** Only objects whose audience is empty or contains one of these parties. */
  visibleTo?: readonly PartyRef[];
  /** `last_updated >= dateFrom` (inclusive, spec: transport_and_format "Paginated Request"). */
  dateFrom?: Date | undefined;
  /** `last_updated < dateTo` (exclusive). */
  dateTo?: Date | undefined;
  offset: number;
  limit: number;
}

export interface ListResult<T = unknown> {
  /** Oldest first by creation, stable across calls. */
  items: StoredObject<T>[];
  /** Every object matching the query, ignoring offset and limit (`X-Total-Count`). */
  total: number;
}

/** The page of `ListResult` as each object's JSON only: what a Sender serves. */
export interface JsonListResult {
  items: JsonText[];
  total: number;
}

/** Result of an atomic read-modify-write. */
export type UpdateOutcome<T> =
  | { kind: 'created'; object: StoredObject<T> }
  | { kind: 'updated'; object: StoredObject<T> }
  | { kind: 'unchanged'; object: StoredObject<T> }
  | { kind: 'deleted' }
  | { kind: 'absent' };

/**
 * Decides the next state from the current one inside the store's transaction.
 * Return `undefined` to leave the object as it is (or absent), `null` to delete it.
 */
export type Mutation<T> = (current: StoredObject<T> | undefined) => ObjectWrite<T> | null | undefined | Promise<ObjectWrite<T> | null | undefined>;

export interface ObjectStore {
  get<T = unknown>(key: ObjectKey): Promise<StoredObject<T> | undefined>;
  /** Creates or replaces the object. */
  put<T = unknown>(key: ObjectKey, write: ObjectWrite<T>): Promise<{ created: boolean; object: StoredObject<T> }>;
  /**
   * Atomic read-modify-write of one object: concurrent updates of the same key (also from other
   * nodes sharing the database) are serialized, so none is lost. A mutation that returns data equal
   * to the current data (same JSON) reports `unchanged` and writes nothing.
   */
  update<T = unknown>(key: ObjectKey, mutate: Mutation<T>): Promise<UpdateOutcome<T>>;
  delete(key: ObjectKey): Promise<boolean>;
  list<T = unknown>(query: ListQuery): Promise<ListResult<T>>;
  /**
   * The same page as `list`, as each object's stored JSON (`JsonText.of(object)` of each item): a
   * store that keeps objects encoded hands out their bytes without building StoredObjects.
   */
  listJson(query: ListQuery): Promise<JsonListResult>;
}

/**
 * Partners. A persistent store keeps no token in plaintext: it may keep `inboundTokenHash` in a keyed
 * form of its own (`SecretsAtRest.keyHash`), returned as is on reads and accepted as is on saves, and
 * must seal `outboundToken`, which reads return in the clear.
 */
export interface PartnerStore {
  get(id: string): Promise<Partner | undefined>;
  /** The partner whose inbound token (the one we issued) has this SHA-256 hex hash. */
  findByTokenHash(hash: string): Promise<Partner | undefined>;
  /** The partner (not unregistered) that holds this party in one of its roles. */
  findByParty(party: PartyRef): Promise<Partner | undefined>;
  list(): Promise<Partner[]>;
  /**
   * Inserts or replaces the partner (by id). Fails if another partner already holds the token hash,
   * and with `PartyTakenError` if another partner that is not UNREGISTERED holds one of its parties:
   * checked atomically, so of two registrations of one party racing, one fails.
   */
  save(partner: Partner): Promise<void>;
  delete(id: string): Promise<boolean>;
}

/** Registration tokens; like partners' token hashes, `hash` may be kept in a keyed form of the store's. */
export interface RegistrationTokenStore {
  create(token: RegistrationToken): Promise<void>;
  /** The token whose SHA-256 hex hash this is. */
  findByHash(hash: string): Promise<RegistrationToken | undefined>;
  list(): Promise<RegistrationToken[]>;
  /** Marks the token revoked; returns false when unknown. */
  revoke(id: string): Promise<boolean>;
  /**
   * Atomically marks an unused, unrevoked token as used by a partner. Returns false when it was
   * used, revoked or unknown meanwhile, so two registrations can never share one token A.
   */
  markUsed(id: string, partnerId: string, at: string): Promise<boolean>;
}

/** An object that changed: written or deleted by this node ('local') or by another node sharing the database ('remote'). */
export interface ObjectChangeNotice {
  key: ObjectKey;
  origin: 'local' | 'remote';
}

/** Everything an OCPI node keeps. In-memory for tests, embedded (PGlite) by default, PostgreSQL in production. */
export interface OcpiStore {
  objects: ObjectStore;
  /**
   * Tells `listener` of every object written or deleted, this node's writes and, on a database shared
   * by several nodes, the others' (the SQL stores' read-model channel, LISTEN/NOTIFY): how state one node
   * writes (a command result, say) reaches the node waiting for it. Returns the unsubscribe function.
   * Absent when the store has no such feed (a SQL store opened without a read model): poll instead.
   */
  onObjectChange?(listener: (change: ObjectChangeNotice) => void): () => void;
  /** The append-only audit log (registrations, token rotations, commands, authentication failures). */
  audit: AuditStore;
  partners: PartnerStore;
  registrationTokens: RegistrationTokenStore;
  close(): Promise<void>;
}
