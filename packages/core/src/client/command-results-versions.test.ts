// A command's asynchronous result comes in the partner's version: a 2.1.1 Charge Point answers with a
// 2.1.1 CommandResponse (mod_commands 2.1.1 "3.1 CommandResponse Object": a result only, whose values
// include UNKNOWN_SESSION) posted to the response_url, which our node validates and converts as 2.1.1.
import { describe, expect, it } from 'vitest';
import { createRegistrationToken } from '../credentials/registration-tokens.js';
import type { VersionLossEvent } from '../edges/losses.js';
import type { OcpiModule } from '../module.js';
import { type CredentialsRole, type Partner, partnerToken } from '../partners/partner.js';
import { testNodesClosedAfterEach } from '../testing/nodes.js';
import { createCommandResultReceiver } from './command-results.js';
import { OcpiClientError } from './errors.js';

const start = testNodesClosedAfterEach();
const CPO: CredentialsRole = { role: 'CPO', country_code: 'NL', party_id: 'OLD', business_details: { name: '2.1.1 CPO' } };
const EMSP: CredentialsRole = { role: 'EMSP', country_code: 'DE', party_id: 'MSP', business_details: { name: 'eMSP' } };

/** A 2.1.1 CPO's Commands interface as another implementation has it: answers `{ result }` and keeps the response_url. */
function oldCommandsReceiver(urls: string[]): OcpiModule {
  return {
    identifier: 'commands',
    role: 'RECEIVER',
    routes: [
      {
        method: 'POST',
        path: [':command'],
        handle(ctx) {
          urls.push((ctx.body as { response_url: string }).response_url);
          return { data: { result: 'ACCEPTED' } };
        },
      },
    ],
  };
}

describe('command results from a 2.1.1 Charge Point', () => {
  it('are taken at a 2.1.1 response_url in 2.1.1 shape and converted, a 2.2 shape refused naming the field', async () => {
    const urls: string[] = [];
    const cpo = await start({ parties: [CPO], versions: ['2.1.1'], modules: [oldCommandsReceiver(urls)] });
    const results = createCommandResultReceiver({ timeoutMs: 5_000 });
    const emsp = await start({ parties: [EMSP], versions: ['2.3.0', '2.1.1'], modules: [results.module] });
    const partner = await emsp.registry.register({ versionsUrl: cpo.versionsUrl, tokenA: partnerToken((await createRegistrationToken(cpo.store)).token) });
    expect(partner.version).toBe('2.1.1');
    const losses: VersionLossEvent[] = [];
    emsp.node.events.on('version.loss', (event) => {
      losses.push(event);
    });

    const sent = await emsp.client.forPartner(partner).sendCommand('STOP_SESSION', { session_id: 'S1' }, { results: { receiver: results, node: emsp.node } });
    // The 2.1.1 answer ({ result }) as the canonical CommandResponse: 2.1.1 gives no timeout.
    expect(sent.response).toEqual({ result: 'ACCEPTED', timeout: 30 });
    const [responseUrl] = urls as [string];
    expect(responseUrl).toMatch(new RegExp(`^${emsp.origin}/ocpi/2\\.1\\.1/emsp/commands/STOP_SESSION/[0-9a-f-]{36}$`));

    // The CPO posts with the token it holds for the eMSP, raw as 2.1.1 sends it, and no routing headers.
    const emspOfCpo = (await cpo.store.partners.list())[0] as Partner;
    expect(emspOfCpo.tokenEncoding).toBe('raw');
    const post = (body: unknown) =>
      cpo.client.request({ method: 'POST', url: responseUrl, token: emspOfCpo.outboundToken as never, encoding: emspOfCpo.tokenEncoding, body });

    // EVSE_OCCUPIED is a 2.2 CommandResultType, not a 2.1.1 CommandResponseType.
    const refused = await post({ result: 'EVSE_OCCUPIED' }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(OcpiClientError);
    expect(refused).toMatchObject({
      statusCode: 2001,
      statusMessage: expect.stringContaining('/result: must be one of NOT_SUPPORTED, REJECTED, ACCEPTED, UNKNOWN_SESSION, TIMEOUT'),
    });
    expect(results.waiting).toBe(1);

    await post({ result: 'UNKNOWN_SESSION' });
    // UNKNOWN_SESSION is no CommandResult from 2.2 on: REJECTED, and the narrowing reported.
    expect(await sent.result).toEqual({ result: 'REJECTED' });
    expect(results.waiting).toBe(0);
    expect(losses).toContainEqual(
      expect.objectContaining({ objectType: 'CommandResult', direction: 'from-partner', version: '2.1.1', field: '/result', kind: 'narrowed' }),
    );
  });
});
