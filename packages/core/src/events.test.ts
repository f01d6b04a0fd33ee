import { describe, expect, it, vi } from 'vitest';
import { createEventBus, type OcpiEvent } from './events.js';
import { commandsReceiver } from './modules/commands.js';
import { locationsReceiver } from './modules/locations.js';
import { example } from './testing/examples.js';
import { CPO_ROLE, EMSP_ROLE } from './testing/fixtures.js';
import { moduleHarness } from './testing/modules-harness.js';

const CPO = { ...CPO_ROLE, country_code: 'BE', party_id: 'BEC' };
/** Every host resolves to a public address: no DNS is asked (the machine may have none). */
const PUBLIC_DNS = async () => ['93.184.216.34'];
const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

async function setup() {
  const events = createEventBus({ onListenerError: vi.fn() });
  const seen: OcpiEvent[] = [];
  events.on('*', (event) => {
    seen.push(event);
  });
  const harness = moduleHarness({ parties: [EMSP_ROLE], modules: [locationsReceiver(), commandsReceiver({}, { outbound: { resolve: PUBLIC_DNS } })], events });
  await harness.partner('cpo', [CPO]);
  return { events, seen, harness };
}

describe('event hooks', () => {
  it('emits object.created, then nothing for an identical PUT, then object.updated for a PATCH, with the request origin', async () => {
    const { seen, harness } = await setup();
    const location = example('location_example.json');
    const put = () =>
      harness.call('PUT', `receiver/locations/BE/BEC/${location.id}`, {
        token: 'cpo',
        body: location,
        headers: { 'x-request-id': 'r1', 'x-correlation-id': 'c1' },
      });
    expect((await put()).status).toBe(201);
    await settle();
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({
      type: 'object.created',
      module: 'locations',
      owner: { country_code: 'BE', party_id: 'BEC' },
      id: location.id,
      partnerId: 'partner-cpo',
      requestId: 'r1',
      correlationId: 'c1',
    });
    expect((seen[0] as { object: { name: string } }).object.name).toBe(location.name);

    expect((await put()).json.status_code).toBe(1000);
    await settle();
    expect(seen).toHaveLength(1);

    await harness.call('PATCH', `receiver/locations/BE/BEC/${location.id}`, { token: 'cpo', body: { name: 'Renamed', last_updated: '2030-01-01T00:00:00Z' } });
    await settle();
    expect(seen.map((e) => e.type)).toEqual(['object.created', 'object.updated']);
  });

  it('delivers after the answer, so a slow or failing listener never delays or breaks a request', async () => {
    const { events, harness } = await setup();
    let release!: () => void;
    const blocked = new Promise<void>((resolve) => {
      release = resolve;
    });
    events.on('object.created', () => blocked);
    events.on('object.created', () => {
      throw new Error('listener bug');
    });
    events.on('object.created', async () => {
      throw new Error('async listener bug');
    });
    const location = example('location_example.json');
    const started = Date.now();
    const answer = await harness.call('PUT', `receiver/locations/BE/BEC/${location.id}`, { token: 'cpo', body: location });
    expect(answer.status).toBe(201);
    expect(Date.now() - started).toBeLessThan(1000);
    release();
  });

  it('reports listener errors to onListenerError', async () => {
    const onListenerError = vi.fn();
    const events = createEventBus({ onListenerError });
    events.on('*', () => {
      throw new Error('boom');
    });
    events.on('*', () => Promise.reject(new Error('async boom')));
    events.emit({ type: 'outbound.failed', url: 'http://x', reason: 'down', partnerId: 'p', requestId: undefined, correlationId: undefined });
    await settle();
    expect(onListenerError).toHaveBeenCalledTimes(2);
  });

  it('emits command.received with the immediate answer', async () => {
    const { seen, harness } = await setup();
    // An eMSP node receives no commands: mount a CPO with one location and send it a START_SESSION.
    const location = { ...example('location_example.json'), country_code: 'DE', party_id: 'MSP' };
    await harness.store.objects.put({ module: 'locations', owner: { country_code: 'DE', party_id: 'MSP' }, id: location.id }, { data: location });
    const token = { ...example('token_example_1_app_user.json'), country_code: 'BE', party_id: 'BEC' };
    const answer = await harness.call('POST', 'receiver/commands/START_SESSION', {
      token: 'cpo',
      body: { response_url: 'https://cpo.example.com/results/1', token, location_id: location.id },
    });
    expect(answer.json.status_code).toBe(1000);
    await settle();
    expect(seen.find((e) => e.type === 'command.received')).toMatchObject({
      command: 'START_SESSION',
      response: answer.json.data.result,
      partnerId: 'partner-cpo',
    });
  });

  it('records nothing when nobody listens', async () => {
    const events = createEventBus();
    expect(events.active).toBe(false);
    const off = events.on('partner.registered', () => {});
    expect(events.active).toBe(true);
    off();
    expect(events.active).toBe(false);
  });
});
