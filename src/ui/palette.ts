/**
 * One colour per task slot, the same in every chart. The first eight are the Okabe-Ito palette
 * (distinguishable with the common colour-vision deficiencies; its yellow darkened and its black
 * softened so lines read on white), then Tableau 10 colours for tasks 9-16.
 */
export const TASK_COLORS = [
  '#0072B2',
  '#E69F00',
  '#009E73',
  '#CC79A7',
  '#56B4E9',
  '#D55E00',
  '#B59B00',
  '#555555',
  '#9C755F',
  '#FF9DA7',
  '#76B7B2',
  '#4E79A7',
  '#59A14F',
  '#B07AA1',
  '#E15759',
  '#BAB0AC',
] as const;

export const taskColor = (k: number): string => TASK_COLORS[k % TASK_COLORS.length];

/**
 * Diverging colour for a cosine in [-1, 1]: blue (−1, opposed gradients) through white (0,
 * unrelated) to red (+1, aligned). Grey for NaN.
 */
export function cosineColor(v: number): string {
  if (!Number.isFinite(v)) return '#d9d9d9';
  const t = Math.max(-1, Math.min(1, v));
  const white = [247, 247, 247];
  const end = t < 0 ? [33, 102, 172] : [178, 24, 43];
  const a = Math.abs(t);
  const c = white.map((w, i) => Math.round(w + (end[i] - w) * a));
  return `rgb(${c[0]}, ${c[1]}, ${c[2]})`;
}

/**
 * One colour per race contestant (never a task's colour: contestants and tasks share charts):
 * near-black, purple, dark red and teal, apart in hue and lightness.
 */
export const CONTESTANT_COLORS = ['#222222', '#7B3294', '#B2182B', '#018571'] as const;

export const contestantColor = (i: number): string =>
  CONTESTANT_COLORS[i % CONTESTANT_COLORS.length];
