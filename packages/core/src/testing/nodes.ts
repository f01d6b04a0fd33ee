// Test nodes live on 127.0.0.1: their outbound calls use the local policy (loopback allowed).

// Test support: a whole OCPI node of ours on 127.0.0.1 (server, memory store, HTTP, client and
// partner registry), for tests where two nodes talk to each other.
import { afterEach } from 'vitest';
import { createOcpiClient, type OcpiClient } from '../client/client.js';
import { type CredentialsModuleOptions, credentialsModule } from '../credentials/credentials-module.js';
import { createPartnerRegistry, type InitiatorOptions, type PartnerRegistry } from '../credentials/initiator.js';
import type { NodeInfo, OcpiModule } from '../module.js';
import { LOCAL_OUTBOUND_POLICY } from '../outbound.js';
import type { CredentialsRole } from '../partners/partner.js';
import { createOcpiServer, type OcpiServerOptions } from '../server.js';
import { createMemoryStore } from '../store/memory.js';
import type { OcpiStore } from '../store/types.js';
import { serveOverHttp } from './http.js';
import { thingsReceiver, thingsSender } from './things-module.js';

export interface HttpTestNode {
  origin: string;
  node: NodeInfo;
  store: OcpiStore;
  client: OcpiClient;
  registry: PartnerRegistry;
  versionsUrl: string;
  close(): Promise<void>;
}

export interface HttpTestNodeOptions {
  parties: CredentialsRole[];
  /** Modules besides credentials; default `[thingsSender, thingsReceiver]`. */
  modules?: readonly OcpiModule[];
  /** The OCPI versions served; default `['2.2.1']`. */
  versions?: readonly string[];
  credentials?: CredentialsModuleOptions;
  registry?: Omit<InitiatorOptions, 'node'>;
  pagination?: OcpiServerOptions['pagination'];
  fetch?: typeof fetch;
  /** Which roles partners may hold, and whom a hub serves (`createOcpiServer` options). */
  partnerPolicy?: OcpiServerOptions['partnerPolicy'];
  hubServes?: OcpiServerOptions['hubServes'];
}

/** A `startHttpTestNode` whose nodes are closed after each test of the file that calls this at its top. */
export function testNodesClosedAfterEach(): (options: HttpTestNodeOptions) => Promise<HttpTestNode> {
  const running: HttpTestNode[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((n) => n.close()));
  });
  return async (options) => {
    const started = await startHttpTestNode(options);
    running.push(started);
    return started;
  };
}

/** Starts a node at `{origin}/ocpi` with the credentials module mounted in each of its versions. */
export async function startHttpTestNode(options: HttpTestNodeOptions): Promise<HttpTestNode> {
  const store = createMemoryStore();
  const credentials = credentialsModule({ outbound: LOCAL_OUTBOUND_POLICY, ...(options.fetch ? { fetch: options.fetch } : {}), ...options.credentials });
  const modules = [credentials, ...(options.modules ?? [thingsSender, thingsReceiver])];
  const served = await serveOverHttp((origin) =>
    createOcpiServer({
      baseUrl: `${origin}/ocpi`,
      parties: options.parties,
      store,
      versions: options.versions ?? ['2.2.1'],
      modules,
      ...(options.pagination ? { pagination: options.pagination } : {}),
      ...(options.partnerPolicy ? { partnerPolicy: options.partnerPolicy } : {}),
      ...(options.hubServes ? { hubServes: options.hubServes } : {}),
    }),
  );
  const node = served.server.node;
  const client = createOcpiClient({
    parties: node.parties,
    outbound: LOCAL_OUTBOUND_POLICY,
    store,
    losses: node.losses,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  return {
    origin: served.origin,
    node,
    store,
    client,
    registry: createPartnerRegistry({ node, client, ...options.registry }),
    versionsUrl: node.versionsUrl,
    close: served.close,
  };
}
