/**
 * Times a few training steps of the page's real model on each candidate backend within one
 * time budget, and picks the fastest. Pure logic over an injected `open(name)` (the worker
 * switches tfjs to `name` and builds a probe trainer there), so it is tested in Node with fakes.
 *
 * Per candidate, in order: build, one warm-up step (shader compilation, first kernels: excluded
 * from the timing, included in the budget), then timed steps in chunks of 1, 2, 4… each ended by
 * a sync (one readback, so queued GPU work is counted), until the candidate's slice of the
 * budget ends or it is clearly slower than the best so far. The slice is what is left of the
 * budget shared evenly by the candidates left, so time one does not use goes to the next.
 * A candidate always gets its warm-up and one timed step: the bound is "about" the budget.
 */
import type { BackendName } from '../core/protocol';

/** A probe trainer on one backend. */
export interface ProbeRun {
  /** One optimizer step (on a GPU it may return before the work is done). */
  step(): Promise<void>;
  /** Waits for every queued step (a readback). Throws on non-finite losses. */
  sync(): Promise<void>;
  dispose(): void;
}

/** Thrown by a probe whose losses turned NaN or infinite (the worker wraps the engine's error). */
export class ProbeDivergedError extends Error {}

/** Thrown by `open`: the backend did not start, or the model could not be built on it. */
export class ProbeOpenError extends Error {
  constructor(
    readonly stage: 'start' | 'build',
    message: string,
  ) {
    super(message);
  }
}

export interface MeasureOptions {
  /** Whole measurement, all candidates (ms). */
  budgetMs: number;
  /** A lone candidate has nothing to beat: time it for at most this long (ms). */
  soloMs: number;
  /** Stop a candidate once its ms/step exceeds the best one's by this factor. */
  slowerFactor: number;
  tokensPerStep: number;
  now(): number;
  /** Switches to `name` and builds a probe trainer; throws if the backend cannot start. */
  open(name: BackendName): Promise<ProbeRun>;
  /** Called as each candidate starts, e.g. to tell the page "measuring wasm (1 of 2)". */
  onCandidate?(name: BackendName, index: number, count: number): void;
}

export const DEFAULT_MEASURE: Pick<MeasureOptions, 'budgetMs' | 'soloMs' | 'slowerFactor'> = {
  budgetMs: 3000, // a first visit waits about this long once; later visits use the stored choice
  soloMs: 500, // enough for a tokens/s figure in the badge
  slowerFactor: 1.5, // a 50% gap after ≥ 1 step is not noise
};

/** One candidate's result. */
export interface Measurement {
  name: BackendName;
  /** ms per step over the timed steps (or the warm-up step when none followed a divergence). */
  msPerStep?: number;
  tokensPerSec?: number;
  timedSteps: number;
  /** Where it failed, if it did: starting the backend, building the model, or training. */
  failed?: 'start' | 'build' | 'train';
  diverged?: boolean;
  note?: string;
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** Measures every candidate in order (see the file comment); never throws. */
export async function measureCandidates(
  names: readonly BackendName[],
  o: MeasureOptions,
): Promise<Measurement[]> {
  const start = o.now();
  const out: Measurement[] = [];
  let best = Infinity; // ms/step of the fastest healthy candidate so far
  for (let i = 0; i < names.length; i++) {
    const name = names[i];
    o.onCandidate?.(name, i, names.length);
    const sliceEnd = o.now() + Math.max(0, start + o.budgetMs - o.now()) / (names.length - i);
    const m = await measureOne(name, o, names.length === 1, sliceEnd, best);
    out.push(m);
    if (!m.failed && m.msPerStep !== undefined) best = Math.min(best, m.msPerStep);
  }
  return out;
}

async function measureOne(
  name: BackendName,
  o: MeasureOptions,
  solo: boolean,
  sliceEnd: number,
  best: number,
): Promise<Measurement> {
  const m: Measurement = { name, timedSteps: 0 };
  let run: ProbeRun;
  try {
    run = await o.open(name);
  } catch (e) {
    const stage = e instanceof ProbeOpenError ? e.stage : 'start';
    const what = stage === 'start' ? 'start' : 'build the model';
    return { ...m, failed: stage, note: `failed to ${what}: ${message(e)}` };
  }
  let t0 = o.now();
  try {
    await run.step();
    await run.sync();
    const warmUp = o.now() - t0;
    m.msPerStep = warmUp; // until a timed step replaces it
    t0 = o.now();
    const end = solo ? Math.min(sliceEnd, t0 + o.soloMs) : sliceEnd;
    let chunk = 1;
    for (;;) {
      for (let j = 0; j < chunk; j++) await run.step();
      await run.sync();
      m.timedSteps += chunk;
      const now = o.now();
      m.msPerStep = (now - t0) / m.timedSteps;
      if (now >= end) break;
      if (m.msPerStep > o.slowerFactor * best) {
        m.note = `stopped early: over ${o.slowerFactor}x slower than the best`;
        break;
      }
      // Double the chunk (fewer syncs), but do not run far past the end of the slice.
      chunk = Math.max(1, Math.min(chunk * 2, Math.floor((end - now) / m.msPerStep)));
    }
  } catch (e) {
    m.failed = 'train';
    if (e instanceof ProbeDivergedError) {
      m.diverged = true;
      if (m.timedSteps > 0) m.msPerStep = (o.now() - t0) / m.timedSteps;
      m.note = `its losses turned NaN or infinite: ${message(e)}`;
    } else {
      m.note = `failed while training: ${message(e)}`;
    }
  } finally {
    run.dispose();
  }
  if (m.msPerStep !== undefined && m.msPerStep > 0 && Number.isFinite(m.msPerStep)) {
    m.tokensPerSec = (o.tokensPerStep * 1000) / m.msPerStep;
  } else if (!m.failed) {
    m.failed = 'train';
    m.note = 'gave no usable timing';
  }
  return m;
}

/** The outcome of a measurement: the backend to use, or why none can be. */
export type BackendPick =
  | { ok: true; name: BackendName; note?: string }
  | { ok: false; configProblem: boolean; message: string };

/**
 * The fastest healthy candidate. When every candidate that trained diverged, the model itself
 * diverges (a learning rate of 10, say), not the backends: the fastest is used anyway and the
 * training will report the divergence as usual. When every candidate failed to build the same
 * model, the setup is the problem (`configProblem`).
 */
export function pickFastest(ms: readonly Measurement[]): BackendPick {
  const fastest = (xs: Measurement[]) =>
    xs.reduce((a, b) => ((b.tokensPerSec ?? 0) > (a.tokensPerSec ?? 0) ? b : a));
  const healthy = ms.filter((m) => !m.failed && m.tokensPerSec);
  if (healthy.length) return { ok: true, name: fastest(healthy).name };
  const diverged = ms.filter((m) => m.diverged);
  const others = ms.filter((m) => m.failed && !m.diverged && m.failed !== 'start');
  if (diverged.length && others.length === 0) {
    const timed = diverged.filter((m) => m.tokensPerSec);
    return {
      ok: true,
      name: (timed.length ? fastest(timed) : diverged[0]).name,
      note: 'the model diverged on every backend measured',
    };
  }
  const built = ms.filter((m) => m.failed !== 'start');
  const configProblem =
    built.length > 0 && built.every((m) => m.failed === 'build' && m.note === built[0].note);
  const reasons = ms.map((m) => `${m.name}: ${m.note ?? 'failed'}`).join('; ');
  return {
    ok: false,
    configProblem,
    message: configProblem
      ? (built[0].note ?? 'the model could not be built').replace(
          /^failed to build the model: /,
          '',
        )
      : ms.length
        ? `no backend could train this model (${reasons})`
        : 'no backend is available to measure',
  };
}
