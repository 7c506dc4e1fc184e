/**
 * The paper's claims at playground scale (issue 8 part 5): for each claim, the sentence, its
 * place in the paper, the experiments it reads (experiments.ts), and from their results its
 * tables, comparisons (verdict.ts) and plots (report.ts, svg.ts). Pure: no training here
 * (claims-main.ts runs the experiments).
 */
import type { RunResult } from '../../core/config/results-schema';
import {
  avgVal,
  buildReport,
  fmt,
  lossPanel,
  mixTable,
  per,
  pikeBelow,
  runsOf,
  table,
  weightOf,
  weightPanels,
  worstVal,
  type ClaimDef,
  type ClaimReport,
  type ResultsById,
} from './report';
import { mostConflicting } from '../conflict';
import { NEXT_METHOD_CLAIMS } from './next-methods';

export const CLAIMS: ClaimDef[] = [
  {
    n: 1,
    title: 'Mixing every task in every batch (Mix) beats Random and Round-Robin task sampling.',
    paper:
      'the main text’s comparison of sampling strategies: mixing every task into every batch beats Round-Robin and Random',
    experiments: ['multilingual', 'imbalanced'],
    build: (r) => {
      const sets = ['multilingual', 'imbalanced'];
      const ms = ['mix', 'random', 'round-robin'];
      return {
        body: sets.map((s) => `**${s}**\n\n${mixTable(r[s], ms)}`).join('\n\n'),
        comparisons: sets.flatMap((s) =>
          ['random', 'round-robin'].map((o) => ({
            label: `Mix < ${o} (final avg val loss, ${s})`,
            lower: per(r[s], 'mix', avgVal),
            higher: per(r[s], o, avgVal),
          })),
        ),
        plots: { 'claim1-loss': sets.map((s) => lossPanel(r[s], ms, s)) },
        summary: (v) => `Mix vs Random / Round-Robin: ${v}.`,
      };
    },
  },
  {
    n: 2,
    title:
      'PiKE ends with a lower average validation loss than Mix and static weights, and gets to Mix’s final loss sooner.',
    paper:
      'the abstract and the multilingual mC4 experiments (en, hi, de; GPT-2-style 270M and 1B): PiKE beats static and non-adaptive mixing (measured there as downstream accuracy; at 750M on GLaM’s domains Mix had the lower perplexity)',
    experiments: ['multilingual', 'imbalanced'],
    build: (r) => ({
      body:
        `**multilingual**\n\n${mixTable(r.multilingual, ['mix', 'pike'])}\n\n` +
        `**imbalanced** (temperature{T=1}: static weights proportional to the pools)\n\n` +
        mixTable(r.imbalanced, ['mix', 'temperature{T=1}', 'pike']),
      comparisons: [
        {
          label: 'PiKE < Mix (multilingual)',
          lower: per(r.multilingual, 'pike', avgVal),
          higher: per(r.multilingual, 'mix', avgVal),
        },
        {
          label: 'PiKE < Mix (imbalanced)',
          lower: per(r.imbalanced, 'pike', avgVal),
          higher: per(r.imbalanced, 'mix', avgVal),
        },
        {
          label: 'PiKE < static size-proportional (imbalanced)',
          lower: per(r.imbalanced, 'pike', avgVal),
          higher: per(r.imbalanced, 'temperature{T=1}', avgVal),
        },
      ],
      plots: {
        'claim2-loss': [
          lossPanel(r.multilingual, ['mix', 'pike'], 'multilingual'),
          lossPanel(r.imbalanced, ['mix', 'temperature{T=1}', 'pike'], 'imbalanced'),
        ],
        'claim2-weights': weightPanels(r.multilingual, ['pike']),
      },
      summary: (v) => `PiKE vs Mix and static weights (final avg val loss): ${v}.`,
    }),
  },
  {
    n: 3,
    title: 'The variance term moves weight away from a task with noisy examples, and that helps.',
    paper:
      'Algorithm 1’s −ζ₂σ_k²/(2b) term, from the bound of Theorem 3.4; the paper: without the variance term PiKE over-weights high-loss noisy tasks',
    experiments: ['noisy'],
    build: (r) => {
      const n = r.noisy;
      const chains = n.config.tasks.indexOf('chains');
      return {
        body: table(
          [
            'mixer',
            'mean weight of chains',
            'final weight of chains',
            'final avg val loss',
            'worst task val loss',
          ],
          ['mix', 'pike', 'pike{zeta2=0}'].map((m) => [
            m,
            fmt(per(n, m, weightOf(chains, 'mean'))),
            fmt(per(n, m, weightOf(chains, 'final'))),
            fmt(per(n, m, avgVal)),
            fmt(per(n, m, worstVal)),
          ]),
        ),
        comparisons: [
          {
            label: 'chains gets less weight with the variance term (mean weight: PiKE < PiKE ζ₂=0)',
            lower: per(n, 'pike', weightOf(chains, 'mean')),
            higher: per(n, 'pike{zeta2=0}', weightOf(chains, 'mean')),
          },
          {
            label: 'and PiKE ends better (final avg val loss: PiKE < PiKE ζ₂=0)',
            lower: per(n, 'pike', avgVal),
            higher: per(n, 'pike{zeta2=0}', avgVal),
          },
        ],
        plots: {
          'claim3-loss': [lossPanel(n, ['mix', 'pike', 'pike{zeta2=0}'], 'noisy')],
          'claim3-weights': weightPanels(n, ['pike', 'pike{zeta2=0}']),
        },
        summary: (v) => `The variance term on the noisy preset: ${v}.`,
      };
    },
  },
  {
    n: 4,
    title:
      'Balanced-PiKE (τ ∈ {1, 3, 5}) narrows the gap between the best and the worst task at a small cost in average loss.',
    paper:
      'Balanced-PiKE on the tilted loss, τ ∈ {1, 3, 5}: τ = 3 the best trade-off, τ = 5 the most balanced',
    experiments: ['multilingual'],
    build: (r) => {
      const m = r.multilingual;
      const taus = [1, 3, 5].map((t) => `balanced-pike{tau=${t}}`);
      const gap = (x: RunResult) => {
        const v = Object.values(x.final.valLoss);
        return Math.max(...v) - Math.min(...v);
      };
      return {
        body: table(
          ['mixer', 'worst task val loss', 'best–worst gap', 'final avg val loss'],
          ['pike', ...taus].map((x) => [
            x,
            fmt(per(m, x, worstVal)),
            fmt(per(m, x, gap)),
            fmt(per(m, x, avgVal)),
          ]),
        ),
        comparisons: taus.map((t) => ({
          label: `${t} has a lower worst-task loss than PiKE`,
          lower: per(m, t, worstVal),
          higher: per(m, 'pike', worstVal),
        })),
        plots: {
          'claim4-loss': [lossPanel(m, ['pike', ...taus], 'multilingual')],
          'claim4-weights': weightPanels(m, ['pike', taus[2]]),
        },
        summary: (v) => `Balanced-PiKE's worst task vs PiKE's: ${v}.`,
      };
    },
  },
  {
    n: 5,
    title:
      'Task gradients rarely conflict in multilingual data (PiKE’s premise), unlike a task built to conflict.',
    paper:
      'the title’s premise: in multilingual and multi-domain pre-training task-gradient cosines are rarely negative',
    experiments: ['conflict-multilingual', 'conflict-imbalanced', 'conflict-conflict'],
    build: (r) => {
      const share = (id: string) => per(r[id], 'mix', (x) => x.conflict?.negativeShare ?? NaN);
      const cos = (id: string) => per(r[id], 'mix', (x) => x.conflict?.meanCosine ?? NaN);
      // Per run, the pair of tasks whose mean cosine is the smallest (the most conflicting).
      const worst = (id: string) =>
        per(r[id], 'mix', (x) => mostConflicting(x.conflict)?.meanCosine ?? NaN);
      const worstName = (id: string) => {
        const names = new Set(
          runsOf(r[id], 'mix').map((x) => mostConflicting(x.conflict)?.tasks.join(' × ') ?? '?'),
        );
        return [...names].join(' / ');
      };
      const ids = ['conflict-multilingual', 'conflict-imbalanced', 'conflict-conflict'];
      const langs = ['multilingual', 'imbalanced'];
      return {
        body: table(
          [
            'preset (Mix, statistics every steps/8)',
            'share of negative cosines',
            'mean cosine',
            'most conflicting pair',
            'its mean cosine',
          ],
          ids.map((id) => [
            id.replace('conflict-', ''),
            fmt(share(id)),
            fmt(cos(id)),
            worstName(id),
            fmt(worst(id)),
          ]),
        ),
        comparisons: [
          ...langs.map((p) => ({
            label: `${p} has a smaller share of negative cosines than conflict`,
            lower: share(`conflict-${p}`),
            higher: share('conflict-conflict'),
          })),
          ...langs.map((p) => ({
            label: `conflict's most conflicting pair has a lower mean cosine than ${p}'s`,
            lower: worst('conflict-conflict'),
            higher: worst(`conflict-${p}`),
          })),
        ],
        plots: {},
        summary: (v) => `Low conflict on the language presets against the conflict preset: ${v}.`,
      };
    },
  },
  {
    n: 6,
    title:
      'On a task that is learned early, PiKE moves weight away from it as its gradient norm falls, and that pays.',
    paper:
      'a consequence of Algorithm 1’s gradient term ζ₁‖∇L_k‖² (weights follow the gradient norms during training), tested here on a task built to saturate',
    experiments: ['saturating'],
    build: (r) => {
      const s = r.saturating;
      const copy = s.config.tasks.indexOf('copy');
      return {
        body: table(
          [
            'mixer',
            'final weight of copy',
            'final avg val loss',
            'copy val loss',
            'worst task val loss',
          ],
          ['mix', 'pike'].map((m) => [
            m,
            fmt(per(s, m, weightOf(copy, 'final'))),
            fmt(per(s, m, avgVal)),
            fmt(per(s, m, (x) => x.final.valLoss.copy)),
            fmt(per(s, m, worstVal)),
          ]),
        ),
        comparisons: [
          {
            label: 'PiKE’s final weight of copy < 1/3 (Mix’s)',
            lower: per(s, 'pike', weightOf(copy, 'final')),
            higher: 1 / 3,
          },
          {
            label: 'PiKE < Mix (final avg val loss)',
            lower: per(s, 'pike', avgVal),
            higher: per(s, 'mix', avgVal),
          },
        ],
        plots: {
          'claim6-loss': [lossPanel(s, ['mix', 'pike'], 'saturating')],
          'claim6-weights': weightPanels(s, ['pike']),
        },
        summary: (v) => `PiKE on the saturating preset: ${v}.`,
      };
    },
  },
  {
    n: 7,
    title: 'PiKE’s overhead over Mix is small (here: under 10% per step).',
    paper: 'the abstract: “negligible computational overhead” (two scalars per task)',
    experiments: ['multilingual'],
    build: (r) => {
      const m = r.multilingual;
      const mix = per(m, 'mix', (x) => x.msPerStep);
      const ratio = per(m, 'pike', (x) => x.msPerStep).map((p, i) => p / mix[i]);
      return {
        body:
          table(
            ['mixer', 'ms/step', 'ratio to Mix (same seed)'],
            [
              ['mix', fmt(mix, 1), '1'],
              [
                'pike',
                fmt(
                  per(m, 'pike', (x) => x.msPerStep),
                  1,
                ),
                fmt(ratio),
              ],
            ],
          ) +
          '\n\nThe runs train in parallel processes, so these times are noisy; `npm run bench` measures the ratio in one process (README, Figures).',
        comparisons: [{ label: 'PiKE/Mix ms-per-step ratio < 1.10', lower: ratio, higher: 1.1 }],
        plots: {},
        summary: (v) => `PiKE's overhead under 10%: ${v}.`,
      };
    },
  },
  {
    n: 8,
    title: 'PiKE ends with a lower average validation loss than FAMO, ODM, DoReMi and ADO.',
    paper:
      'the GLaM six-domain experiments: PiKE beats DoReMi, ADO and FAMO in average downstream accuracy (ODM is added here as a fifth adaptive baseline)',
    experiments: ['multilingual'],
    build: pikeBelow(
      8,
      ['famo', 'odm', 'doremi', 'ado'],
      ['famo', 'odm', 'ado'],
      (v) => `PiKE vs FAMO, ODM, DoReMi, ADO: ${v}.`,
    ),
  },
  ...NEXT_METHOD_CLAIMS,
];

/** Every claim's report from the experiments' results. */
export function buildReports(results: ResultsById): ClaimReport[] {
  return CLAIMS.map((c) => buildReport(c, results));
}
