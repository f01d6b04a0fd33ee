/**
 * The OpenAPI document of a served version (`openApi(server, version)`): valid OpenAPI 3.1 in shape,
 * and its paths the official description's (vendor/ocpi/openapi) for 2.2.1 and 2.3.0, module by
 * module and interface by interface, except where the official one is wrong by the spec text.
 */

import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { createCommandResultReceiver } from '../client/command-results.js';
import { credentialsModule } from '../credentials/credentials-module.js';
import type { OcpiModule } from '../module.js';
import { bookingsReceiver, bookingsSender } from '../modules/bookings.js';
import { cdrsReceiver, cdrsSender } from '../modules/cdrs.js';
import { chargingProfilesReceiver, chargingProfilesSender } from '../modules/charging-profiles.js';
import { commandsReceiver } from '../modules/commands.js';
import { hubClientInfoReceiver, hubClientInfoSender } from '../modules/hub-client-info.js';
import { locationsReceiver, locationsSender } from '../modules/locations.js';
import { paymentsReceiver, paymentsSender } from '../modules/payments.js';
import { sessionsReceiver, sessionsSender } from '../modules/sessions.js';
import { tariffsReceiver, tariffsSender } from '../modules/tariffs.js';
import { tokensReceiver, tokensSender } from '../modules/tokens.js';
import { createOcpiServer } from '../server.js';
import { createMemoryStore } from '../store/memory.js';
import { readVendorText, vendorFiles, vendorUrl } from '../testing/examples.js';
import { type OpenApiDocument, openApi } from './openapi-document.js';

/** Both interfaces of every standard module: a platform that is every role at once. */
const allModules = (): OcpiModule[] => [
  credentialsModule(),
  locationsSender(),
  locationsReceiver(),
  sessionsSender(),
  sessionsReceiver(),
  cdrsSender(),
  cdrsReceiver(),
  tariffsSender(),
  tariffsReceiver(),
  tokensSender(),
  tokensReceiver(),
  commandsReceiver(),
  createCommandResultReceiver().module,
  chargingProfilesSender(),
  chargingProfilesReceiver(),
  hubClientInfoSender(),
  hubClientInfoReceiver(),
  paymentsSender(),
  paymentsReceiver(),
  bookingsSender(),
  bookingsReceiver(),
];

const serverOptions = () => ({
  baseUrl: 'https://cpo.example.com/ocpi',
  parties: [{ role: 'CPO' as const, country_code: 'NL', party_id: 'EXA', business_details: { name: 'Example' } }],
  store: createMemoryStore(),
  modules: allModules(),
});
const server = createOcpiServer(serverOptions());

const METHODS = ['get', 'put', 'post', 'patch', 'delete'];

/** `module INTERFACE: METHOD /module/path` lines of the official description, as it writes its paths (below `{module}`). */
function officialOperations(version: string): string[] {
  const lines: string[] = [];
  for (const file of vendorFiles(vendorUrl(`openapi/${version}/modules/`)).filter((url) => url.pathname.endsWith('interface.yaml'))) {
    const [module, name] = file.pathname.split('/').slice(-2) as [string, string];
    const role = name.startsWith('sender') ? 'SENDER' : name.startsWith('receiver') ? 'RECEIVER' : '';
    const document = parse(readVendorText(file)) as { paths?: Record<string, Record<string, unknown>> };
    for (const [path, item] of Object.entries(document.paths ?? {})) {
      for (const method of METHODS.filter((m) => m in item)) lines.push(`${module} ${role}: ${method.toUpperCase()} ${path}`);
    }
  }
  return lines.sort();
}

/** The same lines of our document: a path below its module URL, written below `/{module}` as the official one does. */
function ourOperations(document: OpenApiDocument, version: string): string[] {
  const mounted = server.mounted(version);
  const lines: string[] = [];
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of METHODS.filter((m) => m in item)) {
      const operation = item[method] as Record<string, string>;
      const module = operation['x-ocpi-module'];
      const role = operation['x-ocpi-interface'];
      if (module === undefined) {
        // The versions endpoint and version details (which the official description puts at /versions/{version}).
        lines.push(`versions : GET ${path === '/versions' ? path : `/versions${path}`}`);
        continue;
      }
      const found = mounted.find((m) => m.module.identifier === module && m.module.role === role);
      const below = path.slice(`/${version}/${found?.path}`.length);
      lines.push(`${module} ${module === 'credentials' ? '' : role}: ${method.toUpperCase()} /${module}${below}`);
    }
  }
  return lines.sort();
}

/**
 * Where the official description's paths contradict the spec text (the spec text wins), or where we
 * serve a route it leaves out: `+` an operation only ours has, `-` one only the official one has.
 */
const CDR_URL =
  'mod_cdrs "POST Method": the eMSP answers the URL of the new CDR in Location, and "OCPI does not define a specific structure for this URL"; ours names its owner like every client-owned URL';
const CDR_URLS = { '+ cdrs RECEIVER: GET /cdrs/{country_code}/{party_id}/{cdr_id}': CDR_URL, '- cdrs RECEIVER: GET /cdrs/{cdr_id}': CDR_URL };
const PROFILE_RESULTS =
  'mod_charging_profiles "Sender Interface": results go to the response_url the Sender gave, a URL of its choosing; ours says which result it awaits (active, set, clear) and its id';
const PROFILE_URLS = {
  '+ chargingprofiles SENDER: POST /chargingprofiles/active/{uid}': PROFILE_RESULTS,
  '+ chargingprofiles SENDER: POST /chargingprofiles/clear/{uid}': PROFILE_RESULTS,
  '+ chargingprofiles SENDER: POST /chargingprofiles/set/{uid}': PROFILE_RESULTS,
};
const COMMAND_RESULTS =
  'mod_commands: the CommandResult is POSTed to the response_url the Sender gave, a URL of its choosing ("might contain a unique ID"); ours is {command}/{uid}, as the 2.2.1 description has it';

const EXPECTED: Readonly<Record<'2.2.1' | '2.3.0', Readonly<Record<string, string>>>> = {
  '2.2.1': { ...CDR_URLS, ...PROFILE_URLS, '- chargingprofiles SENDER: POST /chargingprofiles/result/{uid}': PROFILE_RESULTS },
  '2.3.0': {
    ...CDR_URLS,
    ...PROFILE_URLS,
    // The 2.3.0 description posts results to the PUT URL of the Sender's ActiveChargingProfile.
    '- chargingprofiles SENDER: POST /chargingprofiles/{session_id}': PROFILE_RESULTS,
    '+ commands SENDER: POST /commands/{command}/{uid}': COMMAND_RESULTS,
    '- commands SENDER: POST /commands/{uid}': COMMAND_RESULTS,
  },
};

describe.each(['2.2.1', '2.3.0'] as const)('the OpenAPI document of OCPI %s', (version) => {
  const document = openApi(server, version);

  it('has the official paths and methods per module and interface, but where the official description is wrong', () => {
    const official = new Set(officialOperations(version));
    const ours = new Set(ourOperations(document, version));
    const differences = [
      ...[...ours].filter((line) => !official.has(line)).map((line) => `+ ${line}`),
      ...[...official].filter((line) => !ours.has(line)).map((line) => `- ${line}`),
    ];
    expect(differences.sort()).toEqual(Object.keys(EXPECTED[version]).sort());
  });

  it('is OpenAPI 3.1 in shape: every $ref resolves, every path parameter is declared, operation ids are unique', () => {
    expect(document.openapi).toBe('3.1.0');
    expect(document.servers).toEqual([{ url: 'https://cpo.example.com/ocpi' }]);
    expect(unresolvedRefs(document)).toEqual([]);
    const ids: string[] = [];
    for (const [path, item] of Object.entries(document.paths)) {
      const templated = [...path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1]);
      for (const operation of Object.values(item)) {
        const parameters = operation.parameters as { name?: string; in?: string }[];
        expect(parameters.filter((p) => p.in === 'path').map((p) => p.name)).toEqual(templated);
        expect(operation.responses).toHaveProperty('default');
        ids.push(String(operation.operationId));
      }
    }
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('describes bodies, answers, pagination, routing headers and the Token scheme', () => {
    const list = document.paths[`/${version}/sender/locations`]?.get as Operation;
    expect(list.parameters.map((p) => p.$ref?.split('/').pop())).toEqual(
      expect.arrayContaining(['date_from', 'date_to', 'offset', 'limit', 'OCPI-from-country-code', 'OCPI-to-party-id']),
    );
    expect(Object.keys(list.responses['200']?.headers ?? {})).toEqual(expect.arrayContaining(['Link', 'X-Total-Count', 'X-Limit']));
    expect(list.responses['200']?.content['application/json']?.schema.allOf?.[1]).toEqual({
      properties: { data: { type: 'array', items: { $ref: '#/components/schemas/Location' } } },
    });
    const evse = document.paths[`/${version}/sender/locations/{location_id}/{evse_uid}`]?.get as Operation;
    expect(evse.responses['200']?.content['application/json']?.schema.allOf?.[1]).toEqual({ properties: { data: { $ref: '#/components/schemas/EVSE' } } });
    const patch = document.paths[`/${version}/receiver/sessions/{country_code}/{party_id}/{session_id}`]?.patch as Operation;
    expect(patch.requestBody?.content['application/json']?.schema).toEqual({ $ref: '#/components/schemas/SessionPatch' });
    // Configuration modules carry no routing headers.
    const credentials = document.paths[`/${version}/credentials`]?.post as Operation;
    expect(credentials.parameters.some((p) => p.$ref?.includes('OCPI-'))).toBe(false);
    expect(document.security).toEqual([{ Token: [] }]);
    expect(document.components.securitySchemes?.Token).toMatchObject({ type: 'apiKey', in: 'header', name: 'Authorization' });
  });
});

/** The schema of `data` in the 200 answer of an operation, or undefined when it is not described. */
function dataOf(document: OpenApiDocument, path: string, method: string): unknown {
  const schema = (document.paths[path]?.[method] as Operation | undefined)?.responses['200']?.content['application/json']?.schema;
  return (schema?.allOf?.[1] as { properties?: { data?: unknown } } | undefined)?.properties?.data;
}

describe('the data each route answers is described from our schemas', () => {
  const component = (name: string) => ({ $ref: `#/components/schemas/${name}` });
  const list = (name: string) => ({ type: 'array', items: component(name) });

  it.each(['2.3.0', '2.2.1', '2.1.1'])('credentials and Hub Client Info in %s', (version) => {
    const document = openApi(server, version);
    for (const method of ['get', 'post', 'put']) expect(dataOf(document, `/${version}/credentials`, method), method).toEqual(component('Credentials'));
    if (version === '2.1.1') return;
    expect(dataOf(document, `/${version}/sender/hubclientinfo`, 'get')).toEqual(list('ClientInfo'));
    expect(dataOf(document, `/${version}/receiver/hubclientinfo/{country_code}/{party_id}`, 'get')).toEqual(component('ClientInfo'));
    expect(dataOf(document, `/${version}/receiver/chargingprofiles/{session_id}`, 'put')).toEqual(component('ChargingProfileResponse'));
  });

  it('Payments and Bookings in 2.3.0', () => {
    const document = openApi(server, '2.3.0');
    const expected: [string, string, unknown][] = [
      ['/2.3.0/sender/payments/terminals', 'get', list('Terminal')],
      ['/2.3.0/sender/payments/terminals/activate', 'post', component('Terminal')],
      ['/2.3.0/sender/payments/terminals/{terminal_id}', 'get', component('Terminal')],
      ['/2.3.0/receiver/payments/terminals/{terminal_id}', 'get', component('Terminal')],
      ['/2.3.0/sender/payments/financial-advice-confirmations', 'get', list('FinancialAdviceConfirmation')],
      ['/2.3.0/receiver/payments/financial-advice-confirmations/{financial_advice_confirmation_id}', 'get', component('FinancialAdviceConfirmation')],
      ['/2.3.0/sender/bookings', 'get', list('Booking')],
      ['/2.3.0/sender/bookings', 'post', component('Booking')],
      ['/2.3.0/sender/bookings/booking_locations', 'get', list('BookingLocation')],
      ['/2.3.0/sender/bookings/booking_locations/{booking_location_id}', 'get', component('BookingLocation')],
      ['/2.3.0/sender/bookings/booking_locations/{booking_location_id}/{calendar_id}', 'get', component('Calendar')],
      ['/2.3.0/receiver/bookings/{country_code}/{party_id}/booking_locations/{booking_location_id}/{calendar_id}', 'get', component('Calendar')],
    ];
    for (const [path, method, data] of expected) expect(dataOf(document, path, method), `${method} ${path}`).toEqual(data);
    // A write answers no data: none is described.
    expect(dataOf(document, '/2.3.0/sender/payments/terminals/{terminal_id}', 'put')).toBeUndefined();
  });
});

describe('the OpenAPI document of OCPI 2.1.1', () => {
  const document = openApi(server, '2.1.1');

  it("has 2.1.1's layout and no routing headers, and only the modules 2.1.1 has", () => {
    expect(unresolvedRefs(document)).toEqual([]);
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining(['/versions', '/2.1.1', '/2.1.1/credentials', '/2.1.1/cpo/locations', '/2.1.1/cpo/tokens/{country_code}/{party_id}/{token_uid}']),
    );
    // mod_commands 2.1.1 has no CANCEL_RESERVATION.
    expect(Object.keys(document.paths)).not.toContain('/2.1.1/cpo/commands/CANCEL_RESERVATION');
    expect(Object.keys(document.paths).filter((path) => /chargingprofiles|hubclientinfo|payments|bookings/.test(path))).toEqual([]);
    expect(JSON.stringify(document.paths)).not.toContain('OCPI-from');
    const put = document.paths['/2.1.1/emsp/locations/{country_code}/{party_id}/{location_id}']?.put as Operation;
    expect(put.requestBody?.content['application/json']?.schema).toEqual({ $ref: '#/components/schemas/Location' });
    // 2.1.1's Location: a required `type`, no country_code.
    expect(document.components.schemas?.Location?.required).toContain('type');
  });

  it('refuses a version the server does not serve', () => {
    const only = createOcpiServer({ ...serverOptions(), versions: ['2.2.1'] });
    expect(() => openApi(only, '2.3.0')).toThrow(/does not serve OCPI 2.3.0/);
  });
});

type Operation = {
  parameters: { $ref?: string; name?: string; in?: string }[];
  requestBody?: { content: Record<string, { schema: unknown }> };
  responses: Record<string, { headers?: Record<string, unknown>; content: Record<string, { schema: { allOf?: unknown[] } }> }>;
};

/** Every `$ref` of the document that does not point at something in it. */
function unresolvedRefs(document: OpenApiDocument): string[] {
  const unresolved: string[] = [];
  const resolves = (pointer: string): boolean => {
    let node: unknown = document;
    for (const part of pointer.replace(/^#\//, '').split('/')) {
      if (typeof node !== 'object' || node === null || !(part in node)) return false;
      node = (node as Record<string, unknown>)[part];
    }
    return true;
  };
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(walk);
    else if (typeof value === 'object' && value !== null) {
      for (const [key, child] of Object.entries(value)) {
        if (key === '$ref' && (typeof child !== 'string' || !child.startsWith('#/') || !resolves(child))) unresolved.push(String(child));
        else walk(child);
      }
    }
  };
  walk(document);
  return unresolved;
}
