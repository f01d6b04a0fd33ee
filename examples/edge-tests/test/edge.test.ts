/**
 * The CPO example on Bun, Deno and Cloudflare Workers (workerd, through Miniflare) answers every HTTP
 * case exactly as the same node on Node does: same status, same headers, same body bytes (the envelope
 * timestamp aside). In workerd, code generation from strings is refused: the precompiled validators
 * carry the validation there, with the same 2001 messages as ajv on Node.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Answer, CASES, runCases } from './cases.js';
import { probeCodeGeneration } from './codegen-probe.js';
import { type RunningNode, startBun, startDeno, startNode, startWorkerd } from './runtimes.js';

/** The public URL every node is configured with: Link headers and endpoint URLs are the same everywhere. */
const BASE_URL = 'https://cpo.example.com/ocpi';

const STARTERS = { node: startNode, bun: startBun, deno: startDeno, workerd: startWorkerd } as const;
type Runtime = keyof typeof STARTERS;
const EDGE_RUNTIMES = ['bun', 'deno', 'workerd'] as const;

const nodes: Partial<Record<Runtime, RunningNode>> = {};
const answers: Partial<Record<Runtime, Answer[]>> = {};

beforeAll(async () => {
  // One after the other: the start-up times are each runtime's own, not a race for the CPU.
  for (const runtime of Object.keys(STARTERS) as Runtime[]) nodes[runtime] = await STARTERS[runtime](BASE_URL);
  const timings = (Object.keys(STARTERS) as Runtime[]).map((runtime) => `${runtime} ${nodes[runtime]?.startupMs} ms`);
  console.log(`edge runtimes up (start to first answer): ${timings.join(', ')}`);
  for (const runtime of Object.keys(STARTERS) as Runtime[]) answers[runtime] = await runCases((nodes[runtime] as RunningNode).origin);
}, 60_000);

afterAll(async () => {
  await Promise.all(Object.values(nodes).map((node) => node.stop()));
});

const answerTo = (runtime: Runtime, name: string): Answer => {
  const index = CASES.findIndex((c) => c.name === name);
  const answer = answers[runtime]?.[index];
  if (!answer) throw new Error(`no answer from ${runtime} to '${name}'`);
  return answer;
};
const envelope = (answer: Answer) => JSON.parse(answer.body) as { status_code: number; status_message?: string; data?: unknown };

describe('the CPO example on Node (the reference)', () => {
  it('answers versions with 200 and 1000, and without a token with 401', () => {
    expect(answerTo('node', 'versions').status).toBe(200);
    expect(envelope(answerTo('node', 'versions'))).toMatchObject({ status_code: 1000, data: [{ version: '2.2.1', url: `${BASE_URL}/2.2.1` }] });
    expect(answerTo('node', 'no token').status).toBe(401);
    expect(answerTo('node', 'unknown token').status).toBe(401);
  });

  it('pages the five seeded Locations with Link, X-Total-Count and X-Limit', () => {
    const first = answerTo('node', 'locations, first page');
    expect(first.status).toBe(200);
    expect(first.headers).toMatchObject({
      link: `<${BASE_URL}/2.2.1/sender/locations?offset=2&limit=2>; rel="next"`,
      'x-total-count': '5',
      'x-limit': '2',
    });
    expect((envelope(first).data as { id: string }[]).map((l) => l.id)).toEqual(['LOC1', 'LOC2']);
    expect(answerTo('node', 'locations, middle page').headers.link).toBe(`<${BASE_URL}/2.2.1/sender/locations?offset=4&limit=2>; rel="next"`);
    const last = answerTo('node', 'locations, last page');
    expect(last.headers.link).toBeUndefined();
    expect((envelope(last).data as { id: string }[]).map((l) => l.id)).toEqual(['LOC5']);
  });

  it('takes a valid Location (201), keeps it, and applies a PATCH', () => {
    expect(answerTo('node', 'PUT a valid location').status).toBe(201);
    expect(envelope(answerTo('node', 'GET it back'))).toMatchObject({ status_code: 1000, data: { id: 'PX1', party_id: 'CPX' } });
    expect(answerTo('node', 'PATCH an EVSE').status).toBe(200);
  });

  it('refuses an invalid Location with 2001 naming the fields (HTTP 200, as status_codes.asciidoc wants), and invalid JSON with 400', () => {
    const invalid = answerTo('node', 'PUT an invalid location');
    expect(invalid.status).toBe(200);
    expect(envelope(invalid).status_code).toBe(2001);
    expect(envelope(invalid).status_message).toBe(
      'Invalid Location: /address: is required; /publish: must be a boolean; /coordinates/latitude: must be a latitude in decimal degrees with 5 to 7 decimals (e.g. 51.047599)',
    );
    const json = answerTo('node', 'PUT invalid JSON');
    expect(json.status).toBe(400);
    expect(envelope(json).status_message).toBe('Request body is not valid JSON');
  });

  it('validates with the precompiled validators, ajv being available as well', () => {
    const probe = probeCodeGeneration();
    expect(probe.canGenerateCode).toBe(true);
    expect(probe.newFunction).toBe('ok: 42');
    expect(probe.autoFactoryOnLocation).toBe(probe.ajvFactory);
    expect(probe.autoFactoryOnCustomSchema).toBe('ok: /reservation_id: must be a string');
  });
});

describe.each(EDGE_RUNTIMES)('the CPO example on %s', (runtime) => {
  it.each(CASES.map((c) => c.name))('answers "%s" exactly as on Node', (name) => {
    expect(answerTo(runtime, name)).toEqual(answerTo('node', name));
  });
});

describe('in workerd', () => {
  it('code generation from strings is refused, so ajv cannot compile there', async () => {
    const probe = (await (nodes.workerd as RunningNode).probe?.()) as ReturnType<typeof probeCodeGeneration>;
    expect(probe.newFunction).toMatch(/^EvalError: Code generation from strings disallowed/);
    expect(probe.canGenerateCode).toBe(false);
    expect(probe.ajvFactory).toMatch(/^EvalError: Code generation from strings disallowed/);
  });

  it('the precompiled validators give the same 2001 message as ajv on Node, and a custom schema gets a clear error', async () => {
    const probe = (await (nodes.workerd as RunningNode).probe?.()) as ReturnType<typeof probeCodeGeneration>;
    const onNode = probeCodeGeneration();
    expect(probe.autoFactoryOnLocation).toBe(onNode.ajvFactory);
    expect(probe.autoFactoryOnLocation).toContain('/publish: must be a boolean');
    expect(probe.autoFactoryOnCustomSchema).toMatch(
      /^PrecompiledSchemaMissingError: No precompiled validator for schema 'Reservation', and this runtime refuses code generation/,
    );
  });
});
