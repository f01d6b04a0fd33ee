// GET All via Hubs (transport_and_format, "GET All via Hubs"): one paginated list over the Sender
// interfaces of the connected parties, in the order they registered. The spec says the hub "can
// combine objects from different connected parties"; it says nothing of a party that does not answer.
// A global offset cannot stay right then (the parties after it would move), so the hub's `Link` carries
// a cursor: how far the walk got in each party, and the party's count. A party that does not answer is
// left out of that page only, named in the status message, and asked again on the next page from where
// it was: no other party's objects move, none is given twice, none is lost while it comes back.
import { OcpiError } from '../errors.js';
import type { Pagination } from '../pagination.js';
import type { Partner } from '../partners/partner.js';
import { partyString } from '../store/keys.js';
import type { PartyRef } from '../store/types.js';
import type { Forwarded } from './forward.js';

/** A party whose Sender interface the list walks. */
export interface GetAllSource {
  partner: Partner;
  party: PartyRef;
  /** Its Sender endpoint of the module. */
  url: string;
}

export interface GetAllOptions {
  /** Oldest registration first: the order of the list. */
  sources: readonly GetAllSource[];
  /** The request's query (date_from, date_to, the hub's cursor, ...). */
  query: URLSearchParams;
  pagination: Pagination;
  /** How many parties are asked at once. */
  concurrency: number;
  /** Asks one party for a page (`offset`, `limit` and the request's filters); throws when it does not answer. */
  fetchPage(source: GetAllSource, query: URLSearchParams): Promise<Forwarded>;
}

export interface GetAllPage {
  items: unknown[];
  /** The sum of the parties' counts, as last known. */
  total: number;
  /** The query of the next page, when there is one. */
  next?: URLSearchParams;
  /** The parties left out of this page, and why: `NL*CPA did not answer`, `NL*CPA answered 2001`. */
  unavailable: string[];
}

/** The query parameter of the hub's cursor, `{party}.{offset}.{count}` per party joined by `~` (e.g. `NLCPA.12.40~BECPB.0.`). */
export const CURSOR = 'hub_cursor';
const ENTRY = /^([A-Z]{2})([A-Z0-9]{3})\.(\d{1,9})\.(\d{0,9})$/;

interface Position {
  source: GetAllSource;
  key: string;
  /** Objects of this party already listed. */
  offset: number;
  /** Its count (X-Total-Count), once known. */
  count: number | undefined;
}

const compact = (party: PartyRef) => `${party.country_code}${party.party_id}`.toUpperCase();
const remaining = (p: Position) => (p.count === undefined ? Number.POSITIVE_INFINITY : p.count - p.offset);

function readCursor(value: string | null): Map<string, { offset: number; count: number | undefined }> | undefined {
  if (value === null) return undefined;
  const entries = new Map<string, { offset: number; count: number | undefined }>();
  for (const entry of value === '' ? [] : value.split('~')) {
    const match = ENTRY.exec(entry.toUpperCase());
    if (!match || entries.size >= 10_000) throw OcpiError.invalid(`Query parameter ${CURSOR} is not a cursor this hub wrote; follow the Link header`);
    entries.set(`${match[1]}${match[2]}`, { offset: Number(match[3]), count: match[4] ? Number(match[4]) : undefined });
  }
  return entries;
}

const writeCursor = (positions: readonly Position[]) => positions.map((p) => `${p.key}.${p.offset}.${p.count ?? ''}`).join('~');

/** Runs `task` over `items`, at most `limit` at a time; answers the results in order. */
async function bounded<T, R>(items: readonly T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** The count a party's page tells: its X-Total-Count, else what a short page proves. */
function countOf(forwarded: Forwarded, offset: number, asked: number, data: readonly unknown[]): number | undefined {
  const header = Number(forwarded.headers.get('x-total-count') ?? Number.NaN);
  if (Number.isInteger(header) && header >= 0) return header;
  return data.length < asked ? offset + data.length : undefined;
}

export async function getAllPage(options: GetAllOptions): Promise<GetAllPage> {
  const { sources, pagination, concurrency } = options;
  const cursor = readCursor(options.query.get(CURSOR));
  const positions: Position[] = sources.map((source) => {
    const key = compact(source.party);
    const at = cursor?.get(key);
    return { source, key, offset: at?.offset ?? 0, count: at?.count };
  });
  /** The parties left out of this page (no answer, or an OCPI error), with why. */
  const down = new Map<Position, string>();

  /** Asks these parties at once; a party that does not answer, or refuses, is left out of this page. */
  const ask = (batch: readonly { position: Position; offset: number; limit: number }[]) =>
    bounded(batch, concurrency, async ({ position, offset, limit }) => {
      const query = new URLSearchParams(options.query);
      query.delete(CURSOR);
      query.set('offset', String(offset));
      query.set('limit', String(limit));
      try {
        const forwarded = await options.fetchPage(position.source, query);
        const { status_code: status, data } = forwarded.envelope;
        if (status >= 2000 || !Array.isArray(data)) {
          down.set(position, `answered ${status}${status < 2000 ? ' without a list' : ''}`);
          return undefined;
        }
        return { position, data, count: countOf(forwarded, offset, limit, data) };
      } catch {
        down.set(position, 'did not answer');
        return undefined;
      }
    });

  // Without a cursor, an `offset` is skipped party by party: their counts first (one object each).
  if (!cursor && pagination.offset > 0) {
    for (const answer of await ask(positions.map((position) => ({ position, offset: 0, limit: 1 })))) {
      if (answer) answer.position.count = answer.count;
    }
    let skip = pagination.offset;
    for (const position of positions) {
      position.offset = Math.min(skip, position.count ?? skip);
      skip -= position.offset;
    }
  }

  const items: unknown[] = [];
  // Each round asks, at once, the parties the page may need, in order; one whose count is unknown may
  // hold nothing, so the ones after it are asked too. A round fills the page or uses up a party.
  for (let round = 0; round <= positions.length && items.length < pagination.limit; round++) {
    const need = pagination.limit - items.length;
    const batch: { position: Position; offset: number; limit: number }[] = [];
    let expected = 0;
    for (const position of positions) {
      if (expected >= need) break;
      if (down.has(position) || remaining(position) <= 0) continue;
      const limit = Math.min(need - expected, remaining(position));
      batch.push({ position, offset: position.offset, limit });
      if (position.count !== undefined) expected += limit;
    }
    if (batch.length === 0) break;
    // A party that turns out to hold more than planned (its count grew) keeps its place: the answers of
    // the parties after it wait for the next round.
    let waiting = false;
    for (const answer of await ask(batch)) {
      if (!answer) continue;
      const { position, data } = answer;
      position.count = answer.count;
      // A party that gives nothing more is done for this walk, whatever its count said.
      if (data.length === 0) position.count = position.offset;
      if (waiting) continue;
      const taken = data.slice(0, pagination.limit - items.length);
      items.push(...taken);
      position.offset += taken.length;
      waiting = remaining(position) > 0 && items.length < pagination.limit;
    }
  }

  const total = positions.reduce((sum, p) => sum + (p.count ?? p.offset), 0);
  const unavailable = [...down].map(([p, why]) => `${partyString(p.source.party)} ${why}`);
  // A next page while this one listed something and some party may have more (one that was down is asked again).
  const more = items.length > 0 && positions.some((p) => remaining(p) > 0);
  if (!more) return { items, total, unavailable };
  const next = new URLSearchParams();
  next.set('offset', String(pagination.offset + items.length));
  next.set('limit', String(pagination.limit));
  for (const [name, value] of options.query) if (name !== 'offset' && name !== 'limit' && name !== CURSOR) next.append(name, value);
  next.set(CURSOR, writeCursor(positions));
  return { items, total, unavailable, next };
}
