/**
 * OCPI 2.2.1 Credentials, Versions and Hub Client Info objects, defined once in
 * schemas/common/parties.ts; exported by credentials.ts, versions.ts and hub-client-info.ts.
 */
import type { Static } from '@sinclair/typebox';
import { partySchemas } from '../common/parties.js';
import * as enums from './enums.js';
import { BusinessDetails } from './types.js';

const parties = partySchemas({
  ...enums,
  BusinessDetails,
  added: { Credentials: {} },
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
