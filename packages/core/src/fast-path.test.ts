// The fast read path: objects are serialized once when written, kept as UTF-8 bytes, and every page is
// assembled around those bytes. Whatever the path, the answer is the bytes of the plain path,
// `JSON.stringify` of the envelope with the objects' data, before and after writes.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { versionEdge } from './edges/edge.js';
import { encodeEnvelope, JsonText, responseText, serializeEnvelope } from './envelope.js';
import type { OcpiResponse } from './http.js';
import type { Location } from './schemas/v2.2.1/index.js';
import { createMemoryStore } from './store/memory.js';
import {
  createFastPathNode,
  envelopeTimestamp,
  evseStatusPatch,
  FAST_PATH_READER,
  FAST_PATH_WRITER,
  type FastPathNode,
  plainEnvelope,
  responseBytes,
} from './testing/fast-path.js';

const utf8 = new TextEncoder();

/** The answer is exactly the UTF-8 of `JSON.stringify` of the envelope with this data (at the answer's timestamp). */
function expectPlainBytes(response: OcpiResponse, data: unknown): void {
  const text = responseText(response);
  expect(text).toBe(plainEnvelope(data, envelopeTimestamp(text)));
  expect(responseBytes(response)).toEqual(utf8.encode(plainEnvelope(data, envelopeTimestamp(text))));
}

describe('the fast read path, through handle()', () => {
  let node: FastPathNode;
  const get = (path: string) => node.server.handle({ method: 'GET', url: `/ocpi/2.2.1/sender/locations${path}`, headers: { authorization: FAST_PATH_READER } });
  const patch = async (change: ReturnType<typeof evseStatusPatch>) => {
    const response = await node.server.handle({ method: 'PATCH', url: change.url, headers: { authorization: FAST_PATH_WRITER }, body: change.body });
    expect(response.status, responseText(response)).toBe(200);
    change.apply();
  };

  beforeEach(async () => {
    node = await createFastPathNode(7);
  });

  it('answers a page of stored objects as pre-encoded bytes, equal to JSON.stringify of the envelope', async () => {
    for (const offset of [0, 3, 6]) {
      const page = await get(`?offset=${offset}&limit=3`);
      expect(page.status).toBe(200);
      expect(page.body).toBeInstanceOf(Uint8Array);
      expectPlainBytes(page, node.locations.slice(offset, offset + 3));
      expect(page.headers['x-total-count']).toBe('7');
    }
  });

  it('answers a page asked again within the second with the same envelope bytes, and with a new one the next second', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(new Date('2024-03-01T10:00:00.100Z'));
      const first = await get('?offset=0&limit=3');
      vi.setSystemTime(new Date('2024-03-01T10:00:00.900Z'));
      const again = await get('?offset=0&limit=3');
      expect(again.body).toBe(first.body);
      vi.setSystemTime(new Date('2024-03-01T10:00:01.000Z'));
      const next = await get('?offset=0&limit=3');
      expect(next.body).not.toBe(first.body);
      expect(envelopeTimestamp(responseText(next))).toBe('2024-03-01T10:00:01Z');
      expectPlainBytes(next, node.locations.slice(0, 3));
    } finally {
      vi.useRealTimers();
    }
  });

  it('serves the new bytes after a PATCH of an EVSE status through the Receiver, and nothing stale', async () => {
    const before = await get('?offset=0&limit=3');
    await patch(evseStatusPatch(node, 'LOC2', 'LOC2-E1', 'CHARGING', '2024-02-01T12:00:00Z'));
    const after = await get('?offset=0&limit=3');
    expectPlainBytes(after, node.locations.slice(0, 3));
    expect(responseText(after)).not.toBe(responseText(before).replace(envelopeTimestamp(responseText(before)), envelopeTimestamp(responseText(after))));
    expect((JSON.parse(responseText(after)) as { data: Location[] }).data[1]?.evses?.[0]?.status).toBe('CHARGING');

    await patch(evseStatusPatch(node, 'LOC2', 'LOC2-E1', 'AVAILABLE', '2024-02-01T12:05:00Z'));
    await patch(evseStatusPatch(node, 'LOC7', 'LOC7-E2', 'BLOCKED', '2024-02-01T12:06:00Z'));
    for (const offset of [0, 3, 6]) expectPlainBytes(await get(`?offset=${offset}&limit=3`), node.locations.slice(offset, offset + 3));
  });

  it('keeps the creation order and last_updated filters after PATCHes', async () => {
    await patch(evseStatusPatch(node, 'LOC5', 'LOC5-E2', 'CHARGING', '2024-03-01T00:00:00Z'));
    await patch(evseStatusPatch(node, 'LOC3', 'LOC3-E1', 'CHARGING', '2024-03-02T00:00:00Z'));
    // Creation order, not update order: LOC3 before LOC5.
    const since = await get('?date_from=2024-03-01T00:00:00Z');
    expectPlainBytes(since, [node.locations[2], node.locations[4]]);
    expect(since.headers['x-total-count']).toBe('2');
    expectPlainBytes(await get('?date_from=2024-03-01T00:00:00Z&date_to=2024-03-02T00:00:00Z'), [node.locations[4]]);
    expectPlainBytes(await get(''), node.locations);
  });

  it('answers single objects the same way: a Location as its stored bytes, an EVSE or Connector as JSON text', async () => {
    await patch(evseStatusPatch(node, 'LOC4', 'LOC4-E2', 'CHARGING', '2024-02-03T00:00:00Z'));
    const location = node.locations[3] as Location;
    const whole = await get('/LOC4');
    expect(whole.body).toBeInstanceOf(Uint8Array);
    expectPlainBytes(whole, location);
    expectPlainBytes(await get('/LOC4/LOC4-E2'), location.evses?.[1]);
    expectPlainBytes(await get('/LOC4/LOC4-E2/1'), location.evses?.[1]?.connectors[0]);
    const received = await node.server.handle({
      method: 'GET',
      url: '/ocpi/2.2.1/receiver/locations/NL/CPO/LOC4',
      headers: { authorization: FAST_PATH_WRITER },
    });
    expectPlainBytes(received, location);
  });

  it('serves a replaced Location in its old place', async () => {
    const replacement: Location = { ...(node.locations[1] as Location), name: 'Neuer Name – ersetzt', evses: [], last_updated: '2024-04-01T00:00:00Z' };
    const put = await node.server.handle({
      method: 'PUT',
      url: '/ocpi/2.2.1/receiver/locations/NL/CPO/LOC2',
      headers: { authorization: FAST_PATH_WRITER },
      body: JSON.stringify(replacement),
    });
    expect(put.status).toBe(200);
    node.locations[1] = replacement;
    expectPlainBytes(await get('?offset=0&limit=3'), node.locations.slice(0, 3));
  });

  it('converts a stored object to the requested version once, not on every page, and again after it changed', async () => {
    const edge = versionEdge('2.2.1');
    const converted = vi.spyOn(edge, 'fromCanonical');
    try {
      const first = await get('?offset=0&limit=3');
      const conversions = converted.mock.calls.length;
      expect(conversions).toBeGreaterThan(0);
      const again = await get('?offset=0&limit=3');
      expect(converted.mock.calls.length).toBe(conversions);
      expect(responseText(again).replace(envelopeTimestamp(responseText(again)), '')).toBe(
        responseText(first).replace(envelopeTimestamp(responseText(first)), ''),
      );
      await patch(evseStatusPatch(node, 'LOC2', 'LOC2-E1', 'CHARGING', '2024-02-01T12:00:00Z'));
      const seen = converted.mock.calls.length;
      expectPlainBytes(await get('?offset=0&limit=3'), node.locations.slice(0, 3));
      expect(converted.mock.calls.length).toBeGreaterThan(seen);
    } finally {
      converted.mockRestore();
    }
  });

  it('answers errors and writes as text, as before', async () => {
    const denied = await node.server.handle({ method: 'GET', url: '/ocpi/2.2.1/sender/locations', headers: { authorization: 'Token bm9wZQ==' } });
    expect(denied.status).toBe(401);
    expect(typeof denied.body).toBe('string');
  });
});

describe('encodeEnvelope', () => {
  const fields = (data: unknown) => ({ data, statusCode: 1000, statusMessage: 'Success – done ✓', timestamp: '2024-01-01T00:00:00Z' });
  const cases: [string, unknown][] = [
    ['no data', undefined],
    ['null', null],
    ['an object', { name: 'Größe', n: 1 }],
    ['text JSON', new JsonText('{"a":"ü"}')],
    ['byte JSON', new JsonText(utf8.encode('{"a":"€ 🅿️"}'))],
    ['an empty list', []],
    ['a mixed list', [new JsonText(utf8.encode('{"x":"ß"}')), { y: 'ĳ' }, new JsonText('{"z":1}'), null, 'text']],
  ];

  it.each(cases)('is the UTF-8 of serializeEnvelope: %s', (_, data) => {
    const encoded = encodeEnvelope(fields(data));
    expect(encoded).toEqual(utf8.encode(serializeEnvelope(fields(data))));
    expect(new TextDecoder().decode(encoded)).toBe(serializeEnvelope(fields(data)));
  });

  it('gives JsonText built from bytes its text on demand', () => {
    const json = new JsonText(utf8.encode('{"name":"Köln"}'));
    expect(json.text).toBe('{"name":"Köln"}');
    expect(JSON.stringify({ wrapped: json })).toBe('{"wrapped":{"name":"Köln"}}');
  });
});

describe('the memory store keeps objects as bytes', () => {
  const key = { module: 'locations', owner: { country_code: 'NL', party_id: 'CPO' }, id: 'L1' };

  it('reads back data, json and utf8 that agree, with utf8 kept out of the object value', async () => {
    const store = createMemoryStore();
    const data = { id: 'L1', name: 'Zürich – Straße ⚡', last_updated: '2024-01-01T00:00:00Z' };
    await store.objects.put(key, { data });
    const [read] = (await store.objects.list({ module: 'locations', offset: 0, limit: 1 })).items;
    expect(read?.utf8).toEqual(utf8.encode(JSON.stringify(data)));
    expect(read?.json).toBe(JSON.stringify(data));
    expect(read?.data).toEqual(data);
    expect(Object.keys(read ?? {})).toEqual(['key', 'lastUpdated', 'audience', 'json', 'data']);
  });

  it('gives every reader its own data: changing it changes nothing stored', async () => {
    const store = createMemoryStore();
    await store.objects.put(key, { data: { id: 'L1', name: 'a', last_updated: '2024-01-01T00:00:00Z' } });
    const first = await store.objects.get<{ name: string }>(key);
    if (!first) throw new Error('missing');
    first.data.name = 'changed';
    first.audience.push({ country_code: 'XX', party_id: 'YYY' });
    const again = await store.objects.get<{ name: string }>(key);
    expect(again?.data.name).toBe('a');
    expect(again?.audience).toEqual([]);
  });
});
