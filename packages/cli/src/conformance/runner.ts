// Runs every check of CHECKS against a partner, in order, and reports each with its spec section.
import type { CredentialsRole } from '@ocpi-ts/core';
import { partnerOf } from '../credentials-file.js';
import { startRoleNode } from '../node.js';
import { CHECKS, type CheckStatus, type Phase } from './checks.js';
import type { ConformanceOptions, RunContext } from './context.js';
import { createProbe } from './probe.js';

export interface CheckResult {
  id: string;
  title: string;
  section: string;
  phase: Phase;
  status: CheckStatus;
  detail?: string;
  ms: number;
}

export interface ConformanceReport {
  target: string;
  startedAt: string;
  seconds: number;
  /** The role and party we played. */
  ours: { role: string; party: string };
  /** The partner's parties, as its credentials named them. */
  partner: string[];
  write: boolean;
  summary: { passed: number; failed: number; skipped: number };
  checks: CheckResult[];
  /** The partner could not be read at all (no versions): scripts exit with 3 then. */
  unreachable: boolean;
}

/** Runs the checks; never throws for what the partner does (that is a failed check). */
export async function runConformance(options: ConformanceOptions): Promise<ConformanceReport> {
  const token = options.tokenA ?? options.tokenC;
  if (!token) throw new Error('Conformance needs a registration token (tokenA) or a credentials token (tokenC)');
  const timeoutMs = options.timeoutMs ?? 10_000;
  const probe = createProbe({ timeoutMs });
  const started = Date.now();
  const ctx: RunContext = {
    options: { maxLatencyMs: 5_000, maxSkewSeconds: 120, maxObjects: 2_000, ...options, timeoutMs },
    probe,
    token,
    encoding: 'base64',
    base64Refused: false,
    versions: undefined,
    endpoints: undefined,
    partner: undefined,
    ours: {
      role: options.ours?.role ?? 'EMSP',
      country_code: options.ours?.country_code ?? 'NL',
      party_id: options.ours?.party_id ?? 'CLI',
      business_details: { name: options.ours?.name ?? 'ocpi-ts conformance' },
    },
    own: undefined,
    incoming: [],
    walks: new Map(),
  };

  const results: CheckResult[] = [];
  try {
    for (const check of CHECKS) {
      if (check.phase === 'handshake' && !ctx.own && !ctx.partner && ctx.endpoints) await prepare(ctx, options);
      probe.current = check.id;
      const t0 = performance.now();
      let outcome: { status: CheckStatus; detail?: string };
      try {
        outcome = await check.run(ctx);
      } catch (error) {
        outcome = { status: 'fail', detail: error instanceof Error ? error.message : String(error) };
      }
      results.push({ id: check.id, title: check.title, section: check.section, phase: check.phase, ...outcome, ms: Math.round(performance.now() - t0) });
    }
  } finally {
    probe.current = 'cleanup';
    // A registration of this run that was not ended by its check is ended now, so the next run can register.
    const partner = ctx.partner ? await ctx.own?.store.partners.get(ctx.partner.id) : undefined;
    if (ctx.own && partner?.status === 'REGISTERED') await ctx.own.registry.unregister(partner.id).catch(() => undefined);
    await ctx.own?.close();
  }
  const count = (status: CheckStatus) => results.filter((r) => r.status === status).length;
  return {
    target: options.versionsUrl,
    startedAt: new Date(started).toISOString(),
    seconds: (Date.now() - started) / 1000,
    ours: { role: ctx.ours.role, party: `${ctx.ours.country_code}*${ctx.ours.party_id}` },
    partner: (ctx.partner?.roles ?? []).map((r) => `${r.country_code}*${r.party_id} ${r.role}`),
    write: options.write,
    summary: { passed: count('pass'), failed: count('fail'), skipped: count('skip') },
    checks: results,
    unreachable: ctx.versions === undefined,
  };
}

/** After discovery: our own node for the handshake (token A), or the partner from its token C. */
async function prepare(ctx: RunContext, options: ConformanceOptions): Promise<void> {
  const endpoints = ctx.endpoints ?? [];
  // The role opposite the partner's: an eMSP to a CPO (it sends Locations), a CPO to an eMSP.
  const role: CredentialsRole['role'] = options.ours?.role ?? (endpoints.some((e) => e.identifier === 'locations' && e.role === 'SENDER') ? 'EMSP' : 'CPO');
  ctx.ours = { ...ctx.ours, role };
  if (options.tokenA) {
    ctx.own = await startRoleNode({
      role,
      parties: [ctx.ours],
      ...(options.host ? { host: options.host } : {}),
      ...(options.port === undefined ? {} : { port: options.port }),
      ...(options.publicUrl ? { publicUrl: options.publicUrl } : {}),
      fetch: ctx.probe.fetch,
      timeoutMs: ctx.options.timeoutMs * 2 + 2_000,
      wrap: (handle) => (request) => {
        ctx.incoming.push({ method: request.method, url: request.url });
        return handle(request);
      },
    });
  } else if (options.tokenC) {
    ctx.partner = partnerOf({ versionsUrl: options.versionsUrl, version: '2.2.1', endpoints, token: options.tokenC, tokenEncoding: ctx.encoding, roles: [] });
  }
}
