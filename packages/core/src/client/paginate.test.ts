import { Type } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import { partnerToken } from '../partners/partner.js';
import { createAjvValidatorFactory } from '../validation/ajv.js';
import { createOcpiClient } from './client.js';
import { OcpiTransportError } from './errors.js';
import { type InvalidPageItem, nextLink } from './paginate.js';

const BASE = 'https://partner.test/ocpi/2.2.1/sender/things';

interface FakePage {
  data: unknown;
  total?: number;
  limit?: number;
  link?: string;
}

/** A partner answering from a function of the requested URL; records every URL asked. */
function fakePartner(answer: (url: URL) => FakePage) {
  const asked: string[] = [];
  const fetchImpl: typeof fetch = async (input) => {
    asked.push(String(input));
    const page = answer(new URL(String(input)));
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (page.total !== undefined) headers['x-total-count'] = String(page.total);
    if (page.limit !== undefined) headers['x-limit'] = String(page.limit);
    if (page.link) headers.link = page.link;
    return new Response(JSON.stringify({ data: page.data, status_code: 1000, timestamp: '2024-01-01T00:00:00Z' }), { headers });
  };
  const client = createOcpiClient({ fetch: fetchImpl });
  const crawl = <T>(options: Parameters<typeof client.paginate<T>>[1] = {}) =>
    client.paginate<T>({ url: BASE, token: partnerToken('t'), encoding: 'base64' }, options);
  return { asked, crawl };
}

async function all<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/** A well-behaved server over a list, pages of `limit`. */
const listServer =
  (list: () => unknown[], serverLimit = 10) =>
  (url: URL): FakePage => {
    const offset = Number(url.searchParams.get('offset') ?? 0);
    const limit = Math.min(Number(url.searchParams.get('limit') ?? serverLimit), serverLimit);
    const items = list();
    const next = offset + limit < items.length ? `<${BASE}?offset=${offset + limit}&limit=${limit}>; rel="next"` : undefined;
    return { data: items.slice(offset, offset + limit), total: items.length, limit: serverLimit, ...(next ? { link: next } : {}) };
  };

describe('Link header', () => {
  it('finds rel="next" among several links, quoted or not, relative or absolute', () => {
    expect(nextLink('<https://a.test/x?offset=2>; rel="next"', BASE)).toBe('https://a.test/x?offset=2');
    expect(nextLink('<https://a.test/p>; rel="prev", <https://a.test/n?o=1>; rel=next', BASE)).toBe('https://a.test/n?o=1');
    expect(nextLink('</ocpi/2.2.1/sender/things?offset=5>; rel="next"', BASE)).toBe('https://partner.test/ocpi/2.2.1/sender/things?offset=5');
    expect(nextLink('<https://a.test/p>; rel="prev"', BASE)).toBeUndefined();
    expect(nextLink(null, BASE)).toBeUndefined();
  });
});

describe('crawling a paginated list', () => {
  it('follows next links until there is none', async () => {
    const list = Array.from({ length: 35 }, (_, i) => ({ id: i }));
    const partner = fakePartner(listServer(() => list));
    expect(await all(partner.crawl())).toEqual(list);
    expect(partner.asked).toHaveLength(4);
  });

  it('lowers a next link asking more than X-Limit', async () => {
    const partner = fakePartner((url) => {
      const offset = Number(url.searchParams.get('offset') ?? 0);
      // A server whose links ask for 50 while it says X-Limit 10.
      return {
        data: Array.from({ length: offset < 20 ? 10 : 5 }, (_, i) => offset + i),
        total: 25,
        limit: 10,
        ...(offset < 20 ? { link: `<${BASE}?offset=${offset + 10}&limit=50>; rel="next"` } : {}),
      };
    });
    expect(await all(partner.crawl({ limit: 10 }))).toHaveLength(25);
    for (const url of partner.asked) expect(new URL(url).searchParams.get('limit')).toBe('10');
  });

  it('refuses a next link seen before (a loop)', async () => {
    const partner = fakePartner(() => ({ data: [1], total: 100, limit: 1, link: `<${BASE}?offset=1&limit=1>; rel="next"` }));
    const error = await all(partner.crawl()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OcpiTransportError);
    expect(error).toMatchObject({ failure: 'bad-pagination' });
    expect((error as Error).message).toContain('already fetched');
  });

  it('refuses a next link to another origin (our token would go there)', async () => {
    const partner = fakePartner(() => ({ data: [1], total: 5, limit: 1, link: '<https://evil.test/steal?offset=1>; rel="next"' }));
    await expect(all(partner.crawl())).rejects.toMatchObject({ failure: 'bad-pagination', message: expect.stringContaining('another origin') });
    expect(partner.asked).toHaveLength(1);
  });

  it('stops a crawl that goes on past what X-Total-Count and X-Limit allow', async () => {
    // Empty pages with ever new next links: never ends by itself.
    const partner = fakePartner((url) => {
      const offset = Number(url.searchParams.get('offset') ?? 0);
      return { data: [], total: 30, limit: 10, link: `<${BASE}?offset=${offset + 10}&limit=10>; rel="next"` };
    });
    await expect(all(partner.crawl())).rejects.toMatchObject({ failure: 'bad-pagination' });
    expect(partner.asked.length).toBeLessThanOrEqual(14);
  });

  it('redoes a page with offset lowered by the drop when X-Total-Count falls, without repeating unchanged items', async () => {
    const list = Array.from({ length: 30 }, (_, i) => ({ id: `o${i}` }));
    let requests = 0;
    const partner = fakePartner((url) => {
      requests++;
      // Before the third page two objects ahead of the crawl leave the list.
      if (requests === 3) list.splice(25, 2);
      return listServer(() => list)(url);
    });
    const ids = (await all(partner.crawl<{ id: string }>())).map((i) => i.id);
    expect(partner.asked.map((u) => new URL(u).searchParams.get('offset'))).toEqual([null, '10', '20', '18']);
    expect(ids).toEqual(list.map((i) => i.id));
  });

  it('lenient mode: invalid items are reported one by one and the valid ones yielded', async () => {
    const items = [{ id: 'a' }, { id: 7 }, { id: 'c' }, 'junk'];
    const partner = fakePartner(() => ({ data: items, total: 4, limit: 10 }));
    const validator = createAjvValidatorFactory({ mode: 'lenient' }).compile(Type.Object({ id: Type.String() }));
    const invalid: InvalidPageItem[] = [];
    const valid = await all(partner.crawl({ validator, onInvalid: (i) => invalid.push(i) }));
    expect(valid).toEqual([{ id: 'a' }, { id: 'c' }]);
    expect(invalid.map((i) => [i.index, i.value, i.issues[0]?.path])).toEqual([
      [1, { id: 7 }, '/id'],
      [3, 'junk', ''],
    ]);
    expect(invalid[0]?.url).toBe(BASE);
    // Without onInvalid, an invalid item fails the crawl.
    await expect(all(partner.crawl({ validator }))).rejects.toMatchObject({ failure: 'bad-data', message: expect.stringContaining('item 1') });
  });

  it('data that is not a list fails with bad-data', async () => {
    const partner = fakePartner(() => ({ data: { not: 'a list' } }));
    await expect(all(partner.crawl())).rejects.toMatchObject({ failure: 'bad-data' });
  });
});
