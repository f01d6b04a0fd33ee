// The CPO node as a Cloudflare Worker (module syntax): `wrangler dev` in this folder (after `pnpm build`),
// or any bundler + workerd. Setting: OCPI_BASE_URL (a var in wrangler.toml).
//
// The in-memory store lives in one isolate: fine for a demo, lost whenever the isolate is recycled and
// not shared between isolates. In production give `buildCpo` a store on Workers storage: `OcpiStore`
// (packages/core/src/store/types.ts) maps onto D1 (objects: one table keyed by module, owner, id with
// a creation sequence for stable pagination and a last_updated column for date_from/date_to; partners
// and registration tokens: tables with a unique index on the token hash; `update` as an optimistic
// write on a version column, since D1 has no interactive transactions), or onto a Durable Object with
// the same tables (its serialized requests give `update` its atomicity). Plain KV suits only the
// partners (read-mostly, by token hash): no transactions, eventually consistent listing.
// See docs/edge-runtimes.md.
import { buildCpo, type Cpo } from '../edge-shared/cpo.js';

export interface Env {
  OCPI_BASE_URL?: string;
}

let cpo: Promise<Cpo> | undefined;

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    // Built on the first request: Workers allow no I/O or crypto while the script loads.
    cpo ??= buildCpo({ baseUrl: env.OCPI_BASE_URL ?? 'http://localhost:8787/ocpi' }).catch((error: unknown) => {
      cpo = undefined;
      throw error;
    });
    return (await cpo).app.fetch(request);
  },
};
