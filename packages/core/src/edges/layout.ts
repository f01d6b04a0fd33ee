/**
 * Where a version puts its modules, and who plays which side in 2.1.1. From 2.2 on each endpoint names
 * its interface role and ocpi-ts mounts a module at `{role}/{identifier}` (`sender/locations`). 2.1.1
 * endpoints have no role: a platform is a CPO or an eMSP, and its URLs say which
 * (version_information_endpoint 2.1.1: `/ocpi/cpo/2.1.1/locations`); ocpi-ts mounts at
 * `{cpo|emsp}/{identifier}` and shows a 2.1.1 partner the side it talks to.
 */
import type { InterfaceRole, OcpiModule } from '../module.js';
import type { CredentialsRole, Role } from '../partners/partner.js';
import type { PartyRef } from '../store/types.js';
import { interfaceRole211 } from './rules-2.1.1.js';

/** The modules 2.1.1 defines (version_information_endpoint 2.1.1, ModuleID); a custom one keeps its `{role}/{identifier}`. */
const MODULES_2_1_1 = ['cdrs', 'commands', 'locations', 'sessions', 'tariffs', 'tokens'];

/** The party a 2.1.1 partner plays towards us: 2.1.1 has CPOs and eMSPs, each the other's partner. */
export const counterpartRole = (role: Role | undefined): Role => (role === 'CPO' ? 'EMSP' : 'CPO');

/** The side (`cpo` or `emsp`) whose interface a module is in 2.1.1, or undefined for a module 2.1.1 does not define. */
export function side211(module: Pick<OcpiModule, 'identifier' | 'role'>): 'cpo' | 'emsp' | undefined {
  if (!MODULES_2_1_1.includes(module.identifier)) return undefined;
  return interfaceRole211(module.identifier, 'CPO') === module.role ? 'cpo' : 'emsp';
}

/** The URL path of a module below its version URL. */
export function modulePath(module: OcpiModule, version: string): string {
  if (module.path !== undefined) return module.path;
  if (module.identifier === 'credentials') return 'credentials';
  const side = version === '2.1.1' ? side211(module) : undefined;
  return `${side ?? module.role.toLowerCase()}/${module.identifier}`;
}

/**
 * Whether a 2.1.1 partner of role `partnerRole` talks to this interface of ours: the interface our
 * side plays (a CPO's Locations SENDER for an eMSP). Modules 2.1.1 does not define are always listed.
 */
export function facesPartner211(module: Pick<OcpiModule, 'identifier' | 'role'>, partnerRole: Role): boolean {
  if (side211(module) === undefined) return true;
  return module.role === interfaceRole211(module.identifier, counterpartRole(partnerRole));
}

/** The interface role of a 2.1.1 endpoint of a partner playing `partnerRole` (its endpoints do not say). */
export const partnerInterface211 = (identifier: string, partnerRole: Role): InterfaceRole => interfaceRole211(identifier, partnerRole);

/**
 * Our party that faces a partner: the one it addressed (`OCPI-to`), else the first of ours in the role
 * that is its counterpart (our eMSP for a CPO), else our first.
 */
export function ourPartyFacing(parties: readonly CredentialsRole[], partnerRole: Role | undefined, addressed?: PartyRef): PartyRef | undefined {
  if (addressed) return addressed;
  const counterpart = partnerRole === undefined ? undefined : counterpartRole(partnerRole);
  const party = parties.find((p) => p.role === counterpart) ?? parties[0];
  return party && { country_code: party.country_code, party_id: party.party_id };
}
