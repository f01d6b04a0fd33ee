import { describe, expect, it } from 'vitest';
import { createCommandResultReceiver } from '../client/command-results.js';
import { commandsReceiver } from '../modules/commands.js';
import { STORE_MODULES } from '../modules/common.js';
import { hubClientInfoReceiver } from '../modules/hub-client-info.js';
import { locationsReceiver, locationsSender } from '../modules/locations.js';
import type { Location, Token } from '../schemas/v2.2.1/index.js';
import { createMemoryStore } from '../store/memory.js';
import { example } from '../testing/examples.js';
import { connect, eventually, networkClosedAfterEach, party } from '../testing/hub-network.js';
import { describeHubSweep } from '../testing/hub-sweep-cases.js';
import { HUB_MODULES, sweepHubRecords } from './sweep.js';

describeHubSweep('memory store', () => createMemoryStore());

// Over HTTP: what the hub writes while routing is what the sweep removes once done.
const start = networkClosedAfterEach();
const HUB = party('HUB', 'NL', 'HUB');
const CPA = party('CPO', 'NL', 'CPA');
const MSP = party('EMSP', 'DE', 'MSP');
const MINUTE = 60_000;
const CPA_REF = { country_code: 'NL', party_id: 'CPA' };

describe('the hub’s records after routing', () => {
  it('a delivered broadcast and a relayed command result go; the owner records of live objects stay', async () => {
    const hub = await start({ parties: [HUB], hub: true });
    const cpo = await start({
      parties: [CPA],
      hubParties: [HUB],
      modules: [
        locationsSender(),
        hubClientInfoReceiver(),
        commandsReceiver(
          { startSession: () => ({ response: { result: 'ACCEPTED', timeout: 30 }, result: { result: 'ACCEPTED' } }) },
          { outbound: { allowLoopback: true, allowPrivate: true } },
        ),
      ],
    });
    const results = createCommandResultReceiver({ timeoutMs: 10_000 });
    const msp = await start({ parties: [MSP], hubParties: [HUB], modules: [locationsReceiver(), results.module, hubClientInfoReceiver()] });
    const { atMember: cpoHub } = await connect(cpo, hub);
    const { atMember: mspHub } = await connect(msp, hub);
    await eventually('the CPO knows the eMSP', () => cpo.node.actsFor(cpoHub, MSP));
    await eventually('the eMSP knows the CPO', () => msp.node.actsFor(mspHub, CPA));
    const records = async (module: string) => (await hub.store.objects.list({ module, offset: 0, limit: 10 })).items.length;

    await cpo.client.forPartner(cpoHub).pushLocation({ ...example<Location>('location_example.json'), ...CPA_REF, id: 'LOC1' } as never);
    await eventually('the broadcast delivered', () => msp.store.objects.get({ module: STORE_MODULES.locations, owner: CPA_REF, id: 'LOC1' }));
    const sent = await msp.client
      .forPartner(mspHub)
      .sendCommand(
        'START_SESSION',
        { token: { ...example<Token>('token_example_1_app_user.json'), country_code: 'DE', party_id: 'MSP' }, location_id: 'LOC1', evse_uid: '3256' } as never,
        { to: CPA_REF, from: { country_code: 'DE', party_id: 'MSP' }, results: { receiver: results, node: msp.node } },
      );
    expect((await sent.result)?.result).toBe('ACCEPTED');
    expect([await records(HUB_MODULES.broadcasts), await records(HUB_MODULES.callbacks), await records(HUB_MODULES.routes)]).toEqual([1, 1, 1]);

    // A minute on (the broadcast's grace), the delivered broadcast goes; the result went on, its record waits ten minutes for a repeat.
    await eventually('the broadcast’s outbox entry gone', async () => (await sweepHubRecords(hub.store, HUB, {}, Date.now() + 2 * MINUTE)).broadcasts === 1);
    expect(await records(HUB_MODULES.callbacks)).toBe(1);
    // The hub marks the callback done once the eMSP took the result (just after the eMSP has it).
    await eventually('the callback record done', async () => {
      const [callback] = (await hub.store.objects.list<{ last_updated: string }>({ module: HUB_MODULES.callbacks, offset: 0, limit: 1 })).items;
      return callback && Date.parse(callback.data.last_updated) <= Date.now() + 10 * MINUTE;
    });
    expect(await sweepHubRecords(hub.store, HUB, {}, Date.now() + 11 * MINUTE)).toEqual({ broadcasts: 0, callbacks: 1, routes: 0 });
    // The Location's owner record stays while the Location is pushed now and then.
    expect(await records(HUB_MODULES.routes)).toBe(1);
    expect(await hub.hub?.sweep()).toEqual({ broadcasts: 0, callbacks: 0, routes: 0 });
  });
});
