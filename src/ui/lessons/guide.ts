/**
 * Guided lessons (issue 20, part 6): each preset's lesson as 4 steps, each with a check the page
 * evaluates on the live run. A check says `done` when what the step asks for has happened,
 * `failed` when the lesson's claim does not hold on this run (with the numbers, instead of a
 * tick), and `waiting` otherwise, with a hint when the run cannot show it yet.
 *
 *   1. press Train;
 *   2. watch the preset's effect in the weights or the conflict matrix (lessons.ts says why),
 *      by a step deadline taken from the runs the lesson was written from;
 *   3. set up the lesson's race and train it RACE_STEPS steps;
 *   4. read the leaderboard: the race's outcome against the claim the lesson makes.
 *
 * Pure functions over a LessonRun (a snapshot of the page's run, built by LessonCard), so the
 * checks run in unit tests.
 */
import type { PresetName } from '../../core/config/presets';
import { LESSONS } from './lessons';

/** What the checks read of the page's run. */
export interface LessonRun {
  /** The followed run's step. */
  step: number;
  /** The mixer when not racing; null in a race. */
  mixer: string | null;
  /** The task specs, in column order. */
  specs: string[];
  /** The followed run's latest sampling weights (NaN before the first step). */
  weights: number[];
  /** The latest conflict matrix (row-major k×k), or null. */
  cosine: { k: number; values: ArrayLike<number> } | null;
  /** The race's contestants (specs, as the lesson writes them), or null. */
  race: string[] | null;
  /** Each contestant's steps, average and per-task latest validation loss. */
  contestants: { spec: string; steps: number; avgVal: number; val: number[] }[];
}

export type CheckResult =
  | { state: 'waiting'; hint?: string }
  | { state: 'done'; detail?: string }
  | { state: 'failed'; detail: string };

export interface GuideStep {
  text: string;
  check: (r: LessonRun) => CheckResult;
}

/** Steps each contestant trains before the leaderboard is read. */
export const RACE_STEPS = 300;

const waiting = (hint?: string): CheckResult => ({ state: 'waiting', ...(hint ? { hint } : {}) });
const pct = (w: number) => `${Math.round(100 * w)}%`;
const f3 = (v: number) => v.toFixed(3);

const PIKE_LIKE = new Set(['pike', 'balanced-pike', 'pike-kkt']);

/**
 * A check on the weights of PiKE's run by `deadline` steps: `seen` true ticks it; past the
 * deadline without it, the claim did not hold here.
 */
function watchPike(
  deadline: number,
  tasks: string[],
  seen: (w: number[]) => boolean,
  describe: (w: number[]) => string,
): (r: LessonRun) => CheckResult {
  return (r) => {
    const idx = tasks.map((t) => r.specs.indexOf(t));
    if (idx.some((i) => i < 0))
      return waiting(`this step needs ${tasks.join(' and ')}: choose the preset again`);
    if (r.mixer !== null && !PIKE_LIKE.has(r.mixer))
      return waiting('this step watches PiKE: choose PiKE in the mixer panel');
    const w = idx.map((i) => r.weights[i]);
    if (w.some((x) => !Number.isFinite(x))) return waiting();
    if (seen(w)) return { state: 'done', detail: `${describe(w)} at step ${r.step}` };
    if (r.step >= deadline)
      return {
        state: 'failed',
        detail: `not by step ${deadline} on this run: ${describe(w)} now. Other seeds differ; the claims report has the averages.`,
      };
    return waiting();
  };
}

/** The race set up and trained; then `verdict` on the contestants in the lesson's order. */
function raceRead(
  preset: PresetName,
  verdict: (c: LessonRun['contestants']) => CheckResult,
): (r: LessonRun) => CheckResult {
  const want = LESSONS[preset].next.race;
  return (r) => {
    if (!r.race || r.race.join(',') !== want.join(',')) return waiting('the race is not set up');
    const steps = Math.min(...r.contestants.map((c) => c.steps));
    if (steps < RACE_STEPS) return waiting(`${steps} of ${RACE_STEPS} steps`);
    const byOrder = want.map((spec) => r.contestants.find((c) => c.spec === spec)!);
    if (byOrder.some((c) => !c || !Number.isFinite(c.avgVal))) return waiting();
    return verdict(byOrder);
  };
}

/** a's average within `tol` (relative) of b's. */
function close([a, b]: LessonRun['contestants'], tol: number, claim: string): CheckResult {
  const rel = Math.abs(a.avgVal - b.avgVal) / b.avgVal;
  const numbers = `${a.spec} ${f3(a.avgVal)}, ${b.spec} ${f3(b.avgVal)}`;
  return rel <= tol
    ? { state: 'done', detail: `${numbers}: ${claim}` }
    : {
        state: 'failed',
        detail: `${numbers}: ${Math.round(100 * rel)}% apart on this run, not “${claim}”`,
      };
}

function startStep(): GuideStep {
  return {
    text: 'Press Train (or Space).',
    check: (r) => (r.step >= 1 ? { state: 'done' } : waiting()),
  };
}

function raceStep(preset: PresetName): GuideStep {
  const l = LESSONS[preset].next;
  return {
    text: `${l.text} Press “${l.button}”, then Train for ${RACE_STEPS} steps.`,
    check: raceRead(preset, () => ({ state: 'done' })),
  };
}

const GUIDES: Readonly<Record<PresetName, GuideStep[]>> = {
  multilingual: [
    startStep(),
    {
      text: 'Watch Hindi’s weight fall below 25% as its gradient shrinks.',
      check: watchPike(
        400,
        ['udhr:hi'],
        ([hi]) => hi < 0.25,
        ([hi]) => `Hindi has ${pct(hi)}`,
      ),
    },
    raceStep('multilingual'),
    {
      text: 'Read the leaderboard: PiKE ends within 5% of Uniform mix.',
      check: raceRead('multilingual', (c) => close(c, 0.05, 'about the same')),
    },
  ],
  algorithmic: [
    startStep(),
    {
      text: 'Watch copy and reverse, stuck on their plateau, fall below 12% each.',
      check: watchPike(
        400,
        ['copy', 'reverse'],
        (w) => w.every((x) => x < 0.12),
        ([c, r]) => `copy ${pct(c)}, reverse ${pct(r)}`,
      ),
    },
    raceStep('algorithmic'),
    {
      text: 'Read the leaderboard: PiKE’s average ends below Uniform mix’s.',
      check: raceRead('algorithmic', ([p, m]) =>
        p.avgVal < m.avgVal
          ? { state: 'done', detail: `pike ${f3(p.avgVal)} < mix ${f3(m.avgVal)}` }
          : {
              state: 'failed',
              detail: `pike ${f3(p.avgVal)}, mix ${f3(m.avgVal)}: PiKE is not ahead on this run`,
            },
      ),
    },
  ],
  conflict: [
    startStep(),
    {
      text: 'Watch the blind pair’s cell in the conflict matrix turn blue (cosine below −0.3).',
      check: (r) => {
        const pair = r.specs.flatMap((s, i) => (s.startsWith('blind:') ? [i] : []));
        if (pair.length !== 2)
          return waiting('this step needs the two blind tasks: choose the preset again');
        if (!r.cosine || r.cosine.k !== r.specs.length) return waiting();
        const c = r.cosine.values[pair[0] * r.cosine.k + pair[1]];
        if (c < -0.3) return { state: 'done', detail: `cosine ${c.toFixed(2)} at step ${r.step}` };
        if (r.step >= 300)
          return {
            state: 'failed',
            detail: `cosine ${c.toFixed(2)} at step ${r.step}: not blue on this run`,
          };
        return waiting();
      },
    },
    raceStep('conflict'),
    {
      text: 'Read the leaderboard: PiKE ends no better than Uniform mix.',
      check: raceRead('conflict', ([p, m]) =>
        p.avgVal >= 0.97 * m.avgVal
          ? { state: 'done', detail: `pike ${f3(p.avgVal)}, mix ${f3(m.avgVal)}` }
          : {
              state: 'failed',
              detail: `pike ${f3(p.avgVal)} beats mix ${f3(m.avgVal)} on this run, against the lesson`,
            },
      ),
    },
  ],
  imbalanced: [
    startStep(),
    {
      text: 'Watch Swahili, the smallest data set, get the largest weight after PiKE’s first update.',
      check: watchPike(
        150,
        ['udhr:en', 'udhr:fr', 'udhr:sw'],
        ([en, fr, sw]) => sw > en && sw > fr,
        ([, , sw]) => `Swahili has ${pct(sw)}`,
      ),
    },
    raceStep('imbalanced'),
    {
      text: 'Read the leaderboard: Uniform mix ends within 5% of PiKE.',
      check: raceRead('imbalanced', (c) => close(c, 0.05, 'about as well')),
    },
  ],
  similarity: [
    startStep(),
    {
      text: 'Watch the unrelated language and the 35% one take over 60% of the batch together.',
      check: watchPike(
        400,
        ['markov:4:0', 'markov:3:0.35'],
        ([a, b]) => a + b > 0.6,
        ([a, b]) => `together ${pct(a + b)}`,
      ),
    },
    raceStep('similarity'),
    {
      text: 'Read the leaderboard: PiKE ties Uniform mix (within 5%).',
      check: raceRead('similarity', (c) => close(c, 0.05, 'a tie')),
    },
  ],
  noisy: [
    startStep(),
    {
      text: 'Watch chains’ weight fall below 20%.',
      check: watchPike(
        400,
        ['chains'],
        ([c]) => c < 0.2,
        ([c]) => `chains has ${pct(c)}`,
      ),
    },
    raceStep('noisy'),
    {
      text: 'Read the leaderboard: PiKE without its variance term ends within 5% of PiKE.',
      check: raceRead('noisy', (c) =>
        close([c[1], c[0]], 0.05, 'the variance term changes little'),
      ),
    },
  ],
  saturating: [
    startStep(),
    {
      text: 'Watch copy, once learned, fall below 15% of the batch.',
      check: watchPike(
        400,
        ['copy'],
        ([c]) => c < 0.15,
        ([c]) => `copy has ${pct(c)}`,
      ),
    },
    raceStep('saturating'),
    {
      text: 'Read the leaderboard: German, the hardest task, ends better under PiKE than under Uniform mix.',
      check: (r) => {
        const de = r.specs.indexOf('udhr:de');
        if (de < 0) return waiting('this step needs German (udhr:de): choose the preset again');
        return raceRead('saturating', ([p, m]) => {
          const [a, b] = [p.val[de], m.val[de]];
          if (!Number.isFinite(a) || !Number.isFinite(b)) return waiting();
          return a < b
            ? { state: 'done', detail: `German: pike ${f3(a)} < mix ${f3(b)}` }
            : {
                state: 'failed',
                detail: `German: pike ${f3(a)}, mix ${f3(b)}: not better on this run`,
              };
        })(r);
      },
    },
  ],
};

export function guideOf(preset: PresetName): readonly GuideStep[] {
  return GUIDES[preset];
}

/**
 * The lesson's progress after one more look at the run: results so far (a step that ended,
 * done or failed, keeps its result), and the current step (the first still waiting; the
 * length when all ended). Only the current step is checked: the lesson goes in order.
 */
export function advance(
  steps: readonly GuideStep[],
  results: readonly CheckResult[],
  run: LessonRun,
): { results: CheckResult[]; current: number } {
  const out = steps.map((_, i) => results[i] ?? waiting());
  let i = out.findIndex((r) => r.state === 'waiting');
  while (i >= 0) {
    const r = steps[i].check(run);
    out[i] = r;
    if (r.state === 'waiting') break;
    i = out.findIndex((x) => x.state === 'waiting');
  }
  return { results: out, current: i < 0 ? steps.length : i };
}
