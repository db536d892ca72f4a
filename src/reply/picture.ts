/**
 * Pictures for replies: a Vega-Lite spec compiled to Vega, drawn to SVG by Vega's own
 * renderer, rasterised to PNG by resvg with the DejaVu Sans files of the
 * dejavu-fonts-ttf package and no system fonts — so a picture is the same, pixel for
 * pixel, on every machine. Vega, Vega-Lite and resvg load on first use only (they take
 * about a second to load, and most runs draw nothing).
 *
 * Per picture only what must be is done (a 25-lane history took ~170–270 ms CPU, now
 * ~90): a chart's spec is compiled and parsed into a Vega view once and each picture
 * only sets its data and params and runs it (~40 ms saved); resvg reads light copies of
 * the font files when the text allows (light-font.ts: it re-reads the file per glyph,
 * ~45 ms saved).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import type * as Resvg from '@resvg/resvg-js';
import type * as Vega from 'vega';
import type * as VegaLite from 'vega-lite';
import { loadFontMetrics } from './font-metrics.js';
import { coversText, lightFont } from './light-font.js';

export interface Picture {
  readonly png: Uint8Array;
  /** Pixels (at `scale`). */
  readonly width: number;
  readonly height: number;
}

export interface PictureOptions {
  /** Pixels per unit of the spec (2: sharp when opened full size, still small as a PNG). */
  readonly scale?: number;
  /**
   * At most this many pixels: a taller picture gets a smaller scale. Rasterising and PNG
   * encoding take time in proportion to the pixels (a 25-lane history at 2× is 2 million,
   * ~130 of its ~250 ms), and a chat preview shrinks a tall picture to ~400 px wide anyway,
   * so past this size more pixels only cost time and upload size.
   */
  readonly maxPixels?: number;
}

const MAX_PIXELS = 1_250_000;

type VegaModule = typeof Vega;
interface TextItem {
  readonly fontSize?: number | string;
  readonly fontWeight?: string | number;
  readonly limit?: number;
}
type VegaLiteModule = typeof VegaLite;
type ResvgModule = typeof Resvg;

interface Modules {
  readonly vega: VegaModule;
  readonly vl: VegaLiteModule;
  readonly resvg: ResvgModule;
  readonly fonts: readonly string[];
  /** Light copies of `fonts` (see light-font.ts), or `fonts` when they cannot be written. */
  readonly lightFonts: readonly string[];
}

let modules: Promise<Modules> | undefined;

function load(): NonNullable<typeof modules> {
  modules ??= (async () => {
    const [vega, vl, resvg] = await Promise.all([import('vega'), import('vega-lite'), import('@resvg/resvg-js')]);
    const require = createRequire(import.meta.url);
    const dir = path.join(path.dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf');
    const fonts = [path.join(dir, 'DejaVuSans.ttf'), path.join(dir, 'DejaVuSans-Bold.ttf')];
    // Vega lays text out with the widths of the very glyphs resvg draws (see font-metrics.ts).
    const [regular, bold] = fonts.map(loadFontMetrics) as [ReturnType<typeof loadFontMetrics>, ReturnType<typeof loadFontMetrics>];
    // vega re-exports vega-scenegraph's textMetrics, whose typings omit it; `width` is meant to be replaced.
    const { textMetrics } = vega as unknown as { textMetrics: { width: (item: TextItem, text: unknown) => number } };
    textMetrics.width = (item, text) => {
      const size = item.fontSize != null ? Number(item.fontSize) || 0 : 11;
      const isBold = item.fontWeight === 'bold' || Number(item.fontWeight) >= 600;
      const w = (isBold ? bold : regular).width(text == null ? '' : String(text).trim(), size);
      // A label with a limit is shortened to fit it (Vega's own measure does the same).
      return item.limit && item.limit > 0 ? Math.min(w, item.limit) : w;
    };
    return { vega, vl, resvg, fonts, lightFonts: writeLightFonts(fonts) };
  })();
  return modules;
}

/**
 * A chart to draw: a Vega-Lite spec that is the same object for every picture of its kind
 * (compiled once, into one Vega dataflow reused for each picture), and what differs per
 * picture — the values of its named data sources and of its top-level params.
 */
export interface Chart {
  readonly spec: Record<string, unknown>;
  readonly data?: Readonly<Record<string, readonly object[]>>;
  readonly params?: Readonly<Record<string, unknown>>;
}

interface CompiledChart {
  readonly view: Vega.View;
  /** The last drawing in progress: one view draws one picture at a time. */
  turn: Promise<unknown>;
}

const compiled = new WeakMap<object, Promise<CompiledChart>>();

function compile(spec: Record<string, unknown>): Promise<CompiledChart> {
  let chart = compiled.get(spec);
  if (!chart) {
    chart = (async () => {
      const { vega, vl } = await load();
      const vegaSpec = vl.compile(spec as unknown as Parameters<VegaLiteModule['compile']>[0], { logger: quietLogger(vega) }).spec;
      return { view: new vega.View(vega.parse(vegaSpec), { renderer: 'none', logger: quietLogger(vega) }), turn: Promise.resolve() };
    })();
    compiled.set(spec, chart);
  }
  return chart;
}

/** Render a chart to SVG text (the text uses font family "DejaVu Sans"). */
export async function renderSvg(chart: Chart): Promise<string> {
  const compiledChart = await compile(chart.spec);
  const draw = compiledChart.turn.then(() => {
    const { view } = compiledChart;
    for (const [name, value] of Object.entries(chart.params ?? {})) view.signal(name, value);
    for (const [name, values] of Object.entries(chart.data ?? {})) view.data(name, values as object[]);
    return view.toSVG();
  });
  compiledChart.turn = draw.catch(() => undefined);
  return draw;
}

/** Render a chart to a PNG. Rasterising runs off the event loop (resvg's worker). */
export async function renderPicture(chart: Chart, options: PictureOptions = {}): Promise<Picture> {
  const { resvg, fonts, lightFonts } = await load();
  const svg = await renderSvg(chart);
  const image = await resvg.renderAsync(svg, {
    font: {
      loadSystemFonts: false,
      fontFiles: [...(coversText(svg) ? lightFonts : fonts)],
      defaultFontFamily: 'DejaVu Sans',
      sansSerifFamily: 'DejaVu Sans',
    },
    fitTo: { mode: 'zoom', value: scaleFor(svg, options.scale ?? 2, options.maxPixels ?? MAX_PIXELS) },
    shapeRendering: 2,
    textRendering: 1,
    logLevel: 'off',
  });
  return { png: new Uint8Array(image.asPng()), width: image.width, height: image.height };
}

/**
 * The light copies of the font files, in a directory of the temporary one named after
 * their content (written once per machine, atomically: several processes may start at once).
 */
function writeLightFonts(fonts: readonly string[]): readonly string[] {
  try {
    const copies = fonts.map((file) => ({ name: path.basename(file), data: lightFont(readFileSync(file)) }));
    const hash = createHash('sha256');
    for (const c of copies) hash.update(c.name).update(c.data);
    const dir = path.join(os.tmpdir(), `rblbot-fonts-${hash.digest('hex').slice(0, 16)}`);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    return copies.map(({ name, data }) => {
      const file = path.join(dir, name);
      if (!existsSync(file)) {
        const partial = `${file}.${process.pid}`;
        writeFileSync(partial, data);
        renameSync(partial, file);
      }
      // The temporary directory is shared: use a copy only if it is exactly ours.
      if (!readFileSync(file).equals(data)) throw new Error(`${file} is not the light copy`);
      return file;
    });
  } catch {
    return fonts;
  }
}

/** `scale`, or less when the SVG's own size (its root element's width and height) at `scale` would exceed `maxPixels`. */
export function scaleFor(svg: string, scale: number, maxPixels: number): number {
  const root = /<svg\b[^>]*>/.exec(svg)?.[0] ?? '';
  const width = Number(/\swidth="([\d.]+)"/.exec(root)?.[1]);
  const height = Number(/\sheight="([\d.]+)"/.exec(root)?.[1]);
  if (!(width > 0 && height > 0) || width * height * scale * scale <= maxPixels) return scale;
  // Two decimals, rounded down: the pixel count stays under the bound.
  return Math.floor(Math.sqrt(maxPixels / (width * height)) * 100) / 100;
}

/** Vega warns on the console about harmless things (e.g. a scale domain it widened); only errors matter. */
function quietLogger(vega: VegaModule) {
  return vega.logger(vega.Error);
}
