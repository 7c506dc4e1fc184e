/**
 * The experiments `npm run claims` trains (each through `npm run experiment`), the settings it
 * trains them at, and the command line each corresponds to (printed in the report).
 */
export interface Setting {
  steps: number;
  seeds: number;
  evalEvery: number;
}

/** The committed report's setting, and CI's (one seed: every verdict is undetermined). */
export const FULL: Setting = { steps: 400, seeds: 3, evalEvery: 50 };
export const TINY: Setting = { steps: 6, seeds: 1, evalEvery: 3 };

export interface ExperimentPlan {
  id: string;
  /** `npm run experiment` arguments besides --steps, --seeds, --eval-every, --out, --jobs. */
  args: (s: Setting) => string[];
}

const statsEvery = (s: Setting) => String(Math.max(1, Math.round(s.steps / 8)));

export const EXPERIMENTS: ExperimentPlan[] = [
  {
    id: 'multilingual',
    args: () => [
      '--preset',
      'multilingual',
      '--mixers',
      'mix,random,round-robin,pike,balanced-pike{tau=1},balanced-pike{tau=3},balanced-pike{tau=5},famo,odm,doremi,ado,aioli,doge,pcgrad,cagrad',
      '--reference',
      'mix',
    ],
  },
  {
    id: 'imbalanced',
    args: () => [
      '--preset',
      'imbalanced',
      '--mixers',
      'mix,random,round-robin,pike,temperature{T=1}',
    ],
  },
  { id: 'noisy', args: () => ['--preset', 'noisy', '--mixers', 'mix,pike,pike{zeta2=0}'] },
  { id: 'saturating', args: () => ['--preset', 'saturating', '--mixers', 'mix,pike'] },
  // Gradient surgery where tasks conflict (claim 9): trained without --stats-every, whose
  // statistics steps change the training (the conflict-* experiments below record cosines).
  { id: 'surgery-conflict', args: () => ['--preset', 'conflict', '--mixers', 'mix,pcgrad,cagrad'] },
  ...(['multilingual', 'imbalanced', 'conflict'] as const).map((preset) => ({
    id: `conflict-${preset}`,
    args: (s: Setting) => ['--preset', preset, '--mixers', 'mix', '--stats-every', statsEvery(s)],
  })),
];

/** The full command of an experiment, as the report prints it. */
export function commandOf(p: ExperimentPlan, s: Setting, out: string, jobs: number): string {
  const quote = (a: string) => (/[{}=,;]/.test(a) ? `'${a}'` : a);
  return [
    'npm run experiment --',
    ...p.args(s).map(quote),
    `--steps ${s.steps} --seeds ${s.seeds} --eval-every ${s.evalEvery} --jobs ${jobs}`,
    `--out ${out}`,
  ].join(' ');
}
