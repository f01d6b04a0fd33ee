import type { OcpiServer } from '@ocpi-ts/core';
import type { FastifyPluginAsync } from 'fastify';

const sendAsIs = (body: unknown) => body as string;

export interface OcpiFastifyOptions {
  server: OcpiServer;
}

/**
 * An encapsulated Fastify plugin that hands every request under its prefix to the OCPI core.
 * Register it with the prefix of the core's mount path: `app.register(ocpiFastify, { server, prefix: '/ocpi' })`.
 */
export const ocpiFastify: FastifyPluginAsync<OcpiFastifyOptions> = async (fastify, { server }) => {
  // The core owns the body: no Fastify parser (nor its error pages or body limit) may touch it.
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('*', (_request, _payload, done) => done(null));
  fastify.all('/*', async (request, reply) => {
    const response = await server.handle({
      method: request.method,
      url: request.raw.url ?? request.url,
      headers: request.headers,
      body: request.raw,
      remoteAddress: request.socket.remoteAddress,
    });
    // An identity serializer: Fastify would otherwise append '; charset=utf-8' to our Content-Type.
    return reply.code(response.status).headers(response.headers).serializer(sendAsIs).send(response.body);
  });
};
