// The benchmark's session: 2 hours on a Monday morning under the spec's complex tariff
// (tariff_4_complex.json), 20 charging periods as a CPO reports them: energy, charging time and the
// current range every 6 minutes for 1.5 hours, then parking.
import type { SessionInput } from '../model.js';
import { session } from './sessions.js';

export function realisticSession(): SessionInput {
  const start = Date.parse('2025-06-02T07:30:00Z');
  const at = (minutes: number) => `${new Date(start + minutes * 60_000).toISOString().slice(0, 19)}Z`;
  const periods = [];
  for (let i = 0; i < 15; i++) {
    // 6 minutes each (0.1 h): 1.1 to 2.5 kWh, the current above or below 32 A.
    periods.push({ at: at(i * 6), kwh: 1.1 + i * 0.1, charging: 0.1, minCurrent: i % 3 === 0 ? 34 : 12, maxCurrent: i % 3 === 0 ? 40 : 30 });
  }
  for (let i = 0; i < 5; i++) periods.push({ at: at(90 + i * 6), parking: 0.1 });
  return session(periods, at(120));
}
