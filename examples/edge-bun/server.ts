// The CPO node on Bun: `bun run examples/edge-bun/server.ts [port]` (after `pnpm build`).
// Settings: PORT (or the first argument; 0 picks a free port), HOST, OCPI_BASE_URL.
import { buildCpo } from '../edge-shared/cpo.ts';

declare const Bun: {
  env: Record<string, string | undefined>;
  argv: string[];
  serve(options: { port: number; hostname: string; fetch: (request: Request) => Response | Promise<Response> }): { port: number; hostname: string };
};

const port = Number(Bun.env.PORT ?? Bun.argv[2] ?? 3000);
const hostname = Bun.env.HOST ?? '127.0.0.1';
const { app } = await buildCpo({ baseUrl: Bun.env.OCPI_BASE_URL ?? `http://localhost:${port}/ocpi` });
const server = Bun.serve({ port, hostname, fetch: app.fetch });
console.log(`OCPI CPO on Bun listening on http://${server.hostname}:${server.port}/ocpi/versions`);
