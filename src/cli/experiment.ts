/**
 * npm run experiment -- (--preset NAME | --tasks SPEC,... | --setup FILE) --mixers SPEC,...
 *   [--reference MIXER] [--steps N] [--seeds S] [--backend wasm|cpu] [--out DIR] [--jobs J]
 *   [--shard I/N]
 * npm run experiment -- merge DIR... [--out DIR]
 * Trains every mixer variant with every seed on the same tasks (in J processes, see jobs.ts),
 * prints a summary table and writes DIR/results.json and DIR/curves.csv. `--shard I/N` trains
 * the I-th of N slices of the grid (for a batch scheduler); `merge` joins the shards' results.
 * Bad arguments: a message and exit code 2, before any training; a run that fails: a message
 * naming it and exit code 1.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { presetConfig } from '../core/config/presets';
import { parseRunConfig, type RunConfigInput } from '../core/config/run-config';
import { formatBraceSpec } from '../core/config/spec';
import { defaultKnobs, MIXERS } from '../core/mixers/registry';
import { parseTaskSpec } from '../core/tasks/catalogue';
import type { CorpusLoader } from '../core/tasks/corpus';
import { createFsCorpusLoader } from '../core/tasks/corpus-node';
import { resolveUdhrCode } from '../core/tasks/language';
import { loadOwnText } from '../core/tasks/own-text';
import { parseRunFileJson, RUN_FILE_FORMAT } from '../store/run-file';
import { validateConfig } from '../core/config/validate';
import { resultsSchema, type Results, type RunResult } from '../core/config/results-schema';
import {
  parseExperimentArgs,
  USAGE,
  UsageError,
  type ExperimentArgs,
  type MixerVariant,
} from './args';
import { jobCount, runGrid, RunFailedError } from './jobs';
import { mergeMain } from './merge';
import { referenceOf, type RunSpec } from './run-experiment';
import { conflictTable, curvesCsv, fillStepsToMix, summaryTable } from './summary';

/**
 * Throws for a udhr task whose language code is not in the corpus, or an own text the corpus
 * cannot hand over (the command line never can), checked before any run.
 */
async function checkLanguages(specs: string[], corpus: CorpusLoader): Promise<void> {
  for (const spec of specs) {
    const parsed = parseTaskSpec(spec);
    if (parsed.kind !== 'language') continue;
    if (parsed.family === 'text') await loadOwnText(corpus, parsed.hash);
    else resolveUdhrCode(parsed.code, await corpus.index());
  }
}

/** Largest setup file read (a page export with long curves is a few MB). */
const MAX_SETUP_BYTES = 50 * 1024 * 1024;

/**
 * The setup of --setup FILE: a run file exported by the page (Export JSON), through the page's
 * own importer, or a RunConfig alone, through the page's config validation. Throws UsageError.
 */
export async function loadSetup(file: string): Promise<RunConfigInput> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new UsageError(`--setup ${file}: ${(e as Error).message}`);
  }
  if (text.length > MAX_SETUP_BYTES) {
    throw new UsageError(`--setup ${file}: larger than ${MAX_SETUP_BYTES / 1024 / 1024} MB`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`--setup ${file}: not JSON (${(e as Error).message})`);
  }
  const isRunFile = typeof raw === 'object' && raw !== null && 'format' in raw;
  if (isRunFile) {
    const r = parseRunFileJson(raw);
    if (!r.ok) throw new UsageError(`--setup ${file}: ${r.message}`);
    return r.config;
  }
  const v = validateConfig(raw);
  if (!v.ok) {
    throw new UsageError(
      `--setup ${file}: neither a ${RUN_FILE_FORMAT} file nor a valid setup: ${v.message}`,
    );
  }
  return v.config;
}

function baseConfig(args: ExperimentArgs, setup: RunConfigInput | null): RunConfigInput {
  const base: RunConfigInput = setup
    ? structuredClone(setup)
    : args.preset
      ? presetConfig(args.preset as Parameters<typeof presetConfig>[0])
      : { ...presetConfig('multilingual'), tasks: args.tasks! };
  if (args.batchSize) base.batchSize = args.batchSize;
  if (args.lr) base.optimizer = { ...base.optimizer, lr: args.lr };
  return base;
}

/** The mixer variants to train: --mixers, or the setup's own mixer and knobs. */
function variantsOf(args: ExperimentArgs, base: RunConfigInput): MixerVariant[] {
  if (args.mixers) return args.mixers;
  const name = base.mixer.name;
  const all = (base.mixer.knobs ?? {}) as Record<string, number | boolean>;
  // Labelled by the knobs that differ from the mixer's defaults (a page export lists them all).
  const dflt = defaultKnobs(name);
  const knobs = Object.fromEntries(Object.entries(all).filter(([k, v]) => dflt[k] !== v));
  return [{ label: formatBraceSpec(name, knobs), name, knobs }];
}

export async function main(argv: string[]): Promise<number> {
  if (argv[0] === 'merge') return mergeMain(argv.slice(1));
  let args: ExperimentArgs;
  let base: RunConfigInput;
  let variants: MixerVariant[];
  const log = (s: string) => console.log(s);
  try {
    args = parseExperimentArgs(argv);
    base = baseConfig(args, args.setup ? await loadSetup(args.setup) : null);
    variants = variantsOf(args, base);
    const needRef = variants.filter((v) => MIXERS[v.name].usesReference);
    if (needRef.length && !args.reference && !base.mixer.reference) {
      throw new UsageError(
        `${needRef[0].label} needs a reference run: add --reference MIXER (e.g. --reference mix), ` +
          'a run of that mixer with the same seed, trained first',
      );
    }
    const ref = args.reference;
    if (ref && needRef.length && !variants.some((v) => v.label === ref.label)) {
      log(`reference ${ref.label} is not in --mixers: added to the grid`);
      variants = [...variants, ref];
    }
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`error: ${e.message}\n\n${USAGE}`);
      return 2;
    }
    throw e;
  }
  try {
    parseRunConfig(base);
  } catch (e) {
    console.error(`error: ${(e as Error).message}`);
    return 2;
  }
  const corpus = createFsCorpusLoader();
  try {
    await checkLanguages(
      base.tasks.map((t) => t.spec),
      corpus,
    );
  } catch (e) {
    console.error(`error: ${(e as Error).message}`);
    return 2;
  }
  // The serial order (seed-major, mixers in the order given); job results come back in it too.
  const firstSeed = base.seed ?? 0;
  const grid: RunSpec[] = [];
  for (let i = 0; i < args.seeds; i++) {
    for (const mixer of variants) {
      const { steps, evalEvery, knobs, statsEvery } = args;
      const window = args.conflictWindow ? { conflictWindow: args.conflictWindow } : {};
      grid.push({
        base,
        mixer,
        seed: firstSeed + i,
        steps,
        evalEvery,
        knobs,
        statsEvery,
        ...window,
      });
    }
  }
  const shard = args.shard;
  const mine = shard ? grid.filter((_, j) => j % shard.count === shard.index - 1) : grid;
  const jobs = jobCount(args.jobs, mine.length);
  log(
    `tasks: ${base.tasks.map((t) => t.spec).join(', ')}; ${args.steps} steps, ${args.seeds} seed(s), ${args.backend}` +
      (shard
        ? `; shard ${shard.index}/${shard.count}: ${mine.length} of ${grid.length} runs`
        : '') +
      (jobs > 1 ? `, ${mine.length} runs in ${jobs} jobs` : ''),
  );
  let runs: RunResult[];
  try {
    const warn = (s: string) => console.error(s);
    runs = await trainWithReferences(mine, grid, args.reference, {
      jobs: args.jobs,
      backend: args.backend,
      corpus,
      log,
      warn,
    });
  } catch (e) {
    if (!(e instanceof RunFailedError)) throw e;
    console.error(`error: ${e.message}`);
    return 1;
  }
  if (runs.length === 0) {
    console.error(
      `error: shard ${shard!.index}/${shard!.count} has no runs (the grid has ${grid.length})`,
    );
    return 2;
  }
  fillStepsToMix(runs);
  const labels = variants.map((v) => v.label);
  const results: Results = resultsSchema.parse({
    config: {
      tasks: base.tasks.map((t) => t.spec),
      mixers: labels,
      steps: args.steps,
      seeds: args.seeds,
      backend: args.backend,
      evalEvery: args.evalEvery,
      knobs: args.knobs,
      run: parseRunConfig(base),
      ...(args.reference ? { reference: args.reference.label } : {}),
      ...(shard ? { shard } : {}),
      ...(args.statsEvery > 0 ? { statsEvery: args.statsEvery } : {}),
      ...(args.conflictWindow ? { conflictWindow: args.conflictWindow } : {}),
    },
    runs,
  });
  await mkdir(args.out, { recursive: true });
  await writeFile(path.join(args.out, 'results.json'), JSON.stringify(results, null, 1));
  await writeFile(path.join(args.out, 'curves.csv'), curvesCsv(runs));
  log(`\n${summaryTable(runs, labels)}\n`);
  if (args.statsEvery > 0) log(`${conflictTable(runs, labels)}\n`);
  log(`wrote ${path.join(args.out, 'results.json')} and curves.csv`);
  return 0;
}

/**
 * Trains `mine` (the whole grid, or a shard of it). Runs that need a reference (doremi with
 * --reference) train after the others, each against the reference mixer's run of its seed;
 * when a shard lacks that run, the shard trains it too (used, not reported).
 */
async function trainWithReferences(
  mine: RunSpec[],
  grid: RunSpec[],
  reference: MixerVariant | null,
  opts: Parameters<typeof runGrid>[1],
): Promise<RunResult[]> {
  const needs = (s: RunSpec) => reference !== null && MIXERS[s.mixer.name].usesReference === true;
  const first = mine.filter((s) => !needs(s));
  const extra: RunSpec[] = [];
  for (const s of mine.filter(needs)) {
    const have = [...first, ...extra].some(
      (r) => r.seed === s.seed && r.mixer.label === reference!.label,
    );
    if (!have)
      extra.push(grid.find((r) => r.seed === s.seed && r.mixer.label === reference!.label)!);
  }
  if (extra.length) {
    opts.log(`training ${extra.length} reference run(s) this shard needs but does not report`);
  }
  const done = await runGrid([...first, ...extra], {
    ...opts,
    jobs: jobCount(opts.jobs, first.length + extra.length),
  });
  const key = (label: string, seed: number) => `${label}\u0000${seed}`;
  const byKey = new Map<string, RunResult>();
  [...first, ...extra].forEach((s, i) => byKey.set(key(s.mixer.label, s.seed), done[i]));
  const second = mine.filter(needs).map((s) => ({
    ...s,
    reference: referenceOf(byKey.get(key(reference!.label, s.seed))!, s.base),
  }));
  if (second.length) {
    const later = await runGrid(second, { ...opts, jobs: jobCount(opts.jobs, second.length) });
    second.forEach((s, i) => byKey.set(key(s.mixer.label, s.seed), later[i]));
  }
  return mine.map((s) => byKey.get(key(s.mixer.label, s.seed))!);
}

// Run when executed directly (not when imported by the tests).
if (process.argv[1] && import.meta.url.endsWith(path.basename(process.argv[1]))) {
  main(process.argv.slice(2)).then((code) => process.exit(code));
}
