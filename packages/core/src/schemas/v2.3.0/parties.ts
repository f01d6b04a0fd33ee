/**
 * OCPI 2.3.0 Credentials, Versions and Hub Client Info objects, defined once in
 * schemas/common/parties.ts: Credentials name the platform's hub in `hub_party_id`, and Role has no HUB.
 */
import type { Static } from '@sinclair/typebox';
import { Type } from '@sinclair/typebox';
import { CiString } from '../common/basic.js';
import { partySchemas } from '../common/parties.js';
import * as enums from './enums.js';
import { BusinessDetails } from './types.js';

const parties = partySchemas({
  ...enums,
  BusinessDetails,
  // credentials "Credentials object": country code and party ID of the Hub, concatenated (CiString(5)).
  added: { Credentials: { hub_party_id: Type.Optional(CiString(5)) } },
});
export const CredentialsRole = parties.CredentialsRole;
export const Credentials = parties.Credentials;
export const Version = parties.Version;
export const Endpoint = parties.Endpoint;
export const VersionDetails = parties.VersionDetails;
export const ClientInfo = parties.ClientInfo;
export type CredentialsRole = Static<typeof CredentialsRole>;
export type Credentials = Static<typeof Credentials>;
export type Version = Static<typeof Version>;
export type Endpoint = Static<typeof Endpoint>;
export type VersionDetails = Static<typeof VersionDetails>;
export type ClientInfo = Static<typeof ClientInfo>;
