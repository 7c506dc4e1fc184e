/**
 * Static SVG line charts for docs/claims.md, drawn in Node with d3-scale (axes) and d3-shape
 * (paths): no DOM, no fonts beyond the reader's sans-serif. One panel per chart; `facets` puts
 * several panels side by side (e.g. the sampling weights of each mixer).
 */
import { scaleLinear } from 'd3-scale';
import { area, line } from 'd3-shape';

export interface PlotSeries {
  name: string;
  color: string;
  x: number[];
  y: number[];
  /** A band around the line (e.g. min–max over seeds). */
  lo?: number[];
  hi?: number[];
}

export interface Panel {
  title: string;
  series: PlotSeries[];
  yLabel: string;
  /** Fixed y range (e.g. [0, 1] for weights); else the data's, padded. */
  yDomain?: [number, number];
}

/** Colours that stay apart for up to 12 series (Tableau-like, readable on white). */
export const PLOT_COLORS = [
  '#1f77b4',
  '#d62728',
  '#2ca02c',
  '#ff7f0e',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#7f7f7f',
  '#bcbd22',
  '#17becf',
  '#393b79',
  '#637939',
];

const esc = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const W = 420;
const H = 260;
const M = { top: 28, right: 12, bottom: 36, left: 52 };

function panelSvg(p: Panel, dx: number): string {
  const xs = p.series.flatMap((s) => s.x);
  const ys = p.series
    .flatMap((s) => [...s.y, ...(s.lo ?? []), ...(s.hi ?? [])])
    .filter(Number.isFinite);
  const x = scaleLinear()
    .domain([Math.min(...xs), Math.max(...xs)])
    .range([M.left, W - M.right]);
  let [y0, y1] = p.yDomain ?? [Math.min(...ys), Math.max(...ys)];
  if (!p.yDomain) {
    const pad = (y1 - y0) * 0.05 || Math.abs(y0) * 0.05 || 1;
    y0 -= pad;
    y1 += pad;
  }
  const plotBottom = H - M.bottom;
  const y = scaleLinear().domain([y0, y1]).range([plotBottom, M.top]).nice();
  const out: string[] = [`<g transform="translate(${dx},0)">`];
  out.push(
    `<text x="${W / 2}" y="16" text-anchor="middle" font-size="13" font-weight="600">${esc(p.title)}</text>`,
  );
  for (const t of y.ticks(5)) {
    out.push(
      `<line x1="${M.left}" x2="${W - M.right}" y1="${y(t)}" y2="${y(t)}" stroke="#e5e7eb"/>`,
      `<text x="${M.left - 6}" y="${y(t) + 4}" text-anchor="end" font-size="11" fill="#444">${t}</text>`,
    );
  }
  for (const t of x.ticks(5)) {
    out.push(
      `<text x="${x(t)}" y="${plotBottom + 16}" text-anchor="middle" font-size="11" fill="#444">${t}</text>`,
    );
  }
  out.push(
    `<line x1="${M.left}" x2="${W - M.right}" y1="${plotBottom}" y2="${plotBottom}" stroke="#888"/>`,
    `<text x="${(M.left + W - M.right) / 2}" y="${H - 4}" text-anchor="middle" font-size="11">step</text>`,
    `<text transform="translate(12,${(M.top + plotBottom) / 2}) rotate(-90)" text-anchor="middle" font-size="11">${esc(p.yLabel)}</text>`,
  );
  for (const s of p.series) {
    const pts = s.x.map((_, i) => i).filter((i) => Number.isFinite(s.y[i]));
    if (s.lo && s.hi) {
      const band = area<number>()
        .x((i) => x(s.x[i]))
        .y0((i) => y(s.lo![i]))
        .y1((i) => y(s.hi![i]))(pts);
      if (band) out.push(`<path d="${band}" fill="${s.color}" fill-opacity="0.15" stroke="none"/>`);
    }
    const d = line<number>()
      .x((i) => x(s.x[i]))
      .y((i) => y(s.y[i]))(pts);
    if (d) out.push(`<path d="${d}" fill="none" stroke="${s.color}" stroke-width="1.8"/>`);
  }
  // Legend under the panel.
  p.series.forEach((s, i) => {
    const lx = M.left + (i % 3) * 125;
    const ly = H + 14 + Math.floor(i / 3) * 16;
    out.push(
      `<rect x="${lx}" y="${ly - 8}" width="12" height="4" fill="${s.color}"/>`,
      `<text x="${lx + 16}" y="${ly - 3}" font-size="11">${esc(s.name)}</text>`,
    );
  });
  out.push('</g>');
  return out.join('\n');
}

/** One SVG with the panels side by side. */
export function facets(panels: Panel[]): string {
  const rows = Math.max(...panels.map((p) => Math.ceil(p.series.length / 3)));
  const height = H + 8 + rows * 16;
  const width = W * panels.length;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    ...panels.map((p, i) => panelSvg(p, i * W)),
    '</svg>',
  ].join('\n');
}
