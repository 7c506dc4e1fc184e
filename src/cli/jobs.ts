/**
 * Runs the (mixer, seed) grid of an experiment: in this process one run after another
 * (`--jobs 1`), or spread over N child processes (`--jobs N`), each of which sets up its own
 * wasm backend and trains whole runs with `runOne`. Results come back over IPC and are put back
 * in grid order, so results.json is the same either way apart from timing fields.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import type { CorpusLoader } from '../core/tasks/corpus';
import type { RunResult } from '../core/config/results-schema';
import type { RunSpec } from './run-experiment';

/** Parent → job process: train one run (`index` is its place in the grid), or stop. */
export type JobCommand = { type: 'run'; index: number; spec: RunSpec } | { type: 'stop' };

/** Job process → parent: backend ready, a run finished, or a run threw. */
export type JobEvent =
  | { type: 'ready' }
  | { type: 'result'; index: number; result: RunResult }
  | { type: 'failed'; index: number; message: string };

/**
 * A run that threw or whose job process died; the message names the run (mixer, seed) and the
 * job, or only the job when it died with no run under way (e.g. its backend failed to start).
 */
export class RunFailedError extends Error {
  constructor(reason: string, spec: RunSpec | null, job?: number) {
    const run = spec ? `run ${spec.mixer.label} seed ${spec.seed}` : null;
    const where = job === undefined ? '' : `job ${job}`;
    const who = run && where ? `${run} in ${where}` : (run ?? (where || 'the experiment'));
    super(`${who} failed: ${reason}`);
    this.name = 'RunFailedError';
  }
}

export interface GridOptions {
  /** Most processes to use; never more are started than there are runs. */
  jobs: number;
  backend: 'wasm' | 'cpu';
  /** Used by the in-process path only; job processes read the corpus themselves. */
  corpus: CorpusLoader;
  /** Progress lines (prefixed `[job k]` when they come from a job process). */
  log: (line: string) => void;
  /** A job process's stderr, prefixed the same way. */
  warn: (line: string) => void;
}

/** How many processes `jobs` gives for `runs` runs: min(jobs, runs), at least 1. */
export function jobCount(jobs: number, runs: number): number {
  return Math.max(1, Math.min(jobs, runs));
}

/**
 * Trains every spec and returns the results in the order of `specs`. One process: in this
 * process, in order (the serial path). More: forked job processes that each take the next
 * untrained run when they finish one, so a slow mixer does not leave a process idle.
 * Throws RunFailedError naming the first run that failed; the other job processes are killed.
 */
export async function runGrid(specs: RunSpec[], opts: GridOptions): Promise<RunResult[]> {
  return jobCount(opts.jobs, specs.length) === 1 ? runSerial(specs, opts) : runForked(specs, opts);
}

async function runSerial(specs: RunSpec[], opts: GridOptions): Promise<RunResult[]> {
  // Imported here so that the parent of forked jobs never loads tfjs or its backends.
  const { useNodeBackend } = await import('./node-backend');
  const { runOne } = await import('./run-experiment');
  await useNodeBackend(opts.backend);
  const results: RunResult[] = [];
  for (const spec of specs) {
    try {
      results.push(await runOne(spec, opts.corpus, opts.log));
    } catch (e) {
      throw new RunFailedError((e as Error).message, spec);
    }
  }
  return results;
}

/**
 * Node flags for a job process: the parent's (under `npm run experiment` they load tsx, which
 * the child needs for job-worker.ts), plus tsx's loader when the parent runs without it
 * (e.g. under Vitest, which transforms TypeScript itself).
 */
export function jobExecArgv(parent: readonly string[] = process.execArgv): string[] {
  if (parent.some((a) => a.includes('tsx'))) return [...parent];
  const loader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  return [...parent, '--import', loader];
}

const WORKER = new URL('./job-worker.ts', import.meta.url);

function runForked(specs: RunSpec[], opts: GridOptions): Promise<RunResult[]> {
  const results: RunResult[] = new Array(specs.length);
  const children: ChildProcess[] = [];
  let next = 0;
  let open = jobCount(opts.jobs, specs.length);
  let failed = false;
  return new Promise((resolve, reject) => {
    const fail = (err: Error) => {
      if (failed) return;
      failed = true;
      for (const c of children) c.kill();
      reject(err);
    };
    const spec = (i: number | null) => (i === null ? null : specs[i]);
    const start = (job: number) => {
      const child = fork(WORKER, [opts.backend], {
        execArgv: jobExecArgv(),
        stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
        // Structured clone, not JSON: numbers (NaN included) arrive exactly as they were sent.
        serialization: 'advanced',
      });
      children.push(child);
      createInterface({ input: child.stdout! }).on('line', (s) => opts.log(`[job ${job}] ${s}`));
      createInterface({ input: child.stderr! }).on('line', (s) => opts.warn(`[job ${job}] ${s}`));
      let current: number | null = null;
      const send = (cmd: JobCommand) => child.send(cmd);
      const dispatch = () => {
        if (next < specs.length) {
          current = next++;
          send({ type: 'run', index: current, spec: specs[current] });
        } else {
          current = null;
          send({ type: 'stop' });
        }
      };
      child.on('message', (msg: JobEvent) => {
        if (failed) return;
        if (msg.type === 'ready') dispatch();
        else if (msg.type === 'result') {
          results[msg.index] = msg.result;
          dispatch();
        } else fail(new RunFailedError(msg.message, specs[msg.index], job));
      });
      child.on('error', (e) => fail(new RunFailedError(e.message, spec(current), job)));
      // 'close' comes after the child's stdout and stderr are read to the end.
      child.on('close', (code, signal) => {
        if (failed) return;
        if (code !== 0 || current !== null) {
          const how = signal ? `killed by ${signal}` : `exited with code ${code}`;
          fail(new RunFailedError(`its process ${how}`, spec(current), job));
        } else if (--open > 0) return;
        else if (next < specs.length) fail(new RunFailedError('job processes quit early', null));
        else resolve(results);
      });
    };
    for (let job = 1; job <= open; job++) start(job);
  });
}
