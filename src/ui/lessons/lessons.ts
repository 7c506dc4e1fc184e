/**
 * One lesson per preset: what a learner will see while it trains (PiKE, default knobs) and why,
 * in terms of PiKE's rule, and a next experiment (a race) one click away. Written from runs of
 * each preset (the closing note of issue 9 has the numbers) and from docs/claims.md: where PiKE
 * does not win at this scale, the card says so.
 */
import type { PresetName } from '../../core/config/presets';

export interface Lesson {
  title: string;
  /** What to look for: 2–4 sentences. */
  look: string;
  next: {
    /** One sentence: what the race shows. */
    text: string;
    /** The button's label. */
    button: string;
    /** The contestants as mixer specs. */
    race: string[];
  };
}

export const LESSONS: Readonly<Record<PresetName, Lesson>> = {
  multilingual: {
    title: 'PiKE follows the largest gradients',
    look:
      'Every 50 steps PiKE shifts the batch toward the tasks whose gradients are largest. Hindi’s ' +
      'bytes are the easiest to predict (each Devanagari letter starts with the same two bytes), ' +
      'so its loss falls fastest and its gradient shrinks: watch its share drop to about 15–25% ' +
      'while English and German take the rest. The average ends close to Uniform mix’s: at this ' +
      'size the claims report finds no significant win (claim 2). DoGE scores each language by ' +
      'how its gradient lines up with all of them, its own included, so it too chases the large ' +
      'gradients, without PiKE’s noise term or floor on the score: German falls to 9–16% and ' +
      'ends about 0.4 worse than under Uniform mix (claim 10).',
    next: {
      text: 'Race PiKE against Uniform mix and DoGE from the same start and data, and read the leaderboard.',
      button: 'Race PiKE vs Uniform mix vs DoGE',
      race: ['pike', 'mix', 'doge'],
    },
  },
  algorithmic: {
    title: 'A plateau looks like a small gradient',
    look:
      'Copy and reverse of 8 letters sit on a plateau for hundreds of steps (loss near 2.9, no ' +
      'answer right), where their gradients are small; addition and modular addition start ' +
      'learning at once. PiKE reads that as “done” and gives copy and reverse about 5% each, ' +
      'the sums the rest. The average ends a little below Uniform mix’s, but copy and reverse ' +
      'get fewer chances to leave their plateau.',
    next: {
      text: 'Race PiKE against Uniform mix and watch the accuracy of each task.',
      button: 'Race PiKE vs Uniform mix',
      race: ['pike', 'mix'],
    },
  },
  conflict: {
    title: 'PiKE’s assumption, broken on purpose',
    look:
      'Blind copy and blind anti-copy see the same prompts with no task token, so no model can ' +
      'start both answers right: after 60–100 steps their cell in the conflict matrix turns ' +
      'blue (about −0.7) and stays. Their gradients never shrink, so PiKE reads them as the most ' +
      'useful tasks: the pair takes about 90% of the batch by step 400, see-sawing between the ' +
      'two, and reverse falls to about 7%. It ends no better than Uniform mix (average 1.55 ' +
      'against 1.30 over 3 seeds; reverse 0.32 against 0.04). PCGrad keeps the uniform batch and ' +
      'instead removes from each task’s gradient the part that opposes another’s: it ends at ' +
      '1.40, within the seeds’ spread of Mix (claim 9), since no update can make both answers right.',
    next: {
      text: 'Race PiKE against Uniform mix and PCGrad, which projects conflicting gradients apart.',
      button: 'Race PiKE vs Uniform mix vs PCGrad',
      race: ['pike', 'mix', 'pcgrad'],
    },
  },
  imbalanced: {
    title: 'Gradients, not data sizes',
    look:
      'English has ten times Swahili’s training text. PiKE never looks at data sizes, only at ' +
      'gradients: it first gives Swahili the most weight (about 45% at step 50), then drifts ' +
      'toward English as Swahili’s loss falls. Uniform mix ends about as well; sampling in ' +
      'proportion to data size would give Swahili only 7% of the batch.',
    next: {
      text: 'Race PiKE against Uniform mix and UniMax, which samples by data size with a cap.',
      button: 'Race PiKE vs Uniform mix vs UniMax',
      race: ['pike', 'mix', 'unimax'],
    },
  },
  similarity: {
    title: 'Shared structure is learned once',
    look:
      'Four synthetic languages share part of one grammar: 95%, 70%, 35% and 0%. The unrelated ' +
      'language keeps the largest gradient, so PiKE moves weight to it and to the 35% one (about ' +
      'two thirds of the batch together by step 300) and away from the 95% and 70% ones. The ' +
      'change shows in the weights, not in the loss: it ties Uniform mix over three seeds.',
    next: {
      text: 'Race PiKE against Uniform mix and compare the weights side by side.',
      button: 'Race PiKE vs Uniform mix',
      race: ['pike', 'mix'],
    },
  },
  noisy: {
    title: 'Noise should push weight away',
    look:
      'In “chains” every example comes from its own random source: it cannot be learned (its ' +
      'loss stays near 3.25) and its noise σ² is huge next to its ‖∇L‖². Chains’ share falls to ' +
      'about 12%, but through the gradient term: its ‖∇L‖² is 5–10 times smaller than the ' +
      'languages’, while its σ² is about theirs, so the variance term moves every task alike ' +
      '(claim 3).',
    next: {
      text: 'Race PiKE against PiKE without its variance term (ζ₂ = 0) and Uniform mix.',
      button: 'Race PiKE vs PiKE ζ₂=0 vs Mix',
      race: ['pike', 'pike{zeta2=0}', 'mix'],
    },
  },
  saturating: {
    title: 'A learned task lets go of the batch',
    look:
      'Copying 4 letters is learned within about 150 steps; its gradient then nearly vanishes, ' +
      'so PiKE hands its share to the languages: copy falls to about 10% and German, the ' +
      'hardest, rises to about two thirds. German ends better than under Uniform mix, the ' +
      'average about the same (claim 6).',
    next: {
      text: 'Race PiKE, Uniform mix and Balanced-PiKE (τ = 1), which aims at the worst task.',
      button: 'Race PiKE vs Mix vs Balanced-PiKE',
      race: ['pike', 'mix', 'balanced-pike'],
    },
  },
};
