// In process, no HTTP: handle() on the requests that matter, against JSON.stringify of the same page.
// Prints one JSON line with the results.
import { responseText } from '@ocpi-ts/core';
import { config } from './config.js';
import { benchLocation } from './locations.js';
import {
  AUTHORIZATION,
  GET_HEADERS,
  getPageRequest,
  memoryNode,
  normalizeTimestamp,
  PAGE_LIMIT,
  PAGE_OFFSET,
  PAGE_PATH,
  PAGE_PATHS_BY_VERSION,
  stringifyEnvelope,
} from './scenario.js';
import { median, opsPerSecond } from './stats.js';

export interface InProcessResult {
  locations: number;
  pageBytes: number;
  /** GET of the page through handle(), operations per second (median of the rounds). */
  getPage: number;
  /** GET of the same page in OCPI 2.3.0 (the canonical version: stored bytes as they are) and 2.1.1 (converted once, then cached), per second. */
  getPage230: number;
  getPage211: number;
  /** JSON.stringify of the same envelope (the page sliced from the Locations), per second. */
  stringify: number;
  /** PUT of a full Location through the Locations Receiver (parse, validate, store), per second. */
  putLocation: number;
  /** GET with an unknown token (the same header each time), per second. */
  badToken: number;
  /** GET with an unknown token, a new header each time (nothing cached helps), per second. */
  badTokenFresh: number;
}

const ROUNDS = 3;

const node = await memoryNode();
const { server, locations } = node;
const page = () => locations.slice(PAGE_OFFSET, PAGE_OFFSET + PAGE_LIMIT);

// The answer is the plain path's bytes before anything is measured.
const first = await server.handle(getPageRequest());
const expected = stringifyEnvelope(page());
if (first.status !== 200 || normalizeTimestamp(responseText(first)) !== normalizeTimestamp(expected)) {
  throw new Error('in process: the page differs from JSON.stringify of the envelope');
}

// PUTs through the Receiver: the eMSP pushes its own (DE/MSP) Locations, 500 ids in turn, each PUT a
// new version (last_updated moves), so every one is validated and written.
const EMSP_PARTY = { country_code: 'DE', party_id: 'MSP', name: 'Bench eMSP' };
const bodies = Array.from({ length: 1000 }, (_, i) => {
  const location = benchLocation(1 + (i % 500), EMSP_PARTY);
  location.last_updated = `2025-02-01T00:00:${String(Math.floor(i / 500)).padStart(2, '0')}Z`;
  return { url: `/ocpi/2.2.1/receiver/locations/DE/MSP/${location.id}`, body: JSON.stringify(location) };
});
let putNumber = 0;
const put = async () => {
  const { url, body } = bodies[putNumber++ % bodies.length] as { url: string; body: string };
  const response = await server.handle({ method: 'PUT', url, headers: { authorization: AUTHORIZATION }, body });
  if (response.status !== 200 && response.status !== 201) throw new Error(`PUT answered ${response.status}: ${responseText(response)}`);
};

const badHeaders = { authorization: `Token ${btoa('not-a-registered-token')}` };
const badToken = async () => {
  const response = await server.handle({ method: 'GET', url: PAGE_PATH, headers: badHeaders });
  if (response.status !== 401) throw new Error(`bad token answered ${response.status}`);
};
let fresh = 0;
const badTokenFresh = async () => {
  const response = await server.handle({ method: 'GET', url: PAGE_PATH, headers: { authorization: `Token ${btoa(`unknown-${fresh++}`)}` } });
  if (response.status !== 401) throw new Error(`bad token answered ${response.status}`);
};

const pageIn = (version: '2.3.0' | '2.1.1') => () => server.handle({ method: 'GET', url: PAGE_PATHS_BY_VERSION[version], headers: GET_HEADERS });
for (const version of ['2.3.0', '2.1.1'] as const) {
  const answer = await pageIn(version)();
  if (answer.status !== 200) throw new Error(`in process: the ${version} page answered ${answer.status}: ${responseText(answer)}`);
}

const samples = { getPage: [] as number[], getPage230: [] as number[], getPage211: [] as number[], stringify: [] as number[] };
for (let round = 0; round < ROUNDS; round++) {
  // Alternately, so the machine's noise hits all alike.
  samples.getPage.push(await opsPerSecond(() => server.handle(getPageRequest()), config.inProcessSeconds));
  samples.getPage230.push(await opsPerSecond(pageIn('2.3.0'), config.inProcessSeconds));
  samples.getPage211.push(await opsPerSecond(pageIn('2.1.1'), config.inProcessSeconds));
  samples.stringify.push(await opsPerSecond(() => stringifyEnvelope(page()), config.inProcessSeconds));
}

const result: InProcessResult = {
  locations: locations.length,
  pageBytes: new TextEncoder().encode(expected).byteLength,
  getPage: median(samples.getPage),
  getPage230: median(samples.getPage230),
  getPage211: median(samples.getPage211),
  stringify: median(samples.stringify),
  putLocation: await opsPerSecond(put, config.inProcessSeconds),
  badToken: await opsPerSecond(badToken, config.inProcessSeconds),
  badTokenFresh: await opsPerSecond(badTokenFresh, config.inProcessSeconds),
};
process.stdout.write(`${JSON.stringify(result)}\n`);
