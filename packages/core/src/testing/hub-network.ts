// Test support: a hub and the parties connected to it, each a whole node of ours on 127.0.0.1 (server,
// memory store, client, outbox), registered through real handshakes over HTTP, served over node:http
// or through an adapter (`serve`). examples/node/test/hub-routing.test.ts runs the routing scenarios on it.
import { afterEach } from 'vitest';
import { createOcpiClient, type OcpiClient } from '../client/client.js';
import { credentialsModule } from '../credentials/credentials-module.js';
import { createPartnerRegistry, type PartnerRegistry } from '../credentials/initiator.js';
import { createRegistrationToken } from '../credentials/registration-tokens.js';
import { createHub, type Hub } from '../hub/hub.js';
import type { NodeInfo, OcpiModule } from '../module.js';
import { LOCAL_OUTBOUND_POLICY } from '../outbound.js';
import { createOutbox, type Outbox, pushWithClient } from '../outbox.js';
import { type CredentialsRole, type Partner, partnerToken } from '../partners/partner.js';
import { defaultPartnerPolicy } from '../partners/policy.js';
import { createOcpiServer, type OcpiServer } from '../server.js';
import { createMemoryStore } from '../store/memory.js';
import type { OcpiStore, PartyRef } from '../store/types.js';
import { type ServedOverHttp, serveOverHttp } from './http.js';

export const party = (role: CredentialsRole['role'], country_code: string, party_id: string): CredentialsRole => ({
  role,
  country_code,
  party_id,
  business_details: { name: `${country_code}*${party_id}` },
});

export interface NetworkNode {
  origin: string;
  server: OcpiServer;
  /** Every request the node received, in order. */
  seen: SeenRequest[];
  node: NodeInfo;
  store: OcpiStore;
  client: OcpiClient;
  outbox: Outbox;
  registry: PartnerRegistry;
  /** The hub's routing modules, on a hub node. */
  hub?: Hub;
  close(): Promise<void>;
}

export interface SeenRequest {
  method: string;
  url: string;
  /** Lower-case names. */
  headers: Record<string, string>;
  /** What the node answered (once it did): HTTP status and headers (lower-case names). */
  answer?: { status: number; headers: Record<string, string> };
}

export interface NetworkNodeOptions {
  parties: CredentialsRole[];
  /** Modules besides credentials (and, on a hub, the hub's). */
  modules?: OcpiModule[];
  /** A hub node: mounts `createHub()`'s modules. */
  hub?: boolean;
  /** Parties that may register in the HUB role (the hubs this node connects to, or, on a hub, the hubs connected to it). */
  hubParties?: PartyRef[];
  /** The hub's forwarding timeout. */
  timeoutMs?: number;
  /** The hub's outbound fetch (default guarded, loopback allowed): to make a party unreachable in a test. */
  hubFetch?: typeof fetch;
  versions?: string[];
  store?: OcpiStore;
  /** How the node is served over HTTP: `serveOverHttp` (node:http, the default), or an adapter through `serveThrough`. */
  serve?: (build: (origin: string) => OcpiServer) => Promise<ServedOverHttp>;
}

export async function startNetworkNode(options: NetworkNodeOptions): Promise<NetworkNode> {
  const store = options.store ?? createMemoryStore();
  const hub = options.hub
    ? createHub({ outbound: LOCAL_OUTBOUND_POLICY, timeoutMs: options.timeoutMs ?? 5000, ...(options.hubFetch ? { fetch: options.hubFetch } : {}) })
    : undefined;
  const modules = [credentialsModule({ outbound: LOCAL_OUTBOUND_POLICY }), ...(hub?.modules ?? []), ...(options.modules ?? [])];
  const seen: SeenRequest[] = [];
  const served = await (options.serve ?? serveOverHttp)((origin) => {
    const server = createOcpiServer({
      baseUrl: `${origin}/ocpi`,
      parties: options.parties,
      store,
      versions: options.versions ?? ['2.2.1'],
      modules,
      partnerPolicy: defaultPartnerPolicy({ hubParties: options.hubParties ?? [] }),
    });
    return {
      ...server,
      handle(request) {
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(request.headers)) if (typeof value === 'string') headers[name.toLowerCase()] = value;
        const record: SeenRequest = { method: request.method, url: request.url, headers };
        seen.push(record);
        return server.handle(request).then((response) => {
          record.answer = { status: response.status, headers: { ...response.headers } };
          return response;
        });
      },
    };
  });
  const node = served.server.node;
  const client = createOcpiClient({ parties: node.parties, outbound: LOCAL_OUTBOUND_POLICY, store, losses: node.losses });
  const deliver = pushWithClient(client);
  const outbox = createOutbox({
    store,
    deliver: hub ? hub.deliver(deliver) : deliver,
    events: node.events,
    initialBackoffMs: 100,
    maxBackoffMs: 500,
    pollMs: 100,
  });
  const detach = hub?.attach(node, outbox);
  outbox.start();
  let closed = false;
  return {
    origin: served.origin,
    seen,
    server: served.server,
    node,
    store,
    client,
    outbox,
    registry: createPartnerRegistry({ node, client }),
    ...(hub ? { hub } : {}),
    async close() {
      if (closed) return;
      closed = true;
      detach?.();
      await outbox.stop();
      await served.close();
    },
  };
}

/** Nodes started through it are closed after each test of the file that calls this at its top. */
export function networkClosedAfterEach(): (options: NetworkNodeOptions) => Promise<NetworkNode> {
  const running: NetworkNode[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((n) => n.close()));
  });
  return async (options) => {
    const started = await startNetworkNode(options);
    running.push(started);
    return started;
  };
}

/** `member` registers with `hub` (token A issued by the hub); answers the partner records on both sides. */
export async function connect(member: NetworkNode, hub: NetworkNode): Promise<{ atMember: Partner; atHub: Partner }> {
  const { token } = await createRegistrationToken(hub.store);
  const atMember = await member.registry.register({ versionsUrl: hub.node.versionsUrl, tokenA: partnerToken(token) });
  const atHub = (await hub.store.partners.list()).find((p) => p.versionsUrl === member.node.versionsUrl) as Partner;
  return { atMember, atHub };
}

/** Waits until `check` holds (polling), or fails with `what`. */
export async function eventually<T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs = 5000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > until) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
