/**
 * A chart card as an image for a slide or a handout: its drawing (every SVG in the card's chart
 * area, where it is on screen), its title above, its legend under the title, and one footer line
 * with the run's setup, on white. As SVG (the drawing's own vectors) or as PNG at 2x.
 *
 * The drawings are styled by the page's stylesheet (colours are CSS variables), which a file on
 * its own does not have: each element gets its computed presentation as attributes. Hover read-outs and
 * cursors are left out. The PNG is the SVG drawn on a canvas from a data: URL (the page's CSP
 * allows data: images, not blob:); an SVG without foreignObject leaves the canvas readable.
 */
import type { RunConfig } from '../../core/config/run-config';
import { MIXERS } from '../../core/mixers/registry';

/** Presentation properties an exported drawing needs from the page's stylesheet. */
const STYLE_PROPS = [
  'fill',
  'fill-opacity',
  'stroke',
  'stroke-width',
  'stroke-opacity',
  'stroke-dasharray',
  'stroke-linecap',
  'stroke-linejoin',
  'opacity',
  'font-size',
  'font-family',
  'font-weight',
  'text-anchor',
  'dominant-baseline',
  'visibility',
];

/** What only shows while hovering or focusing a chart. */
const TRANSIENT = '.hover-readout-box, .recharts-tooltip-cursor, .recharts-active-dot';

const SVG_NS = 'http://www.w3.org/2000/svg';
const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
const PAD = 12;
const TITLE_PX = 16;
const SUB_PX = 12;
const LEGEND_PX = 12;
const FOOTER_PX = 11;

export interface LegendItem {
  label: string;
  color: string;
}

export interface ChartImage {
  svg: string;
  /** CSS pixels (the PNG is twice as large). */
  width: number;
  height: number;
}

/** "multilingual · PiKE · 1 layer × 32 wide, context 16 · batch 8 · seed 0 · step 1,200". */
export function setupLine(preset: string, config: RunConfig, step: number): string {
  const { layers, width, context } = config.model;
  const mixers = config.race
    ? config.race.map((c) => MIXERS[c.name].label).join(' vs ')
    : MIXERS[config.mixer.name].label;
  return [
    preset,
    mixers,
    `${layers} layer${layers === 1 ? '' : 's'} × ${width} wide, context ${context}`,
    `batch ${config.batchSize}`,
    `seed ${config.seed}`,
    `step ${step.toLocaleString('en-US')}`,
  ].join(' · ');
}

/** The legend a card shows (its `.task-legend` entries), colour and label each. */
export function cardLegend(card: Element): LegendItem[] {
  return Array.from(card.querySelectorAll('.task-legend li')).map((li) => ({
    label: (li.textContent ?? '').trim(),
    color: getComputedStyle(li.querySelector('.swatch') ?? li).backgroundColor,
  }));
}

let measurer: CanvasRenderingContext2D | null | undefined;

/** Width of `text` at `px` in the export's font (one canvas, kept, measures it). */
function textWidth(text: string, px: number, weight = 400): number {
  measurer ??= document.createElement('canvas').getContext('2d');
  const ctx = measurer;
  if (!ctx) return text.length * px * 0.6;
  ctx.font = `${weight} ${px}px ${FONT}`;
  return ctx.measureText(text).width;
}

function el(name: string, attrs: Record<string, string | number>, text?: string): SVGElement {
  const e = document.createElementNS(SVG_NS, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

/**
 * Copies the computed presentation of `src` and its descendants onto the clone `dst`, as SVG
 * presentation attributes: the page's CSP forbids inline style="" markup, and a standalone file
 * has no stylesheet, so attributes carry the colours. A value equal to the parent's is left to
 * inheritance (every property here but opacity and dominant-baseline inherits; those two are
 * written where they are not their initial value). Attributes rank below CSS: a style the
 * drawing set itself still wins, as it did on the page.
 */
function inlinePresentation(src: Element, dst: Element, parent?: Map<string, string>): void {
  const cs = getComputedStyle(src);
  const mine = new Map<string, string>();
  for (const p of STYLE_PROPS) {
    const v = cs.getPropertyValue(p);
    mine.set(p, v);
    const inherited = p !== 'opacity' && p !== 'dominant-baseline';
    const same = inherited ? parent?.get(p) === v : v === (p === 'opacity' ? '1' : 'auto');
    if (v && !same) dst.setAttribute(p, v);
  }
  for (let i = 0; i < src.children.length; i++) {
    inlinePresentation(src.children[i], dst.children[i], mine);
  }
}

/**
 * `text` in lines no wider than `max` at `px`, broken after `sep` (the last piece of each line
 * keeps it); a piece wider than `max` gets a line of its own.
 */
export function wrapText(
  text: string,
  px: number,
  max: number,
  sep: string,
  measure = textWidth,
): string[] {
  const pieces = text.split(sep).map((p, i, all) => (i < all.length - 1 ? p + sep : p));
  const lines: string[] = [];
  let line = '';
  for (const piece of pieces) {
    if (line && measure((line + piece).trimEnd(), px) > max) {
      lines.push(line.trimEnd());
      line = '';
    }
    line += piece;
  }
  if (line.trim()) lines.push(line.trimEnd());
  return lines;
}

/**
 * The card's chart area (`body`, the element with the chart's test id) as one SVG: its title,
 * subtitle and legend, its drawings where they sit, and `footer`, each wrapped to the width.
 */
export function composeChartImage(
  body: Element,
  parts: { title: string; subtitle?: string; legend: LegendItem[]; footer: string },
): ChartImage {
  const box = body.getBoundingClientRect();
  const width = Math.max(240, Math.round(box.width));
  const inner = width - 2 * PAD;
  const sub = parts.subtitle ? wrapText(parts.subtitle, SUB_PX, inner, ' ') : [];
  const foot = wrapText(`${parts.footer} · PiKE Playground`, FOOTER_PX, inner, ' · ');
  // The legend flows in rows under the title.
  const rows: { x: number; item: LegendItem }[][] = [[]];
  let x = PAD;
  for (const item of parts.legend) {
    const w = 14 + textWidth(item.label, LEGEND_PX) + 14;
    if (x + w > width - PAD && rows[rows.length - 1].length) {
      rows.push([]);
      x = PAD;
    }
    rows[rows.length - 1].push({ x, item });
    x += w;
  }
  const legendTop = PAD + TITLE_PX + 6 + sub.length * (SUB_PX + 4) + 4;
  const top = legendTop + (parts.legend.length ? rows.length : 0) * (LEGEND_PX + 8) + 4;
  const plotHeight = Math.round(box.height);
  const footTop = top + plotHeight + 8;
  const height = footTop + foot.length * (FOOTER_PX + 4) + PAD;

  const root = el('svg', {
    xmlns: SVG_NS,
    width,
    height,
    viewBox: `0 0 ${width} ${height}`,
    'font-family': FONT,
  });
  const text = (y: number, px: number, fill: string, t: string, weight = 400, at = PAD) =>
    root.append(el('text', { x: at, y, 'font-size': px, 'font-weight': weight, fill }, t));
  root.append(el('rect', { x: 0, y: 0, width, height, fill: '#ffffff' }));
  text(PAD + TITLE_PX * 0.85, TITLE_PX, '#111111', parts.title, 700);
  sub.forEach((line, i) =>
    text(PAD + TITLE_PX + 6 + i * (SUB_PX + 4) + SUB_PX * 0.85, SUB_PX, '#555555', line),
  );
  if (parts.legend.length) {
    rows.forEach((row, r) => {
      const y = legendTop + r * (LEGEND_PX + 8);
      for (const { x: lx, item } of row) {
        root.append(
          el('rect', { x: lx, y: y + 1, width: 10, height: 10, rx: 2, fill: item.color }),
        );
        text(y + LEGEND_PX * 0.85, LEGEND_PX, '#222222', item.label, 400, lx + 14);
      }
    });
  }
  for (const svg of Array.from(body.querySelectorAll('svg'))) {
    if (svg.parentElement?.closest('svg')) continue; // nested: drawn with its outer svg
    const r = svg.getBoundingClientRect();
    if (r.width < 1 || r.height < 1) continue;
    const copy = svg.cloneNode(true) as SVGSVGElement;
    inlinePresentation(svg, copy);
    copy.querySelectorAll(TRANSIENT).forEach((e) => e.remove());
    copy.setAttribute('x', String(Math.round(r.left - box.left)));
    copy.setAttribute('y', String(Math.round(top + r.top - box.top)));
    copy.setAttribute('width', String(Math.round(r.width)));
    copy.setAttribute('height', String(Math.round(r.height)));
    copy.removeAttribute('class');
    root.append(copy);
  }
  foot.forEach((line, i) =>
    text(footTop + i * (FOOTER_PX + 4) + FOOTER_PX * 0.85, FOOTER_PX, '#555555', line),
  );
  return { svg: new XMLSerializer().serializeToString(root), width, height };
}

/** The image as PNG at `scale`× its CSS size, on white. */
export async function chartPng(image: ChartImage, scale = 2): Promise<Blob> {
  const img = new Image();
  img.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(image.svg)}`;
  await img.decode();
  const canvas = document.createElement('canvas');
  canvas.width = image.width * scale;
  canvas.height = image.height * scale;
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('This browser cannot draw on a canvas here.');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
  return new Promise((resolve, reject) =>
    canvas.toBlob(
      (b) => (b ? resolve(b) : reject(new Error('The browser could not encode the PNG.'))),
      'image/png',
    ),
  );
}

/** A file name from a chart title: "Sampling weights" → "pike-sampling-weights". */
export function imageName(title: string, ext: 'png' | 'svg'): string {
  const slug = title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
  return `pike-${slug || 'chart'}.${ext}`;
}
