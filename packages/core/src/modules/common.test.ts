import { describe, expect, it } from 'vitest';
import { OcpiError } from '../errors.js';
import { createMemoryStore } from '../store/memory.js';
import { assertSameId, assertSameOwner, getOwnObject, putOwnObject, STORE_MODULES, storeAudienceOf, storeIdOf, writeResult } from './common.js';

const CPO = { country_code: 'NL', party_id: 'CPO' };

describe('putOwnObject', () => {
  it('reports created, updated and unchanged', async () => {
    const store = createMemoryStore();
    const tariff = { country_code: 'NL', party_id: 'CPO', id: 'T1', currency: 'EUR', last_updated: '2020-01-01T00:00:00Z' };
    expect(await putOwnObject(store, STORE_MODULES.tariffs, CPO, tariff)).toBe('created');
    expect(await putOwnObject(store, STORE_MODULES.tariffs, CPO, tariff)).toBe('unchanged');
    expect(await putOwnObject(store, STORE_MODULES.tariffs, CPO, { ...tariff, currency: 'CHF' })).toBe('updated');
    expect(await getOwnObject(store, STORE_MODULES.tariffs, CPO, 't1')).toMatchObject({ currency: 'CHF' });
  });

  it("gives Sessions and CDRs the audience of their token's eMSP, and keys Tokens by type and uid", async () => {
    const store = createMemoryStore();
    const session = { id: 'S1', cdr_token: { country_code: 'de', party_id: 'msp', uid: 'U', type: 'RFID', contract_id: 'C' } };
    await putOwnObject(store, STORE_MODULES.sessions, CPO, session);
    expect((await store.objects.get({ module: STORE_MODULES.sessions, owner: CPO, id: 'S1' }))?.audience).toEqual([{ country_code: 'DE', party_id: 'MSP' }]);
    expect(storeAudienceOf(STORE_MODULES.cdrs, session)).toEqual([{ country_code: 'DE', party_id: 'MSP' }]);
    expect(storeAudienceOf(STORE_MODULES.locations, session)).toEqual([]);
    expect(storeIdOf(STORE_MODULES.tokens, { uid: '0123', type: 'APP_USER' })).toBe('APP_USER:0123');
    expect(storeIdOf(STORE_MODULES.hubClientInfo, { country_code: 'nl', party_id: 'all' })).toBe('NL*ALL');
    expect(storeIdOf(STORE_MODULES.locations, { id: 'LOC1' })).toBe('LOC1');
    expect(storeIdOf(STORE_MODULES.locations, { name: 'x' })).toBeUndefined();
  });

  it('takes an explicit id and audience', async () => {
    const store = createMemoryStore();
    await putOwnObject(store, 'nltst-things', CPO, { name: 'x' }, { id: 'X1', audience: [{ country_code: 'be', party_id: 'bec' }] });
    expect((await store.objects.get({ module: 'nltst-things', owner: CPO, id: 'X1' }))?.audience).toEqual([{ country_code: 'BE', party_id: 'BEC' }]);
    await expect(putOwnObject(store, 'nltst-things', CPO, { name: 'no id' })).rejects.toThrow(/options.id/);
  });
});

describe('checks of pushed objects', () => {
  it('compares ids as CiStrings and lets an absent id pass', () => {
    expect(() => assertSameId('id', 'loc1', 'LOC1')).not.toThrow();
    expect(() => assertSameId('id', 'LOC1', undefined)).not.toThrow();
    const error = (() => {
      try {
        assertSameId('id', 'LOC1', 'LOC2');
      } catch (e) {
        return e as OcpiError;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(OcpiError);
    expect(error?.statusCode).toBe(2001);
    expect(error?.httpStatus).toBe(200);
    expect(() => assertSameOwner({ country_code: 'NL', party_id: 'XXX' }, CPO)).toThrow(/party_id 'XXX'/);
  });

  it('answers 201 only for a created object', () => {
    expect(writeResult('created')).toEqual({ httpStatus: 201 });
    expect(writeResult('updated')).toEqual({});
    expect(writeResult('unchanged', { headers: { location: 'x' } })).toEqual({ headers: { location: 'x' } });
  });
});
