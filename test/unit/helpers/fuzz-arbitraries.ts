/**
 * fast-check arbitraries shared by the fuzz tests (fuzz-*.test.ts): valid run configs built from
 * the declared ranges (the RunConfig schema, the mixers' knob specs, the task catalogue's
 * difficulty knobs), and the checks every parser's answer must pass.
 */
import fc from 'fast-check';
import {
  ALGORITHM_NAMES,
  difficultySpecsFor,
  MAX_POOL_SIZE,
  UDHR_ALIASES,
} from '../../../src/core/config/catalogue';
import { PRESET_NAMES, type PresetName } from '../../../src/core/config/presets';
import type { RunConfigInput } from '../../../src/core/config/run-config';
import { formatBraceSpec } from '../../../src/core/config/spec';
import { MIXER_NAMES, MIXERS, type MixerKnobSpec } from '../../../src/core/mixers/registry';
import type { MixerName } from '../../../src/core/types';

export const SEED = 42;

/**
 * A message that reads like a crash caught and passed on rather than a checked problem: a parser
 * that answers with one of these has a hole even though it did not throw.
 */
export const INTERNAL_ERROR =
  /TypeError|RangeError|ReferenceError|SyntaxError: (?!.*JSON)|URIError|Maximum call stack|Cannot read propert|is not a function|is not iterable|undefined is not/;

/**
 * Whether `message` names `key` as a word (`T` in "T: must be ≥ 1", not in "Too big"). A link's
 * key stands alone (`length` is not named by "t1.difficulty.length"); with `inPath`, the last
 * part of a dotted path counts ("tasks.3.knobs.poolSize" names poolSize).
 */
export function names(message: string, key: string, inPath = false): boolean {
  const k = key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[^\\w${inPath ? '' : '.'}])${k}($|[^\\w])`).test(message);
}

/** Strings with every UTF-16 code unit possible, lone surrogates included. */
export const anyUnits = (maxLength = 40) =>
  fc.string({
    unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)),
    maxLength,
  });

/** Numbers a text field or a file may hold that a schema must refuse or handle. */
export const nastyNumber = fc.oneof(
  fc.constantFrom(NaN, Infinity, -Infinity, -0, 2 ** 53, -(2 ** 31), 1e-320, 0.5, 1e300),
  fc.double(),
  fc.integer({ min: -1e9, max: 1e9 }),
);

/** Any value of the wrong type or range for a knob. */
export const nastyValue = fc.oneof(
  nastyNumber,
  fc.constantFrom('', ' ', 'abc', '1e309', 'NaN', 'Infinity', '0x10', '1,5', 'true', 'false', '5'),
  fc.constantFrom(null, undefined, true, false, [], {}, [1], { a: 1 }),
  fc.string({ maxLength: 8 }),
);

const hex12 = fc.string({
  unit: fc.constantFrom(...'0123456789abcdef'.split('')),
  minLength: 12,
  maxLength: 12,
});

/** A task spec from the catalogue, own texts (`text:<12 hex>`) included. */
export const taskSpecArb: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...Object.keys(UDHR_ALIASES), 'deu_1996', 'hin').map((c) => `udhr:${c}`),
  fc
    .tuple(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 1000 }))
    .map(([seed, s]) => `markov:${seed}:${s / 1000}`),
  fc.constant('chains'),
  fc.constantFrom(...ALGORITHM_NAMES),
  fc.constantFrom(...ALGORITHM_NAMES).map((n) => `anti:${n}`),
  hex12.map((h) => `text:${h}`),
);

/** A task setup: a catalogue spec and knobs inside their ranges (difficulty on its step grid). */
export const taskSetupArb = taskSpecArb.chain((spec) => {
  const diff = difficultySpecsFor(spec);
  const difficulty = fc.record(
    Object.fromEntries(
      diff.map((d) => [
        d.name,
        fc
          .integer({ min: 0, max: Math.round((d.max - d.min) / d.step) })
          .map((k) => d.min + k * d.step),
      ]),
    ),
    { requiredKeys: [] },
  ) as fc.Arbitrary<Record<string, number>>;
  const knobs = fc.record(
    {
      poolSize: fc.integer({ min: 1, max: MAX_POOL_SIZE }),
      labelNoise: fc.double({ min: 0, max: 1, noNaN: true }),
      enabled: fc.boolean(),
      difficulty,
    },
    { requiredKeys: [] },
  );
  return fc.record({ spec: fc.constant(spec), knobs: fc.option(knobs, { nil: undefined }) });
});

/** A value inside a knob's declared range (floor at most 1/K). */
export function knobValueArb(k: MixerKnobSpec, K: number): fc.Arbitrary<number | boolean> {
  if (k.kind === 'boolean') return fc.boolean();
  const max = k.name === 'floor' ? Math.min(k.max, 1 / K) : k.max;
  if (k.kind === 'integer') return fc.integer({ min: k.min, max });
  return fc.double({ min: k.min, max, noNaN: true });
}

/** Some of a mixer's knobs, each inside its range. */
export function knobsArb(name: MixerName, K: number) {
  const specs = MIXERS[name].knobs;
  return fc.record(Object.fromEntries(specs.map((k) => [k.name, knobValueArb(k, K)])), {
    requiredKeys: [],
  });
}

/** Numbers with 4 significant digits, what a link keeps of a reference loss. */
const loss4 = fc
  .double({ min: 1e-3, max: 50, noNaN: true })
  .map((x) => Number(x.toPrecision(4)))
  .filter((x) => x > 0);

const strictlyIncreasing = (n: number) =>
  fc
    .array(fc.integer({ min: 1, max: 1000 }), { minLength: n, maxLength: n })
    .map((gaps) => gaps.reduce<number[]>((a, g) => [...a, (a.at(-1) ?? -1) + g], []));

/** A reference run of `specs` (doremi), losses with 4 significant digits. */
export function referenceArb(specs: string[]) {
  return fc.integer({ min: 1, max: 5 }).chain((n) =>
    fc.record({
      // Full unicode labels (no lone surrogates), at most 200 UTF-16 units.
      label: fc.string({ unit: 'binary', maxLength: 100 }).filter((s) => s.length <= 200),
      tasks: fc.constant(specs),
      steps: strictlyIncreasing(n),
      valLoss: fc.array(fc.array(loss4, { minLength: specs.length, maxLength: specs.length }), {
        minLength: n,
        maxLength: n,
      }),
    }),
  );
}

/** The model: every size inside the schema's ranges, width divisible by heads. */
const modelArb = fc
  .record({
    layers: fc.integer({ min: 1, max: 6 }),
    heads: fc.integer({ min: 1, max: 8 }),
    mult: fc.integer({ min: 1, max: 256 }),
    context: fc.integer({ min: 8, max: 256 }),
    dropout: fc.double({ min: 0, max: 0.5, noNaN: true }),
  })
  .map(({ heads, mult, ...m }) => {
    const lo = Math.ceil(16 / heads);
    const hi = Math.floor(256 / heads);
    return { ...m, heads, width: heads * (lo + (mult % (hi - lo + 1))) };
  });

const below1 = fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true });
const optimizerArb = fc.record({
  name: fc.constantFrom('adam' as const, 'adamw' as const, 'sgd' as const),
  lr: fc.double({ min: 1e-8, max: 10, noNaN: true }),
  warmupSteps: fc.integer({ min: 0, max: 100_000 }),
  decay: fc.constantFrom('none' as const, 'cosine' as const),
  totalSteps: fc.integer({ min: 1, max: 10_000_000 }),
  weightDecay: fc.double({ min: 0, max: 1, noNaN: true }),
  clipNorm: fc.double({ min: 0, max: 1e6, noNaN: true }),
  beta1: below1,
  beta2: below1,
  eps: fc.double({ min: 1e-12, max: 1, noNaN: true }),
});

const scheduleArb = fc.record({
  metricsEvery: fc.integer({ min: 1, max: 1000 }),
  evalEvery: fc.integer({ min: 0, max: 100_000 }),
  statsEvery: fc.integer({ min: 0, max: 100_000 }),
  probeHalf: fc.integer({ min: 1, max: 256 }),
  probeChunks: fc.integer({ min: 2, max: 64 }),
  statsWindow: fc.integer({ min: 0, max: 100 }),
});

const mixerNameArb = fc.constantFrom(...MIXER_NAMES);

/**
 * A valid config (before validateConfig fills in defaults) and a preset to encode it with: 1 to 6
 * tasks, any mixer with knobs in range, optional weights, a reference whenever doremi races or
 * mixes (sometimes also when nobody uses it), an optional race of 2 to 4 contestants.
 */
export const validConfigArb: fc.Arbitrary<{ config: RunConfigInput; preset: PresetName }> = fc
  .array(taskSetupArb, { minLength: 1, maxLength: 6 })
  .chain((tasks) => {
    const K = tasks.length;
    const specs = tasks.map((t) => t.spec);
    const contestant = mixerNameArb.chain((name) =>
      fc.record({ name: fc.constant(name), knobs: knobsArb(name, K) }),
    );
    return fc.record({
      preset: fc.constantFrom(...PRESET_NAMES),
      mixer: mixerNameArb.chain((name) =>
        fc.record({ name: fc.constant(name), knobs: knobsArb(name, K) }),
      ),
      weights: fc.option(
        fc
          .array(fc.double({ min: 0, max: 5, noNaN: true }), { minLength: K, maxLength: K })
          .filter((w) => w.some((x) => x > 0)),
        { nil: undefined },
      ),
      race: fc.option(fc.array(contestant, { minLength: 2, maxLength: 4 }), { nil: undefined }),
      reference: referenceArb(specs),
      // A reference nobody uses may be of other tasks (a stale one, from an imported file).
      staleReference: fc.option(fc.array(taskSpecArb, { minLength: 1, maxLength: 4 }), {
        nil: undefined,
      }),
      wantReference: fc.boolean(),
      model: modelArb,
      optimizer: optimizerArb,
      batchSize: fc.integer({ min: 1, max: 512 }),
      seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
      schedule: scheduleArb,
      tasks: fc.constant(tasks),
    });
  })
  .chain((c) => {
    const usesRef = [c.mixer, ...(c.race ?? [])].some((m) => MIXERS[m.name].usesReference);
    const ref = usesRef || c.wantReference ? c.reference : undefined;
    const stale = !usesRef && c.staleReference;
    const refArb = stale && c.wantReference ? referenceArb(c.staleReference!) : fc.constant(ref);
    return refArb.map((reference) => ({
      preset: c.preset,
      config: {
        tasks: c.tasks,
        mixer: {
          ...c.mixer,
          ...(c.weights ? { weights: c.weights } : {}),
          ...(reference ? { reference } : {}),
        },
        model: c.model,
        optimizer: c.optimizer,
        batchSize: c.batchSize,
        seed: c.seed,
        schedule: c.schedule,
        ...(c.race ? { race: c.race } : {}),
      },
    }));
  });

/** Text that looks like a spec: catalogue specs, with junk and brace knobs around them. */
export const specLike = fc.oneof(
  anyUnits(20),
  fc.string({ maxLength: 20 }),
  taskSpecArb,
  fc
    .tuple(taskSpecArb, fc.constantFrom(':', ':1', '{', '}', '{length=3}', ' ', ',x', ':0.5:1'))
    .map(([s, j]) => s + j),
  fc.constantFrom(
    'udhr:',
    'markov:1',
    'markov:-1:0.5',
    'markov:1:1e-3',
    'markov:99999999999:0',
    'anti:',
    'anti:anti:copy',
    'text:0123456789AB',
    'text:',
    'copy:1',
    ':',
    '',
  ),
);

/** One contestant spec as the race panel or a lesson gives it. */
export const contestantSpecArb: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...MIXER_NAMES),
  fc.constantFrom(
    'pike{zeta2=0}',
    'pike{zeta2=abc}',
    'pike{zeta2=-1}',
    'pike{T0=1.5}',
    'mix{T0=5}',
    'pike{floor=0.9}',
    'doremi',
    'balanced-pike{tau=3}',
    'pike{',
    'magic',
    '',
  ),
  fc.constantFrom(...MIXER_NAMES).chain((n) => knobsArb(n, 3).map((k) => formatBraceSpec(n, k))),
  anyUnits(12),
);
