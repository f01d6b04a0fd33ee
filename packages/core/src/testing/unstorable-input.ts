/**
 * Input a store cannot hold (NUL, lone surrogates, over-long ids) answered with 2001 by the core,
 * before any store, as a vitest suite every store runs: `describeUnstorableInput('my store', () =>
 * createMyStore())`. PostgreSQL text cannot hold NUL: without the check these were HTTP 500.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { locationsReceiver, locationsSender } from '../modules/locations.js';
import { tokensReceiver } from '../modules/tokens.js';
import type { Token } from '../schemas/v2.2.1/index.js';
import type { OcpiStore } from '../store/types.js';
import { CPO_ROLE, EMSP_ROLE } from './fixtures.js';
import { type ModuleHarness, moduleHarness } from './modules-harness.js';

const TOKEN = 'unstorable-input-partner';

const token = (extra: Partial<Token> = {}): Token => ({
  country_code: 'DE',
  party_id: 'MSP',
  uid: 'UID1',
  type: 'RFID',
  contract_id: 'DE-MSP-C00000001',
  issuer: 'eMSP',
  valid: true,
  whitelist: 'ALLOWED',
  last_updated: '2025-01-01T00:00:00Z',
  ...extra,
});

export function describeUnstorableInput(name: string, makeStore: () => Promise<OcpiStore>, cleanup?: (store: OcpiStore) => Promise<void>): void {
  describe(`input a store cannot hold: ${name}`, () => {
    let store: OcpiStore;
    let node: ModuleHarness;

    beforeEach(async () => {
      store = await makeStore();
      node = moduleHarness({ parties: [CPO_ROLE], modules: [locationsSender(), locationsReceiver(), tokensReceiver()], store });
      await node.partner(TOKEN, [EMSP_ROLE, { ...CPO_ROLE, party_id: 'OTH' }]);
    });

    afterEach(async () => {
      await store.close();
      await cleanup?.(store);
    });

    const call = (method: string, path: string, body?: unknown) => node.call(method, path, body === undefined ? { token: TOKEN } : { token: TOKEN, body });
    const refused = async (method: string, path: string, message: RegExp, body?: unknown) => {
      const answer = await call(method, path, body);
      expect([answer.status, answer.json.status_code], `${method} ${path}: ${answer.json.status_message}`).toEqual([200, 2001]);
      expect(answer.json.status_message).toMatch(message);
    };

    it('a NUL or another control character in a path parameter: 2001 naming the parameter', async () => {
      await refused('GET', 'sender/locations/%00', /location_id contains a NUL character/);
      await refused('GET', 'receiver/tokens/DE/MSP/UID1%00.json', /token_uid contains a NUL character/);
      await refused('GET', 'receiver/locations/NL/OTH/LOC%0A1', /location_id contains a control character/);
      await refused('PUT', 'receiver/tokens/DE/MSP/UID%001', /token_uid contains a NUL/, token({ uid: 'UID\u00001' }));
    });

    it('an id longer than any OCPI id: 2001 with the limit', async () => {
      await refused('GET', `sender/locations/${'L'.repeat(300)}`, /location_id is 300 characters long; at most 255/);
      await refused('GET', `receiver/locations/NL/OTH/${'L'.repeat(4000)}/E1`, /location_id is 4000 characters long/);
      // Long, but within the limit: simply unknown.
      expect((await call('GET', `sender/locations/${'L'.repeat(255)}`)).status).toBe(404);
    });

    it('a NUL or a lone surrogate in a body string: 2001 naming the field; a surrogate pair is fine', async () => {
      // The Token schema already refuses control characters in its strings; the core's check covers the rest.
      await refused('PUT', 'receiver/tokens/DE/MSP/UID1', /Invalid Token: \/issuer/, JSON.stringify(token({ issuer: 'e\u0000MSP' })));
      await refused('PUT', 'receiver/tokens/DE/MSP/UID1', /a property name at \/ contains a NUL/, `${JSON.stringify(token()).slice(0, -1)},"x\\u0000":1}`);
      await refused(
        'PUT',
        'receiver/tokens/DE/MSP/UID1',
        /\/visual_number contains a lone UTF-16 surrogate/,
        `${JSON.stringify(token()).slice(0, -1)},"visual_number":"\\ud800x"}`,
      );
      const fine = await call('PUT', 'receiver/tokens/DE/MSP/UID1', JSON.stringify(token({ issuer: 'eMSP \ud83d\udd0c' })));
      expect(fine.json.status_code).toBe(1000);
      expect((await call('GET', 'receiver/tokens/DE/MSP/UID1')).json.data.issuer).toBe('eMSP \ud83d\udd0c');
    });

    it('bad percent-encoding is refused before routing, and the store keeps working', async () => {
      const answer = await call('GET', 'sender/locations/%ED%A0%80');
      expect(answer.status).toBe(400);
      expect((await call('GET', 'sender/locations')).json.status_code).toBe(1000);
    });
  });
}
