/**
 * What the schema walk cannot know between OCPI 2.1.1 and the canonical model (2.3.0). 2.1.1 objects
 * name no owner (it comes from the partner's credentials or the URL); its Sessions and CDRs embed the
 * Location and name the Token by `auth_id` (2.3.0's `contract_id`); costs are numbers excluding VAT;
 * Connectors have `voltage`, `amperage` and one `tariff_id`; a Location has a `type` where 2.2 has
 * `parking_type`; coordinates have exactly six decimals; Credentials describe one party; the
 * Charge Point's asynchronous answer to a command is a CommandResponse.
 */
import * as v211 from '../schemas/v2.1.1/index.js';
import * as v230 from '../schemas/v2.3.0/index.js';
import type { PartyRef } from '../store/types.js';
import { asObject, INEXPRESSIBLE, type Rule, type Rules, type Walker } from './convert.js';
import { dropTaxIncluded, priceParts, renamed, tariffElementRule, taxIncludedNo, without } from './rules-shared.js';

type JsonObject = Record<string, unknown>;

const OWNER = ['country_code', 'party_id'];

/** The owner a 2.1.1 object does not carry: the context's (URL, or the partner's party). */
function withOwner(object: JsonObject, pointer: string, walker: Walker): JsonObject | undefined {
  if (walker.partial(pointer)) return object;
  const owner = walker.context.owner;
  if (!owner) {
    walker.loss(`${pointer}/country_code`, 'dropped', 'OCPI 2.1.1 objects name no owner, and none is known here (no URL or partner party)');
    return undefined;
  }
  return { country_code: owner.country_code, party_id: owner.party_id, ...object };
}

/** mod_locations "LocationType enum" (2.1.1) for a 2.2 ParkingType: the four they share, OTHER for the rest. */
const SAME_PARKING_TYPES = ['ON_STREET', 'PARKING_GARAGE', 'UNDERGROUND_GARAGE', 'PARKING_LOT'];

/** GeoLocation's six decimals (2.1.1 regexes): fewer are padded (the same number), more rounded. */
function sixDecimals(value: unknown, pointer: string, walker: Walker): unknown {
  if (typeof value !== 'string') return value;
  const match = /^(-?[0-9]+)\.([0-9]+)$/.exec(value);
  if (!match) return value;
  const decimals = match[2] as string;
  if (decimals.length === 6) return value;
  if (decimals.length < 6) {
    walker.loss(pointer, 'narrowed', 'written with the six decimals OCPI 2.1.1 wants (the same coordinate)');
    return `${match[1]}.${decimals.padEnd(6, '0')}`;
  }
  walker.loss(pointer, 'narrowed', 'rounded to the six decimals OCPI 2.1.1 allows');
  return Number(value).toFixed(6);
}

const coordinatesRule: Rule = (value, from, to, pointer, walker) => {
  const coordinates = asObject(value);
  if (!coordinates) return value;
  const out = {
    ...coordinates,
    latitude: sixDecimals(coordinates.latitude, `${pointer}/latitude`, walker),
    longitude: sixDecimals(coordinates.longitude, `${pointer}/longitude`, walker),
  };
  const changed = out.latitude !== coordinates.latitude || out.longitude !== coordinates.longitude;
  return walker.walkDefault(changed ? out : coordinates, from, to, pointer);
};

/** A 2.3.0 Price as 2.1.1's cost number (excluding VAT). */
function costNumber(value: unknown, pointer: string, walker: Walker): unknown {
  const parts = priceParts(value, pointer, walker);
  if (!parts) return value;
  if (parts.incl !== undefined) walker.loss(pointer, 'narrowed', 'OCPI 2.1.1 costs exclude VAT: the taxes are left out');
  return parts.excl;
}

/** 2.3.0's cdr_token as 2.1.1's auth_id: the contract id (mod_tokens 2.1.1: auth_id "uniquely identifies the EV Driver contract token"). */
function authIdOf(object: JsonObject, pointer: string, walker: Walker): JsonObject {
  const token = asObject(object.cdr_token);
  if (!token) return object;
  walker.loss(`${pointer}/cdr_token`, 'narrowed', 'OCPI 2.1.1 names the Token by its contract id (auth_id) only');
  const { cdr_token: _token, ...rest } = object;
  return { ...rest, auth_id: token.contract_id };
}

/** 2.1.1's auth_id as a cdr_token of our party (the eMSP that issued it): its uid and type are not in 2.1.1. */
function cdrTokenOf(object: JsonObject, pointer: string, walker: Walker): JsonObject | undefined {
  if (object.auth_id === undefined) return object;
  const ours: PartyRef | undefined = walker.context.ourParty;
  if (!ours) {
    walker.loss(`${pointer}/auth_id`, 'dropped', 'the eMSP that issued this Token is not known here');
    return undefined;
  }
  walker.loss(`${pointer}/auth_id`, 'defaulted', 'OCPI 2.1.1 gives only the contract id: the Token uid is taken to be it, its type OTHER');
  const { auth_id, ...rest } = object;
  return { ...rest, cdr_token: { country_code: ours.country_code, party_id: ours.party_id, uid: auth_id, type: 'OTHER', contract_id: auth_id } };
}

/** The stored Location of a Session or CDR, with only its EVSE and Connector (mod_sessions 2.1.1: "only the EVSE and Connector used"). */
function embeddedLocation(object: JsonObject, id: unknown, evseUid: unknown, connectorId: unknown, pointer: string, walker: Walker): JsonObject | undefined {
  const resolve = walker.context.location;
  if (typeof id !== 'string' || !resolve) return undefined;
  walker.usedReferences = true;
  const location = resolve({ country_code: String(object.country_code), party_id: String(object.party_id) }, id);
  const evse = location?.evses?.find((e) => e.uid.toUpperCase() === String(evseUid).toUpperCase());
  const connector = evse?.connectors.find((c) => c.id.toUpperCase() === String(connectorId).toUpperCase());
  if (!location || !evse || !connector) return undefined;
  const narrowed = { ...location, evses: [{ ...evse, connectors: [connector] }] };
  const converted = walker.walk(narrowed, v230.Location, v211.Location, `${pointer}/location`);
  return converted === INEXPRESSIBLE ? undefined : (converted as JsonObject);
}

/** The Location of a CDR made of its CdrLocation, when the Location itself is not known here. */
function locationOfCdrLocation(cdr: JsonObject, pointer: string, walker: Walker): JsonObject | undefined {
  const at = asObject(cdr.cdr_location);
  if (!at) return undefined;
  walker.loss(
    `${pointer}/cdr_location`,
    'defaulted',
    'OCPI 2.1.1 embeds the whole Location: made of the CdrLocation, its type UNKNOWN, EVSE status UNKNOWN, connector voltage and amperage 0',
  );
  const lastUpdated = cdr.last_updated;
  const { evse_uid, evse_id, connector_id, connector_standard, connector_format, connector_power_type, ...place } = at;
  const connector = {
    id: connector_id,
    standard: connector_standard,
    format: connector_format,
    power_type: connector_power_type,
    max_voltage: 0,
    max_amperage: 0,
    last_updated: lastUpdated,
  };
  const location = {
    ...place,
    evses: [{ uid: evse_uid, evse_id, status: 'UNKNOWN', connectors: [connector], last_updated: lastUpdated }],
    last_updated: lastUpdated,
  };
  const converted = walker.walk(location, v230.Location, v211.Location, `${pointer}/cdr_location`);
  return converted === INEXPRESSIBLE ? undefined : (converted as JsonObject);
}

/**
 * The Locations a canonical object needs to be written in 2.1.1 (Sessions and CDRs embed theirs): the
 * server and client fetch them before converting (`ConversionContext.location`).
 */
export function locationReferences(type: string, value: unknown): { owner: PartyRef; id: string }[] {
  const object = asObject(value);
  if (!object || (type !== 'Session' && type !== 'CDR')) return [];
  const id = type === 'Session' ? object.location_id : asObject(object.cdr_location)?.id;
  if (typeof id !== 'string' || typeof object.country_code !== 'string' || typeof object.party_id !== 'string') return [];
  return [{ owner: { country_code: object.country_code, party_id: object.party_id }, id }];
}

/** The interface a 2.1.1 party plays per module (2.1.1 endpoints have no role: it follows from the party's). */
export function interfaceRole211(identifier: string, partyRole: string | undefined): 'SENDER' | 'RECEIVER' {
  const cpoSends = ['locations', 'sessions', 'cdrs', 'tariffs'];
  const cpoReceives = ['tokens', 'commands'];
  const cpo = partyRole === 'CPO';
  if (cpoSends.includes(identifier)) return cpo ? 'SENDER' : 'RECEIVER';
  if (cpoReceives.includes(identifier)) return cpo ? 'RECEIVER' : 'SENDER';
  return 'SENDER';
}

/** mod_commands 2.1.1: the Charge Point's answer is a CommandResponse, whose types are fewer than 2.2's CommandResultType. */
const RESULTS_211 = ['ACCEPTED', 'REJECTED', 'NOT_SUPPORTED', 'TIMEOUT'];

/** Canonical (2.3.0) to 2.1.1. */
export const OUT_2_1_1: Rules = {
  Location(value, from, to, pointer, walker) {
    const location = asObject(value);
    if (!location) return value;
    const { publish, publish_allowed_to, parking_type, ...rest } = without(location, OWNER);
    if (publish === false) walker.loss(`${pointer}/publish`, 'dropped', 'OCPI 2.1.1 cannot say a Location is not published');
    if (Array.isArray(publish_allowed_to) && publish_allowed_to.length > 0) {
      walker.loss(`${pointer}/publish_allowed_to`, 'dropped', 'OCPI 2.1.1 cannot publish a Location to some Tokens only');
    }
    const out: JsonObject = { ...rest };
    if (typeof parking_type === 'string') {
      out.type = SAME_PARKING_TYPES.includes(parking_type) ? parking_type : 'OTHER';
      if (out.type !== parking_type) walker.loss(`${pointer}/parking_type`, 'narrowed', `${parking_type} is OTHER in OCPI 2.1.1`);
    } else if (!walker.partial(pointer)) {
      out.type = 'UNKNOWN';
    }
    if (!walker.partial(pointer) && out.postal_code === undefined) {
      out.postal_code = '';
      walker.loss(`${pointer}/postal_code`, 'defaulted', 'required in OCPI 2.1.1: sent empty');
    }
    return walker.walkDefault(out, from, to, pointer);
  },
  Connector(value, from, to, pointer, walker) {
    const connector = asObject(value);
    if (!connector) return value;
    const out = renamed(connector, { max_voltage: 'voltage', max_amperage: 'amperage' });
    if (Array.isArray(connector.tariff_ids)) {
      delete out.tariff_ids;
      if (connector.tariff_ids.length > 0) out.tariff_id = connector.tariff_ids[0];
      if (connector.tariff_ids.length > 1) walker.loss(`${pointer}/tariff_ids`, 'narrowed', 'OCPI 2.1.1 gives a connector one tariff: the first is sent');
    }
    return walker.walkDefault(out, from, to, pointer);
  },
  GeoLocation: coordinatesRule,
  AdditionalGeoLocation: coordinatesRule,
  EnvironmentalImpact(value, from, to, pointer, walker) {
    const impact = asObject(value);
    return impact ? walker.walkDefault(renamed(impact, { category: 'source' }), from, to, pointer) : value;
  },
  Tariff(value, from, to, pointer, walker) {
    const tariff = asObject(value);
    return tariff ? walker.walkDefault(dropTaxIncluded(without(tariff, OWNER), pointer, walker), from, to, pointer) : value;
  },
  TariffElement: tariffElementRule,
  // mod_cdrs 2.1.1 AuthMethod has no COMMAND: a session started by a command is authorized by request.
  AuthMethod(value, _from, _to, pointer, walker) {
    if (value !== 'COMMAND') return value;
    walker.loss(pointer, 'narrowed', 'OCPI 2.1.1 has no COMMAND: sent as AUTH_REQUEST');
    return 'AUTH_REQUEST';
  },
  Session(value, from, to, pointer, walker) {
    const session = asObject(value);
    if (!session) return value;
    let out = renamed(authIdOf(session, pointer, walker), { start_date_time: 'start_datetime', end_date_time: 'end_datetime' });
    if (session.total_cost !== undefined) out.total_cost = costNumber(session.total_cost, `${pointer}/total_cost`, walker);
    if (session.location_id !== undefined || !walker.partial(pointer)) {
      const location = embeddedLocation(session, session.location_id, session.evse_uid, session.connector_id, pointer, walker);
      if (!location) {
        walker.loss(
          `${pointer}/location_id`,
          'dropped',
          `OCPI 2.1.1 Sessions embed their Location, and Location ${String(session.location_id)} is not known here`,
        );
        return INEXPRESSIBLE;
      }
      out = { ...without(out, ['location_id', 'evse_uid', 'connector_id']), location };
    }
    return walker.walkDefault(without(out, OWNER), from, to, pointer);
  },
  CDR(value, from, to, pointer, walker) {
    const cdr = asObject(value);
    if (!cdr) return value;
    if (cdr.credit === true) {
      walker.loss(`${pointer}/credit`, 'dropped', 'OCPI 2.1.1 has no credit CDRs');
      return INEXPRESSIBLE;
    }
    const at = asObject(cdr.cdr_location);
    const location =
      embeddedLocation(cdr, at?.id, at?.evse_uid, at?.connector_id, pointer, walker) ?? locationOfCdrLocation(cdr, pointer, walker) ?? INEXPRESSIBLE;
    if (location === INEXPRESSIBLE) return INEXPRESSIBLE;
    const out = renamed(authIdOf(without(cdr, ['cdr_location', ...OWNER]), pointer, walker), { end_date_time: 'stop_date_time' });
    out.location = location;
    out.total_cost = costNumber(cdr.total_cost, `${pointer}/total_cost`, walker);
    return walker.walkDefault(out, from, to, pointer);
  },
  Token(value, from, to, pointer, walker) {
    const token = asObject(value);
    return token ? walker.walkDefault(renamed(without(token, OWNER), { contract_id: 'auth_id' }), from, to, pointer) : value;
  },
  // 2.1.1's AuthorizationInfo carries no Token: the caller named it in the URL.
  AuthorizationInfo(value, from, to, pointer, walker) {
    const info = asObject(value);
    return info ? walker.walkDefault(without(info, ['token']), from, to, pointer) : value;
  },
  // mod_commands 2.1.1 "ReserveNow Object": reservation_id is an int.
  ReserveNow(value, from, to, pointer, walker) {
    const reserve = asObject(value);
    if (!reserve || typeof reserve.reservation_id !== 'string') return walker.walkDefault(value, from, to, pointer);
    if (!/^[0-9]{1,15}$/.test(reserve.reservation_id)) {
      walker.loss(`${pointer}/reservation_id`, 'dropped', `OCPI 2.1.1 reservation ids are integers, not '${reserve.reservation_id}'`);
      return INEXPRESSIBLE;
    }
    return walker.walkDefault({ ...reserve, reservation_id: Number(reserve.reservation_id) }, from, to, pointer);
  },
  // The Charge Point's result, as 2.1.1's CommandResponse: the result types 2.1.1 lacks are REJECTED.
  'CommandResult>CommandResponse'(value, from, to, pointer, walker) {
    const result = asObject(value);
    if (!result || typeof result.result !== 'string' || RESULTS_211.includes(result.result)) return walker.walkDefault(value, from, to, pointer);
    walker.loss(`${pointer}/result`, 'narrowed', `OCPI 2.1.1 has no ${result.result}: sent as REJECTED`);
    return walker.walkDefault({ ...result, result: 'REJECTED' }, from, to, pointer);
  },
  // credentials 2.1.1 "Credentials object": one party, the first role (the one this platform plays towards 2.1.1 partners).
  Credentials(value, from, to, pointer, walker) {
    const credentials = asObject(value);
    const roles = Array.isArray(credentials?.roles) ? (credentials.roles as JsonObject[]) : undefined;
    const role = roles?.[0];
    if (!credentials || !role) return walker.walkDefault(value, from, to, pointer);
    if ((roles?.length ?? 0) > 1) walker.loss(`${pointer}/roles`, 'narrowed', 'OCPI 2.1.1 Credentials name one party: the first role is sent');
    const { roles: _roles, ...rest } = credentials;
    return walker.walkDefault(
      { ...rest, business_details: role.business_details, party_id: role.party_id, country_code: role.country_code },
      from,
      to,
      pointer,
    );
  },
  // version_information_endpoint 2.1.1 "Endpoint class": no role; it follows from the party's.
  Endpoint(value, from, to, pointer, walker) {
    const endpoint = asObject(value);
    if (!endpoint) return value;
    walker.loss(`${pointer}/role`, 'dropped', "OCPI 2.1.1 endpoints have no role: it follows from the party's");
    return walker.walkDefault(without(endpoint, ['role']), from, to, pointer);
  },
};

/** 2.1.1 to canonical (2.3.0). */
export const IN_2_1_1: Rules = {
  Location(value, from, to, pointer, walker) {
    const location = asObject(value);
    if (!location) return value;
    const { type, ...rest } = location;
    const out: JsonObject | undefined = withOwner(rest, pointer, walker);
    if (!out) return INEXPRESSIBLE;
    if (!walker.partial(pointer)) out.publish = true;
    if (typeof type === 'string' && SAME_PARKING_TYPES.includes(type)) out.parking_type = type;
    else if (type === 'OTHER') walker.loss(`${pointer}/type`, 'dropped', 'OCPI 2.3.0 has no parking type OTHER');
    if (!walker.partial(pointer) && out.time_zone === undefined) {
      out.time_zone = 'UTC';
      walker.loss(`${pointer}/time_zone`, 'defaulted', 'required from OCPI 2.2 on: UTC assumed');
    }
    return walker.walkDefault(out, from, to, pointer);
  },
  Connector(value, from, to, pointer, walker) {
    const connector = asObject(value);
    if (!connector) return value;
    const out = renamed(connector, { voltage: 'max_voltage', amperage: 'max_amperage' });
    if (connector.tariff_id !== undefined) {
      delete out.tariff_id;
      out.tariff_ids = [connector.tariff_id];
    }
    return walker.walkDefault(out, from, to, pointer);
  },
  EnvironmentalImpact(value, from, to, pointer, walker) {
    const impact = asObject(value);
    return impact ? walker.walkDefault(renamed(impact, { source: 'category' }), from, to, pointer) : value;
  },
  // mod_locations 2.1.1 "Hours class": one of regular_hours or twentyfourseven; regular hours alone are not 24/7.
  Hours(value, from, to, pointer, walker) {
    const hours = asObject(value);
    if (!hours || hours.twentyfourseven !== undefined) return walker.walkDefault(value, from, to, pointer);
    return walker.walkDefault({ twentyfourseven: false, ...hours }, from, to, pointer);
  },
  Tariff(value, from, to, pointer, walker) {
    const tariff = asObject(value);
    if (!tariff) return value;
    const owned = withOwner(tariff, pointer, walker);
    return owned ? walker.walkDefault(taxIncludedNo(owned, pointer, walker), from, to, pointer) : INEXPRESSIBLE;
  },
  Session(value, from, to, pointer, walker) {
    const session = asObject(value);
    if (!session) return value;
    const owned = withOwner(session, pointer, walker);
    const tokened = owned && cdrTokenOf(owned, pointer, walker);
    if (!tokened) return INEXPRESSIBLE;
    const out = renamed(tokened, { start_datetime: 'start_date_time', end_datetime: 'end_date_time' });
    if (typeof session.total_cost === 'number') out.total_cost = { before_taxes: session.total_cost };
    if (session.location !== undefined) {
      const location = asObject(session.location);
      const evse = asObject((location?.evses as unknown[] | undefined)?.[0]);
      const connector = asObject((evse?.connectors as unknown[] | undefined)?.[0]);
      if (!location || !evse || !connector) {
        walker.loss(`${pointer}/location`, 'dropped', 'the embedded Location names no EVSE and Connector');
        return INEXPRESSIBLE;
      }
      delete out.location;
      Object.assign(out, { location_id: location.id, evse_uid: evse.uid, connector_id: connector.id });
    }
    return walker.walkDefault(out, from, to, pointer);
  },
  CDR(value, from, to, pointer, walker) {
    const cdr = asObject(value);
    if (!cdr) return value;
    const owned = withOwner(cdr, pointer, walker);
    const tokened = owned && cdrTokenOf(owned, pointer, walker);
    if (!tokened) return INEXPRESSIBLE;
    const out = renamed(without(tokened, ['location']), { stop_date_time: 'end_date_time' });
    if (typeof cdr.total_cost === 'number') out.total_cost = { before_taxes: cdr.total_cost };
    const location = asObject(cdr.location);
    const evse = asObject((location?.evses as unknown[] | undefined)?.[0]);
    const connector = asObject((evse?.connectors as unknown[] | undefined)?.[0]);
    if (!location || !evse || !connector) {
      walker.loss(`${pointer}/location`, 'dropped', 'the embedded Location names no EVSE and Connector');
      return INEXPRESSIBLE;
    }
    if (evse.evse_id === undefined) walker.loss(`${pointer}/location/evses/0/evse_id`, 'defaulted', 'required in a 2.3.0 CdrLocation: the EVSE uid is used');
    out.cdr_location = {
      id: location.id,
      ...(location.name === undefined ? {} : { name: location.name }),
      address: location.address,
      city: location.city,
      ...(location.postal_code === undefined ? {} : { postal_code: location.postal_code }),
      country: location.country,
      coordinates: location.coordinates,
      evse_uid: evse.uid,
      evse_id: evse.evse_id ?? evse.uid,
      connector_id: connector.id,
      connector_standard: connector.standard,
      connector_format: connector.format,
      connector_power_type: connector.power_type,
    };
    return walker.walkDefault(out, from, to, pointer);
  },
  Token(value, from, to, pointer, walker) {
    const token = asObject(value);
    if (!token) return value;
    const owned = withOwner(token, pointer, walker);
    return owned ? walker.walkDefault(renamed(owned, { auth_id: 'contract_id' }), from, to, pointer) : INEXPRESSIBLE;
  },
  // 2.1.1's AuthorizationInfo carries no Token: it stays without one (the caller knows which it asked about).
  AuthorizationInfo(value, _from, _to, pointer, walker) {
    const info = asObject(value);
    if (!info) return value;
    const location =
      info.location === undefined ? undefined : walker.walk(info.location, v211.LocationReferences, v230.LocationReferences, `${pointer}/location`);
    const { location: _given, ...rest } = info;
    return location === undefined || location === INEXPRESSIBLE ? rest : { ...rest, location };
  },
  ReserveNow(value, from, to, pointer, walker) {
    const reserve = asObject(value);
    if (!reserve || typeof reserve.reservation_id !== 'number') return walker.walkDefault(value, from, to, pointer);
    return walker.walkDefault({ ...reserve, reservation_id: String(reserve.reservation_id) }, from, to, pointer);
  },
  // The CPO's immediate answer: 2.1.1 gives no timeout, and TIMEOUT is no immediate answer in 2.2.
  CommandResponse(value, from, to, pointer, walker) {
    const response = asObject(value);
    if (!response) return value;
    const out = { ...response };
    if (out.result === 'TIMEOUT') {
      walker.loss(`${pointer}/result`, 'narrowed', 'TIMEOUT is a CommandResult from OCPI 2.2 on: taken as REJECTED');
      out.result = 'REJECTED';
    }
    if (out.timeout === undefined) {
      walker.loss(`${pointer}/timeout`, 'defaulted', 'OCPI 2.1.1 gives no timeout: 30 seconds assumed');
      out.timeout = 30;
    }
    return walker.walkDefault(out, from, to, pointer);
  },
  // The Charge Point's result, sent as a 2.1.1 CommandResponse.
  'CommandResponse>CommandResult'(value, from, to, pointer, walker) {
    const response = asObject(value);
    if (response?.result !== 'UNKNOWN_SESSION') return walker.walkDefault(value, from, to, pointer);
    walker.loss(`${pointer}/result`, 'narrowed', 'UNKNOWN_SESSION is not a CommandResult from OCPI 2.2 on: taken as REJECTED');
    return walker.walkDefault({ ...response, result: 'REJECTED' }, from, to, pointer);
  },
  Credentials(value, from, to, pointer, walker) {
    const credentials = asObject(value);
    if (!credentials) return value;
    const role = walker.context.partnerRole;
    if (!role) {
      walker.loss(`${pointer}/party_id`, 'dropped', 'OCPI 2.1.1 Credentials name no role, and the role this party plays is not known here');
      return INEXPRESSIBLE;
    }
    const { business_details, party_id, country_code, ...rest } = credentials;
    return walker.walkDefault({ ...rest, roles: [{ role, business_details, party_id, country_code }] }, from, to, pointer);
  },
  Endpoint(value, from, to, pointer, walker) {
    const endpoint = asObject(value);
    if (!endpoint) return value;
    return walker.walkDefault({ ...endpoint, role: interfaceRole211(String(endpoint.identifier), walker.context.partnerRole) }, from, to, pointer);
  },
};
