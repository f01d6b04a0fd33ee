import { describe, expect, it } from 'vitest';
import { createAuditLog } from './audit.js';
import { createRegistrationToken } from './credentials/registration-tokens.js';
import { createEventBus, type OcpiEvent } from './events.js';
import { commandsReceiver } from './modules/commands.js';
import { partnerToken } from './partners/partner.js';
import { createOcpiServer } from './server.js';
import { createMemoryStore } from './store/memory.js';
import { CPO_ROLE, EMSP_ROLE, tokenHeader } from './testing/fixtures.js';
import { startHttpTestNode } from './testing/nodes.js';

const settle = () => new Promise((resolve) => setTimeout(resolve, 30));

describe('audit log', () => {
  it('counts authentication failures per address and reason in one row, never holding the token', async () => {
    const store = createMemoryStore();
    const events = createEventBus();
    const audit = createAuditLog({ store, events });
    const server = createOcpiServer({
      baseUrl: 'https://x.test/ocpi',
      parties: [CPO_ROLE],
      store,
      events,
      audit,
      versions: ['2.2.1'],
      modules: [commandsReceiver()],
    });
    for (let i = 0; i < 5; i++) {
      await server.handle({ method: 'GET', url: '/ocpi/versions', headers: { authorization: tokenHeader('secret-guess') }, remoteAddress: '203.0.113.9' });
    }
    await server.handle({ method: 'GET', url: '/ocpi/versions', headers: {}, remoteAddress: '203.0.113.9' });
    await audit.flush();
    const rows = await audit.query({ action: 'auth.failed' });
    expect(rows).toHaveLength(2);
    expect(rows.find((r) => r.details?.reason === 'Unknown credentials token')).toMatchObject({ count: 5, details: { address: '203.0.113.9' } });
    expect(rows.find((r) => r.details?.reason === 'Authorization header is missing')?.count).toBe(1);
    expect(JSON.stringify(rows)).not.toContain('secret-guess');
    expect(JSON.stringify(rows)).not.toContain(btoa('secret-guess'));
  });

  it('records registration, registration-token use, token rotation and unregistration with the request ids, and emits each row', async () => {
    const b = await startHttpTestNode({ parties: [CPO_ROLE] });
    const a = await startHttpTestNode({ parties: [EMSP_ROLE] });
    const events = b.node.events;
    const audit = createAuditLog({ store: b.store, events });
    const emitted: OcpiEvent[] = [];
    events.on('audit.recorded', (event) => {
      emitted.push(event);
    });
    try {
      const tokenA = await createRegistrationToken(b.store);
      const partner = await a.registry.register({ versionsUrl: b.versionsUrl, tokenA: partnerToken(tokenA.token) });
      await a.registry.updateCredentials(partner.id);
      await a.registry.unregister(partner.id);
      await settle();
      const rows = await audit.query();
      expect(rows.map((r) => r.action).reverse()).toEqual(['registration_token.used', 'partner.registered', 'partner.updated', 'partner.unregistered']);
      const used = rows.find((r) => r.action === 'registration_token.used');
      expect(used).toMatchObject({ details: { registrationTokenId: tokenA.id }, parties: [{ country_code: 'DE', party_id: 'MSP' }] });
      expect(used?.requestId).toMatch(/[0-9a-f-]{36}/);
      expect(rows.find((r) => r.action === 'partner.updated')?.details).toEqual({ tokenRotated: true });
      expect(JSON.stringify(rows)).not.toContain(tokenA.token);
      expect(emitted.map((e) => (e as { entry: { action: string } }).entry.action)).toContain('partner.unregistered');
    } finally {
      await audit.close();
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('is append-only and lets the operator record its own rows', async () => {
    const store = createMemoryStore();
    const audit = createAuditLog({ store, events: createEventBus() });
    await audit.record({ action: 'command.sent', partnerId: 'p1', details: { command: 'START_SESSION' } });
    const [row] = await audit.query({ partnerId: 'p1' });
    expect(row).toMatchObject({ action: 'command.sent', count: 1, seq: 1 });
    expect(Object.keys(store.audit).sort()).not.toContain('delete');
  });
});
