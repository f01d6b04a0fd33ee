export * from './audit.js';
export * from './auth/secrets.js';
export * from './auth/tokens.js';
export * from './body.js';
export * from './client/client.js';
export * from './client/command-results.js';
export * from './client/errors.js';
export { type CrawlOptions, crawl, type InvalidPageItem, nextLink, type PageResponse } from './client/paginate.js';
export * from './client/sync-state.js';
export * from './credentials/credentials-module.js';
export type { OurCredentials, RequiredEndpoint } from './credentials/handshake.js';
export * from './credentials/initiator.js';
export * from './credentials/registration-tokens.js';
export type { ConversionContext, ConversionResult, Direction, Loss, LossKind } from './edges/convert.js';
export * from './edges/edge.js';
export * from './edges/losses.js';
export * from './envelope.js';
export * from './errors.js';
export * from './events.js';
export type * from './http.js';
export * from './limits.js';
export type * from './module.js';
export * from './modules/async-results.js';
export * from './modules/bookings.js';
export * from './modules/cdrs.js';
export * from './modules/charging-profiles.js';
export * from './modules/commands.js';
export * from './modules/common.js';
export * from './modules/hub-client-info.js';
export * from './modules/locations.js';
export * from './modules/payments.js';
export * from './modules/sessions.js';
export * from './modules/tariffs.js';
export * from './modules/tokens.js';
export * from './outbound.js';
export * from './pagination.js';
export * from './partners/hub.js';
// The partner record's roles: the canonical ones and HUB (over the 2.3.0 schemas' CredentialsRole and Role).
export type { CredentialsRole, Role } from './partners/partner.js';
export * from './partners/partner.js';
export * from './partners/policy.js';
export * from './routing-headers.js';
export * from './schemas/openapi.js';
export * from './schemas/patch.js';
export { deriveEnum, isClosedEnum, isOpenEnum, knownValues, OpenEnum } from './schemas/shared/enums.js';
export type { ObjectType, ObjectTypes } from './schemas/shared/objects.js';
export { findUnknownEnumValues, type UnknownEnumValue } from './schemas/shared/unknown-enum-values.js';
// The canonical model (2.3.0), which handlers and stores use, under its own names.
export * from './schemas/v2.3.0/index.js';

// Each version's object model as a namespace: v211.Location, v221.Location, v230.Location.
// Imported then exported: the declaration bundler does not take `export * as`.
import * as v211 from './schemas/v2.1.1/index.js';
import * as v221 from './schemas/v2.2.1/index.js';
import * as v230 from './schemas/v2.3.0/index.js';

export * from './server.js';
export * from './store/keyed-lock.js';
export * from './store/keys.js';
export * from './store/memory.js';
export type * from './store/types.js';
export * from './validation/index.js';
export * from './versions.js';
export { v211, v221, v230 };
