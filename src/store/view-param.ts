/**
 * How the page is shown, from the URL's query (the setup itself is in the hash, url-hash.ts):
 *
 *   ?embed                 the page inside a course page or a slide: no page chrome (no tour,
 *                          classroom, file or embed buttons; the title links to the full page)
 *   ?hide=tasks,model,…    panels and controls to leave out, by the names in HIDEABLE
 *
 * Both are views of the same setup, so they stay in the query while the hash follows the setup.
 * A name that is not in HIDEABLE is reported and ignored; the others still apply.
 */

/** What `hide=` can name, with what it hides (for the message and the embed dialog). */
export const HIDEABLE = {
  lesson: 'the lesson card',
  tasks: 'the task cards',
  mixer: 'the mixer panel (the race panel in a race)',
  model: 'the model panel',
  howto: '“How to read the charts”',
  weights: 'the sampling weights chart(s)',
  loss: 'the loss chart (the race’s too)',
  leaderboard: 'the race’s leaderboard',
  conflict: 'the gradient conflict matrix',
  stats: 'PiKE’s inputs (gradient statistics)',
  accuracy: 'the accuracy chart',
  compare: 'Compare runs',
  samples: 'the samples panel',
  example: 'the Example 2.1 panel (the maths, live)',
  preset: 'the preset menu',
  step: 'the Step button',
  reset: 'the Reset button',
} as const;

export type HideName = keyof typeof HIDEABLE;
export const HIDE_NAMES = Object.keys(HIDEABLE) as HideName[];

const isHideName = (s: string): s is HideName => Object.hasOwn(HIDEABLE, s);

export interface ViewParams {
  embed: boolean;
  hide: HideName[];
  /** The names that are not hideable, said in a sentence. */
  error?: string;
}

/** Reads `?embed` and `?hide=` (comma-separated; repeated keys add up). */
export function parseViewParams(search: string): ViewParams {
  const params = new URLSearchParams(search);
  const flag = params.get('embed');
  const embed = flag !== null && flag !== '0' && flag !== 'false';
  const names = params
    .getAll('hide')
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter((v) => v !== '');
  const hide = [...new Set(names.filter(isHideName))];
  const bad = [...new Set(names.filter((n) => !isHideName(n)))];
  return {
    embed,
    hide,
    ...(bad.length
      ? {
          error:
            `?hide=: ${bad.map((b) => `“${b.slice(0, 40)}”`).join(', ')} ${bad.length > 1 ? 'are' : 'is'} ` +
            `not a panel or control (use ${HIDE_NAMES.join(', ')}); ` +
            `${hide.length ? 'the others are hidden' : 'nothing is hidden'}.`,
        }
      : {}),
  };
}

/** Attributes of the snippet: a size that fits a lesson's charts, and what the frame may use. */
export const EMBED_HEIGHT = 720;

/** The embedded page's address: the page at `base` (origin + path) with setup `hash` (no '#'). */
export function embedUrl(base: string, hash: string, hide: readonly HideName[]): string {
  return `${base}${hide.length ? `?embed&hide=${hide.join(',')}` : '?embed'}#${hash}`;
}

/**
 * The `<iframe>` snippet for `src` (embedUrl). `allow`: cross-origin isolation when the host page
 * has it (threaded wasm; without it the frame runs the unthreaded binary), and the clipboard for
 * the charts' "Copy image".
 */
export function embedSnippet(src: string, title: string): string {
  const attr = (s: string) =>
    s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return (
    `<iframe src="${attr(src)}" title="${attr(title)}" width="100%" height="${EMBED_HEIGHT}" ` +
    `style="border:0" loading="lazy" allow="cross-origin-isolated; clipboard-write"></iframe>`
  );
}
