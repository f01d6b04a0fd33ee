import { type Location, type LocationsSenderHandler, locationsSender } from '@ocpi-ts/core';
import { createTestNode } from '@ocpi-ts/core/testing';
import { expect, test } from 'vitest';

const where = { address: 'Stationsplein 1', city: 'Utrecht', country: 'NLD', coordinates: { latitude: '52.0894', longitude: '5.1103' } };
const garage: Location = { ...where, country_code: 'NL', party_id: 'EXA', id: 'G1', publish: true, time_zone: 'UTC', last_updated: '2024-01-01T00:00:00Z' };
const handler: LocationsSenderHandler = { list: () => ({ items: [garage], total: 1 }), get: (at) => (at.locationId === garage.id ? garage : undefined) };

test('my Locations handler answers an eMSP, without HTTP', async () => {
  const node = createTestNode({ modules: [locationsSender(handler)] }); // a CPO, NL*CPO, on the memory store
  const emsp = await node.addPartner(); // a registered eMSP, DE*MSP, with its token
  const page = await node.request('GET', 'sender/locations', { token: emsp.token });
  expect([page.status, page.envelope.data, page.headers['x-total-count']]).toEqual([200, [garage], '1']);
  const unknown = await node.request('GET', 'sender/locations/NOPE', { token: emsp.token });
  expect([unknown.status, unknown.envelope.status_code, unknown.envelope.status_message]).toEqual([404, 2003, 'Location NOPE is not known']);
});
