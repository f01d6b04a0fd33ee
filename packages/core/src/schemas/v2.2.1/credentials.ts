/** OCPI 2.2.1 Credentials module objects (credentials.asciidoc "Object description" and "Data types"). */

export { Credentials, CredentialsRole } from './parties.js';
