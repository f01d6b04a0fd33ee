import { describe, expect, it } from 'vitest';
import { ocpi } from './test-support.js';

describe('ocpi openapi', () => {
  it("prints the OpenAPI 3.1 document of a CPO's interfaces in the version", async () => {
    const res = await ocpi(['openapi', '--version', '2.2.1', '--base-url', 'https://cpo.example.com/ocpi']);
    expect(res.code).toBe(0);
    const document = JSON.parse(res.stdout) as { openapi: string; servers: unknown; paths: Record<string, Record<string, { 'x-ocpi-interface'?: string }>> };
    expect(document.openapi).toBe('3.1.0');
    expect(document.servers).toEqual([{ url: 'https://cpo.example.com/ocpi' }]);
    expect(document.paths['/2.2.1/sender/locations']?.get?.['x-ocpi-interface']).toBe('SENDER');
    expect(document.paths['/2.2.1/receiver/tokens/{country_code}/{party_id}/{token_uid}']?.put).toBeDefined();
    // A CPO has no Locations Receiver.
    expect(Object.keys(document.paths).some((path) => path.startsWith('/2.2.1/receiver/locations'))).toBe(false);
  });

  it('describes for a HUB both interfaces of every module, and Hub Client Info', async () => {
    const res = await ocpi(['openapi', '--version', '2.2.1', '--role', 'HUB']);
    expect(res.code).toBe(0);
    const paths = Object.keys((JSON.parse(res.stdout) as { paths: object }).paths);
    for (const path of ['/2.2.1/sender/locations', '/2.2.1/receiver/locations/{country_code}/{party_id}/{location_id}', '/2.2.1/sender/hubclientinfo'])
      expect(paths).toContain(path);
  });

  it("uses 2.1.1's URL layout, and refuses an unknown version or role", async () => {
    const res = await ocpi(['openapi', '--version', '2.1.1', '--role', 'emsp']);
    expect(Object.keys((JSON.parse(res.stdout) as { paths: object }).paths)).toContain('/2.1.1/emsp/locations/{country_code}/{party_id}/{location_id}');
    expect((await ocpi(['openapi', '--version', '3.0'])).code).toBe(2);
    const role = await ocpi(['openapi', '--role', 'NSP']);
    expect(role.code).toBe(2);
    expect(role.stderr).toContain('--role NSP is not known');
  });
});
