// An OCPI node of one role on the core and its store-backed defaults, served over HTTP: the CLI's own
// side of a handshake (register, conformance) and, seeded and with faults in front, the mock partner.
import {
  type CommandResultReceiver,
  type CommandsReceiverModule,
  type CredentialsRole,
  cdrsReceiver,
  cdrsSender,
  chargingProfilesReceiver,
  chargingProfilesSender,
  commandsReceiver,
  createCommandResultReceiver,
  createHub,
  createMemoryStore,
  createOcpiClient,
  createOcpiServer,
  createOutbox,
  createPartnerRegistry,
  credentialsModule,
  defaultPartnerPolicy,
  type Hub,
  hubClientInfoReceiver,
  LOCAL_OUTBOUND_POLICY,
  locationsReceiver,
  locationsSender,
  type OcpiClient,
  type OcpiModule,
  type OcpiServer,
  type OcpiStore,
  type PartnerChange,
  type PartnerPolicy,
  type PartnerRegistry,
  pushWithClient,
  sessionsReceiver,
  sessionsSender,
  tariffsReceiver,
  tariffsSender,
  tokensReceiver,
  tokensSender,
} from '@ocpi-ts/core';
import { type Handle, serve } from './serve.js';

export type NodeRole = 'CPO' | 'EMSP' | 'HUB';

export interface RoleNodeOptions {
  role: NodeRole;
  /** The parties the node speaks for; the first is its own (the HUB party of a hub). */
  parties: CredentialsRole[];
  host?: string;
  /** 0 (default): any free port. */
  port?: number;
  /** The URL partners reach the node at, when not `http://{host}:{port}` (behind a tunnel or proxy). */
  publicUrl?: string;
  store?: OcpiStore;
  /** The outbound HTTP (default `fetch` behind the local outbound policy): the conformance runner records it. */
  fetch?: typeof fetch;
  /** Per outbound call to the partner (default 30 s). */
  timeoutMs?: number;
  /** How long the Commands Receiver takes before posting a result (default 100 ms). */
  resultDelayMs?: number;
  /** Called, and awaited, when a partner registers, updates its credentials or unregisters. */
  onPartnerChange?: (change: PartnerChange) => void | Promise<void>;
  /** Put in front of the core, e.g. the mock's faults. */
  wrap?: (handle: Handle, server: OcpiServer) => Handle;
  /** The OCPI versions served (default 2.2.1). */
  versions?: readonly string[];
}

export interface RoleNode {
  role: NodeRole;
  server: OcpiServer;
  store: OcpiStore;
  client: OcpiClient;
  registry: PartnerRegistry;
  /** Where CommandResults arrive (eMSP). */
  commandResults: CommandResultReceiver | undefined;
  /** The Commands Receiver (CPO). */
  commands: CommandsReceiverModule | undefined;
  versionsUrl: string;
  origin: string;
  close(): Promise<void>;
}

/**
 * The module interfaces a role offers. A hub is the core's (`createHub`): its modules route every
 * functional request to the party it is for, and serve Hub Client Info.
 */
export function modulesOf(
  role: NodeRole,
  client: OcpiClient,
  options: Pick<RoleNodeOptions, 'resultDelayMs' | 'onPartnerChange' | 'timeoutMs'> = {},
): { modules: OcpiModule[]; commandResults?: CommandResultReceiver; commands?: CommandsReceiverModule; hub?: Hub } {
  const outbound = LOCAL_OUTBOUND_POLICY;
  const modules: OcpiModule[] = [credentialsModule({ client, ...(options.onPartnerChange ? { onPartnerChange: options.onPartnerChange } : {}) })];
  if (role === 'HUB') {
    const hub = createHub({ outbound, ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }) });
    return { modules: [...modules, ...hub.modules], hub };
  }
  if (role === 'CPO') {
    const commands = commandsReceiver({}, { outbound, defaults: { resultDelayMs: options.resultDelayMs ?? 100 } });
    modules.push(locationsSender(), tariffsSender(), sessionsSender(), cdrsSender(), tokensReceiver(), commands);
    modules.push(chargingProfilesReceiver(undefined, { outbound }), hubClientInfoReceiver());
    return { modules, commands };
  }
  const commandResults = createCommandResultReceiver();
  modules.push(locationsReceiver(), tariffsReceiver(), sessionsReceiver(), cdrsReceiver(), tokensSender());
  modules.push(commandResults.module, chargingProfilesSender(), hubClientInfoReceiver());
  return { modules, commandResults };
}

/**
 * Who may hold which roles with the CLI's node. A partner the user registers with (`register`,
 * `conformance`: our own registration, no registration token) holds the roles it names, a HUB
 * included: the user chose that partner and was given its token A. A partner registering with us (the
 * mock) gets the library's default: no HUB role, no role added by a credentials update.
 */
const registeringWithChosenPartner = (): PartnerPolicy => {
  const fallback = defaultPartnerPolicy();
  return (review) => (review.kind === 'register' && review.registrationToken === undefined ? { decision: 'approve' } : fallback(review));
};

/** Starts a node of the role on a memory store (or the one given), listening on HTTP. */
export async function startRoleNode(options: RoleNodeOptions): Promise<RoleNode> {
  const store = options.store ?? createMemoryStore();
  const client = createOcpiClient({
    parties: options.parties,
    outbound: LOCAL_OUTBOUND_POLICY,
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
  });
  const { modules, commandResults, commands, hub } = modulesOf(options.role, client, options);
  // The server is built once listening: with port 0 its public URL is known only then.
  let handle: Handle = () => Promise.reject(new Error('not ready'));
  const served = await serve((request) => handle(request), { ...(options.host ? { host: options.host } : {}), port: options.port ?? 0 });
  const publicUrl = (options.publicUrl ?? served.origin).replace(/\/+$/, '');
  const server = createOcpiServer({
    baseUrl: `${publicUrl}/ocpi`,
    parties: options.parties,
    store,
    versions: options.versions ?? ['2.2.1'],
    modules: modules,
    partnerPolicy: registeringWithChosenPartner(),
  });
  handle = options.wrap ? options.wrap(server.handle, server) : server.handle;
  // A hub pushes (ClientInfo, broadcasts) through an outbox: in memory, as the rest of the node.
  const outbox = hub ? createOutbox({ store, deliver: hub.deliver(pushWithClient(client)), events: server.node.events }) : undefined;
  const detach = outbox && hub?.attach(server.node, outbox);
  outbox?.start();
  return {
    role: options.role,
    server,
    store,
    client,
    registry: createPartnerRegistry({ node: server.node, client }),
    commandResults,
    commands,
    versionsUrl: server.node.versionsUrl,
    origin: served.origin,
    async close() {
      detach?.();
      await outbox?.stop();
      await served.close();
      await commands?.drain();
      await store.close();
    },
  };
}
