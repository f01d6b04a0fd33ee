// The module tests' shorthand over the public kit's createTestNode: `call` with a token and `json`
// for the envelope, `partner(token, roles)`. One implementation: everything goes through the kit.
import type { OcpiEventBus } from '../events.js';
import type { OcpiModule } from '../module.js';
import type { PaginationOptions } from '../pagination.js';
import type { CredentialsRole } from '../partners/partner.js';
import type { OcpiServer, OcpiServerOptions } from '../server.js';
import type { OcpiStore } from '../store/types.js';
import { createTestNode, type OcpiEnvelope, type TestRequestOptions } from './test-node.js';

export interface HarnessResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  json: OcpiEnvelope;
}

export interface ModuleHarness {
  store: OcpiStore;
  server: OcpiServer;
  /** Calls `/ocpi/{version}/{path}` with `Authorization: Token <token>`; an object body is JSON-encoded. */
  call(method: string, path: string, options?: TestRequestOptions): Promise<HarnessResponse>;
  /** Registers a partner with these roles; it calls with `token`. */
  partner(token: string, roles: CredentialsRole[]): Promise<void>;
}

export function moduleHarness(options: {
  parties: CredentialsRole[];
  modules: OcpiModule[];
  pagination?: Partial<PaginationOptions>;
  events?: OcpiEventBus;
  /** The OCPI version the modules are mounted in; default 2.2.1. */
  version?: string;
  /** Default: a new memory store. */
  store?: OcpiStore;
  /** More server options (limits, body limit, ...). */
  server?: Partial<Pick<OcpiServerOptions, 'bodyLimit' | 'limits' | 'partnerPolicy' | 'hubServes'>>;
}): ModuleHarness {
  const { server, ...rest } = options;
  const node = createTestNode({ ...rest, ...server });
  return {
    store: node.store,
    server: node.server,
    async call(method, path, requestOptions) {
      const { envelope, ...response } = await node.request(method, path, requestOptions);
      return { ...response, json: envelope };
    },
    async partner(token, roles) {
      await node.addPartner({ id: `partner-${token}`, token, roles });
    },
  };
}
