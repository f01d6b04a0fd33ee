/** OCPI 2.2.1 Hub Client Info module objects (mod_hub_client_info.asciidoc "Object description"). */

export { ClientInfo } from './parties.js';
