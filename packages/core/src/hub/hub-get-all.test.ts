// GET All via the hub (transport_and_format, "GET All via Hubs") when parties are slow, down or change
// during a paged walk: the parties are asked at once, and the hub's cursor keeps every party's place.
import { describe, expect, it } from 'vitest';
import { authorizationHeader } from '../auth/tokens.js';
import { putOwnObject, STORE_MODULES } from '../modules/common.js';
import { hubClientInfoReceiver } from '../modules/hub-client-info.js';
import { locationsReceiver, locationsSender } from '../modules/locations.js';
import type { Partner } from '../partners/partner.js';
import type { Location } from '../schemas/v2.2.1/index.js';
import { example } from '../testing/examples.js';
import { connect, eventually, type NetworkNode, networkClosedAfterEach, party } from '../testing/hub-network.js';

const start = networkClosedAfterEach();
const HUB = party('HUB', 'NL', 'HUB');
const CPOS = [party('CPO', 'NL', 'CPA'), party('CPO', 'BE', 'CPB'), party('CPO', 'FR', 'CPC')];
const MSP = party('EMSP', 'DE', 'MSP');
const location = (owner: { country_code: string; party_id: string }, id: string): Location => ({
  ...example<Location>('location_example.json'),
  country_code: owner.country_code,
  party_id: owner.party_id,
  id,
});

/** A hub whose calls to the origins in `down` fail (and in `refusing` get 2001), and that counts how many calls are in flight at once. */
async function network() {
  const down = new Set<string>();
  const refusing = new Set<string>();
  const flight = { now: 0, max: 0 };
  const hubFetch: typeof fetch = async (input, init) => {
    const url = new URL(String(input));
    if (down.has(url.origin)) throw new TypeError('fetch failed: connection refused');
    if (refusing.has(url.origin)) return Response.json({ status_code: 2001, status_message: 'Refused', timestamp: new Date().toISOString() });
    flight.now++;
    flight.max = Math.max(flight.max, flight.now);
    try {
      // Long enough for calls made at once to overlap.
      if (url.pathname.includes('/sender/locations')) await new Promise((resolve) => setTimeout(resolve, 50));
      return await fetch(input, init);
    } finally {
      flight.now--;
    }
  };
  const hub = await start({ parties: [HUB], hub: true, hubFetch, timeoutMs: 2000 });
  const cpos: NetworkNode[] = [];
  for (const cpo of CPOS) {
    const node = await start({ parties: [cpo], hubParties: [HUB], modules: [locationsSender(), hubClientInfoReceiver()] });
    for (const n of [1, 2, 3]) await putOwnObject(node.store, STORE_MODULES.locations, cpo, location(cpo, `${cpo.party_id}${n}`));
    await connect(node, hub);
    cpos.push(node);
  }
  const msp = await start({ parties: [MSP], hubParties: [HUB], modules: [locationsReceiver()] });
  const { atMember } = await connect(msp, hub);
  // Each CPO accepts what the hub relays for the eMSP once the hub's Hub Client Info told it of the eMSP.
  for (const [index, node] of cpos.entries()) {
    const atCpo = (await node.store.partners.list())[0] as Partner;
    await eventually(`the eMSP known at CPO ${index}`, () => node.node.actsFor(atCpo, MSP));
  }
  return { hub, cpos, down, refusing, flight, hubOf: atMember };
}

async function page(hub: NetworkNode, partner: Partner, url: string) {
  const response = await fetch(url.startsWith('http') ? url : `${hub.origin}/ocpi/2.2.1/${url}`, {
    headers: {
      authorization: authorizationHeader(partner.outboundToken as string, 'base64'),
      'ocpi-from-country-code': 'DE',
      'ocpi-from-party-id': 'MSP',
      'ocpi-to-country-code': 'NL',
      'ocpi-to-party-id': 'HUB',
    },
  });
  const json = (await response.json()) as { data?: Location[]; status_code: number; status_message?: string };
  return {
    ids: (json.data ?? []).map((l) => l.id),
    json,
    total: response.headers.get('x-total-count'),
    next: response.headers.get('link')?.match(/<([^>]+)>/)?.[1],
  };
}

describe('GET All via the hub', () => {
  it('asks the parties at once, not one after the other', async () => {
    const { hub, flight, hubOf } = await network();
    const first = await page(hub, hubOf, 'sender/locations?limit=2');
    expect(first.ids).toEqual(['CPA1', 'CPA2']);
    expect(first.total).toBe('9');
    expect(flight.max).toBe(3);
  });

  it('keeps every party’s place when one is down in the middle of a paged walk: nothing moves, nothing is lost or given twice', async () => {
    const { hub, cpos, down, hubOf } = await network();
    const seen: string[][] = [];
    let next: string | undefined = 'sender/locations?limit=2';
    const messages: (string | undefined)[] = [];
    while (next) {
      // CPB is down for the second page only.
      if (seen.length === 1) down.add(cpos[1]?.origin as string);
      else down.clear();
      const current = await page(hub, hubOf, next);
      expect(current.json.status_code).toBe(1000);
      // The count stays the sum of every party's, also while one is down (its last known count).
      expect(current.total).toBe('9');
      seen.push(current.ids);
      messages.push(current.json.status_message);
      next = current.next;
      expect(seen.length).toBeLessThan(10);
    }
    expect(seen[0]).toEqual(['CPA1', 'CPA2']);
    // CPB left out of the second page, said so; CPC follows CPA without a gap.
    expect(seen[1]).toEqual(['CPA3', 'CPC1']);
    expect(messages[1]).toBe('Not listed: BE*CPB did not answer; asked again on the next page, from where it was');
    // Back up: CPB from its first Location.
    expect(seen[2]).toEqual(['CPB1', 'CPB2']);
    expect(seen.flat().sort()).toEqual(['CPA1', 'CPA2', 'CPA3', 'CPB1', 'CPB2', 'CPB3', 'CPC1', 'CPC2', 'CPC3']);
  });

  it('ends the walk, saying who is missing, when the only party left does not answer', async () => {
    const { hub, cpos, down, hubOf } = await network();
    const first = await page(hub, hubOf, 'sender/locations?limit=4');
    expect(first.ids).toEqual(['CPA1', 'CPA2', 'CPA3', 'CPB1']);
    const second = await page(hub, hubOf, first.next as string);
    expect(second.ids).toEqual(['CPB2', 'CPB3', 'CPC1', 'CPC2']);
    down.add(cpos[2]?.origin as string);
    const third = await page(hub, hubOf, second.next as string);
    expect(third.ids).toEqual([]);
    expect(third.next).toBeUndefined();
    expect(third.json.status_message).toBe('Not listed: FR*CPC did not answer');
  });

  it('names a party that refuses (an OCPI error) with its status, and asks it again on the next page', async () => {
    const { hub, cpos, refusing, hubOf } = await network();
    refusing.add(cpos[0]?.origin as string);
    const first = await page(hub, hubOf, 'sender/locations?limit=4');
    expect(first.ids).toEqual(['CPB1', 'CPB2', 'CPB3', 'CPC1']);
    expect(first.json.status_message).toBe('Not listed: NL*CPA answered 2001; asked again on the next page, from where it was');
    refusing.clear();
    const second = await page(hub, hubOf, first.next as string);
    expect(second.ids).toEqual(['CPA1', 'CPA2', 'CPA3', 'CPC2']);
  });

  it('follows a party whose count changes during the walk', async () => {
    const { hub, cpos, hubOf } = await network();
    const first = await page(hub, hubOf, 'sender/locations?limit=2');
    expect(first.ids).toEqual(['CPA1', 'CPA2']);
    // CPA gets a Location more, CPC loses one.
    await putOwnObject(cpos[0]?.store as never, STORE_MODULES.locations, CPOS[0] as never, location(CPOS[0] as never, 'CPA4'));
    await cpos[2]?.store.objects.delete({ module: STORE_MODULES.locations, owner: { country_code: 'FR', party_id: 'CPC' }, id: 'CPC3' });
    const ids = [...first.ids];
    let next = first.next;
    while (next) {
      const current = await page(hub, hubOf, next);
      ids.push(...current.ids);
      next = current.next;
    }
    expect(ids).toEqual(['CPA1', 'CPA2', 'CPA3', 'CPA4', 'CPB1', 'CPB2', 'CPB3', 'CPC1', 'CPC2']);
  });

  it('answers an offset without a cursor party by party, and refuses a cursor it did not write', async () => {
    const { hub, hubOf } = await network();
    const skipped = await page(hub, hubOf, 'sender/locations?offset=4&limit=3');
    expect(skipped.ids).toEqual(['CPB2', 'CPB3', 'CPC1']);
    const rest = await page(hub, hubOf, skipped.next as string);
    expect(rest.ids).toEqual(['CPC2', 'CPC3']);
    expect(rest.next).toBeUndefined();
    const forged = await page(hub, hubOf, 'sender/locations?hub_cursor=NLCPA.1.2~<script>');
    expect(forged?.json.status_code).toBe(2001);
  });
});
