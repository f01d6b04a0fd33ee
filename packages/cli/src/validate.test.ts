import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { examplesDir } from '@ocpi-ts/core/test-support';
import { describe, expect, it } from 'vitest';
import { ocpi } from './test-support.js';

const dir = fileURLToPath(examplesDir('2.2.1'));
const files = readdirSync(dir).filter((f) => f.endsWith('.json'));

/** The official examples that are not a whole object of a recognisable type: how to read them. */
const NAMED: Record<string, string[]> = {
  'location_patch_example_location.json': ['--type', 'LocationPatch'],
  'location_patch_example_remove_evse.json': ['--type', 'EvsePatch'],
  'location_patch_example_status.json': ['--type', 'EvsePatch'],
  'location_patch_example_tariff.json': ['--type', 'ConnectorPatch'],
  'session_patch_example_charging_period.json': ['--type', 'SessionPatch'],
  'session_patch_example_total_cost.json': ['--type', 'SessionPatch'],
  'token_patch_example.json': ['--type', 'TokenPatch'],
  'location_energymix_example_complete.json': ['--pointer', '/energy_mix'],
  'location_energymix_example_energy_provider.json': ['--pointer', '/energy_mix'],
  'location_energymix_example_simple.json': ['--pointer', '/energy_mix'],
  'location_regularhours_example.json': ['--pointer', '/opening_times'],
};

/** Invalid by the spec text itself (shared/README): each must fail, naming these fields. */
const INVALID: Record<string, string[]> = {
  'location_put_example_add_evse.json': ['/connectors/0/power_type', '/physical_reference'],
  'tariff_put_example.json': ['/last_updated'],
};

describe('ocpi validate: the official 2.2.1 examples', () => {
  it.each(files.filter((f) => !(f in INVALID)))('%s is valid', async (file) => {
    const res = await ocpi(['validate', ...(NAMED[file] ?? []), `${dir}${file}`]);
    expect(res.stdout).toMatch(/all valid/);
    expect(res.code).toBe(0);
  });

  it.each(Object.entries(INVALID))('%s is invalid, naming the fields', async (file, fields) => {
    const res = await ocpi(['validate', '--json', `${dir}${file}`]);
    expect(res.code).toBe(1);
    const report = JSON.parse(res.stdout);
    const paths = report.invalid.flatMap((i: { issues: { path: string }[] }) => i.issues.map((x) => x.path));
    for (const field of fields) expect(paths).toContain(field);
  });
});
