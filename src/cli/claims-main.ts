/**
 * npm run claims [-- --tiny] [--out DIR] [--report FILE] [--jobs J] [--reuse]
 *
 * Runs the experiments the paper's claims need (claims/claims.ts: 3 seeds, 400 steps, each
 * experiment's seeds × mixers in J parallel processes through `npm run experiment`), then writes
 * the report: per claim the claim and its place in the paper, the exact commands, tables of
 * mean ± std over seeds, the comparisons with the verdict rule fixed in claims/verdict.ts, and
 * SVG plots. Defaults: experiments/claims/<experiment>/results.json, docs/claims.md and
 * docs/claims/*.svg. `--tiny` (CI) trains 6 steps with one seed into a temporary directory and
 * writes its report there, so the committed report is never touched by a test. `--reuse` skips
 * experiments whose results.json exists (to redo only the report).
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { resultsSchema, type Results } from '../core/config/results-schema';
import { buildReports } from './claims/claims';
import { commandOf, EXPERIMENTS, FULL, TINY, type Setting } from './claims/experiments';
import { claimsMarkdown } from './claims/report';
import { main as experimentMain } from './experiment';

export interface ClaimsOptions {
  setting: Setting;
  out: string;
  report: string;
  jobs: number;
  reuse: boolean;
  log: (s: string) => void;
}

/** Runs (or reuses) every experiment and writes the report; returns the verdict lines. */
export async function runClaims(o: ClaimsOptions): Promise<string[]> {
  const results: Record<string, Results> = {};
  const commands: Record<string, string> = {};
  for (const plan of EXPERIMENTS) {
    const dir = path.join(o.out, plan.id);
    commands[plan.id] = commandOf(plan, o.setting, dir, o.jobs);
    const file = path.join(dir, 'results.json');
    if (!(o.reuse && existsSync(file))) {
      o.log(`\n== ${plan.id}: ${commands[plan.id]}`);
      const code = await experimentMain([
        ...plan.args(o.setting),
        ...['--steps', String(o.setting.steps), '--seeds', String(o.setting.seeds)],
        ...['--eval-every', String(o.setting.evalEvery), '--jobs', String(o.jobs), '--out', dir],
      ]);
      if (code !== 0) throw new Error(`experiment ${plan.id} failed (exit ${code})`);
    }
    results[plan.id] = resultsSchema.parse(JSON.parse(await readFile(file, 'utf8')));
  }
  const reports = buildReports(results);
  const plotDir = path.join(path.dirname(o.report), path.basename(o.report, '.md'));
  await mkdir(plotDir, { recursive: true });
  for (const r of reports) {
    for (const [name, svg] of Object.entries(r.plots))
      await writeFile(path.join(plotDir, name), svg);
  }
  const header =
    'Written by `npm run claims` from a real run; rerun it to reproduce (every run is seeded; on wasm a rerun can differ in the last digits through float rounding and thread scheduling). ' +
    `Generated ${new Date().toISOString().slice(0, 10)} on a ${availableParallelism()}-core machine.`;
  await writeFile(
    o.report,
    claimsMarkdown(reports, {
      setting: o.setting,
      commands,
      plotDir: path.basename(plotDir),
      header,
    }),
  );
  const lines = reports.map((r) => `${r.n}. ${r.summary}`);
  o.log(`\nwrote ${o.report} and ${plotDir}/*.svg\n${lines.join('\n')}`);
  return lines;
}

async function cli(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      options: {
        tiny: { type: 'boolean', default: false },
        out: { type: 'string' },
        report: { type: 'string' },
        jobs: { type: 'string' },
        reuse: { type: 'boolean', default: false },
      },
    }));
  } catch (e) {
    console.error(
      `error: ${(e as Error).message}\nusage: npm run claims -- [--tiny] [--out DIR] [--report FILE] [--jobs J] [--reuse]`,
    );
    return 2;
  }
  const jobs = values.jobs === undefined ? availableParallelism() : Number(values.jobs);
  if (!(Number.isInteger(jobs) && jobs >= 1)) {
    console.error(`error: --jobs must be a positive integer, got "${values.jobs}"`);
    return 2;
  }
  const tmp = values.tiny ? path.join(tmpdir(), `pike-claims-${process.pid}`) : null;
  const out = values.out ?? (tmp ? path.join(tmp, 'runs') : 'experiments/claims');
  const report = values.report ?? (tmp ? path.join(tmp, 'claims.md') : 'docs/claims.md');
  await mkdir(path.dirname(report), { recursive: true });
  await runClaims({
    setting: values.tiny ? TINY : FULL,
    out,
    report,
    jobs,
    reuse: values.reuse ?? false,
    log: (s) => console.log(s),
  });
  return 0;
}

if (process.argv[1] && import.meta.url.endsWith(path.basename(process.argv[1]))) {
  cli(process.argv.slice(2)).then((code) => process.exit(code));
}
