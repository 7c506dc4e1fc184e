/**
 * npm run experiment -- (--preset NAME | --tasks SPEC,...) --mixers NAME,... [--steps N]
 *   [--seeds S] [--backend wasm|cpu] [--out DIR]
 * Trains every mixer with every seed on the same tasks, prints a summary table and writes
 * DIR/results.json and DIR/curves.csv. Bad arguments: a message and exit code 2.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { presetConfig } from '../engine/config/presets';
import { parseRunConfig, type RunConfigInput } from '../engine/config/run-config';
import { createFsCorpusLoader } from '../engine/tasks/corpus-node';
import type { MixerName } from '../engine/types';
import { parseExperimentArgs, USAGE, UsageError } from './args';
import { useNodeBackend } from './node-backend';
import { resultsSchema, type Results, type RunResult } from './results-schema';
import { curvesCsv, fillStepsToMix, runOne, summaryTable } from './run-experiment';

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
  await useNodeBackend(args.backend);
  const corpus = createFsCorpusLoader();
  const runs: RunResult[] = [];
  const log = (s: string) => console.log(s);
  log(
    `tasks: ${base.tasks.map((t) => t.spec).join(', ')}; ${args.steps} steps, ${args.seeds} seed(s), ${args.backend}`,
  );
  try {
    for (let seed = 0; seed < args.seeds; seed++) {
      for (const mixer of args.mixers) {
        runs.push(
          await runOne(
            {
              base,
              mixer: mixer as MixerName,
              seed,
              steps: args.steps,
              evalEvery: args.evalEvery,
              knobs: args.knobs,
            },
            corpus,
            log,
          ),
        );
      }
    }
  } catch (e) {
    // Task specs are checked for syntax up front; an unknown language code surfaces here.
    console.error(`error: ${(e as Error).message}`);
    return (e as Error).name === 'TrainingDivergedError' ? 1 : 2;
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
