// The reference OCPI node: a CPO or an eMSP on the public API of ocpi-ts, served by one of the three
// adapters, on the embedded store or PostgreSQL.
import {
  type AuditLog,
  type CommandResultReceiver,
  type CredentialsRole,
  cdrsReceiver,
  cdrsSender,
  chargingProfilesReceiver,
  chargingProfilesSender,
  commandsReceiver,
  constantTimeEqual,
  createAuditLog,
  createCommandResultReceiver,
  createEventBus,
  createHub,
  createLossRecorder,
  createOcpiClient,
  createOcpiServer,
  createOutbox,
  createPartnerRegistry,
  createRegistrationToken,
  credentialsModule,
  defaultPartnerPolicy,
  envelopeBody,
  hashToken,
  hubClientInfoReceiver,
  LOCAL_OUTBOUND_POLICY,
  listRegistrationTokens,
  locationsReceiver,
  locationsSender,
  type OcpiClient,
  type OcpiEventBus,
  type OcpiModule,
  type OcpiRequest,
  type OcpiResponse,
  type OcpiServer,
  OcpiStatus,
  type OcpiStore,
  type Outbox,
  ocpiTimestamp,
  type Partner,
  type PartnerRegistry,
  partnerToken,
  partyString,
  pushWithClient,
  putOwnObject,
  revokeRegistrationToken,
  STORE_MODULES,
  sessionsReceiver,
  sessionsSender,
  tariffsReceiver,
  tariffsSender,
  tokenStoreId,
  tokensReceiver,
  tokensSender,
} from '@ocpi-ts/core';
import { createStoreFromEnv } from '@ocpi-ts/postgres';
import { withCdrPriceCheck } from '@ocpi-ts/tariffs';
import type { NodeConfig } from './config.js';
import { type Listening, listen } from './http.js';
import { jsonLogger, type Logger, silentLogger } from './log.js';
import { connectGuardedFetch } from './outbound-fetch.js';
import { demoLocations, demoTariffs, demoTokens } from './seed.js';
import { chargerSimulator } from './simulator.js';
import { forwardEventsToWebhook } from './webhook.js';

export interface StartNodeOptions {
  config: NodeConfig;
  /** Default: the store `OCPI_DATABASE_URL`/`OCPI_DATA_DIR` select. */
  store?: OcpiStore;
  logger?: Logger;
  /** Charger simulation pace (CPO): between meter readings, and how long a command takes. */
  simulation?: { tickMs?: number; resultDelayMs?: number };
  /** One line per start-up step (listening, opening the store, seeding, ready), for a console. */
  onStep?: (line: string) => void;
}

export interface RunningNode {
  config: NodeConfig;
  server: OcpiServer;
  store: OcpiStore;
  events: OcpiEventBus;
  /** Registrations, token rotations, commands and authentication failures, queryable. */
  audit: AuditLog;
  client: OcpiClient;
  /** Registering with partners, updating credentials, unregistering. */
  partners: PartnerRegistry;
  /** eMSP: where command results arrive. */
  commandResults: CommandResultReceiver | undefined;
  /** What partners are owed, kept in the store until delivered: every push of the node goes through it. */
  outbox: Outbox;
  /** The public URL of the versions endpoint: what a partner needs, with token A. */
  versionsUrl: string;
  /** The registration token this node accepts (created when not configured); shown once. */
  tokenA: string;
  port: number;
  /**
   * Finishes in-flight requests (closing the connections still open after OCPI_SHUTDOWN_GRACE_MS),
   * stops the simulation and closes the store, whatever failed before.
   */
  close(): Promise<void>;
}

/** The path of an origin-form URL, without its query. */
const pathOf = (url: string): string => {
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
};

export async function startNode(options: StartNodeOptions): Promise<RunningNode> {
  const { config } = options;
  const started = performance.now();
  const seconds = () => `${((performance.now() - started) / 1000).toFixed(1)} s`;
  const step = options.onStep ?? (() => {});
  const logger = options.logger ?? (config.log ? jsonLogger(`${config.role}:${config.countryCode}*${config.partyId}`) : silentLogger);
  const party = { country_code: config.countryCode, party_id: config.partyId };
  const role: CredentialsRole = {
    role: config.role,
    ...party,
    business_details: { name: `${BUSINESS_NAMES[config.role]} ${config.countryCode}*${config.partyId}` },
  };
  const events = createEventBus({ onListenerError: (error, event) => logger('error', 'event listener failed', { event: event.type, error: String(error) }) });
  // The node's partners in tests and the demo live on 127.0.0.1: the local policy allows loopback and private addresses.
  const outbound = config.outboundPolicy === 'strict' ? {} : LOCAL_OUTBOUND_POLICY;
  // The policy checked before each call and again at connect (DNS rebinding): for the client (registration,
  // pulls, the outbox's pushes) and the results posted to response_urls alike.
  const outboundFetch = connectGuardedFetch(outbound);
  if (config.webhookUrl) {
    forwardEventsToWebhook(events, {
      url: config.webhookUrl,
      onError: (error, event) => logger('warn', 'webhook delivery failed', { event: event.type, error: String(error) }),
    });
  }

  // The port opens first: with PORT=0 the public URL is known only once listening. Until the store is
  // open, the seed written and token A stored, every request is answered 503 with Retry-After: never
  // a 401 to a token the node is about to accept, which a partner could take for revoked credentials.
  let core: OcpiServer | undefined;
  let ready = false;
  const forward: OcpiServer = {
    // One access log line per request, with its ids (never the Authorization header).
    async handle(request) {
      const started = performance.now();
      const response = ready && core ? await core.handle(request) : startingResponse(request);
      logger('info', 'request', {
        method: request.method,
        path: pathOf(request.url),
        status: response.status,
        ms: Math.round((performance.now() - started) * 10) / 10,
        requestId: response.headers['x-request-id'],
        correlationId: response.headers['x-correlation-id'],
      });
      return response;
    },
    get node() {
      return (core as OcpiServer).node;
    },
    get tolerances() {
      return (core as OcpiServer).tolerances;
    },
    mounted: (version) => (core as OcpiServer).mounted(version),
    bodyLimit: config.bodyLimit,
  };
  let outbox: Outbox | undefined;
  /** Per partner: failed push attempts, and writes not applied because they were older than what is stored. */
  const counters = { pushFailures: new Map<string, number>(), outdatedWrites: new Map<string, number>() };
  const count = (map: Map<string, number>, partnerId: string | undefined) => map.set(partnerId ?? 'none', (map.get(partnerId ?? 'none') ?? 0) + 1);
  const json = (status: number, body: unknown) => ({ status, contentType: 'application/json', body: JSON.stringify(body) });
  const pages = [
    {
      path: '/health',
      answer: async () => json(ready ? 200 : 503, { status: ready ? 'ok' : 'starting', role: config.role, party: `${config.countryCode}*${config.partyId}` }),
    },
    {
      // For the operator only (it names partners): off unless OCPI_METRICS_TOKEN is set, then a Bearer of it.
      path: '/metrics',
      answer: async (authorization: string | undefined) => {
        if (!config.metricsToken) return json(404, { error: 'metrics are off (set OCPI_METRICS_TOKEN)' });
        if (!constantTimeEqual(authorization ?? '', `Bearer ${config.metricsToken}`)) return json(401, { error: 'Authorization: Bearer <OCPI_METRICS_TOKEN>' });
        if (!ready || !outbox || !core) return json(503, { status: 'starting' });
        return { status: 200, contentType: 'text/plain; version=0.0.4', body: metricsText(await outbox.stats(), counters, core.tolerances.totals()) };
      },
    },
  ];
  // The store opens (the slowest step) while the framework loads and the port opens.
  step(`opening ${config.databaseUrl ? 'PostgreSQL' : options.store ? 'the given store' : `the embedded store in ${config.dataDir}`}`);
  const opening = options.store
    ? Promise.resolve(options.store)
    : createStoreFromEnv({
        databaseUrl: config.databaseUrl,
        dataDir: config.dataDir,
        secretKey: config.secretKey,
        ...(config.databaseSchema ? { schema: config.databaseSchema } : {}),
      });
  opening.catch(() => {}); // awaited below; not an unhandled rejection meanwhile
  let listening: Listening;
  try {
    listening = await listen(forward, config, pages);
  } catch (error) {
    await opening.then((opened) => opened.close()).catch(() => {});
    throw error;
  }
  const publicUrl = config.publicUrl.replace(/:0$/, `:${listening.port}`);
  step(`listening on ${publicUrl} (${config.adapter}), answering 503 until ready`);
  let store: OcpiStore;
  try {
    store = await opening;
  } catch (error) {
    await listening.close(config.shutdownGraceMs);
    throw error;
  }
  // One loss report for what the server answers and what the client pushes, in each partner's version.
  const losses = createLossRecorder({ events, log: (line) => logger('warn', line) });
  const client = createOcpiClient({ parties: [party], outbound, fetch: outboundFetch.fetch, store, losses });
  const audit = createAuditLog({ store, events, onError: (error) => logger('error', 'audit row not written', { error: String(error) }) });
  // Every push goes through the outbox: a partner that is down gets the latest state of what changed
  // when it is back, from whichever node sharing the database delivers first.
  const pullers = new Set(config.pullParties.map(partyString));
  // A hub routes instead of storing: its modules forward, its outbox delivers broadcasts and ClientInfo.
  const hub = config.role === 'HUB' ? createHub({ outbound, fetch: outboundFetch.fetch, timeoutMs: config.hubTimeoutMs }) : undefined;
  const pushes = createOutbox({
    store,
    deliver: hub ? hub.deliver(pushWithClient(client)) : pushWithClient(client),
    events,
    pushesTo: (partner) => !partner.roles.some((r) => pullers.has(partyString(r))),
    maxBackoffMs: config.outboxMaxBackoffMs,
  });
  outbox = pushes;

  const simulator =
    config.role === 'CPO'
      ? chargerSimulator({
          store,
          client,
          outbox: pushes,
          cpo: party,
          logger,
          tickMs: options.simulation?.tickMs ?? 1000,
          resultDelayMs: options.simulation?.resultDelayMs ?? 300,
        })
      : undefined;
  const commandResults = config.role === 'EMSP' ? createCommandResultReceiver({ timeoutMs: 60_000 }) : undefined;
  const modules: OcpiModule[] = hub
    ? [credentialsModule({ client }), ...hub.modules]
    : config.role === 'CPO'
      ? [
          credentialsModule({ client }),
          locationsSender(),
          tariffsSender(),
          sessionsSender(),
          cdrsSender(),
          tokensReceiver(),
          commandsReceiver(simulator?.handler, {
            outbound,
            fetch: outboundFetch.fetch,
            onResultPostFailed: (failure) => logger('warn', 'command result could not be posted', { kind: failure.kind, reason: failure.reason }),
          }),
          chargingProfilesReceiver(undefined, { outbound, fetch: outboundFetch.fetch }),
          hubClientInfoReceiver(),
        ]
      : [
          credentialsModule({ client }),
          locationsReceiver(),
          tariffsReceiver(),
          sessionsReceiver(),
          // Every CDR billed is priced against the CPO's Tariffs: a difference is a cdr.priceMismatch event.
          cdrsReceiver(withCdrPriceCheck()),
          tokensSender(),
          (commandResults as CommandResultReceiver).module,
          chargingProfilesSender(),
          hubClientInfoReceiver(),
        ];
  core = createOcpiServer({
    baseUrl: `${publicUrl}/ocpi`,
    parties: [role],
    store,
    events,
    versions: config.versions,
    modules,
    losses,
    bodyLimit: config.bodyLimit,
    bodyTimeoutMs: config.bodyTimeoutMs,
    audit,
    // Roles are granted: HUB only for the parties the operator lists.
    partnerPolicy: defaultPartnerPolicy({ hubParties: config.hubParties }),
    // Per address before authentication (unknown tokens, expensive lookups), per partner after it.
    rateLimits: {
      ...(config.addressRateLimit ? { perAddress: { requestsPerSecond: config.addressRateLimit } } : {}),
      ...(config.rateLimit ? { perPartner: { requestsPerSecond: config.rateLimit } } : {}),
    },
    onError: (error, request) => logger('error', 'request failed', { method: request.method, url: request.url, error: String(error) }),
  });
  const partners = createPartnerRegistry({ node: core.node, client });
  const detachHub = hub?.attach(core.node, pushes);

  // The operator's own data: deterministic, so a restart on the same store changes nothing.
  if (config.role === 'CPO') {
    const locations = demoLocations(config.seedLocations, { ...party, name: 'Demo' });
    const tariffs = demoTariffs(party);
    step(`seeding ${locations.length} locations and ${tariffs.length} tariffs`);
    let reported = performance.now();
    for (const [index, location] of locations.entries()) {
      await putOwnObject(store, STORE_MODULES.locations, party, location);
      if (performance.now() - reported >= 2000) {
        step(`  ${index + 1} of ${locations.length} locations`);
        reported = performance.now();
      }
    }
    for (const tariff of tariffs) await putOwnObject(store, STORE_MODULES.tariffs, party, tariff);
    step(`  seeded ${locations.length} locations and ${tariffs.length} tariffs (${seconds()} since start)`);
  } else if (config.role === 'EMSP') {
    const tokens = demoTokens(party);
    step(`seeding ${tokens.length} driver tokens`);
    for (const token of tokens) await putOwnObject(store, STORE_MODULES.tokens, party, token, { id: tokenStoreId(token.uid, token.type) });
  }

  // An eMSP pushes its tokens to every CPO that registers with it or that it registers with (mod_tokens: push model).
  async function pushTokens(partner: Partner) {
    if (config.role !== 'EMSP' || !partner.endpoints.some((e) => e.identifier === 'tokens' && e.role === 'RECEIVER')) return;
    for (const token of demoTokens(party))
      await pushes.enqueue(partner, { module: STORE_MODULES.tokens, owner: party, id: tokenStoreId(token.uid, token.type) });
    logger('info', 'tokens queued for push', { partnerId: partner.id });
  }
  events.on('partner.registered', async (event) => {
    logger('info', 'partner registered', { partnerId: event.partnerId, requestId: event.requestId, correlationId: event.correlationId });
    const partner = await store.partners.get(event.partnerId);
    if (partner) await pushTokens(partner);
  });
  events.on('partner.unregistered', (event) => logger('info', 'partner unregistered', { partnerId: event.partnerId }));
  events.on('object.created', (event) =>
    logger('info', `${event.module} received`, {
      id: event.id,
      owner: `${event.owner.country_code}*${event.owner.party_id}`,
      requestId: event.requestId,
      correlationId: event.correlationId,
    }),
  );
  events.on('outbound.failed', (event) => logger('warn', 'callback failed', { url: event.url, reason: event.reason }));
  events.on('partner.tolerated', (event) =>
    logger('warn', 'partner tolerated', { partnerId: event.partnerId, kind: event.kind, message: event.message, requestId: event.requestId }),
  );
  events.on('outbox.failed', (event) => {
    count(counters.pushFailures, event.partnerId);
    logger('warn', `push of ${event.module} failed`, {
      id: event.id,
      partnerId: event.partnerId,
      attempts: event.attempts,
      error: event.error,
      nextAttemptAt: event.nextAttemptAt,
    });
  });
  events.on('outbox.delivered', (event) =>
    logger('info', `pushed ${event.module}`, { id: event.id, partnerId: event.partnerId, attempts: event.attempts, queuedMs: event.queuedMs }),
  );
  // A partner's PUT or PATCH older than what is stored (pushes over parallel connections arrive out of order).
  events.on('object.outdated', (event) => {
    count(counters.outdatedWrites, event.partnerId);
    logger('info', `outdated ${event.module} write not applied`, {
      id: event.id,
      owner: `${event.owner.country_code}*${event.owner.party_id}`,
      ...(event.target ? { target: event.target } : {}),
      received: event.received,
      stored: event.stored,
      partnerId: event.partnerId,
      requestId: event.requestId,
    });
  });
  events.on('cdr.priceMismatch', (event) =>
    logger('warn', 'CDR costs differ from its Tariffs', { cdrId: event.cdrId, partnerId: event.partnerId, differences: event.differences }),
  );
  events.on('cdr.priceUnchecked', (event) => logger('info', 'CDR costs not checked', { cdrId: event.cdrId, partnerId: event.partnerId, reason: event.reason }));

  const tokenA = await acceptedTokenA(store, config, logger);
  const versionsUrl = core.node.versionsUrl;
  // What was owed before a restart (or by a node that stopped) is delivered from now on.
  pushes.start();
  ready = true;
  step(`ready in ${seconds()}`);
  logger('info', 'ready', {
    versionsUrl,
    adapter: config.adapter,
    store: config.databaseUrl ? 'postgresql' : options.store ? 'given' : `embedded:${config.dataDir}`,
  });

  const registry: PartnerRegistry = {
    ...partners,
    // Registering as initiator: an eMSP pushes its tokens afterwards, as it does when registered with.
    async register(registration) {
      const partner = await partners.register(registration);
      await pushTokens(partner);
      return partner;
    },
  };
  if (config.registerWith) {
    const { versionsUrl: partnerVersionsUrl, tokenA: partnerTokenA } = config.registerWith;
    const known = (await store.partners.list()).some((p) => p.status === 'REGISTERED' && p.versionsUrl === partnerVersionsUrl);
    if (!known) {
      const partner = await registry.register({ versionsUrl: partnerVersionsUrl, tokenA: partnerToken(partnerTokenA) });
      logger('info', 'registered with partner', { partnerId: partner.id, versionsUrl: partnerVersionsUrl, version: partner.version });
    }
  }

  let closed = false;
  return {
    config,
    server: core,
    store,
    events,
    audit,
    client,
    partners: registry,
    commandResults,
    outbox: pushes,
    versionsUrl,
    tokenA,
    port: listening.port,
    async close() {
      if (closed) return;
      closed = true;
      simulator?.stop();
      detachHub?.();
      try {
        await listening.close(config.shutdownGraceMs);
        await pushes.stop();
        await outboundFetch.close();
        await audit.close();
      } finally {
        await store.close();
      }
    },
  };
}

const BUSINESS_NAMES = { CPO: 'Demo charging network', EMSP: 'Demo mobility provider', HUB: 'Demo roaming hub' } as const;

const CONFIGURED_TOKEN_A = 'OCPI_TOKEN_A';
const PRINTED_TOKEN_A = 'printed at start';

/**
 * The registration token the node accepts, one at a time: the configured one (kept across restarts,
 * the one configured before revoked), or else a new one printed at start (the one printed at the
 * previous start revoked). Either expires `tokenATtlHours` after it was first accepted. Tokens the
 * operator issued with `pnpm admin tokens issue` are left alone.
 */
async function acceptedTokenA(store: OcpiStore, config: NodeConfig, logger: Logger): Promise<string> {
  const expiresAt = new Date(Date.now() + config.tokenATtlHours * 3_600_000);
  const configuredHash = config.tokenA === undefined ? undefined : await hashToken(config.tokenA);
  const current = configuredHash === undefined ? undefined : await store.registrationTokens.findByHash(configuredHash);
  for (const token of await listRegistrationTokens(store)) {
    const startToken = token.label === CONFIGURED_TOKEN_A || token.label === PRINTED_TOKEN_A;
    if (startToken && token.state === 'usable' && token.id !== current?.id) {
      await revokeRegistrationToken(store, token.id);
      logger('info', 'registration token revoked', { id: token.id, label: token.label, reason: 'replaced at start' });
    }
  }
  if (config.tokenA === undefined) return (await createRegistrationToken(store, { label: PRINTED_TOKEN_A, expiresAt })).token;
  if (!current) {
    await createRegistrationToken(store, { token: config.tokenA, label: CONFIGURED_TOKEN_A, expiresAt });
  } else {
    const [state] = (await listRegistrationTokens(store)).filter((t) => t.id === current.id).map((t) => t.state);
    if (state !== 'usable') logger('warn', `OCPI_TOKEN_A is ${state}: no partner can register with it; set a new one`, { id: current.id });
  }
  return config.tokenA;
}

/**
 * What every request gets while the node starts: HTTP 503, Retry-After, an OCPI envelope saying so. A
 * body it does not read closes the connection, as the core does (a slow body cannot hold it).
 */
function startingResponse(request: OcpiRequest): OcpiResponse {
  const hasBody = Number(request.headers['content-length'] ?? 0) > 0 || request.headers['transfer-encoding'] !== undefined;
  return {
    status: 503,
    headers: { 'content-type': 'application/json', 'retry-after': '1', ...(hasBody ? { connection: 'close' } : {}) },
    body: envelopeBody({ statusCode: OcpiStatus.SERVER_ERROR, statusMessage: 'The node is starting; retry in a moment', timestamp: ocpiTimestamp() }),
  };
}

/** The node's metrics in Prometheus' text format: the outbox (all nodes' queue, this node's counts), outdated writes and tolerances per partner. */
function metricsText(
  outbox: { depth: number; oldestAgeMs: number; delivered: number; failed: number },
  counters: { pushFailures: Map<string, number>; outdatedWrites: Map<string, number> },
  tolerated: readonly { partnerId: string; kind: string; count: number }[],
): string {
  const lines = [
    '# HELP ocpi_outbox_depth Objects owed to partners, queued in the store (all nodes).',
    '# TYPE ocpi_outbox_depth gauge',
    `ocpi_outbox_depth ${outbox.depth}`,
    '# HELP ocpi_outbox_oldest_age_seconds Age of the oldest change not yet delivered.',
    '# TYPE ocpi_outbox_oldest_age_seconds gauge',
    `ocpi_outbox_oldest_age_seconds ${(outbox.oldestAgeMs / 1000).toFixed(3)}`,
    '# HELP ocpi_outbox_delivered_total Pushes this node delivered.',
    '# TYPE ocpi_outbox_delivered_total counter',
    `ocpi_outbox_delivered_total ${outbox.delivered}`,
    '# HELP ocpi_outbox_failed_total Push attempts of this node that failed, per partner.',
    '# TYPE ocpi_outbox_failed_total counter',
    ...[...counters.pushFailures].map(([partner, n]) => `ocpi_outbox_failed_total{partner="${partner}"} ${n}`),
    '# HELP ocpi_outdated_writes_total Writes acknowledged but not applied, older than the stored object, per partner.',
    '# TYPE ocpi_outdated_writes_total counter',
    ...[...counters.outdatedWrites].map(([partner, n]) => `ocpi_outdated_writes_total{partner="${partner}"} ${n}`),
    '# HELP ocpi_tolerated_total What partners sent that was accepted though not strictly OCPI (issue 17), per partner and kind.',
    '# TYPE ocpi_tolerated_total counter',
    ...tolerated.map((t) => `ocpi_tolerated_total{partner="${t.partnerId}",kind="${t.kind}"} ${t.count}`),
  ];
  return `${lines.join('\n')}\n`;
}
