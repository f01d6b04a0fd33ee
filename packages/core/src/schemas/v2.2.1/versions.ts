/** OCPI 2.2.1 Versions module objects (version_information_endpoint.asciidoc). */

export { Endpoint, Version, VersionDetails } from './parties.js';
