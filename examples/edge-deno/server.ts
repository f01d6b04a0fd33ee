// The CPO node on Deno: `deno run --allow-net --allow-env --allow-read examples/edge-deno/server.ts [port]`
// (after `pnpm build`: Deno finds the packages in the workspace node_modules, through the root package.json).
// Settings: PORT (or the first argument; 0 picks a free port), HOST, OCPI_BASE_URL.
import { buildCpo } from '../edge-shared/cpo.ts';

declare const Deno: {
  env: { get(name: string): string | undefined };
  args: string[];
  serve(
    options: { port: number; hostname: string; onListen: (address: { hostname: string; port: number }) => void },
    handler: (request: Request) => Response | Promise<Response>,
  ): unknown;
};

const port = Number(Deno.env.get('PORT') ?? Deno.args[0] ?? 8000);
const hostname = Deno.env.get('HOST') ?? '127.0.0.1';
const { app } = await buildCpo({ baseUrl: Deno.env.get('OCPI_BASE_URL') ?? `http://localhost:${port}/ocpi` });
Deno.serve(
  { port, hostname, onListen: (address) => console.log(`OCPI CPO on Deno listening on http://${address.hostname}:${address.port}/ocpi/versions`) },
  app.fetch,
);
