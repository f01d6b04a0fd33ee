// The CPO's chargers, simulated: commands are answered at once by the library, their results come a
// moment later, a started session is pushed to the eMSP as it progresses and its CDR when it stops.
import {
  type AuthorizationInfo,
  type CDR,
  type CdrToken,
  type ChargingPeriod,
  type CommandResult,
  type CommandsReceiverHandler,
  callerOwnsToken,
  getOwnObject,
  type Location,
  type OcpiClient,
  type OcpiStore,
  type Outbox,
  type Partner,
  type PartyRef,
  putOwnObject,
  type Session,
  STORE_MODULES,
  type StartSession,
  storeCommandsReceiver,
  type Tariff,
  type Token,
  tokenStoreId,
} from '@ocpi-ts/core';
import { cdrCosts, type PriceResult, priceSession, toPriceV230 } from '@ocpi-ts/tariffs';
import type { Logger } from './log.js';

export interface SimulatorOptions {
  store: OcpiStore;
  client: OcpiClient;
  /** Every push goes through it: the eMSP gets the latest state of each object, also after being down. */
  outbox: Outbox;
  /** The CPO party whose chargers these are. */
  cpo: PartyRef;
  logger: Logger;
  /** Between two meter readings pushed to the eMSP. */
  tickMs: number;
  /** How long a charger takes to carry out a command. */
  resultDelayMs: number;
}

/** What prices a session: the Tariffs of its connector, as published (seed.ts), and the Location's time zone. */
interface Pricing {
  tariffs: Tariff[];
  timeZone: string;
}

interface Running {
  session: Session;
  partner: Partner;
  timer: ReturnType<typeof setInterval> | undefined;
  powerKw: number;
  pricing: Pricing;
  /** Settles once the session is stored and pushed: a stop waits for it. */
  started: Promise<void>;
}

const iso = (time = Date.now()) => `${new Date(time).toISOString().slice(0, 19)}Z`;
const round = (value: number, digits = 4) => Number(value.toFixed(digits));
const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms).unref?.());

/** The session priced by the tariff engine, as far as it has run. */
function priceOf(session: Session, pricing: Pricing): PriceResult {
  return priceSession(session, { tariffs: pricing.tariffs, timeZone: pricing.timeZone, now: new Date() });
}

export function chargerSimulator(options: SimulatorOptions): { handler: Partial<CommandsReceiverHandler>; stop(): void } {
  const { store, client, cpo, logger } = options;
  const defaults = storeCommandsReceiver({ resultDelayMs: options.resultDelayMs });
  // A retried command (same partner, body and response_url) never reaches these handlers: the library
  // answers it from its memory of recent commands, so a retried START_SESSION starts no second session.
  const running = new Map<string, Running>();

  /** Queues the object for the partner (the outbox delivers its latest state); a failure to queue is logged. */
  async function pushToPartner(partner: Partner, module: string, id: string) {
    try {
      await options.outbox.enqueue(partner, { module, owner: cpo, id });
    } catch (error) {
      logger('error', `push of ${module} ${id} not queued`, { partnerId: partner.id, error: String(error) });
    }
  }

  /** Whether the driver's token may charge: the eMSP's pushed copy first, real-time authorization otherwise (mod_tokens). */
  async function tokenAllowed(partner: Partner, command: StartSession): Promise<{ allowed: boolean; authorizationReference?: string; reason?: string }> {
    const token = command.token;
    const pushed = await getOwnObject<Token>(store, STORE_MODULES.tokens, token, tokenStoreId(token.uid, token.type));
    if (pushed && pushed.whitelist === 'ALWAYS') {
      return pushed.valid ? { allowed: true } : { allowed: false, reason: `Token ${token.uid} is not valid` };
    }
    try {
      const answer = await client
        .forPartner(partner)
        .post<AuthorizationInfo>(
          'tokens',
          'SENDER',
          [token.uid, 'authorize'],
          { location_id: command.location_id, ...(command.evse_uid ? { evse_uids: [command.evse_uid] } : {}) },
          { query: { type: token.type } },
        );
      const info = answer.data;
      return info.allowed === 'ALLOWED'
        ? { allowed: true, ...(info.authorization_reference ? { authorizationReference: info.authorization_reference } : {}) }
        : { allowed: false, reason: `Token ${token.uid} is ${info.allowed}` };
    } catch (error) {
      // Without an answer the CPO falls back on the pushed copy.
      if (pushed?.valid) return { allowed: true };
      return { allowed: false, reason: `Token ${token.uid} could not be authorized: ${String(error)}` };
    }
  }

  async function setEvseStatus(partner: Partner | undefined, locationId: string, evseUid: string, status: 'AVAILABLE' | 'CHARGING') {
    const now = iso();
    await store.objects.update<Location>({ module: STORE_MODULES.locations, owner: cpo, id: locationId }, (current) => {
      if (!current) return undefined;
      const location = structuredClone(current.data);
      const evse = location.evses?.find((e) => e.uid === evseUid);
      if (!evse) return undefined;
      evse.status = status;
      evse.last_updated = now;
      location.last_updated = now;
      return { data: location };
    });
    if (partner?.endpoints.some((e) => e.identifier === 'locations' && e.role === 'RECEIVER')) {
      await pushToPartner(partner, STORE_MODULES.locations, locationId);
    }
  }

  /** The connector's published Tariffs (those the store holds), in the Location's time zone. */
  async function pricingOf(location: Location, tariffIds: readonly string[] | undefined): Promise<Pricing> {
    const tariffs: Tariff[] = [];
    for (const id of tariffIds ?? []) {
      const tariff = await getOwnObject<Tariff>(store, STORE_MODULES.tariffs, cpo, id);
      if (tariff) tariffs.push(tariff);
    }
    return { tariffs, timeZone: location.time_zone };
  }

  /** The pricing of a session this process did not start: its connector's Tariffs as they are now. */
  async function storedPricing(session: Session): Promise<Pricing> {
    const location = await getOwnObject<Location>(store, STORE_MODULES.locations, cpo, session.location_id);
    const connector = location?.evses?.find((e) => e.uid === session.evse_uid)?.connectors.find((c) => c.id === session.connector_id);
    return location ? pricingOf(location, connector?.tariff_ids) : { tariffs: [], timeZone: 'UTC' };
  }

  /** The session's total_cost so far; undefined (and logged) when its Tariffs cannot price it. */
  function totalCost(session: Session, pricing: Pricing): Session['total_cost'] {
    const result = priceOf(session, pricing);
    if (result.ok) return toPriceV230(result.breakdown.total, session.currency);
    logger('warn', 'session not priced', { sessionId: session.id, reason: result.error.message });
    return undefined;
  }

  async function startCharging(partner: Partner, command: StartSession, authorizationReference: string | undefined): Promise<Session> {
    const location = (await getOwnObject<Location>(store, STORE_MODULES.locations, cpo, command.location_id)) as Location;
    const evse = location.evses?.find((e) => e.uid === command.evse_uid) ?? location.evses?.find((e) => e.status === 'AVAILABLE') ?? location.evses?.[0];
    const connector = evse?.connectors.find((c) => c.id === command.connector_id) ?? evse?.connectors[0];
    if (!evse || !connector) throw new Error(`Location ${location.id} has no connector to charge on`);
    const cdrToken: CdrToken = {
      country_code: command.token.country_code,
      party_id: command.token.party_id,
      uid: command.token.uid,
      type: command.token.type,
      contract_id: command.token.contract_id,
    };
    const now = iso();
    const session: Session = {
      country_code: cpo.country_code,
      party_id: cpo.party_id,
      id: `S${Date.now().toString(36).toUpperCase()}${Math.floor(Math.random() * 1e6)
        .toString(36)
        .toUpperCase()}`,
      start_date_time: now,
      kwh: 0,
      cdr_token: cdrToken,
      auth_method: 'COMMAND',
      ...((authorizationReference ?? command.authorization_reference)
        ? { authorization_reference: (authorizationReference ?? command.authorization_reference) as string }
        : {}),
      location_id: location.id,
      evse_uid: evse.uid,
      connector_id: connector.id,
      currency: 'EUR',
      charging_periods: [],
      status: 'ACTIVE',
      last_updated: now,
    };
    const pricing = await pricingOf(location, connector.tariff_ids);
    const cost = totalCost(session, pricing);
    if (cost) session.total_cost = cost;
    const powerKw = Math.min((connector.max_electric_power ?? 11000) / 1000, 50);
    // Running before it is visible: a STOP_SESSION sent as soon as GET sessions shows it finds it (and waits for the start).
    const entry: Running = { session, partner, powerKw, pricing, timer: undefined, started: Promise.resolve() };
    running.set(session.id, entry);
    entry.started = (async () => {
      await putOwnObject(store, STORE_MODULES.sessions, cpo, session);
      await setEvseStatus(partner, location.id, evse.uid, 'CHARGING');
      await pushToPartner(partner, STORE_MODULES.sessions, session.id);
      if (running.get(session.id) !== entry) return;
      entry.timer = setInterval(() => void tick(session.id), options.tickMs);
      entry.timer.unref?.();
    })();
    await entry.started;
    return session;
  }

  /** One meter reading: energy since the last one, pushed as a new charging period (PATCH adds it). */
  async function tick(sessionId: string) {
    const entry = running.get(sessionId);
    if (!entry) return;
    const hours = options.tickMs / 3_600_000;
    // A simulated hour per second of wall time keeps the demo's numbers readable.
    const energy = round(entry.powerKw * hours * 3600);
    const period: ChargingPeriod = {
      start_date_time: iso(),
      dimensions: [
        { type: 'ENERGY', volume: energy },
        { type: 'TIME', volume: round(hours * 3600) },
      ],
      ...(entry.pricing.tariffs[0] ? { tariff_id: entry.pricing.tariffs[0].id } : {}),
    };
    const session = entry.session;
    session.kwh = round(session.kwh + energy);
    session.charging_periods = [...(session.charging_periods ?? []), period];
    const cost = totalCost(session, entry.pricing);
    if (cost) session.total_cost = cost;
    session.last_updated = period.start_date_time;
    const written = await store.objects.update<Session>({ module: STORE_MODULES.sessions, owner: cpo, id: sessionId }, (current) =>
      current?.data.status === 'COMPLETED' ? undefined : { data: session },
    );
    if (written.kind === 'unchanged' || written.kind === 'absent') {
      // Stopped meanwhile through another node sharing the database: that stop sent the CDR.
      clearInterval(entry.timer);
      running.delete(sessionId);
      return;
    }
    await pushToPartner(entry.partner, STORE_MODULES.sessions, sessionId);
  }

  async function stopCharging(entry: Running): Promise<void> {
    running.delete(entry.session.id);
    await entry.started.catch(() => undefined);
    clearInterval(entry.timer);
    const { partner } = entry;
    const end = iso();
    // One CDR per session, however often STOP_SESSION arrives and on whichever node: the store decides.
    // Only the stop that moves the stored session to COMPLETED goes on; another one (here or on another
    // node sharing the database) finds it completed and sends nothing.
    const completed = await store.objects.update<Session>({ module: STORE_MODULES.sessions, owner: cpo, id: entry.session.id }, (current) => {
      if (!current || current.data.status === 'COMPLETED') return undefined;
      // The stored copy is the latest (another node may have written it); this process's meter readings are kept when newer.
      const latest = entry.session.last_updated >= current.data.last_updated ? entry.session : current.data;
      return { data: { ...latest, status: 'COMPLETED', end_date_time: end, last_updated: end } };
    });
    if (completed.kind !== 'updated') {
      logger('info', 'session already stopped: no second CDR', { sessionId: entry.session.id });
      return;
    }
    const session = completed.object.data;
    await pushToPartner(partner, STORE_MODULES.sessions, session.id);
    const location = (await getOwnObject<Location>(store, STORE_MODULES.locations, cpo, session.location_id)) as Location;
    const evse = location.evses?.find((e) => e.uid === session.evse_uid);
    const connector = evse?.connectors.find((c) => c.id === session.connector_id);
    const periods = session.charging_periods?.length
      ? session.charging_periods
      : [{ start_date_time: session.start_date_time, dimensions: [{ type: 'ENERGY' as const, volume: 0 }] }];
    // The CDR's costs are the tariff engine's, from the Tariffs the connector published (mod_cdrs: the
    // Tariffs as they were at the start, carried in the CDR).
    const priced = priceOf({ ...session, charging_periods: periods }, entry.pricing);
    if (!priced.ok) logger('error', 'CDR not priced', { sessionId: session.id, reason: priced.error.message });
    const costs = priced.ok
      ? cdrCosts(priced.breakdown, '2.3.0')
      : { total_cost: { before_taxes: 0 }, total_energy: session.kwh, total_time: round((Date.parse(end) - Date.parse(session.start_date_time)) / 3_600_000) };
    const cdr: CDR = {
      country_code: cpo.country_code,
      party_id: cpo.party_id,
      id: `CDR-${session.id}`,
      start_date_time: session.start_date_time,
      end_date_time: end,
      session_id: session.id,
      cdr_token: session.cdr_token,
      auth_method: session.auth_method,
      ...(session.authorization_reference ? { authorization_reference: session.authorization_reference } : {}),
      cdr_location: {
        id: location.id,
        ...(location.name ? { name: location.name } : {}),
        address: location.address,
        city: location.city,
        ...(location.postal_code ? { postal_code: location.postal_code } : {}),
        country: location.country,
        coordinates: location.coordinates,
        evse_uid: session.evse_uid,
        evse_id: evse?.evse_id ?? session.evse_uid,
        connector_id: session.connector_id,
        connector_standard: connector?.standard ?? 'IEC_62196_T2',
        connector_format: connector?.format ?? 'SOCKET',
        connector_power_type: connector?.power_type ?? 'AC_3_PHASE',
      },
      currency: session.currency,
      ...(entry.pricing.tariffs.length > 0 ? { tariffs: entry.pricing.tariffs } : {}),
      charging_periods: periods,
      ...costs,
      ...(priced.ok ? {} : { remark: `Not priced: ${priced.error.message}`.slice(0, 255) }),
      last_updated: end,
    };
    await putOwnObject(store, STORE_MODULES.cdrs, cpo, cdr);
    await setEvseStatus(partner, session.location_id, session.evse_uid, 'AVAILABLE');
    await pushToPartner(partner, STORE_MODULES.cdrs, cdr.id);
  }

  const handler: Partial<CommandsReceiverHandler> = {
    async startSession(command, request) {
      // The library's default checks the Location, EVSE, connector and token owner (2003 / REJECTED).
      const checked = await defaults.startSession(command, request);
      if (checked.response.result !== 'ACCEPTED') return checked;
      const partner = request.context.partner;
      const result = (async (): Promise<CommandResult> => {
        const token = await tokenAllowed(partner, command);
        if (!token.allowed) return { result: 'REJECTED', message: [{ language: 'en', text: token.reason ?? 'Token not allowed' }] };
        await delay(options.resultDelayMs);
        const session = await startCharging(partner, command, token.authorizationReference);
        logger('info', 'session started', { sessionId: session.id, locationId: session.location_id, evseUid: session.evse_uid });
        return { result: 'ACCEPTED' };
      })();
      return { response: { result: 'ACCEPTED' }, result };
    },

    async stopSession(command, request) {
      const { context } = request;
      const entry = running.get(command.session_id);
      const stored = entry ? undefined : await getOwnObject<Session>(store, STORE_MODULES.sessions, cpo, command.session_id);
      const session = entry?.session ?? stored;
      if (!session) return defaults.stopSession(command, request);
      // The whole party (country_code and party_id) of the driver's eMSP, as the caller acts for it (itself, or through its hub).
      if (!callerOwnsToken(context, session.cdr_token)) {
        return { response: { result: 'REJECTED', message: [{ language: 'en', text: 'The Session belongs to another party' }] } };
      }
      // STOP_SESSION for a session already stopped: the same outcome again, and no second CDR.
      if (session.status === 'COMPLETED') return { response: { result: 'ACCEPTED' }, result: { result: 'ACCEPTED' } };
      // Running here, or left ACTIVE by an earlier run of this process: stopped either way.
      const stopping = entry ?? {
        session,
        partner: context.partner,
        powerKw: 0,
        pricing: await storedPricing(session),
        timer: undefined,
        started: Promise.resolve(),
      };
      const result = (async (): Promise<CommandResult> => {
        await delay(options.resultDelayMs);
        await stopCharging(stopping);
        logger('info', 'session stopped', { sessionId: command.session_id });
        return { result: 'ACCEPTED' };
      })();
      return { response: { result: 'ACCEPTED' }, result };
    },
  };

  return {
    handler,
    stop() {
      for (const entry of running.values()) clearInterval(entry.timer);
      running.clear();
    },
  };
}
