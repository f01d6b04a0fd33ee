// The HTTP cases every runtime answers, and the normalization that makes their answers comparable.
import { DEMO_PARTNER_TOKEN, seedLocations } from '../../edge-shared/cpo.js';

export interface HttpCase {
  name: string;
  method: 'GET' | 'PUT' | 'PATCH';
  path: string;
  token?: string | undefined;
  body?: string;
}

export interface Answer {
  status: number;
  headers: Record<string, string>;
  /** The body text with the envelope's timestamp replaced by `<timestamp>`. */
  body: string;
}

const pushed = (id: string) => ({ ...seedLocations()[0], country_code: 'DE', party_id: 'CPX', id, name: 'Pushed by DE*CPX' });

export const CASES: HttpCase[] = [
  { name: 'versions', method: 'GET', path: '/ocpi/versions', token: DEMO_PARTNER_TOKEN },
  { name: 'version details', method: 'GET', path: '/ocpi/2.2.1', token: DEMO_PARTNER_TOKEN },
  { name: 'no token', method: 'GET', path: '/ocpi/versions' },
  { name: 'unknown token', method: 'GET', path: '/ocpi/2.2.1/sender/locations', token: 'not-a-known-token' },
  { name: 'locations, first page', method: 'GET', path: '/ocpi/2.2.1/sender/locations?limit=2', token: DEMO_PARTNER_TOKEN },
  { name: 'locations, middle page', method: 'GET', path: '/ocpi/2.2.1/sender/locations?offset=2&limit=2', token: DEMO_PARTNER_TOKEN },
  { name: 'locations, last page', method: 'GET', path: '/ocpi/2.2.1/sender/locations?offset=4&limit=2', token: DEMO_PARTNER_TOKEN },
  { name: 'one location', method: 'GET', path: '/ocpi/2.2.1/sender/locations/LOC3', token: DEMO_PARTNER_TOKEN },
  { name: 'unknown location', method: 'GET', path: '/ocpi/2.2.1/sender/locations/NOPE', token: DEMO_PARTNER_TOKEN },
  {
    name: 'PUT a valid location',
    method: 'PUT',
    path: '/ocpi/2.2.1/receiver/locations/DE/CPX/PX1',
    token: DEMO_PARTNER_TOKEN,
    body: JSON.stringify(pushed('PX1')),
  },
  { name: 'GET it back', method: 'GET', path: '/ocpi/2.2.1/receiver/locations/DE/CPX/PX1', token: DEMO_PARTNER_TOKEN },
  {
    name: 'PUT an invalid location',
    method: 'PUT',
    path: '/ocpi/2.2.1/receiver/locations/DE/CPX/PX2',
    token: DEMO_PARTNER_TOKEN,
    body: JSON.stringify({ ...pushed('PX2'), publish: 'yes', address: undefined, coordinates: { latitude: '52.3', longitude: '4.89000' } }),
  },
  { name: 'PUT invalid JSON', method: 'PUT', path: '/ocpi/2.2.1/receiver/locations/DE/CPX/PX3', token: DEMO_PARTNER_TOKEN, body: '{"id": "PX3",' },
  {
    name: 'PATCH an EVSE',
    method: 'PATCH',
    path: '/ocpi/2.2.1/receiver/locations/DE/CPX/PX1/LOC1-1',
    token: DEMO_PARTNER_TOKEN,
    body: JSON.stringify({ status: 'CHARGING', last_updated: '2026-02-01T10:00:00Z' }),
  },
];

/** Headers a runtime or its HTTP server sets on its own: not part of the OCPI answer. */
const TRANSPORT_HEADERS = new Set(['date', 'content-length', 'connection', 'keep-alive', 'transfer-encoding']);

const TIMESTAMP = /"timestamp":"([^"]*)"/;
const OCPI_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

/** Sends the cases one after the other (some depend on earlier ones) and returns the normalized answers. */
export async function runCases(origin: string): Promise<Answer[]> {
  const answers: Answer[] = [];
  for (const [index, c] of CASES.entries()) {
    // identity: workerd compresses for clients that accept gzip; the same uncompressed answer is compared everywhere.
    const headers: Record<string, string> = { 'x-request-id': `edge-${index}`, 'x-correlation-id': 'edge-run', 'accept-encoding': 'identity' };
    if (c.token) headers.authorization = `Token ${btoa(c.token)}`;
    if (c.body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${origin}${c.path}`, { method: c.method, headers, ...(c.body === undefined ? {} : { body: c.body }) });
    const answerHeaders: Record<string, string> = {};
    response.headers.forEach((value, name) => {
      if (!TRANSPORT_HEADERS.has(name)) answerHeaders[name] = value;
    });
    const text = await response.text();
    // A well-formed timestamp is normalized; anything else stays and makes the comparison fail.
    const body = text.replace(TIMESTAMP, (match, value: string) => (OCPI_TIMESTAMP.test(value) ? '"timestamp":"<timestamp>"' : match));
    answers.push({ status: response.status, headers: answerHeaders, body });
  }
  return answers;
}
