/**
 * The OpenAPI 3.1 description of one version a server serves: its `components` (openApiComponents:
 * the version's schemas and the response envelope) and `paths` from the modules mounted in that
 * version, as the server routes them. Paths are below the node's base URL (`servers`):
 * `/versions`, `/2.2.1`, `/2.2.1/receiver/locations/{country_code}/{party_id}/{location_id}`.
 * Each operation names its module and interface (`x-ocpi-module`, `x-ocpi-interface`), so a reader
 * can tell a CPO's Locations SENDER from its Tokens RECEIVER whatever the URL layout.
 */
import type { TSchema } from '@sinclair/typebox';
import { type OcpiVersion, versionEdge } from '../edges/edge.js';
import type { MountedInterface, RequestContext, RouteDefinition } from '../module.js';
import type { OcpiServer } from '../server.js';
import { type OpenApiSchema, openApiComponents, openApiSchema, openApiSchemas } from './openapi.js';

export type OpenApiDocument = {
  openapi: '3.1.0';
  info: { title: string; version: string; description: string };
  servers: { url: string }[];
  security: Record<string, string[]>[];
  paths: Record<string, Record<string, OpenApiSchema>>;
  components: Record<string, Record<string, OpenApiSchema>>;
};

const ref = (kind: string, name: string): OpenApiSchema => ({ $ref: `#/components/${kind}/${name}` });

const header = (description: string, schema: OpenApiSchema = { type: 'string' }): OpenApiSchema => ({ description, schema });
const inHeader = (name: string, description: string): OpenApiSchema => ({ name, in: 'header', required: false, description, schema: { type: 'string' } });

/** transport_and_format "Message Routing Headers": sent on functional modules from 2.2 on. */
const ROUTING_HEADERS = ['OCPI-from-country-code', 'OCPI-from-party-id', 'OCPI-to-country-code', 'OCPI-to-party-id'];

function sharedComponents(): Pick<OpenApiDocument['components'], 'parameters' | 'headers' | 'responses' | 'securitySchemes'> {
  const dateTime = { $ref: '#/components/schemas/DateTime' };
  return {
    securitySchemes: {
      Token: {
        type: 'apiKey',
        in: 'header',
        name: 'Authorization',
        // transport_and_format "Authorization header": 2.2 on Base64-encode the token; 2.1.1 sends it as is.
        description:
          '`Token <credentials token>`: Base64-encoded from OCPI 2.2 on, raw in 2.1.1. The versions, version details and credentials endpoints also take the registration token.',
      },
    },
    parameters: {
      'X-Request-ID': inHeader('X-Request-ID', 'Unique id of this request; echoed in the response (a new one is made when absent or unusable).'),
      'X-Correlation-ID': inHeader('X-Correlation-ID', 'Id shared by the requests of one exchange; echoed in the response.'),
      ...Object.fromEntries(ROUTING_HEADERS.map((name) => [name, inHeader(name, 'Message routing header (transport_and_format "Message Routing Headers").')])),
      date_from: {
        name: 'date_from',
        in: 'query',
        required: false,
        description: 'Only objects with last_updated at or after this DateTime.',
        schema: dateTime,
      },
      date_to: { name: 'date_to', in: 'query', required: false, description: 'Only objects with last_updated before this DateTime.', schema: dateTime },
      offset: {
        name: 'offset',
        in: 'query',
        required: false,
        description: 'The offset of the first object returned (default 0).',
        schema: { type: 'integer', minimum: 0 },
      },
      limit: {
        name: 'limit',
        in: 'query',
        required: false,
        description: 'The most objects to return; the server may return fewer (X-Limit).',
        schema: { type: 'integer', minimum: 0 },
      },
    },
    headers: {
      'X-Request-ID': header('The request id, echoed.'),
      'X-Correlation-ID': header('The correlation id, echoed.'),
      Link: header('`<url>; rel="next"`: the URL of the next page, absent on the last.'),
      'X-Total-Count': header('The number of objects matching the query.', { type: 'integer', minimum: 0 }),
      'X-Limit': header('The most objects this server returns per page.', { type: 'integer', minimum: 0 }),
    },
    responses: {
      OcpiError: {
        description: 'An OCPI error: HTTP 4xx/5xx, or HTTP 200 with a 2xxx/3xxx status_code; status_message says what is wrong.',
        headers: { 'X-Request-ID': ref('headers', 'X-Request-ID'), 'X-Correlation-ID': ref('headers', 'X-Correlation-ID') },
        content: { 'application/json': { schema: ref('schemas', 'OcpiResponse') } },
      },
    },
  };
}

/** The envelope with `data` of this schema (any data when undefined). */
function envelope(data: OpenApiSchema | undefined, description: string, headers: readonly string[]): OpenApiSchema {
  const schema = data ? { allOf: [ref('schemas', 'OcpiResponse'), { properties: { data } }] } : ref('schemas', 'OcpiResponse');
  return {
    description,
    headers: Object.fromEntries(['X-Request-ID', 'X-Correlation-ID', ...headers].map((name) => [name, ref('headers', name)])),
    content: { 'application/json': { schema } },
  };
}

/** A route's path below its module, one template per optional trailing segment: `[':a', ':b?']` gives `/{a}` and `/{a}/{b}`. */
function templates(path: readonly string[]): { segments: string[]; params: string[] }[] {
  const out: { segments: string[]; params: string[] }[] = [];
  const segments: string[] = [];
  const params: string[] = [];
  for (const part of path) {
    const optional = part.endsWith('?');
    if (optional) out.push({ segments: [...segments], params: [...params] });
    const name = part.startsWith(':') ? part.slice(1, optional ? -1 : undefined) : undefined;
    segments.push(name === undefined ? part : `{${name}}`);
    if (name !== undefined) params.push(name);
  }
  out.push({ segments, params });
  return out;
}

/** The object type a route gives for one of its templates (a Location, an EVSE or a Connector by URL). */
function givenType(route: RouteDefinition, params: readonly string[]): string | undefined {
  if (typeof route.gives !== 'function') return route.gives;
  const values = Object.fromEntries(params.map((name) => [name, `{${name}}`]));
  const context = {
    params: values,
    param: (name: string) => {
      const value = values[name];
      if (value === undefined) throw new Error(`Path parameter ${name} is missing`);
      return value;
    },
  };
  try {
    return route.gives(context as unknown as RequestContext);
  } catch {
    return undefined;
  }
}

const camel = (words: readonly string[]): string =>
  words
    .flatMap((word) => word.split(/[^A-Za-z0-9]+/))
    .filter(Boolean)
    .map((word, i) => (i === 0 ? word.toLowerCase() : word.charAt(0).toUpperCase() + word.slice(1).toLowerCase()))
    .join('');

/**
 * The OpenAPI 3.1 document of one version `server` serves: `info`, `servers` (its base URL), the
 * `Token` security scheme, `components` and the `paths` of the versions, version details and every
 * module interface mounted in that version. Throws for a version the server does not serve.
 */
export function openApi(server: Pick<OcpiServer, 'node' | 'mounted'>, version: string): OpenApiDocument {
  const { node } = server;
  if (!node.versions.includes(version)) throw new Error(`This server does not serve OCPI ${version} (it serves ${node.versions.join(', ')})`);
  const edge = versionEdge(version);
  const interfaces = server.mounted(version);
  const { schemas } = openApiComponents(version as OcpiVersion);
  /**
   * A custom module's own body schema: its named parts become components, unless one differs from
   * this version's schema of that name: then it is written out whole where it is used, so the
   * document says what the route takes.
   */
  const customSchema = (schema: TSchema): OpenApiSchema => {
    const own = openApiSchemas([schema]);
    const differs = Object.entries(own).some(([title, component]) => title in schemas && JSON.stringify(schemas[title]) !== JSON.stringify(component));
    if (differs) return openApiSchema(schema, { inline: true });
    Object.assign(schemas, own);
    return openApiSchema(schema);
  };
  const typeSchema = (type: string | undefined, patch = false): OpenApiSchema | undefined => {
    const schema = type === undefined ? undefined : edge.schemaOf(type, patch);
    return schema && openApiSchema(schema);
  };
  const paths: OpenApiDocument['paths'] = {};
  const operationIds = new Set<string>();
  const add = (path: string, method: string, operation: OpenApiSchema): void => {
    let id = String(operation.operationId);
    for (let n = 2; operationIds.has(id); n++) id = `${operation.operationId}${n}`;
    operationIds.add(id);
    paths[path] ??= {};
    (paths[path] as Record<string, OpenApiSchema>)[method] = { ...operation, operationId: id };
  };
  const ids = [ref('parameters', 'X-Request-ID'), ref('parameters', 'X-Correlation-ID')];

  add('/versions', 'get', {
    operationId: 'getVersions',
    summary: 'The OCPI versions this platform serves',
    tags: ['versions'],
    parameters: ids,
    responses: { '200': envelope({ type: 'array', items: ref('schemas', 'Version') }, 'The versions', []), default: ref('responses', 'OcpiError') },
  });
  add(`/${version}`, 'get', {
    operationId: camel(['get', 'version', 'details']),
    summary: `The endpoints of OCPI ${version} on this platform`,
    tags: ['versions'],
    parameters: ids,
    responses: { '200': envelope(ref('schemas', 'VersionDetails'), 'The version details', []), default: ref('responses', 'OcpiError') },
  });

  for (const mounted of interfaces) {
    for (const route of mounted.routes) {
      if (route.openApi === false) continue;
      for (const template of templates(route.path)) describeRoute(mounted, route, template);
    }
  }

  function describeRoute(mounted: MountedInterface, route: RouteDefinition, template: { segments: string[]; params: string[] }): void {
    const { module } = mounted;
    const path = `/${[version, mounted.path, ...template.segments].filter(Boolean).join('/')}`;
    const routing = edge.routingHeaders && !module.configuration ? ROUTING_HEADERS.map((name) => ref('parameters', name)) : [];
    const pagination = route.paginated ? ['date_from', 'date_to', 'offset', 'limit'].map((name) => ref('parameters', name)) : [];
    const parameters = [
      ...template.params.map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' } })),
      ...pagination,
      ...ids,
      ...routing,
    ];
    const body = route.body;
    const bodySchema: OpenApiSchema | undefined = body?.schema ? customSchema(body.schema) : typeSchema(body?.type, body?.patch ?? false);
    const given = typeSchema(givenType(route, template.params) ?? route.answers);
    const data = given && route.paginated ? { type: 'array', items: given } : given;
    const operation: OpenApiSchema = {
      operationId: camel([module.role, route.method, module.identifier, ...template.segments]),
      summary: `${route.method} of the ${module.identifier} ${module.role} interface`,
      tags: [module.identifier],
      'x-ocpi-module': module.identifier,
      'x-ocpi-interface': module.role,
      parameters,
      ...(body && bodySchema ? { requestBody: { required: body.required !== false, content: { 'application/json': { schema: bodySchema } } } } : {}),
      responses: {
        '200': envelope(data, route.paginated ? 'A page of the list' : 'Success', route.paginated ? ['Link', 'X-Total-Count', 'X-Limit'] : []),
        ...(route.method === 'PUT' || route.method === 'POST' ? { '201': envelope(data, 'Created', []) } : {}),
        default: ref('responses', 'OcpiError'),
      },
    };
    add(path, route.method.toLowerCase(), operation);
  }

  return {
    openapi: '3.1.0',
    info: {
      title: `OCPI ${version}`,
      version,
      description: `The OCPI ${version} interfaces this platform serves, generated by ocpi-ts from its schemas and mounted modules.`,
    },
    servers: [{ url: node.baseUrl }],
    security: [{ Token: [] }],
    paths,
    components: { schemas, ...sharedComponents() },
  };
}
