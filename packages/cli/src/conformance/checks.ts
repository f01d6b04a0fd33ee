// The checks of `ocpi conformance`, as a table: each names the spec section it proves. They run in
// this order; a check that needs what an earlier one could not get is skipped with the reason.
// Transport checks come last and read every exchange of the run (see probe.ts).
import { acceptBody, createAutoValidatorFactory, partnerToken, v221 } from '@ocpi-ts/core';
import { type TSchema, Type } from '@sinclair/typebox';
import { typeOfModule } from '../object-types.js';
import { cdrTokenOf, ocpiTime, sampleCdr, sampleLocation, sampleSession, sampleTariff, sampleToken } from '../samples.js';
import {
  type Answer,
  endpointOf,
  holds,
  identityOf,
  idOf,
  isHub,
  limitOf,
  listUrl,
  ownerOf,
  type RunContext,
  receiverOf,
  send,
  senderLists,
  totalOf,
  walk,
} from './context.js';
import type { Exchange } from './probe.js';

// The conformance run speaks OCPI 2.2.1.
const { AnyResponseEnvelope, AuthorizationInfo, CommandResponse, CommandResult, Credentials, Version, VersionDetails } = v221;

/** `warn`: passed, but with something a receiver only accepts as a tolerance (ocpi-ts raises a warning for it). */
export type CheckStatus = 'pass' | 'warn' | 'fail' | 'skip';
export interface Outcome {
  status: CheckStatus;
  detail?: string;
}
export type Phase = 'discovery' | 'handshake' | 'read' | 'write' | 'transport';

export interface Check {
  id: string;
  title: string;
  /** Where the spec says it (2.2.1 file and section). */
  section: string;
  phase: Phase;
  run(ctx: RunContext): Promise<Outcome>;
}

const pass = (detail?: string): Outcome => ({ status: 'pass', ...(detail ? { detail } : {}) });
const fail = (detail: string): Outcome => ({ status: 'fail', detail });
const skip = (detail: string): Outcome => ({ status: 'skip', detail });
const warn = (detail: string): Outcome => ({ status: 'warn', detail });

/** Problems found, as one outcome: pass when none. */
const verdict = (problems: readonly string[], passed?: string): Outcome =>
  problems.length === 0 ? pass(passed) : fail(problems.slice(0, 8).join('; ') + (problems.length > 8 ? `; (+${problems.length - 8} more)` : ''));

const validators = createAutoValidatorFactory();
const VersionList = Type.Array(Version, { minItems: 1 });
function issuesOf(schema: TSchema, value: unknown): string | undefined {
  const result = validators.compile(schema).validate(value);
  return result.ok
    ? undefined
    : result.issues
        .slice(0, 3)
        .map((i) => `${i.path || '(root)'}: ${i.message}`)
        .join(', ');
}

/**
 * An object as a liberal receiver reads it (the core's `acceptBody`, as ocpi-ts serves): DateTimes with
 * an offset or microseconds normalised, unknown open enum values kept. Answers what would be refused,
 * or what would be tolerated (each with its field).
 */
function acceptedAs(schema: TSchema, name: string, object: unknown): { refused: string } | { tolerated: string[] } {
  try {
    const events = acceptBody({ schema, name, body: structuredClone(object), validator: validators.compile(schema), quirks: undefined });
    return { tolerated: events.map((e) => (e.type === 'partner.tolerated' ? e.message : e.type)) };
  } catch (error) {
    const issues = (error as { data?: { errors?: { path: string; message: string }[] } }).data?.errors ?? [];
    return {
      refused:
        issues
          .slice(0, 3)
          .map((i) => `${i.path || '(root)'}: ${i.message}`)
          .join(', ') || String(error),
    };
  }
}

const describeAnswer = (a: Answer) =>
  `HTTP ${a.status}, status_code ${String(a.envelope?.status_code ?? '(none)')}${typeof a.envelope?.status_message === 'string' ? ` "${a.envelope.status_message}"` : ''}`;
const ok = (a: Answer) => a.status >= 200 && a.status < 300 && a.envelope?.status_code === 1000;

// ------------------------------------------------------------------------------------------------
// Discovery and the handshake
// ------------------------------------------------------------------------------------------------

const versionsList: Check = {
  id: 'versions.list',
  title: 'The versions endpoint lists the versions, 2.2.1 among them',
  section: 'version_information_endpoint "Version information endpoint"',
  phase: 'discovery',
  async run(ctx) {
    let answer = await send(ctx, { method: 'GET', url: ctx.options.versionsUrl, token: ctx.token, encoding: 'base64' });
    if (answer.status === 401) {
      // transport_and_format "Authorization header", NOTE: many 2.1.1/2.2 platforms want the token unencoded.
      const raw = await send(ctx, { method: 'GET', url: ctx.options.versionsUrl, token: ctx.token, encoding: 'raw' });
      if (raw.status !== 401) {
        ctx.encoding = 'raw';
        ctx.base64Refused = true;
        answer = raw;
      }
    }
    if (!ok(answer)) return fail(`GET ${ctx.options.versionsUrl}: ${describeAnswer(answer)}`);
    const problem = issuesOf(VersionList, answer.envelope?.data);
    if (problem) return fail(`not a list of versions: ${problem}`);
    ctx.versions = answer.envelope?.data as { version: string; url: string }[];
    if (!ctx.versions.some((v) => v.version === '2.2.1')) return fail(`2.2.1 is not offered (${ctx.versions.map((v) => v.version).join(', ')})`);
    return pass(ctx.versions.map((v) => v.version).join(', '));
  },
};

const versionDetails: Check = {
  id: 'versions.details',
  title: 'The 2.2.1 details list each endpoint once, credentials included, with absolute URLs',
  section: 'version_information_endpoint "Version details endpoint"',
  phase: 'discovery',
  async run(ctx) {
    const url = ctx.versions?.find((v) => v.version === '2.2.1')?.url;
    if (!url) return skip('no 2.2.1 in the versions');
    const answer = await send(ctx, { method: 'GET', url, token: ctx.token });
    if (!ok(answer)) return fail(`GET ${url}: ${describeAnswer(answer)}`);
    const problem = issuesOf(VersionDetails, answer.envelope?.data);
    if (problem) return fail(`invalid VersionDetails: ${problem}`);
    const details = answer.envelope?.data as { version: string; endpoints: { identifier: string; role: 'SENDER' | 'RECEIVER'; url: string }[] };
    ctx.endpoints = details.endpoints;
    const problems: string[] = [];
    if (details.version !== '2.2.1') problems.push(`the details are for version ${details.version}`);
    if (!details.endpoints.some((e) => e.identifier === 'credentials')) problems.push('no credentials endpoint');
    const seen = new Set<string>();
    for (const e of details.endpoints) {
      const key = `${e.identifier} ${e.role}`;
      if (seen.has(key) && e.identifier !== 'credentials') problems.push(`${key} is listed twice`);
      seen.add(key);
      if (!/^https?:\/\//.test(e.url)) problems.push(`${key}: '${e.url}' is not an absolute URL`);
    }
    return verdict(problems, details.endpoints.map((e) => `${e.identifier}/${e.role.toLowerCase()}`).join(' '));
  },
};

const authBase64: Check = {
  id: 'auth.base64',
  title: 'The credentials token is taken Base64-encoded in Authorization (raw-token partners fail this)',
  section: 'transport_and_format "Authorization header"',
  phase: 'discovery',
  async run(ctx) {
    if (!ctx.versions) return skip('the versions could not be read');
    return ctx.base64Refused
      ? fail('the partner refused the Base64-encoded token and took it unencoded: 2.2.1 requires "Token <base64>" (the run went on with raw tokens)')
      : pass();
  },
};

const register: Check = {
  id: 'credentials.register',
  title: 'Registration with token A: the partner reads our versions with token B and answers valid credentials with a new token C',
  section: 'credentials "Registration", "POST Method"',
  phase: 'handshake',
  async run(ctx) {
    if (!ctx.options.tokenA) return skip('no --token-a: credentials agreed before are used');
    if (!ctx.endpoints) return skip('the version details could not be read');
    const own = ctx.own;
    if (!own) return skip('our own node is not running');
    const before = ctx.incoming.length;
    const partner = await own.registry.register({ versionsUrl: ctx.options.versionsUrl, tokenA: partnerToken(ctx.options.tokenA), encoding: ctx.encoding });
    ctx.partner = partner;
    const problems: string[] = [];
    const read = ctx.incoming.slice(before);
    if (!read.some((r) => r.method === 'GET' && r.url.endsWith('/versions'))) problems.push('the partner did not read our versions during the POST');
    if (!read.some((r) => r.method === 'GET' && /\/2\.2\.1\/?$/.test(r.url.split('?')[0] ?? '')))
      problems.push('the partner did not read our version details during the POST');
    if (partner.outboundToken === ctx.options.tokenA) problems.push('token C is token A: the partner must issue a new token');
    return verdict(problems, `registered with ${partner.roles.map((r) => `${r.country_code}*${r.party_id} ${r.role}`).join(', ')}`);
  },
};

const credentialsGet: Check = {
  id: 'credentials.get',
  title: 'GET credentials with token C answers the credentials to reach the partner',
  section: 'credentials "GET Method"',
  phase: 'handshake',
  async run(ctx) {
    const url = endpointOf(ctx, 'credentials', 'SENDER');
    if (!url || !ctx.partner) return skip('not registered');
    const answer = await send(ctx, { method: 'GET', url, module: 'credentials' });
    if (!ok(answer)) return fail(`GET ${url}: ${describeAnswer(answer)}`);
    const problem = issuesOf(Credentials, answer.envelope?.data);
    if (problem) return fail(`invalid Credentials: ${problem}`);
    const credentials = answer.envelope?.data as { token: string; roles: typeof ctx.partner.roles };
    if (ctx.partner.roles.length === 0) ctx.partner = { ...ctx.partner, roles: credentials.roles };
    return credentials.token === ctx.partner.outboundToken ? pass() : fail('the token in the answer is not the token C the request was made with');
  },
};

const authRefused: Check = {
  id: 'auth.refused',
  title: 'A request without a token, or with an unknown one, gets HTTP 401',
  section: 'transport_and_format "Authorization header"',
  phase: 'handshake',
  async run(ctx) {
    if (!ctx.versions) return skip('the versions could not be read');
    const list = senderLists(ctx)[0];
    const targets = [ctx.options.versionsUrl, ...(list ? [listUrl(list.module, list.url, { limit: 1 })] : [])];
    const problems: string[] = [];
    for (const url of targets) {
      for (const [what, token] of [
        ['no token', null],
        ['an unknown token', `unknown-${crypto.randomUUID()}`],
      ] as const) {
        const answer = await send(ctx, { method: 'GET', url, token, ...(list && url !== ctx.options.versionsUrl ? { module: list.module } : {}) });
        if (answer.status !== 401) problems.push(`GET ${url} with ${what}: HTTP ${answer.status}, expected 401`);
      }
    }
    return verdict(problems);
  },
};

// ------------------------------------------------------------------------------------------------
// Reading lists
// ------------------------------------------------------------------------------------------------

/** Runs `each` on every Sender list of the partner; skips when there is none. */
async function overLists(ctx: RunContext, each: (module: string, url: string) => Promise<string[]>): Promise<Outcome> {
  if (!ctx.partner) return skip('no credentials for the partner (registration failed or no token)');
  const lists = senderLists(ctx);
  if (lists.length === 0) return skip('the partner offers no Sender list');
  const problems: string[] = [];
  for (const { module, url } of lists) for (const problem of await each(module, url)) problems.push(`${module}: ${problem}`);
  return verdict(problems, lists.map((l) => l.module).join(', '));
}

const paginationHeaders: Check = {
  id: 'pagination.headers',
  title: 'A page has at most `limit` objects, X-Total-Count and X-Limit, and a next Link when more follow',
  section: 'transport_and_format "Paginated Request", "Paginated Response"',
  phase: 'read',
  run: (ctx) =>
    overLists(ctx, async (module, url) => {
      const answer = await send(ctx, { method: 'GET', url: listUrl(module, url, { offset: 0, limit: 2 }), module });
      if (!ok(answer) || !Array.isArray(answer.envelope?.data)) return [`GET ?limit=2: ${describeAnswer(answer)}`];
      const problems: string[] = [];
      const returned = (answer.envelope.data as unknown[]).length;
      const total = totalOf(answer);
      if (returned > 2) problems.push(`asked limit=2, got ${returned} objects`);
      if (total === undefined) problems.push('no X-Total-Count');
      if (limitOf(answer) === undefined) problems.push('no X-Limit');
      const link = answer.headers.get('link');
      if (total !== undefined && total > returned && !/rel="?next"?/.test(link ?? '')) problems.push(`X-Total-Count ${total} but no Link rel="next"`);
      if (total !== undefined && total <= returned && /rel="?next"?/.test(link ?? '')) problems.push('a next Link on the last page');
      return problems;
    }),
};

const paginationOffset: Check = {
  id: 'pagination.offset',
  title: '`offset` is applied: offset=1&limit=1 is the second object of the list',
  section: 'transport_and_format "Paginated Request"',
  phase: 'read',
  run: (ctx) =>
    overLists(ctx, async (module, url) => {
      const all = await walk(ctx, module, url);
      if (all.objects.length < 2) return [];
      const answer = await send(ctx, { method: 'GET', url: listUrl(module, url, { offset: 1, limit: 1 }), module });
      const data = answer.envelope?.data;
      if (!ok(answer) || !Array.isArray(data)) return [`GET ?offset=1&limit=1: ${describeAnswer(answer)}`];
      const want = identityOf(module, all.objects[1]);
      const got = identityOf(module, data[0]);
      return got === want && data.length === 1 ? [] : [`offset=1&limit=1 gave ${data.length} object(s), first ${got ?? 'none'}, expected ${want}`];
    }),
};

const paginationLink: Check = {
  id: 'pagination.link',
  title: 'Following Link rel="next" reads every object once: no loop, no skipped page, same origin',
  section: 'transport_and_format "Paginated Response" (Link)',
  phase: 'read',
  run: (ctx) =>
    overLists(ctx, async (module, url) => {
      const all = await walk(ctx, module, url);
      if (all.capped) return [];
      const expected = all.objects.map((o) => identityOf(module, o));
      const pageSize = Math.max(1, Math.ceil(expected.length / 4));
      const seen = new Set<string>();
      // A page is the same page whatever the order of its query parameters.
      const pageKey = (href: string) => {
        const u = new URL(href);
        u.searchParams.sort();
        return u.toString();
      };
      const got: (string | undefined)[] = [];
      let next: string | undefined = listUrl(module, url, { offset: 0, limit: pageSize });
      const origin = new URL(url).origin;
      for (let pages = 0; next; pages++) {
        if (seen.has(pageKey(next))) return [`the Link leads back to ${next}, a page read before: a loop`];
        if (pages > expected.length / pageSize + 3) return [`more pages than ${expected.length} objects fill`];
        seen.add(pageKey(next));
        const current: string = next;
        const answer = await send(ctx, { method: 'GET', url: current, module });
        const data = answer.envelope?.data;
        if (!ok(answer) || !Array.isArray(data)) return [`GET ${current}: ${describeAnswer(answer)}`];
        got.push(...data.map((o) => identityOf(module, o)));
        const target = /<([^>]*)>\s*;[^,]*rel="?next"?/.exec(answer.headers.get('link') ?? '')?.[1];
        next = target === undefined ? undefined : new URL(target, current).toString();
        if (next === undefined) break;
        if (new URL(next).origin !== origin) return [`the Link leads to another origin: ${next}`];
        const at = Number(new URL(current).searchParams.get('offset') ?? 0);
        const then = new URL(next).searchParams.get('offset');
        if (then !== null && Number(then) !== at + data.length)
          return [`the page at offset ${at} had ${data.length} objects, its Link goes to offset ${then}: objects skipped or repeated`];
      }
      const missing = expected.filter((id) => !got.includes(id));
      return missing.length || got.length !== expected.length
        ? [`the Link walk read ${got.length} objects, the list has ${expected.length}${missing.length ? `; missing ${missing.slice(0, 3).join(', ')}` : ''}`]
        : [];
    }),
};

const paginationTotal: Check = {
  id: 'pagination.total-count',
  title: 'X-Total-Count is the same on every page of an unchanged list, and the objects it promises are there',
  section: 'transport_and_format "Paginated Response" (X-Total-Count)',
  phase: 'read',
  run: (ctx) =>
    overLists(ctx, async (module, url) => {
      const all = await walk(ctx, module, url);
      // The list read in pages of a third of it, so a short list has several pages too.
      const size = Math.max(1, Math.ceil(all.objects.length / 3));
      const pages = [...all.pages.map((p) => p.total)];
      for (let offset = 0; offset < all.objects.length && offset < size * 5; offset += size) {
        const answer = await send(ctx, { method: 'GET', url: listUrl(module, url, { offset, limit: size }), module });
        if (!ok(answer)) return [`GET ?offset=${offset}&limit=${size}: ${describeAnswer(answer)}`];
        pages.push(totalOf(answer));
      }
      const totals = [...new Set(pages)];
      if (totals.includes(undefined)) return ['a page without X-Total-Count'];
      if (totals.length > 1) return [`X-Total-Count changed from page to page: ${pages.join(', ')}`];
      if (!all.capped && totals[0] !== all.objects.length) return [`X-Total-Count ${totals[0]}, but ${all.objects.length} objects were served`];
      return [];
    }),
};

const lastUpdated = (o: unknown) => Date.parse(String((o as { last_updated?: unknown }).last_updated));

const paginationDates: Check = {
  id: 'pagination.date-filters',
  title: '`date_from` (inclusive) and `date_to` (exclusive) are applied to last_updated',
  section: 'transport_and_format "Paginated Request"; the GET Request Parameters of each module',
  phase: 'read',
  run: (ctx) =>
    overLists(ctx, async (module, url) => {
      const all = await walk(ctx, module, url);
      const times = all.objects.map(lastUpdated).filter((t) => !Number.isNaN(t));
      if (times.length === 0) return [];
      const newest = Math.max(...times);
      const oldest = Math.min(...times);
      const problems: string[] = [];
      const read = async (query: Record<string, string>) => {
        const answer = await send(ctx, { method: 'GET', url: listUrl(module, url, { ...query, limit: Math.min(50, ctx.options.maxObjects) }), module });
        if (!ok(answer) || !Array.isArray(answer.envelope?.data)) throw new Error(`GET ${new URLSearchParams(query)}: ${describeAnswer(answer)}`);
        return { objects: answer.envelope.data as unknown[], total: totalOf(answer) };
      };
      const after = await read({ date_from: ocpiTime(newest + 1000) });
      if (after.objects.length > 0) problems.push(`date_from after the newest last_updated still gave ${after.objects.length} objects`);
      const fromNewest = await read({ date_from: ocpiTime(newest) });
      if (fromNewest.objects.length === 0) problems.push('date_from equal to the newest last_updated gave nothing (it is inclusive)');
      if (fromNewest.objects.some((o) => lastUpdated(o) < newest)) problems.push('date_from gave objects last updated before it');
      const before = await read({ date_to: ocpiTime(oldest), date_from: '1970-01-01T00:00:00Z' });
      if (before.objects.length > 0) problems.push(`date_to equal to the oldest last_updated still gave ${before.objects.length} objects (it is exclusive)`);
      return problems;
    }),
};

const objectsValid: Check = {
  id: 'objects.valid',
  title: 'Every object of every list is valid (each invalid one named, with its fields)',
  section: 'transport_and_format "GET"; the Object description of each module',
  phase: 'read',
  run: (ctx) =>
    overLists(ctx, async (module, url) => {
      const type = typeOfModule('2.2.1', module);
      if (!type) return [];
      const all = await walk(ctx, module, url);
      return all.objects.flatMap((object, index) => {
        const accepted = acceptedAs(type.schema, type.name, object);
        return 'refused' in accepted ? [`${type.name} ${identityOf(module, object) ?? `#${index}`}: ${accepted.refused}`] : [];
      });
    }),
};

const objectsStrict: Check = {
  id: 'objects.strict',
  title: 'Every object is sent strictly: DateTimes in UTC with Z, open enum values among the known ones (else accepted with a warning)',
  section: 'types "DateTime type"; the OpenAPI open-enums (2.3.0 types "OpenEnum type")',
  phase: 'read',
  async run(ctx) {
    const tolerated: string[] = [];
    const outcome = await overLists(ctx, async (module, url) => {
      const type = typeOfModule('2.2.1', module);
      if (!type) return [];
      for (const object of (await walk(ctx, module, url)).objects) {
        const accepted = acceptedAs(type.schema, type.name, object);
        if ('tolerated' in accepted) tolerated.push(...accepted.tolerated.map((t) => `${identityOf(module, object) ?? ''} ${t}`.trim()));
      }
      return [];
    });
    if (outcome.status !== 'pass' || tolerated.length === 0) return outcome;
    return warn(`accepted with a warning: ${tolerated.slice(0, 5).join('; ')}${tolerated.length > 5 ? `; (+${tolerated.length - 5} more)` : ''}`);
  },
};

const objectsIds: Check = {
  id: 'objects.ids',
  title: 'Object ids are unique in a list; a single-object GET answers the same object, an unknown id HTTP 404',
  section: 'transport_and_format "Client Owned Object Pull"; mod_locations "GET Method"',
  phase: 'read',
  run: (ctx) =>
    overLists(ctx, async (module, url) => {
      const all = await walk(ctx, module, url);
      const problems: string[] = [];
      const seen = new Set<string>();
      for (const object of all.objects) {
        const id = identityOf(module, object);
        if (id === undefined) continue;
        if (seen.has(id)) problems.push(`${id} is served twice`);
        seen.add(id);
      }
      if (module === 'locations') {
        for (const object of all.objects.slice(0, 3)) {
          const id = idOf(object) as string;
          const owner = object as { country_code: string; party_id: string };
          const to = { country_code: owner.country_code, party_id: owner.party_id };
          const answer = await send(ctx, { method: 'GET', url: `${url.replace(/\/+$/, '')}/${encodeURIComponent(id)}`, module, to });
          if (!ok(answer)) problems.push(`GET Location ${id}: ${describeAnswer(answer)}`);
          else if (JSON.stringify(answer.envelope?.data) !== JSON.stringify(object)) problems.push(`GET Location ${id} differs from the list's copy`);
        }
        const owner = ownerOf(all.objects[0]) ?? (await receiverOf(ctx, module, 'SENDER'));
        const unknown = await send(ctx, { method: 'GET', url: `${url.replace(/\/+$/, '')}/CONFORMANCE-UNKNOWN-ID`, module, ...(owner ? { to: owner } : {}) });
        if (unknown.status !== 404) problems.push(`GET of an unknown Location: ${describeAnswer(unknown)}, expected HTTP 404 (status_codes)`);
      }
      return problems;
    }),
};

const tokensAuthorize: Check = {
  id: 'tokens.authorize',
  title: 'Real-time authorization answers a valid AuthorizationInfo; an unknown Token gets 2004',
  section: 'mod_tokens "Real-time authorization", "POST Method"',
  phase: 'read',
  async run(ctx) {
    const url = endpointOf(ctx, 'tokens', 'SENDER');
    if (!url || !ctx.partner) return skip('the partner has no tokens Sender interface');
    const all = await walk(ctx, 'tokens', url);
    const token = all.objects[0] as { uid: string; type: string } | undefined;
    if (!token) return skip('the partner lists no Tokens');
    const base = url.replace(/\/+$/, '');
    const problems: string[] = [];
    // To the eMSP that owns the Token (through a hub too).
    const owner = ownerOf(token);
    const to = owner ? { to: owner } : {};
    const known = await send(ctx, { method: 'POST', url: `${base}/${encodeURIComponent(token.uid)}/authorize?type=${token.type}`, module: 'tokens', ...to });
    if (!ok(known)) problems.push(`authorize ${token.uid}: ${describeAnswer(known)}`);
    else {
      const problem = issuesOf(AuthorizationInfo, known.envelope?.data);
      if (problem) problems.push(`invalid AuthorizationInfo: ${problem}`);
    }
    const unknown = await send(ctx, { method: 'POST', url: `${base}/CONFORMANCE-UNKNOWN/authorize?type=RFID`, module: 'tokens', ...to });
    if (unknown.envelope?.status_code !== 2004) problems.push(`authorize of an unknown Token: ${describeAnswer(unknown)}, expected status 2004`);
    return verdict(problems);
  },
};

const hubRouting: Check = {
  id: 'routing.hub',
  title: 'Through a hub: OCPI-to a party it does not connect gets 4001, OCPI-from a party we do not act for 2001, a GET All is answered from the hub',
  section: 'transport_and_format "Message Routing", "GET All via Hubs"; status_codes "4xxx: Hub errors"',
  phase: 'read',
  async run(ctx) {
    if (!ctx.partner) return skip('no credentials for the partner');
    const hub = ctx.partner.roles.find((r) => r.role === 'HUB');
    if (!hub || !isHub(ctx)) return skip('the partner is not a hub');
    const list = senderLists(ctx).find((l) => l.module !== 'hubclientinfo');
    if (!list) return skip('the hub offers no Sender list');
    const url = listUrl(list.module, list.url, { limit: 1 });
    const nobody = { country_code: 'ZZ', party_id: 'ZZZ' };
    const problems: string[] = [];
    const unknown = await send(ctx, { method: 'GET', url, module: list.module, to: nobody });
    if (unknown.envelope?.status_code !== 4001) problems.push(`OCPI-to ZZ*ZZZ: ${describeAnswer(unknown)}, expected status 4001`);
    const forged = await send(ctx, { method: 'GET', url, module: list.module, from: nobody, to: hub });
    if (forged.envelope?.status_code !== 2001) problems.push(`OCPI-from ZZ*ZZZ: ${describeAnswer(forged)}, expected status 2001`);
    const all = await send(ctx, { method: 'GET', url, module: list.module, to: hub });
    const from = `${all.headers.get('ocpi-from-country-code')}*${all.headers.get('ocpi-from-party-id')}`.toUpperCase();
    if (!ok(all)) problems.push(`GET All of ${list.module}: ${describeAnswer(all)}`);
    else if (from !== `${hub.country_code}*${hub.party_id}`.toUpperCase()) problems.push(`GET All answered OCPI-from ${from}, expected the hub`);
    return verdict(problems, list.module);
  },
};

// ------------------------------------------------------------------------------------------------
// Writing
// ------------------------------------------------------------------------------------------------

const needsWrite = (ctx: RunContext): Outcome | undefined =>
  !ctx.options.write ? skip('write-path checks run with --write') : !ctx.partner ? skip('no credentials for the partner') : undefined;

/** A test object of ours per receiver module, with its URL path, a PATCH and how to read the PATCH back. */
function roundTrips(ctx: RunContext, emsp: { country_code: string; party_id: string } | undefined) {
  const now = ocpiTime();
  const ours = { country_code: ctx.ours.country_code, party_id: ctx.ours.party_id };
  emsp ??= ours;
  const location = sampleLocation(ours, 9001, now, 'CONF');
  const token = sampleToken(ours, 9001, now, 'CONF');
  const driver = cdrTokenOf(sampleToken(emsp, 9001, now, 'CONF'));
  const evse = location.evses?.[0]?.uid as string;
  return [
    {
      module: 'locations',
      path: [location.id],
      object: location,
      patch: { path: [location.id, evse], body: { status: 'CHARGING', last_updated: now }, read: (o: any) => o?.status === 'CHARGING' },
    },
    {
      module: 'tokens',
      path: [token.uid],
      query: '?type=APP_USER',
      object: token,
      patch: { path: [token.uid], body: { valid: false, last_updated: now }, read: (o: any) => o?.valid === false },
    },
    {
      module: 'sessions',
      path: ['CONF-SESSION-1'],
      object: sampleSession(ours, 'CONF-SESSION-1', driver, location, now),
      patch: { path: ['CONF-SESSION-1'], body: { kwh: 20, last_updated: now }, read: (o: any) => o?.kwh === 20 },
    },
    { module: 'tariffs', path: ['CONF-TARIFF-1'], object: sampleTariff(ours, 'CONF-TARIFF-1', now), remove: true },
    { module: 'cdrs', post: true, object: sampleCdr(ours, 'CONF-CDR-1', driver, location, now) },
  ] as const;
}

const receiversRoundTrip: Check = {
  id: 'receivers.round-trip',
  title: 'Objects we push to the Receiver interfaces (PUT, PATCH, POST, DELETE) read back as pushed',
  section: 'transport_and_format "Client Owned Object Push"; the Receiver Interface of each module',
  phase: 'write',
  async run(ctx) {
    const blocked = needsWrite(ctx);
    if (blocked) return blocked;
    const problems: string[] = [];
    const done: string[] = [];
    for (const trip of roundTrips(ctx, await receiverOf(ctx, 'sessions', 'RECEIVER'))) {
      const base = endpointOf(ctx, trip.module, 'RECEIVER')?.replace(/\/+$/, '');
      if (!base) continue;
      done.push(trip.module);
      const receiver = await receiverOf(ctx, trip.module, 'RECEIVER');
      const routed = receiver ? { to: receiver } : {};
      const query = 'query' in trip ? trip.query : '';
      const at = (path: readonly string[]) => `${base}/${[ctx.ours.country_code, ctx.ours.party_id, ...path].map(encodeURIComponent).join('/')}${query}`;
      if ('post' in trip) {
        const posted = await send(ctx, { method: 'POST', url: base, body: trip.object, module: trip.module, ...routed });
        if (!ok(posted)) {
          problems.push(`${trip.module}: POST: ${describeAnswer(posted)}`);
          continue;
        }
        const location = posted.headers.get('location');
        if (!location) {
          problems.push(`${trip.module}: POST answered no Location header`);
          continue;
        }
        const read = await send(ctx, { method: 'GET', url: new URL(location, base).toString(), module: trip.module, ...routed });
        if (!ok(read) || !holds(read.envelope?.data, trip.object))
          problems.push(`${trip.module}: GET ${location} does not answer the CDR posted (${describeAnswer(read)})`);
        continue;
      }
      const put = await send(ctx, { method: 'PUT', url: at(trip.path), body: trip.object, module: trip.module, ...routed });
      if (!ok(put) || (put.status !== 200 && put.status !== 201)) {
        problems.push(`${trip.module}: PUT: ${describeAnswer(put)}`);
        continue;
      }
      const read = await send(ctx, { method: 'GET', url: at(trip.path), module: trip.module, ...routed });
      if (!ok(read) || !holds(read.envelope?.data, trip.object))
        problems.push(`${trip.module}: GET after PUT does not answer the object put (${describeAnswer(read)})`);
      if ('patch' in trip) {
        const patched = await send(ctx, { method: 'PATCH', url: at(trip.patch.path), body: trip.patch.body, module: trip.module, ...routed });
        if (!ok(patched)) problems.push(`${trip.module}: PATCH: ${describeAnswer(patched)}`);
        const again = await send(ctx, { method: 'GET', url: at(trip.patch.path), module: trip.module, ...routed });
        if (!ok(again) || !trip.patch.read(again.envelope?.data)) problems.push(`${trip.module}: GET after PATCH does not show the change`);
      }
      if ('remove' in trip) {
        const removed = await send(ctx, { method: 'DELETE', url: at(trip.path), module: trip.module, ...routed });
        if (!ok(removed)) problems.push(`${trip.module}: DELETE: ${describeAnswer(removed)}`);
        const gone = await send(ctx, { method: 'GET', url: at(trip.path), module: trip.module, ...routed });
        if (gone.status !== 404) problems.push(`${trip.module}: GET after DELETE: ${describeAnswer(gone)}, expected HTTP 404`);
      }
    }
    return done.length === 0 ? skip('the partner has no Receiver interface we push to') : verdict(problems, done.join(', '));
  },
};

const receiversErrors: Check = {
  id: 'receivers.errors',
  title: 'Bad pushes are refused as the spec says: no JSON or no body HTTP 400, an invalid object or a wrong id 2001, an unknown object 404',
  section: 'status_codes; transport_and_format "Client Owned Object Push", Errors',
  phase: 'write',
  async run(ctx) {
    const blocked = needsWrite(ctx);
    if (blocked) return blocked;
    const trip = roundTrips(ctx, undefined).find((t) => !('post' in t) && endpointOf(ctx, t.module, 'RECEIVER'));
    if (!trip || 'post' in trip) return skip('the partner has no Receiver interface we push to');
    const receiver = await receiverOf(ctx, trip.module, 'RECEIVER');
    const routed = receiver ? { to: receiver } : {};
    const base = (endpointOf(ctx, trip.module, 'RECEIVER') as string).replace(/\/+$/, '');
    const query = 'query' in trip ? trip.query : '';
    const url = (id: string) => `${base}/${ctx.ours.country_code}/${ctx.ours.party_id}/${id}${query}`;
    const object = trip.object as unknown as Record<string, unknown>;
    const idField = 'uid' in object ? 'uid' : 'id';
    const problems: string[] = [];
    const expect = async (what: string, answer: Promise<Answer>, wanted: (a: Answer) => boolean, expected: string) => {
      const got = await answer;
      if (!wanted(got)) problems.push(`${what}: ${describeAnswer(got)}, expected ${expected}`);
    };
    await expect(
      'a body that is not JSON',
      send(ctx, { method: 'PUT', url: url('CONF-ERR-1'), body: '{"id": ', module: trip.module, ...routed }),
      (a) => a.status === 400,
      'HTTP 400',
    );
    await expect(
      'an empty body',
      send(ctx, { method: 'PUT', url: url('CONF-ERR-1'), body: '', module: trip.module, ...routed }),
      (a) => a.status === 400,
      'HTTP 400',
    );
    const { last_updated: _dropped, ...incomplete } = object;
    await expect(
      'an object without last_updated',
      send(ctx, { method: 'PUT', url: url(String(object[idField])), body: incomplete, module: trip.module, ...routed }),
      (a) => a.status === 200 && a.envelope?.status_code === 2001,
      'HTTP 200 with 2001',
    );
    await expect(
      'an id in the body other than in the URL',
      send(ctx, { method: 'PUT', url: url('CONF-ERR-OTHER'), body: object, module: trip.module, ...routed }),
      (a) => a.envelope?.status_code === 2001,
      'status 2001',
    );
    await expect(
      'a GET of an object never pushed',
      send(ctx, { method: 'GET', url: url('CONF-NEVER-PUSHED'), module: trip.module, ...routed }),
      (a) => a.status === 404,
      'HTTP 404',
    );
    return verdict(problems, trip.module);
  },
};

const RESULT_WAIT_MS = 30_000;

const commandsFlow: Check = {
  id: 'commands.flow',
  title: 'RESERVE_NOW and CANCEL_RESERVATION: a valid CommandResponse, then the CommandResult posted to our response_url',
  section: 'mod_commands "Flow", "POST Method"',
  phase: 'write',
  async run(ctx) {
    const blocked = needsWrite(ctx);
    if (blocked) return blocked;
    if (!endpointOf(ctx, 'commands', 'RECEIVER')) return skip('the partner has no commands Receiver interface');
    const receiver = ctx.own?.commandResults;
    if (!ctx.own || !receiver || !ctx.options.tokenA) return skip('results need our own node as an eMSP, registered in this run (--token-a)');
    const locationsUrl = endpointOf(ctx, 'locations', 'SENDER');
    const locations = locationsUrl ? (await walk(ctx, 'locations', locationsUrl)).objects : [];
    const location = locations.find((l) => (l as { evses?: unknown[] }).evses?.length) as
      | { id: string; country_code: string; party_id: string; evses: { uid: string }[] }
      | undefined;
    if (!location) return skip('the partner lists no Location with an EVSE');
    const client = ctx.own.client.forPartner(ctx.partner as NonNullable<typeof ctx.partner>);
    const to = { country_code: location.country_code, party_id: location.party_id };
    const results = { receiver, node: ctx.own.server.node, timeoutMs: RESULT_WAIT_MS };
    const problems: string[] = [];
    const reservationId = `CONF-${crypto.randomUUID().slice(0, 8)}`;
    const token = sampleToken(ctx.ours, 1, ocpiTime(), 'CONF');
    const flows = [
      () =>
        client.sendCommand(
          'RESERVE_NOW',
          {
            token,
            expiry_date: ocpiTime(Date.now() + 15 * 60_000),
            reservation_id: reservationId,
            location_id: location.id,
            evse_uid: location.evses[0]?.uid as string,
          },
          { results, to },
        ),
      () => client.sendCommand('CANCEL_RESERVATION', { reservation_id: reservationId }, { results, to }),
    ] as const;
    const seen: string[] = [];
    for (const [index, flow] of flows.entries()) {
      const name = index === 0 ? 'RESERVE_NOW' : 'CANCEL_RESERVATION';
      const sent = await flow();
      const problem = issuesOf(CommandResponse, sent.response);
      if (problem) {
        problems.push(`${name}: invalid CommandResponse: ${problem}`);
        continue;
      }
      if (!(sent.response.timeout > 0)) problems.push(`${name}: CommandResponse.timeout is ${sent.response.timeout}`);
      seen.push(`${name} ${sent.response.result}`);
      if (!sent.result) continue;
      const result = await sent.result;
      const invalid = issuesOf(CommandResult, result);
      if (invalid) problems.push(`${name}: invalid CommandResult: ${invalid}`);
      else if (result.result === 'TIMEOUT' && result.message?.[0]?.text.startsWith('No CommandResult received'))
        problems.push(`${name}: no CommandResult came within ${RESULT_WAIT_MS / 1000} s`);
      else seen.push(`→ ${result.result}`);
    }
    return verdict(problems, seen.join(', '));
  },
};

const commandsErrors: Check = {
  id: 'commands.errors',
  title: 'START_SESSION at an unknown Location is refused (2003, or REJECTED) and starts nothing',
  section: 'status_codes "2003 Unknown Location"; mod_commands "CommandResponseType"',
  phase: 'write',
  async run(ctx) {
    const blocked = needsWrite(ctx);
    if (blocked) return blocked;
    const url = endpointOf(ctx, 'commands', 'RECEIVER');
    if (!url) return skip('the partner has no commands Receiver interface');
    const responseUrl = `${ctx.own?.server.node.baseUrl ?? 'https://ocpi-conformance.invalid/ocpi'}/2.2.1/sender/commands/START_SESSION/unknown-location-check`;
    const body = { response_url: responseUrl, token: sampleToken(ctx.ours, 1, ocpiTime(), 'CONF'), location_id: 'CONFORMANCE-UNKNOWN' };
    const cpo = await receiverOf(ctx, 'commands', 'RECEIVER');
    const answer = await send(ctx, { method: 'POST', url: `${url.replace(/\/+$/, '')}/START_SESSION`, body, module: 'commands', ...(cpo ? { to: cpo } : {}) });
    if (answer.envelope?.status_code === 2003 && answer.status === 200) return pass('2003');
    // Without our own node the response_url is an address that does not exist; a partner may refuse it
    // (2001) before it looks at the Location, which is a right answer too, but says nothing of 2003.
    if (!ctx.own && answer.envelope?.status_code === 2001 && /response_url/.test(String(answer.envelope.status_message ?? ''))) {
      return skip('the partner refused our response_url before looking at the Location: without our own node (--token-a) there is no address of ours to give');
    }
    const result = (answer.envelope?.data as { result?: string } | undefined)?.result;
    if (ok(answer) && (result === 'REJECTED' || result === 'NOT_SUPPORTED')) return pass(result);
    return fail(`${describeAnswer(answer)}${result ? `, result ${result}` : ''}; expected HTTP 200 with 2003 (or a REJECTED CommandResponse)`);
  },
};

const credentialsRotate: Check = {
  id: 'credentials.rotate',
  title: 'Token rotation (PUT credentials): the new token works, the old one gets 401',
  section: 'credentials "Updating the credentials and resetting the credentials token", "PUT Method"',
  phase: 'write',
  async run(ctx) {
    const blocked = needsWrite(ctx);
    if (blocked) return blocked;
    if (!ctx.own || !ctx.partner || !ctx.options.tokenA) return skip('rotation needs the registration of this run (--token-a)');
    const old = ctx.partner.outboundToken as string;
    ctx.partner = await ctx.own.registry.updateCredentials(ctx.partner.id);
    const problems: string[] = [];
    if (ctx.partner.outboundToken === old) problems.push('the partner answered the same token');
    const withOld = await send(ctx, { method: 'GET', url: ctx.options.versionsUrl, token: old });
    if (withOld.status !== 401) problems.push(`the old token still works: GET versions answered HTTP ${withOld.status}`);
    const withNew = await send(ctx, { method: 'GET', url: ctx.options.versionsUrl });
    if (!ok(withNew)) problems.push(`the new token does not work: ${describeAnswer(withNew)}`);
    return verdict(problems);
  },
};

const credentialsUnregister: Check = {
  id: 'credentials.unregister',
  title: 'DELETE credentials ends the registration: the token gets 401 afterwards',
  section: 'credentials "DELETE Method"',
  phase: 'handshake',
  async run(ctx) {
    if (!ctx.own || !ctx.partner || !ctx.options.tokenA) return skip('no registration of this run to end');
    const token = ctx.partner.outboundToken as string;
    await ctx.own.registry.unregister(ctx.partner.id);
    const after = await send(ctx, { method: 'GET', url: ctx.options.versionsUrl, token });
    return after.status === 401 ? pass() : fail(`after DELETE the token still works: GET versions answered HTTP ${after.status}`);
  },
};

// ------------------------------------------------------------------------------------------------
// Transport, over every exchange of the run
// ------------------------------------------------------------------------------------------------

/** The exchanges the transport checks judge: answered, and not server errors (those have their own check). */
const answered = (ctx: RunContext) => ctx.probe.exchanges.filter((e) => e.status !== undefined && e.status < 500);
const where = (e: Exchange) => `${e.method} ${e.url.replace(/^https?:\/\/[^/]+/, '')} (${e.check})`;

function overExchanges(list: readonly Exchange[], problem: (e: Exchange) => string | undefined, passed?: string): Outcome {
  const problems = list.flatMap((e) => {
    const found = problem(e);
    return found ? [`${where(e)}: ${found}`] : [];
  });
  return verdict(problems, passed ?? `${list.length} answers`);
}

const serverErrors: Check = {
  id: 'http.server-errors',
  title: 'No answer is an HTTP 5xx (each was retried once; see the check that met it)',
  section: 'status_codes',
  phase: 'transport',
  run: async (ctx) => overExchanges(ctx.probe.exchanges, (e) => (e.status !== undefined && e.status >= 500 ? `HTTP ${e.status}` : undefined)),
};

const timeouts: Check = {
  id: 'http.timeouts',
  title: 'Every request is answered within the time limit (--timeout; each was retried once)',
  section: 'transport_and_format (a partner that does not answer cannot be used)',
  phase: 'transport',
  run: async (ctx) => overExchanges(ctx.probe.exchanges, (e) => (e.failure ? (e.detail ?? e.failure) : undefined)),
};

const latency: Check = {
  id: 'http.latency',
  title: 'Every answer comes within --max-latency',
  section: 'no spec limit: the operator sets it (--max-latency)',
  phase: 'transport',
  run: async (ctx) =>
    overExchanges(answered(ctx), (e) => (e.ms > ctx.options.maxLatencyMs ? `${Math.round(e.ms)} ms (limit ${ctx.options.maxLatencyMs} ms)` : undefined)),
};

const envelopeFormat: Check = {
  id: 'envelope.format',
  title: 'Every answer is an OCPI envelope: integer status_code, DateTime timestamp, JSON content type',
  section: 'transport_and_format "Response format"',
  phase: 'transport',
  run: async (ctx) =>
    overExchanges(answered(ctx), (e) => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(e.text ?? '');
      } catch {
        // A transport error (4xx) may come before the OCPI layer, without an envelope (status_codes).
        return e.status !== undefined && e.status >= 400 ? undefined : 'the body is not JSON';
      }
      const problem = issuesOf(AnyResponseEnvelope, parsed);
      if (problem) return `not an OCPI envelope: ${problem}`;
      return /application\/json/i.test(e.headers?.['content-type'] ?? '') ? undefined : `Content-Type ${e.headers?.['content-type'] ?? '(none)'}`;
    }),
};

const requestIds: Check = {
  id: 'headers.request-ids',
  title: 'Every answer repeats the X-Request-ID and X-Correlation-ID of its request',
  section: 'transport_and_format "Unique message IDs"',
  phase: 'transport',
  run: async (ctx) =>
    overExchanges(
      answered(ctx).filter((e) => e.sent['x-request-id']),
      (e) =>
        e.headers?.['x-request-id'] !== e.sent['x-request-id']
          ? `X-Request-ID ${e.headers?.['x-request-id'] ?? '(none)'}`
          : e.headers?.['x-correlation-id'] !== e.sent['x-correlation-id']
            ? `X-Correlation-ID ${e.headers?.['x-correlation-id'] ?? '(none)'}`
            : undefined,
    ),
};

const routingHeaders: Check = {
  id: 'routing.response-headers',
  title: 'Answers to functional modules are routed back: OCPI-to us, OCPI-from the party addressed; none on configuration modules',
  section: 'transport_and_format "Message Routing Headers", "Party to Party"',
  phase: 'transport',
  run: async (ctx) => {
    const party = (h: Record<string, string> | undefined, side: 'from' | 'to') =>
      h?.[`ocpi-${side}-country-code`] === undefined ? undefined : `${h[`ocpi-${side}-country-code`]}*${h[`ocpi-${side}-party-id`]}`.toUpperCase();
    const configuration = (ctx.endpoints ?? []).filter((e) => e.identifier === 'credentials' || e.identifier === 'hubclientinfo').map((e) => e.url);
    const hubs = new Set((ctx.partner?.roles ?? []).filter((r) => r.role === 'HUB').map((r) => `${r.country_code}*${r.party_id}`.toUpperCase()));
    return overExchanges(answered(ctx), (e) => {
      const routed = party(e.sent, 'from') !== undefined;
      const toAnswer = party(e.headers, 'to');
      const fromAnswer = party(e.headers, 'from');
      if (configuration.some((url) => e.url.startsWith(url))) return toAnswer || fromAnswer ? 'routing headers on a configuration module' : undefined;
      if (!routed) return undefined;
      // Our own party is right too: a refusal of a forged OCPI-from (routing.hub) goes to the party we are.
      const ours = `${ctx.ours.country_code}*${ctx.ours.party_id}`.toUpperCase();
      if (toAnswer !== undefined && toAnswer !== party(e.sent, 'from') && toAnswer !== ours) return `OCPI-to ${toAnswer}, expected ${party(e.sent, 'from')}`;
      const addressed = party(e.sent, 'to');
      // Through a hub: addressed to the hub itself (Broadcast Push, GET All, Open Routing Request) the
      // answer comes from the hub or the party it chose; a request the hub refuses itself, from the hub.
      const viaHub = hubs.has(addressed ?? '') || hubs.has(fromAnswer ?? '');
      if (fromAnswer !== undefined && addressed !== undefined && fromAnswer !== addressed && !viaHub) return `OCPI-from ${fromAnswer}, expected ${addressed}`;
      return undefined;
    });
  },
};

const clock: Check = {
  id: 'envelope.clock',
  title: "Envelope timestamps are within --max-skew of our clock (the partner's clock is right)",
  section: 'transport_and_format "Response format" (timestamp); types "DateTime"',
  phase: 'transport',
  run: async (ctx) =>
    overExchanges(answered(ctx), (e) => {
      let timestamp: unknown;
      try {
        timestamp = (JSON.parse(e.text ?? '') as { timestamp?: unknown }).timestamp;
      } catch {
        return undefined;
      }
      const time = typeof timestamp === 'string' ? Date.parse(/(Z|[+-]\d{2}:\d{2})$/i.test(timestamp) ? timestamp : `${timestamp}Z`) : Number.NaN;
      if (Number.isNaN(time)) return undefined;
      const skew = Math.round((time - e.at) / 1000);
      return Math.abs(skew) > ctx.options.maxSkewSeconds
        ? `timestamp ${String(timestamp)} is ${skew} s off (limit ${ctx.options.maxSkewSeconds} s)`
        : undefined;
    }),
};

/** Every check, in the order it runs. */
export const CHECKS: readonly Check[] = [
  versionsList,
  versionDetails,
  authBase64,
  register,
  credentialsGet,
  authRefused,
  paginationHeaders,
  paginationOffset,
  paginationLink,
  paginationTotal,
  paginationDates,
  objectsValid,
  objectsStrict,
  objectsIds,
  tokensAuthorize,
  hubRouting,
  receiversRoundTrip,
  receiversErrors,
  commandsFlow,
  commandsErrors,
  credentialsRotate,
  credentialsUnregister,
  serverErrors,
  timeouts,
  latency,
  envelopeFormat,
  requestIds,
  routingHeaders,
  clock,
];
