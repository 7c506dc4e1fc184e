/**
 * npm run experiment -- (--preset NAME | --tasks SPEC,...) --mixers NAME,... [--steps N]
 *   [--seeds S] [--backend wasm|cpu] [--out DIR] [--jobs J]
 * Trains every mixer with every seed on the same tasks (in J processes, see jobs.ts), prints a
 * summary table and writes DIR/results.json and DIR/curves.csv. Bad arguments: a message and
 * exit code 2, before any training; a run that fails: a message naming it and exit code 1.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { presetConfig } from '../engine/config/presets';
import { parseRunConfig, type RunConfigInput } from '../engine/config/run-config';
import { parseTaskSpec } from '../engine/tasks/catalogue';
import type { CorpusLoader } from '../engine/tasks/corpus';
import { createFsCorpusLoader } from '../engine/tasks/corpus-node';
import { resolveUdhrCode } from '../engine/tasks/language';
import type { MixerName } from '../engine/types';
import { parseExperimentArgs, USAGE, UsageError } from './args';
import { jobCount, runGrid, RunFailedError } from './jobs';
import { resultsSchema, type Results, type RunResult } from '../engine/config/results-schema';
import type { RunSpec } from './run-experiment';
import { curvesCsv, fillStepsToMix, summaryTable } from './summary';

/** Throws for a udhr task whose language code is not in the corpus (checked before any run). */
async function checkLanguages(specs: string[], corpus: CorpusLoader): Promise<void> {
  for (const spec of specs) {
    const parsed = parseTaskSpec(spec);
    if (parsed.kind === 'language') resolveUdhrCode(parsed.code, await corpus.index());
  }
}

export async function main(argv: string[]): Promise<number> {
  let args;
  try {
    args = parseExperimentArgs(argv);
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`error: ${e.message}\n\n${USAGE}`);
      return 2;
    }
    throw e;
  }
  const base: RunConfigInput = args.preset
    ? presetConfig(args.preset as Parameters<typeof presetConfig>[0])
    : { ...presetConfig('multilingual'), tasks: args.tasks!.map((spec) => ({ spec })) };
  if (args.batchSize) base.batchSize = args.batchSize;
  if (args.lr) base.optimizer = { ...base.optimizer, lr: args.lr };
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
  const specs: RunSpec[] = [];
  for (let seed = 0; seed < args.seeds; seed++) {
    for (const mixer of args.mixers) {
      const { steps, evalEvery, knobs } = args;
      specs.push({ base, mixer: mixer as MixerName, seed, steps, evalEvery, knobs });
    }
  }
  const log = (s: string) => console.log(s);
  const jobs = jobCount(args.jobs, specs.length);
  log(
    `tasks: ${base.tasks.map((t) => t.spec).join(', ')}; ${args.steps} steps, ${args.seeds} seed(s), ${args.backend}` +
      (jobs > 1 ? `, ${specs.length} runs in ${jobs} jobs` : ''),
  );
  let runs: RunResult[];
  try {
    const warn = (s: string) => console.error(s);
    runs = await runGrid(specs, { jobs, backend: args.backend, corpus, log, warn });
  } catch (e) {
    if (!(e instanceof RunFailedError)) throw e;
    console.error(`error: ${e.message}`);
    return 1;
  }
  fillStepsToMix(runs);
  const results: Results = resultsSchema.parse({
    config: {
      tasks: base.tasks.map((t) => t.spec),
      mixers: args.mixers,
      steps: args.steps,
      seeds: args.seeds,
      backend: args.backend,
      evalEvery: args.evalEvery,
      knobs: args.knobs,
      run: parseRunConfig(base),
    },
    runs,
  });
  await mkdir(args.out, { recursive: true });
  await writeFile(path.join(args.out, 'results.json'), JSON.stringify(results, null, 1));
  await writeFile(path.join(args.out, 'curves.csv'), curvesCsv(runs));
  log(`\n${summaryTable(runs, args.mixers)}\n`);
  log(`wrote ${path.join(args.out, 'results.json')} and curves.csv`);
  return 0;
}

// Run when executed directly (not when imported by the tests).
if (process.argv[1] && import.meta.url.endsWith(path.basename(process.argv[1]))) {
  main(process.argv.slice(2)).then((code) => process.exit(code));
}
