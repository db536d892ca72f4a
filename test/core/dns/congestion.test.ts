import { describe, expect, it } from 'vitest';
import { CongestionWindow, INITIAL_WINDOW } from '../../../src/core/dns/congestion.js';

/** Feed `window` first-try answers on a made-up clock: `gapMs(size)` between answers; the largest size seen. */
function feed(window: CongestionWindow, answers: number, gapMs: (size: number) => number): number {
  let now = 0;
  let largest = window.size;
  for (let i = 0; i < answers; i++) {
    now += gapMs(window.size);
    window.answered(now, 20, true, true);
    largest = Math.max(largest, window.size);
  }
  return largest;
}

describe('the congestion window in slow start', () => {
  it('stops growing when a bigger window brings no more answers per millisecond (a resolver at its rate)', () => {
    const window = new CongestionWindow();
    // 10 answers per ms whatever the window: the resolver (or the machine) is the limit.
    const largest = feed(window, 5000, () => 0.1);
    expect(largest).toBeLessThanOrEqual(2 * INITIAL_WINDOW);
    // Back to the size that had the rate, growing by one per round trip from there.
    expect(window.size).toBeLessThan(INITIAL_WINDOW + 64);
  });

  it('keeps doubling while answers come back in proportion to the window (a far resolver with room)', () => {
    const window = new CongestionWindow();
    // A 10 ms round trip: the window's worth of answers every 10 ms.
    feed(window, 5000, (size) => 10 / size);
    expect(window.size).toBeGreaterThan(4 * INITIAL_WINDOW);
  });
});
