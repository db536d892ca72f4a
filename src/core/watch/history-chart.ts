/**
 * The timeline picture of a listing history as a Vega-Lite spec (rendered by
 * src/reply/picture.ts): one lane per list, listed spans red and thick, clean spans green
 * and thin, failed checks grey and middling — thickness tells the states apart without
 * colour (Paul Tol's colour-blind-safe "vibrant" red and teal on top) — a black triangle
 * over every alert, dates on the time axis, the target and period in the title.
 *
 * Sized for chat previews: Slack and Discord show pictures about 400 px wide, so the
 * chart is 540 px wide at 1×, with 12–15 px text, and rendered at 2× for full view
 * (less for a tall picture of many lanes: src/reply/picture.ts bounds the pixels).
 */
import { DAY_MS } from './duration.js';
import type { Timeline, TimelineLane } from './history.js';

export const CHART_COLOURS = { listed: '#CC3311', clean: '#009988', unknown: '#BBBBBB', alert: '#222222', background: '#FFFFFF' } as const;

/** Bar thickness per state, in px at 1× (a lane is LANE_STEP tall). */
export const CHART_THICKNESS = { listed: 20, clean: 6, unknown: 12 } as const;
export const LANE_STEP = 34;
/** The plot's width at 1×; the lane labels and padding come on top. */
export const PLOT_WIDTH = 360;
export const FONT_FAMILY = 'DejaVu Sans';

const STATE_LABEL = { listed: 'listed', clean: 'clean', unknown: 'check failed' } as const;

export interface ChartRow {
  readonly lane: string;
  readonly from: number;
  readonly to: number;
  readonly state: string;
  /** Bar thickness in px (CHART_THICKNESS of the state). */
  readonly thickness: number;
}

/**
 * A chart for src/reply/picture.ts: the one Vega-Lite spec of every history picture
 * (compiled once), and what differs per picture — its data and parameter values.
 */
export interface HistoryChart {
  readonly spec: Record<string, unknown>;
  readonly data: { readonly rows: readonly ChartRow[]; readonly alerts: readonly { lane: string; at: number; what: string }[] };
  readonly params: {
    readonly lanes: readonly string[];
    readonly period: readonly [number, number];
    readonly heading: string;
    readonly subheading: string;
    /** Hours on the time axis (a period of two days or less), else days. */
    readonly hours: boolean;
    readonly ticks: number;
  };
}

/** The timeline's chart: its data and parameters for HISTORY_SPEC. */
export function historyChartSpec(timeline: Timeline): HistoryChart {
  const lanes = timeline.lanes.length > 0 ? timeline.lanes : timeline.overall ? [timeline.overall] : [];
  const multiTarget = new Set(lanes.map((l) => l.target)).size > 1 || timeline.targets.length > 1;
  const names = lanes.map((l) => laneLabel(l, timeline, multiTarget));
  // A span shorter than 1/150 of the period (a watch added an hour ago) is still drawn about 2 px wide.
  const minimum = (timeline.to - timeline.from) / 150;
  const rows: ChartRow[] = lanes.flatMap((l, i) =>
    l.spans.map((s) => {
      const to = Math.min(timeline.to, Math.max(s.to, s.from + minimum));
      return { lane: names[i]!, from: Math.min(s.from, to - minimum), to, state: STATE_LABEL[s.state], thickness: CHART_THICKNESS[s.state] };
    }),
  );
  const alerts = lanes.flatMap((l, i) => l.alerts.map((at) => ({ lane: names[i]!, at, what: 'alert sent' })));
  const days = Math.max(1, Math.round((timeline.to - timeline.from) / DAY_MS));
  return {
    spec: HISTORY_SPEC,
    data: { rows, alerts },
    params: {
      lanes: names,
      period: [timeline.from, timeline.to],
      heading: `Listing history of ${timeline.label}`,
      subheading: `${formatDay(timeline.from)} – ${formatDay(timeline.to)} (${days} ${days === 1 ? 'day' : 'days'}, UTC)`,
      hours: days <= 2,
      ticks: Math.min(6, Math.max(2, days)),
    },
  };
}

const STATES = ['listed', 'clean', 'check failed'];

/**
 * Every history picture is this spec with its own data ("rows", "alerts") and parameters
 * (HistoryChart["params"]): one spec, so it is compiled to a Vega dataflow once and each
 * picture only runs it (compiling and parsing took ~40 of a 25-lane picture's ~250 ms CPU).
 */
const HISTORY_SPEC: Record<string, unknown> = {
  $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
  params: [
    { name: 'lanes', value: [] },
    { name: 'period', value: [0, DAY_MS] },
    { name: 'heading', value: '' },
    { name: 'subheading', value: '' },
    { name: 'hours', value: false },
    { name: 'ticks', value: 6 },
  ],
  width: PLOT_WIDTH,
  height: { step: LANE_STEP },
  padding: { left: 12, right: 16, top: 12, bottom: 10 },
  // Fitted anew to each picture's labels: by default a reused Vega view only ever grows.
  autosize: { type: 'pad', resize: true },
  background: CHART_COLOURS.background,
  title: {
    text: { expr: 'heading' },
    subtitle: { expr: 'subheading' },
    anchor: 'start',
    fontSize: 15,
    subtitleFontSize: 12,
    subtitleColor: '#444444',
    offset: 10,
  },
  config: {
    font: FONT_FAMILY,
    view: { stroke: '#DDDDDD' },
    axis: { labelFontSize: 12, labelColor: '#222222', domainColor: '#888888', tickColor: '#888888', gridColor: '#EEEEEE' },
    legend: { labelFontSize: 12, titleFontSize: 12, orient: 'bottom', direction: 'horizontal', symbolStrokeWidth: 0 },
  },
  encoding: {
    y: {
      field: 'lane',
      type: 'nominal',
      title: null,
      sort: null,
      scale: { domain: { expr: 'lanes' } },
      axis: { labelLimit: 200, labelFontSize: 12, labelExpr: "split(datum.label, '\\n')", ticks: false, domain: false, labelPadding: 6 },
    },
  },
  layer: [
    {
      data: { name: 'rows' },
      mark: { type: 'bar', cornerRadius: 1 },
      encoding: {
        x: {
          field: 'from',
          type: 'temporal',
          title: null,
          scale: { type: 'utc', domain: { expr: 'period' } },
          axis: {
            labelExpr: "utcFormat(datum.value, hours ? '%H:%M' : '%d %b')",
            labelFontSize: 12,
            tickCount: { expr: 'ticks' },
            grid: true,
            labelFlush: true,
          },
        },
        x2: { field: 'to' },
        color: {
          field: 'state',
          type: 'nominal',
          title: null,
          scale: { domain: STATES, range: [CHART_COLOURS.listed, CHART_COLOURS.clean, CHART_COLOURS.unknown] },
          legend: { symbolType: 'square', symbolSize: 150 },
        },
        // The thickness in px as it is (no scale), so each state keeps its own.
        size: { field: 'thickness', type: 'quantitative', scale: null, legend: null },
      },
    },
    {
      data: { name: 'alerts' },
      mark: { type: 'point', filled: true, size: 70, yOffset: -(CHART_THICKNESS.listed / 2 + 5), opacity: 1 },
      encoding: {
        x: { field: 'at', type: 'temporal' },
        shape: { field: 'what', type: 'nominal', title: null, scale: { domain: ['alert sent'], range: ['triangle-down'] } },
        color: { value: CHART_COLOURS.alert },
      },
    },
  ],
  resolve: { legend: { color: 'independent', shape: 'independent' } },
};

function laneLabel(lane: TimelineLane, timeline: Timeline, multiTarget: boolean): string {
  if (lane.zone === '') return timeline.targets.length > 1 ? `Every list\n(${timeline.targets.length} addresses)` : 'Every list';
  const subject = multiTarget ? lane.query : lane.query !== lane.target ? lane.query : '';
  return subject ? `${lane.zone}\n${subject}` : lane.zone;
}

/** "2 Nov 2026", in UTC. */
export function formatDay(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
