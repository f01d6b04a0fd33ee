import { describe, expect, it } from 'vitest';
import { Progress } from './progress.js';

function stream(tty: boolean) {
  const out = { text: '', isTTY: tty, write: (t: string) => (out.text += t) };
  return out;
}

describe('the progress line', () => {
  it('on a terminal: redrawn in place with a bar, the count, pages, rate and the time left', () => {
    let now = 0;
    const out = stream(true);
    const progress = new Progress(out, { label: 'locations', now: () => now });
    now = 1000;
    progress.page(100, 10_000);
    expect(out.text).toBe('\r\u001b[2Klocations [....................] 100/10,000 · 1 page · 100/s · ETA 1m39s');
    now = 2000;
    progress.page(4900, 10_000);
    expect(out.text.endsWith('\r\u001b[2Klocations [##########..........] 5,000/10,000 · 2 pages · 2,500/s · ETA 2s')).toBe(true);
    now = 4000;
    progress.page(5000, 10_000);
    progress.finish();
    expect(out.text.endsWith('locations [####################] 10,000/10,000 · 3 pages · 2,500/s · in 4s\n')).toBe(true);
  });

  it('elsewhere: a plain line now and then, and the last one; no total, no bar', () => {
    let now = 0;
    const out = stream(false);
    const progress = new Progress(out, { label: 'tokens', now: () => now, lineEveryMs: 1000 });
    for (let i = 0; i < 10; i++) {
      now += 300;
      progress.page(10, undefined);
    }
    progress.finish();
    const lines = out.text.trim().split('\n');
    expect(lines[0]).toBe('tokens 10 · 1 page · 33/s');
    expect(lines).toHaveLength(4);
    expect(lines.at(-1)).toBe('tokens 100 · 10 pages · 33/s · in 3s');
  });
});
