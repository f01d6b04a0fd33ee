// A node with some standard modules mounted and a call() that goes through handle(), for the module tests.
import { responseText } from '../envelope.js';
import type { OcpiEventBus } from '../events.js';
import type { OcpiModule } from '../module.js';
import type { PaginationOptions } from '../pagination.js';
import type { CredentialsRole } from '../partners/partner.js';
import { createOcpiServer, type OcpiServer } from '../server.js';
import { createMemoryStore } from '../store/memory.js';
import type { OcpiStore } from '../store/types.js';
import { addPartner, tokenHeader } from './fixtures.js';

export const HARNESS_BASE = 'https://ocpi.example.com/ocpi';

export interface HarnessResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  json: { data?: any; status_code: number; status_message?: string; timestamp: string };
}

export interface ModuleHarness {
  store: OcpiStore;
  server: OcpiServer;
  /** Calls `/ocpi/2.2.1/{path}` with `Authorization: Token <token>`; an object body is JSON-encoded. */
  call(method: string, path: string, options?: { token?: string; body?: unknown; headers?: Record<string, string> }): Promise<HarnessResponse>;
  /** Registers a partner with these roles; it calls with `token`. */
  partner(token: string, roles: CredentialsRole[]): Promise<void>;
}

export function moduleHarness(options: {
  parties: CredentialsRole[];
  modules: OcpiModule[];
  pagination?: Partial<PaginationOptions>;
  events?: OcpiEventBus;
  /** Default: a new memory store. */
  store?: OcpiStore;
}): ModuleHarness {
  const store = options.store ?? createMemoryStore();
  const server = createOcpiServer({
    baseUrl: HARNESS_BASE,
    parties: options.parties,
    store,
    modules: { '2.2.1': options.modules },
    ...(options.pagination ? { pagination: options.pagination } : {}),
    ...(options.events ? { events: options.events } : {}),
    // A handler that throws answers 500; print why, so the failing test explains itself.
    onError: (error) => console.error(error),
  });
  return {
    store,
    server,
    async call(method, path, { token, body, headers = {} } = {}) {
      const response = await server.handle({
        method,
        url: `/ocpi/2.2.1/${path}`,
        headers: { ...(token === undefined ? {} : { authorization: tokenHeader(token) }), ...headers },
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      });
      const text = responseText(response);
      return { ...response, body: text, json: JSON.parse(text) };
    },
    async partner(token, roles) {
      await addPartner(store, { id: `partner-${token}`, token, roles });
    },
  };
}
