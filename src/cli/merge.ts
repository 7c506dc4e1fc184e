/**
 * npm run experiment -- merge DIR... [--out DIR]: joins the results.json of the shards of one
 * experiment (`--shard I/N`, run anywhere) into one results.json and curves.csv, and prints the
 * table. The shards must come from the same command (same config apart from the shard), and
 * together hold every (mixer, seed) of the grid exactly once; otherwise it says what differs,
 * what is missing or what is doubled, and exits 1 (2 for bad arguments).
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { resultsSchema, type Results, type RunResult } from '../core/config/results-schema';
import { formatZodError } from '../core/config/run-config';
import { conflictTable, curvesCsv, fillStepsToMix, summaryTable } from './summary';

const MERGE_USAGE = 'usage: npm run experiment -- merge DIR DIR ... [--out DIR=experiments/merged]';

/** Reads DIR/results.json (or a .json path itself). Throws an Error naming the file. */
async function readResults(where: string): Promise<Results> {
  const file = where.endsWith('.json') ? where : path.join(where, 'results.json');
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(file, 'utf8'));
  } catch (e) {
    throw new Error(`${file}: ${(e as Error).message}`, { cause: e });
  }
  const r = resultsSchema.safeParse(raw);
  if (!r.success) throw new Error(`${file}: not a results.json: ${formatZodError(r.error)}`);
  return r.data;
}

/** The config without its shard, as a stable string, for comparing shards. */
function sameExperiment(c: Results['config']): string {
  const rest: Record<string, unknown> = { ...c };
  delete rest.shard;
  return JSON.stringify(rest);
}

/** Joins shards; throws an Error saying what does not fit. */
export function mergeResults(parts: Results[]): Results {
  const first = parts[0];
  const want = sameExperiment(first.config);
  parts.forEach((p, i) => {
    if (sameExperiment(p.config) === want) return;
    const a = first.config as Record<string, unknown>;
    const b = p.config as Record<string, unknown>;
    const diff = Object.keys({ ...a, ...b }).filter(
      (k) => k !== 'shard' && JSON.stringify(a[k]) !== JSON.stringify(b[k]),
    );
    throw new Error(
      `input ${i + 1} is from another experiment (config differs in: ${diff.join(', ')})`,
    );
  });
  const key = (r: Pick<RunResult, 'mixer' | 'seed'>) => `${r.mixer} seed ${r.seed}`;
  const runs = new Map<string, RunResult>();
  for (const p of parts) {
    for (const r of p.runs) {
      if (runs.has(key(r))) throw new Error(`${key(r)} is in more than one input`);
      runs.set(key(r), r);
    }
  }
  const firstSeed = Number((first.config.run as { seed?: number }).seed ?? 0);
  const ordered: RunResult[] = [];
  const missing: string[] = [];
  for (let i = 0; i < first.config.seeds; i++) {
    for (const mixer of first.config.mixers) {
      const r = runs.get(key({ mixer, seed: firstSeed + i }));
      if (r) ordered.push(r);
      else missing.push(key({ mixer, seed: firstSeed + i }));
    }
  }
  if (missing.length) {
    throw new Error(`the inputs lack ${missing.length} run(s): ${missing.join(', ')}`);
  }
  if (ordered.length !== runs.size) throw new Error('the inputs hold runs outside the grid');
  // Steps to Mix's final loss compare runs of one seed, which may come from different shards.
  for (const r of ordered) r.stepsToMixFinal = null;
  fillStepsToMix(ordered);
  const config = { ...first.config };
  delete config.shard;
  return resultsSchema.parse({ config, runs: ordered });
}

export async function mergeMain(argv: string[]): Promise<number> {
  let values;
  let positionals;
  try {
    ({ values, positionals } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: true,
      options: { out: { type: 'string' } },
    }));
  } catch (e) {
    console.error(`error: ${(e as Error).message}\n\n${MERGE_USAGE}`);
    return 2;
  }
  if (positionals.length === 0) {
    console.error(`error: merge needs the shards' output directories\n\n${MERGE_USAGE}`);
    return 2;
  }
  let merged: Results;
  try {
    merged = mergeResults(await Promise.all(positionals.map(readResults)));
  } catch (e) {
    console.error(`error: ${(e as Error).message}`);
    return 1;
  }
  const out = values.out ?? 'experiments/merged';
  await mkdir(out, { recursive: true });
  await writeFile(path.join(out, 'results.json'), JSON.stringify(merged, null, 1));
  await writeFile(path.join(out, 'curves.csv'), curvesCsv(merged.runs));
  console.log(`merged ${positionals.length} input(s): ${merged.runs.length} runs`);
  console.log(`\n${summaryTable(merged.runs, merged.config.mixers)}\n`);
  if (merged.config.statsEvery)
    console.log(`${conflictTable(merged.runs, merged.config.mixers)}\n`);
  console.log(`wrote ${path.join(out, 'results.json')} and curves.csv`);
  return 0;
}
