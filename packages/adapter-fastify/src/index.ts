import type { OcpiRequest, OcpiServer } from '@ocpi-ts/core';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest, FastifyServerOptions } from 'fastify';

const sendAsIs = (body: unknown) => body as string;

export interface OcpiFastifyOptions {
  server: OcpiServer;
}

const toOcpiRequest = (request: FastifyRequest): OcpiRequest => ({
  method: request.method,
  url: request.raw.url ?? request.url,
  headers: request.headers,
  body: request.raw,
  remoteAddress: request.socket.remoteAddress,
});

async function answer(server: OcpiServer, request: FastifyRequest, reply: FastifyReply) {
  const response = await server.handle(toOcpiRequest(request));
  // An identity serializer: Fastify would otherwise append '; charset=utf-8' to our Content-Type.
  return reply.code(response.status).headers(response.headers).serializer(sendAsIs).send(response.body);
}

/**
 * An encapsulated Fastify plugin that hands every request under its prefix to the OCPI core, any
 * method included. Register it with the prefix of the core's mount path: `app.register(ocpiFastify, { server, prefix: '/ocpi' })`.
 */
export const ocpiFastify: FastifyPluginAsync<OcpiFastifyOptions> = async (fastify, { server }) => {
  // The core owns the body: no Fastify parser (nor its error pages or body limit) may touch it.
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('*', (_request, _payload, done) => done(null));
  fastify.all('/*', (request, reply) => answer(server, request, reply));
  // Methods Fastify has no route for (PROPFIND, PURGE, ...) land here, in this prefix only.
  fastify.setNotFoundHandler((request, reply) => answer(server, request, reply));
};

/**
 * Fastify's router refuses some URLs before any plugin runs (bad percent-encoding, an overlong
 * parameter). Give this as `Fastify({ frameworkErrors: ocpiFrameworkErrors(server) })` so those under
 * the OCPI mount path get the core's answer too; others get Fastify's own.
 */
export function ocpiFrameworkErrors(server: OcpiServer, prefix = '/ocpi'): NonNullable<FastifyServerOptions['frameworkErrors']> {
  const mount = prefix.replace(/\/+$/, '');
  return (error, request, reply) => {
    const url = request.raw.url ?? '';
    if (url === mount || url.startsWith(`${mount}/`) || url.startsWith(`${mount}?`)) return void answer(server, request, reply);
    // Fastify's own answer for the rest: the error, with its status code.
    (reply as FastifyReply).send(error);
  };
}
