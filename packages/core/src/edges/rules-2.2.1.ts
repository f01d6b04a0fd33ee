/**
 * What the schema walk cannot know between OCPI 2.2.1 and the canonical model (2.3.0): Prices with
 * taxes, PriceLimits, `tax_included`, and hubs (a 2.2.1 hub is a HUB role, a 2.3.0 hub names itself in
 * `hub_party_id`). Every other difference (added fields, enum values, open enums) the walk handles.
 */
import { asObject, INEXPRESSIBLE, type Rules } from './convert.js';
import { dropTaxIncluded, priceParts, tariffElementRule, taxIncludedNo, vatTaxes } from './rules-shared.js';

const splitParty = (hubPartyId: string) => ({ country_code: hubPartyId.slice(0, 2), party_id: hubPartyId.slice(2) });

/** Canonical (2.3.0) to 2.2.1. */
export const OUT_2_2_1: Rules = {
  // types "Price class": before_taxes and the taxes, as excl_vat and incl_vat.
  Price(value, _from, _to, pointer, walker) {
    const parts = priceParts(value, pointer, walker);
    if (!parts) return value;
    return parts.incl === undefined ? { excl_vat: parts.excl } : { excl_vat: parts.excl, incl_vat: parts.incl };
  },
  // mod_tariffs "PriceLimit class" (min_price, max_price) as 2.2.1's Price: the same two amounts.
  'PriceLimit>Price'(value) {
    const limit = asObject(value);
    if (!limit) return value;
    return limit.after_taxes === undefined ? { excl_vat: limit.before_taxes } : { excl_vat: limit.before_taxes, incl_vat: limit.after_taxes };
  },
  Tariff(value, from, to, pointer, walker) {
    const tariff = asObject(value);
    return tariff ? walker.walkDefault(dropTaxIncluded(tariff, pointer, walker), from, to, pointer) : value;
  },
  TariffElement: tariffElementRule,
  // credentials "Credentials object": 2.3.0's hub_party_id is 2.2.1's HUB role.
  Credentials(value, from, to, pointer, walker) {
    const credentials = asObject(value);
    if (typeof credentials?.hub_party_id !== 'string') return walker.walkDefault(value, from, to, pointer);
    const { hub_party_id, ...rest } = credentials;
    const roles = Array.isArray(rest.roles) ? rest.roles : [];
    walker.loss(`${pointer}/hub_party_id`, 'defaulted', 'OCPI 2.2.1 names a hub by a HUB role: its business details are the hub party id');
    const hub = { role: 'HUB', business_details: { name: hub_party_id }, ...splitParty(hub_party_id) };
    return walker.walkDefault({ ...rest, roles: [...roles, hub] }, from, to, pointer);
  },
};

/** 2.2.1 to canonical (2.3.0). */
export const IN_2_2_1: Rules = {
  // 2.2.1's incl_vat is the price including VAT: one tax, VAT, of the difference.
  Price(value) {
    const price = asObject(value);
    if (!price || typeof price.excl_vat !== 'number') return value;
    const incl = typeof price.incl_vat === 'number' ? price.incl_vat : undefined;
    return { before_taxes: price.excl_vat, ...vatTaxes(price.excl_vat, incl) };
  },
  'Price>PriceLimit'(value) {
    const price = asObject(value);
    if (!price) return value;
    return price.incl_vat === undefined ? { before_taxes: price.excl_vat } : { before_taxes: price.excl_vat, after_taxes: price.incl_vat };
  },
  Tariff(value, from, to, pointer, walker) {
    const tariff = asObject(value);
    return tariff ? walker.walkDefault(taxIncludedNo(tariff, pointer, walker), from, to, pointer) : value;
  },
  Credentials(value, from, to, pointer, walker) {
    const credentials = asObject(value);
    const roles = Array.isArray(credentials?.roles) ? (credentials.roles as Record<string, unknown>[]) : undefined;
    if (!credentials || !roles?.some((role) => role.role === 'HUB')) return walker.walkDefault(value, from, to, pointer);
    const hubs = roles.filter((role) => role.role === 'HUB');
    const hub = hubs[0] as Record<string, unknown>;
    walker.loss(`${pointer}/roles/${roles.indexOf(hub)}/business_details`, 'narrowed', 'OCPI 2.3.0 names a hub by hub_party_id only');
    for (const other of hubs.slice(1)) walker.loss(`${pointer}/roles/${roles.indexOf(other)}`, 'dropped', 'OCPI 2.3.0 names one hub per platform');
    const hubPartyId = `${String(hub.country_code)}${String(hub.party_id)}`;
    const others = roles.filter((role) => role.role !== 'HUB');
    // A hub whose only role is HUB has no other role to list (2.3.0 lists the parties it reaches).
    if (others.length === 0) return { ...credentials, roles: [], hub_party_id: hubPartyId };
    const converted = walker.walkDefault({ ...credentials, roles: others }, from, to, pointer);
    return converted === INEXPRESSIBLE ? converted : { ...(converted as Record<string, unknown>), hub_party_id: hubPartyId };
  },
};
