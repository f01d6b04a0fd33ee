import type { InvalidItem } from '../validation/partition.js';
import type { ValidationResult, Validator } from '../validation/validator.js';
import { OcpiTransportError } from './errors.js';

/** One page of a paginated list as the client reads it. */
export interface PageResponse {
  /** The URL that was fetched. */
  url: string;
  /** The envelope's `data`; a list is expected. */
  data: unknown;
  /** `X-Total-Count`, when the partner sent it. */
  total: number | undefined;
  /** `X-Limit`, when the partner sent it. */
  limit: number | undefined;
  /** The `Link` header, raw. */
  link: string | null;
  /** The envelope's `timestamp` (the partner's clock). */
  timestamp: string | undefined;
}

/** An item of a page that failed validation: `index` is its place on the page at `url`. */
export interface InvalidPageItem extends InvalidItem {
  url: string;
}

export interface CrawlOptions<T> {
  /** Checks every item as received; without `onInvalid` an invalid item fails the crawl, with it the crawl goes on. */
  validator?: Validator<unknown> | undefined;
  /**
   * Turns a (valid) item into what is yielded: the partner's version's object into the canonical one.
   * An item it cannot convert counts as invalid, its issues saying why.
   */
  convert?: ((item: unknown) => ValidationResult<T>) | undefined;
  /** Lenient mode: called once per invalid item; the valid items are still yielded. */
  onInvalid?: ((invalid: InvalidPageItem) => void) | undefined;
  /** Hard cap on the requests of one crawl (default 100,000). */
  maxPages?: number | undefined;
  /** Called with every page kept (not the ones redone), before its items are yielded. */
  onPage?: ((page: PageResponse) => void) | undefined;
}

/** The `rel="next"` target of a `Link` header, resolved against the URL of the page. */
export function nextLink(link: string | null, base: string): string | undefined {
  if (!link) return undefined;
  for (const match of link.matchAll(/<([^>]*)>([^,<]*)/g)) {
    const params = match[2] ?? '';
    const rel = /;\s*rel\s*=\s*(?:"([^"]*)"|([^\s;,]+))/i.exec(params);
    const relations = (rel?.[1] ?? rel?.[2] ?? '').toLowerCase().split(/\s+/);
    if (relations.includes('next')) return new URL(match[1] ?? '', base).toString();
  }
  return undefined;
}

const offsetOf = (url: string): number => {
  const value = Number(new URL(url).searchParams.get('offset') ?? '0');
  return Number.isSafeInteger(value) && value > 0 ? value : 0;
};

function withParam(url: string, name: string, value: string): string {
  const parsed = new URL(url);
  parsed.searchParams.set(name, value);
  return parsed.toString();
}

/** Remembers the JSON of the most recent items yielded, for the overlap of a redone page. */
const RECENT_KEPT = 10_000;

/**
 * Walks a paginated list (transport_and_format, "Paginated Response") from `firstUrl`, following
 * `Link: <...>; rel="next"` until there is none, and yields every item.
 *
 * - More objects appearing meanwhile (`X-Total-Count` grows) needs nothing: only the last page differs.
 * - Fewer objects (`X-Total-Count` drops by d, e.g. objects updated past `date_to`): every later object
 *   moved d places towards the start, so the page just read may have skipped d of them. As the spec
 *   advises, that page is not used; the same request is redone with `offset` lowered (by d, the
 *   generalisation of "by 1"), and the crawl continues from the redone page's links. The redone page
 *   overlaps the last d items already yielded when the disappeared objects were behind us; such an
 *   overlapping item is skipped only if its JSON is identical to one of those d items. Nothing is
 *   deduplicated by identity: an object can come twice (e.g. updated meanwhile), never be dropped.
 * - Loops are refused: a `next` link seen before, a `next` link to another origin, or more pages than
 *   the total and page size allow (plus a margin) fail with `OcpiTransportError` 'bad-pagination'.
 * - The partner's `X-Limit` is respected: a `next` link asking more than it is lowered to it.
 */
export async function* crawl<T>(fetchPage: (url: string) => Promise<PageResponse>, firstUrl: string, options: CrawlOptions<T> = {}): AsyncGenerator<T> {
  const origin = new URL(firstUrl).origin;
  const seenNext = new Set<string>([new URL(firstUrl).toString()]);
  const recent: string[] = [];
  const hardCap = options.maxPages ?? 100_000;
  const fail = (url: string, detail: string): never => {
    throw new OcpiTransportError({ failure: 'bad-pagination', method: 'GET', url, detail });
  };

  let url: string | undefined = firstUrl;
  let previousTotal: number | undefined;
  let maxTotal = 0;
  let pageSize = 0;
  let requests = 0;
  let redos = 0;
  /** JSON of already-yielded items the next page may repeat (after a redo). */
  let overlap: string[] = [];

  while (url) {
    requests++;
    const allowed = maxTotal > 0 && pageSize > 0 ? Math.ceil(maxTotal / pageSize) + 10 + 2 * redos : hardCap;
    if (requests > Math.min(allowed, hardCap))
      fail(url, `more pages than ${maxTotal} objects in pages of ${pageSize} can fill; stopped after ${requests - 1} requests`);
    const page = await fetchPage(url);
    if (!Array.isArray(page.data)) {
      throw new OcpiTransportError({ failure: 'bad-data', method: 'GET', url, detail: 'the data of a paginated response is not a list' });
    }
    if (page.limit !== undefined && page.limit > 0) pageSize = pageSize === 0 ? page.limit : Math.min(pageSize, page.limit);
    else if (page.data.length > pageSize) pageSize = page.data.length;

    if (page.total !== undefined) {
      maxTotal = Math.max(maxTotal, page.total);
      const offset = offsetOf(url);
      if (previousTotal !== undefined && page.total < previousTotal && offset > 0) {
        // transport_and_format "Paginated Response", NOTE on date_to: redo with a lower offset.
        const drop = previousTotal - page.total;
        previousTotal = page.total;
        overlap = recent.slice(-Math.min(drop + overlap.length, recent.length));
        redos++;
        url = withParam(url, 'offset', String(Math.max(0, offset - drop)));
        continue;
      }
      previousTotal = page.total;
    }

    options.onPage?.(page);
    const items = page.data as unknown[];
    const overlapping = overlap.length;
    for (let index = 0; index < items.length; index++) {
      const item = items[index];
      const json = JSON.stringify(item);
      if (index < overlapping) {
        const at = overlap.indexOf(json);
        if (at !== -1) {
          overlap.splice(at, 1);
          continue;
        }
      }
      recent.push(json);
      if (recent.length > RECENT_KEPT) recent.splice(0, recent.length - RECENT_KEPT);
      let checked: ValidationResult<unknown> = options.validator ? options.validator.validate(item) : { ok: true, value: item };
      if (checked.ok && options.convert) checked = options.convert(checked.value);
      if (!checked.ok) {
        if (!options.onInvalid) {
          const first = checked.issues[0];
          throw new OcpiTransportError({
            failure: 'bad-data',
            method: 'GET',
            url,
            detail: `item ${index} is invalid${first ? `: ${first.path || '/'} ${first.message}` : ''}`,
          });
        }
        options.onInvalid({ value: item, issues: checked.issues, url, index });
        continue;
      }
      yield checked.value as T;
    }
    overlap = [];

    let next = nextLink(page.link, url);
    if (next === undefined) break;
    if (new URL(next).origin !== origin) fail(url, `Link rel="next" leads to another origin (${new URL(next).origin})`);
    const asked = Number(new URL(next).searchParams.get('limit'));
    if (page.limit !== undefined && page.limit > 0 && Number.isFinite(asked) && asked > page.limit) next = withParam(next, 'limit', String(page.limit));
    if (seenNext.has(next)) fail(url, `Link rel="next" points to a page already fetched (${next})`);
    seenNext.add(next);
    url = next;
  }
}
