/**
 * Claims 9 and 10 (issue 21): the methods a researcher races PiKE against next, with their
 * verdict rules fixed before the run (verdict.ts):
 * 9. PCGrad gives Mix's result on low-conflict data (multilingual: equal within δ = 0.05 nats)
 *    and differs from it on the conflict preset (|difference| > 2·SE). δ: Mix's final loss
 *    varies by 0.014 (SD) over seeds on multilingual; 0.05 nats is 3% of that loss and a third
 *    of Mix's lead over Round-Robin there (claim 1), so a PCGrad inside it is Mix for a reader.
 * 10. PiKE ends with a lower average validation loss than Aioli and DoGE (multilingual).
 * CAGrad is in claim 9's tables beside PCGrad but not in its verdict: the claim is PCGrad's.
 */
import { avgVal, lossPanel, mixTable, per, pikeBelow, type ClaimDef } from './report';

/** δ of claim 9's "equal" comparison (nats of final average held-out loss). */
export const SURGERY_MARGIN = 0.05;

export const NEXT_METHOD_CLAIMS: ClaimDef[] = [
  {
    n: 9,
    title:
      'PCGrad gives Mix’s result on low-conflict data and differs from it on the preset built to conflict.',
    paper:
      'PiKE’s premise (task gradients rarely conflict in multilingual data) tested with gradient surgery (Yu et al. 2020, LibMTL’s PCGrad): where gradients do not conflict PCGrad’s projections do nothing and it takes Mix’s step; this is not a claim of the PiKE paper but a consequence of its premise',
    experiments: ['multilingual', 'surgery-conflict'],
    build: (r) => {
      const ms = ['mix', 'pcgrad', 'cagrad'];
      const m = r.multilingual;
      const c = r['surgery-conflict'];
      return {
        body:
          `**multilingual** (low conflict)\n\n${mixTable(m, ms)}\n\n` +
          `**conflict** (blind:copy and blind:anti:copy share prompts and disagree on the answer)\n\n${mixTable(c, ms)}`,
        comparisons: [
          {
            label: `PCGrad = Mix within ${SURGERY_MARGIN} (final avg val loss, multilingual)`,
            lower: per(m, 'pcgrad', avgVal),
            higher: per(m, 'mix', avgVal),
            kind: 'equal',
            margin: SURGERY_MARGIN,
          },
          {
            label: 'PCGrad ≠ Mix (final avg val loss, conflict)',
            lower: per(c, 'pcgrad', avgVal),
            higher: per(c, 'mix', avgVal),
            kind: 'differs',
          },
        ],
        plots: { 'claim9-loss': [lossPanel(m, ms, 'multilingual'), lossPanel(c, ms, 'conflict')] },
        summary: (v) => `PCGrad = Mix without conflict, ≠ Mix with it: ${v}.`,
      };
    },
  },
  {
    n: 10,
    title: 'PiKE ends with a lower average validation loss than Aioli and DoGE.',
    paper:
      'not in the PiKE paper: Aioli (Chen et al., ICLR 2025) and DoGE (Fan et al., ICML 2024) are the online mixing methods a reader asks about next; both run here as online samplers (their files say what was adapted)',
    experiments: ['multilingual'],
    build: pikeBelow(
      10,
      ['aioli', 'doge'],
      ['pike', 'aioli', 'doge'],
      (v) => `PiKE vs Aioli, DoGE: ${v}.`,
    ),
  },
];
