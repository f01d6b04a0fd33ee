import {
  createMemoryStore,
  createOcpiClient,
  createOcpiServer,
  hubClientInfoSender,
  OCPI_VERSIONS,
  type OcpiClient,
  type OcpiModule,
  openApi,
} from '@ocpi-ts/core';
import { type Command, writeJson } from '../command.js';
import { ExitCode, usageError } from '../io.js';
import { modulesOf, type NodeRole } from '../node.js';

const ROLES: readonly NodeRole[] = ['CPO', 'EMSP', 'HUB'];

export const openApiCommand: Command = {
  name: 'openapi',
  summary: "print the OpenAPI 3.1 description of a node's interfaces in one OCPI version",
  help: `ocpi openapi [--version 2.3.0] [--role CPO|EMSP|HUB] [--base-url <url>]

Prints, as JSON, the OpenAPI 3.1 document of the OCPI interfaces a node of the role serves in the
version (those of 'ocpi mock' and the reference node: a CPO's senders, its Tokens and Commands
receivers...; a HUB's both interfaces of every module): paths, bodies, answers, pagination, headers and
the component schemas, generated from ocpi-ts's schemas (openApi(server, version) of @ocpi-ts/core).

  --version <v>      the OCPI version (default 2.3.0; known: ${OCPI_VERSIONS.join(', ')})
  --role <role>      CPO (default), EMSP or HUB
  --base-url <url>   the OCPI root URL written in 'servers' (default https://ocpi.example.com/ocpi)`,
  options: { version: { type: 'string' }, role: { type: 'string' }, 'base-url': { type: 'string' } },
  async run(values, _positionals, io) {
    const version = (values.version as string | undefined) ?? '2.3.0';
    if (!(OCPI_VERSIONS as readonly string[]).includes(version)) throw usageError(`--version ${version} is not known; known: ${OCPI_VERSIONS.join(', ')}`);
    const role = ((values.role as string | undefined) ?? 'CPO').toUpperCase() as NodeRole;
    if (!ROLES.includes(role)) throw usageError(`--role ${values.role} is not known; known: ${ROLES.join(', ')}`);
    const baseUrl = (values['base-url'] as string | undefined) ?? 'https://ocpi.example.com/ocpi';
    if (!/^https?:\/\//.test(baseUrl)) throw usageError(`--base-url must be an http(s) URL, got '${baseUrl}'`);
    const parties = [{ role, country_code: 'NL', party_id: 'EXA', business_details: { name: 'Example' } }];
    // Nothing is served or stored: the server is built only to say what it would mount.
    const client = createOcpiClient({ parties });
    const modules = role === 'HUB' ? hubInterfaces(client) : modulesOf(role, client).modules;
    const server = createOcpiServer({ baseUrl, parties, store: createMemoryStore(), modules, versions: [version] });
    writeJson(io, openApi(server, version));
    return ExitCode.OK;
  },
};

/**
 * What a hub serves, as the parties connected to it see it: both interfaces of every module, routed to
 * the party they are for (the hub's own routes are generic: `createHub` leaves them out of OpenAPI).
 */
function hubInterfaces(client: OcpiClient): OcpiModule[] {
  const cpo = modulesOf('CPO', client).modules;
  const emsp = modulesOf('EMSP', client).modules.filter((m) => m.identifier !== 'credentials' && m.identifier !== 'hubclientinfo');
  return [...cpo, ...emsp, hubClientInfoSender()];
}
