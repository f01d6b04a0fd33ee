import { describe, expect, it } from 'vitest';
import { Token } from '../schemas/v2.2.1/index.js';
import { createAjvValidatorFactory } from './ajv.js';
import { partitionValid } from './partition.js';

const token = {
  country_code: 'NL',
  party_id: 'TNM',
  uid: '100012',
  type: 'RFID',
  contract_id: 'FA54320',
  issuer: 'TheNewMotion',
  valid: true,
  whitelist: 'ALWAYS',
  last_updated: '2015-06-21T22:39:05Z',
};

describe('partitionValid', () => {
  const validator = createAjvValidatorFactory({ mode: 'lenient' }).compile(Token);

  it('keeps the valid items (unchanged, in order) and reports the invalid ones by index', () => {
    const second = { ...token, uid: '100013', x_extension: 'kept' };
    const items = [token, { ...token, whitelist: 'SOMETIMES' }, second, 'not a token', { ...token, uid: undefined }];
    const { valid, invalid } = partitionValid(validator, items);
    expect(valid).toEqual([token, second]);
    expect(valid[1]).toBe(second);
    expect(invalid.map((item) => item.index)).toEqual([1, 3, 4]);
    expect(invalid[0]?.value).toBe(items[1]);
    expect(invalid[0]?.issues).toEqual([{ path: '/whitelist', message: 'must be one of ALWAYS, ALLOWED, ALLOWED_OFFLINE, NEVER' }]);
    expect(invalid[1]?.issues).toEqual([{ path: '', message: 'must be an object' }]);
    expect(invalid[2]?.issues).toEqual([{ path: '/uid', message: 'is required' }]);
  });

  it('handles an empty list', () => {
    expect(partitionValid(validator, [])).toEqual({ valid: [], invalid: [] });
  });
});
