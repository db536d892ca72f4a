/**
 * The timeline picture, decoded and looked at: its size, its white background, and the
 * colours found on each lane at the days the fixture history says (listed red, clean
 * green, failed checks grey), so a blank, garbled or mis-scaled picture fails.
 */
import { decode } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { buildTimeline } from '../../../src/core/watch/history.js';
import { CHART_COLOURS, historyChartSpec } from '../../../src/core/watch/history-chart.js';
import { coversText } from '../../../src/reply/light-font.js';
import { renderPicture, renderSvg } from '../../../src/reply/picture.js';
import { watchHistoryReply } from '../../../src/core/watch/reply.js';
import { DAY, FIXTURE_TO, busyHistory, fixtureHistory } from '../../support/history-fixture.js';

const FROM = FIXTURE_TO - 30 * DAY;

function hex(colour: string): [number, number, number] {
  return [1, 3, 5].map((i) => parseInt(colour.slice(i, i + 2), 16)) as [number, number, number];
}

interface Image {
  width: number;
  height: number;
  pixel(x: number, y: number): [number, number, number];
}

function decodePng(png: Uint8Array): Image {
  const img = decode(png);
  const channels = img.channels;
  return {
    width: img.width,
    height: img.height,
    pixel: (x, y) => {
      const i = (Math.round(y) * img.width + Math.round(x)) * channels;
      return [img.data[i]!, img.data[i + 1]!, img.data[i + 2]!];
    },
  };
}

const near = (a: readonly number[], b: readonly number[]) => a.every((v, i) => Math.abs(v - b[i]!) <= 12);

/** Runs of rows (top to bottom) in which some pixel has `colour`: the bars of one state, lane by lane. */
function rowsWith(img: Image, colour: [number, number, number]): { top: number; bottom: number }[] {
  const runs: { top: number; bottom: number }[] = [];
  for (let y = 0; y < img.height; y++) {
    let found = false;
    for (let x = 0; x < img.width && !found; x++) found = near(img.pixel(x, y), colour);
    const last = runs[runs.length - 1];
    if (!found) continue;
    if (last && last.bottom === y - 1) last.bottom = y;
    else runs.push({ top: y, bottom: y });
  }
  return runs;
}

/**
 * Leftmost and rightmost x on row `y` in red or green: the plot's extent on a lane that is
 * listed or clean at both ends (grey is left out: anti-aliased label text has greys too).
 */
function barExtent(img: Image, y: number): { left: number; right: number } {
  const bars = [hex(CHART_COLOURS.listed), hex(CHART_COLOURS.clean)];
  let left = -1;
  let right = -1;
  for (let x = 0; x < img.width; x++) {
    if (!bars.some((c) => near(img.pixel(x, y), c))) continue;
    if (left < 0) left = x;
    right = x;
  }
  return { left, right };
}

describe('listing history picture', () => {
  const timeline = buildTimeline('203.0.113.5', ['203.0.113.5'], fixtureHistory(), FROM, FIXTURE_TO);

  it('draws each lane in the right colours at the right days, on white, at a chat-friendly size', async () => {
    const picture = await renderPicture(historyChartSpec(timeline));
    const img = decodePng(picture.png);
    expect([img.width, img.height]).toEqual([picture.width, picture.height]);
    // 2× of a ~500 px wide chart: sharp full size, legible at the ~400 px of a chat preview.
    expect(img.width).toBeGreaterThan(900);
    expect(img.width).toBeLessThan(1300);
    expect(img.height).toBeGreaterThan(250);
    expect(img.height).toBeLessThan(500);
    const white = hex(CHART_COLOURS.background);
    for (const [x, y] of [
      [2, 2],
      [img.width - 3, 2],
      [2, img.height - 3],
      [img.width - 3, img.height - 3],
    ] as const)
      expect(img.pixel(x, y)).toEqual(white);

    // Two lanes (zen, listed now, first; then spamcop), each with a thin clean bar.
    const clean = rowsWith(img, hex(CHART_COLOURS.clean)).filter((r) => r.bottom - r.top >= 8);
    expect(clean.length).toBeGreaterThanOrEqual(2);
    const [zenRow, spamcopRow] = clean.slice(0, 2).map((r) => (r.top + r.bottom) / 2) as [number, number];
    const { left, right } = barExtent(img, zenRow);
    expect(right - left).toBeGreaterThan(img.width / 3);
    const at = (day: number) => left + ((right - left) * day) / 30;

    expect(img.pixel(at(2), zenRow)).toEqual(hex(CHART_COLOURS.clean));
    expect(img.pixel(at(6.5), zenRow)).toEqual(hex(CHART_COLOURS.listed));
    expect(img.pixel(at(15), zenRow)).toEqual(hex(CHART_COLOURS.clean));
    expect(img.pixel(at(28), zenRow)).toEqual(hex(CHART_COLOURS.listed));
    expect(img.pixel(at(5), spamcopRow)).toEqual(hex(CHART_COLOURS.listed));
    expect(img.pixel(at(16), spamcopRow)).toEqual(hex(CHART_COLOURS.unknown));
    expect(img.pixel(at(26), spamcopRow)).toEqual(hex(CHART_COLOURS.clean));

    // Listed bars are thicker than clean ones (readable without colour).
    const thickness = (y: number, x: number, colour: string) => {
      let top = y;
      let bottom = y;
      while (near(img.pixel(x, top - 1), hex(colour))) top--;
      while (near(img.pixel(x, bottom + 1), hex(colour))) bottom++;
      return bottom - top + 1;
    };
    expect(thickness(zenRow, at(6.5), CHART_COLOURS.listed)).toBeGreaterThan(2 * thickness(zenRow, at(15), CHART_COLOURS.clean));
  });

  it('names the target, the period, the lanes and the alerts in the drawing', async () => {
    const svg = await renderSvg(historyChartSpec(timeline));
    for (const text of [
      'Listing history of 203.0.113.5',
      '1 Nov 2026 – 1 Dec 2026 (30 days, UTC)',
      'zen.spamhaus.org',
      'bl.spamcop.net',
      'alert sent',
    ])
      expect(svg).toContain(text);
    expect(svg).not.toContain('b.barracudacentral.org'); // never listed: no lane
    expect(svg.match(/triangle|M-?\d/g)?.length ?? 0).toBeGreaterThan(0);
  });

  it('answers with a two-line summary and the picture', async () => {
    const reply = await watchHistoryReply(timeline);
    const verdict = reply.blocks[0]!;
    expect(verdict.kind === 'verdict' && verdict.text.join('')).toBe('3 listings on 2 lists in the last 30 days; listed for 26d in all.');
    const second = reply.blocks[1]!;
    expect(second.kind === 'text' && second.text.join('')).toBe('Now listed on zen.spamhaus.org since 26 Nov 2026.');
    const image = reply.blocks.find((b) => b.kind === 'image');
    expect(image && image.kind === 'image' && image.filename).toBe('history-203.0.113.5-30d.png');
  });

  it('draws at most 25 lanes of a busy 90-day history', async () => {
    const busy = buildTimeline('203.0.113.5', ['203.0.113.5'], busyHistory(30, 90), FIXTURE_TO - 90 * DAY, FIXTURE_TO);
    expect(busy.lanes).toHaveLength(25);
    expect(busy.hiddenLanes).toBe(5);
    const picture = await renderPicture(historyChartSpec(busy));
    // Every lane drawn, at the smaller scale that keeps a tall picture within 1.25 million pixels.
    expect(picture.height).toBeGreaterThan(25 * 34 * 1.5);
    expect(picture.width * picture.height).toBeLessThanOrEqual(1_250_000);
    expect(picture.width).toBeGreaterThan(750);
  });

  it('draws a picture the same whatever was drawn before or at the same time (one chart view serves every picture)', async () => {
    const busy = buildTimeline('203.0.113.5', ['203.0.113.5'], busyHistory(30, 90), FIXTURE_TO - 90 * DAY, FIXTURE_TO);
    // A week of one lane, and a week with no events: one narrower "Every list" lane of the same height.
    const week = buildTimeline('203.0.113.5', ['203.0.113.5'], fixtureHistory(), FIXTURE_TO - 7 * DAY, FIXTURE_TO);
    const quiet = buildTimeline('203.0.113.5', ['203.0.113.5'], [], FIXTURE_TO - 7 * DAY, FIXTURE_TO);
    const first = await renderPicture(historyChartSpec(week));
    const [, , again] = await Promise.all([busy, quiet, week].map((t) => renderPicture(historyChartSpec(t))));
    expect([again!.width, again!.height]).toEqual([first.width, first.height]);
    expect(Buffer.from(again!.png).equals(Buffer.from(first.png))).toBe(true);
    const alone = await renderPicture(historyChartSpec(quiet));
    expect(alone.width).toBeLessThan(first.width);
  });

  it('keeps text in other scripts as characters, so it is drawn from the full font files', async () => {
    const svg = await renderSvg(historyChartSpec({ ...timeline, label: 'почта.example' }));
    expect(svg).toContain('Listing history of почта.example');
    expect(coversText(svg)).toBe(false);
    expect(coversText(await renderSvg(historyChartSpec(timeline)))).toBe(true);
  });
});
