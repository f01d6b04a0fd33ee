import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { bundleNeutral } from '../../../test/support/runtime-neutral.js';

describe('the tariff engine is runtime-neutral', () => {
  it('bundles for a non-Node platform, big.js and the core included, with no Node built-in', async () => {
    const { errors, code } = await bundleNeutral([fileURLToPath(new URL('./index.ts', import.meta.url))]);
    expect(errors).toEqual([]);
    expect(code).not.toMatch(/\bfrom\s*["']node:/);
    expect(code).toContain('priceSession');
  });
});
