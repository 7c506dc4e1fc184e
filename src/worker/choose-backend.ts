/**
 * Chooses the worker's tfjs backend on the first build:
 * - forced (?backend=NAME, or a restart on a fallback): used as is, software adapter or not;
 * - remembered (the page's stored choice for this browser): used without measuring;
 * - otherwise measured: software GPU adapters are skipped with their reason, the remaining
 *   candidates (webgpu, webgl, wasm; cpu only when wasm fails) train the page's real model for
 *   a few timed steps within about 3 s (measure.ts), and the fastest wins.
 * A forced or remembered backend that fails to start falls back to measuring, with the reason.
 * Every backend start is announced (`progress.starting`/`started`) for the page's start guard
 * (client.ts); backends the guard abandoned in an earlier worker (`req.abandoned`) are not tried.
 */
import { validRunConfig, type RunConfigInput } from '../core/config/run-config';
import type { CorpusLoader } from '../core/tasks/corpus';
import { Trainer, TrainingDivergedError } from '../engine/trainer';
import { inspectWebGl, inspectWebGpu, type Inspection } from './backend-detect';
import { SetupError } from './setup-error';
import { releaseBackend, switchTo, wasmBinary, wasmThreads, wasmThreadsNote } from './backend';
import {
  DEFAULT_MEASURE,
  measureCandidates,
  pickFastest,
  ProbeDivergedError,
  ProbeOpenError,
  type Measurement,
  type ProbeRun,
} from './measure';
import {
  BACKEND_CHAIN,
  type BackendInfo,
  type BackendName,
  type BackendRequest,
  type CandidateReport,
} from '../core/protocol';

export { SetupError };

const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** What the worker tells the page while it chooses: see the file comment. */
export interface ChoiceProgress {
  measuring(message: string): void;
  starting(name: BackendName): void;
  started(name: BackendName): void;
}

/** Starts a backend between the start guard's two signals (also when it fails). */
async function start(name: BackendName, progress: ChoiceProgress): Promise<void> {
  progress.starting(name);
  try {
    await switchTo(name);
  } finally {
    progress.started(name);
  }
}

function inspect(name: BackendName): Promise<Inspection> | Inspection {
  if (name === 'webgpu') return inspectWebGpu();
  if (name === 'webgl') return inspectWebGl();
  return {};
}

/**
 * Starts `name` without measuring; returns what the badge shows about it. A forced backend may
 * be a software one; a remembered one may not (the GPU may have been blocklisted since).
 */
async function startOnly(
  name: BackendName,
  allowSoftware: boolean,
  progress: ChoiceProgress,
): Promise<Described> {
  const look = await inspect(name);
  if (look.skip && !(look.software && allowSoftware)) throw new Error(look.skip);
  await start(name, progress);
  return describe(name, look.description);
}

type Described = Pick<BackendInfo, 'adapter' | 'threads' | 'wasmBinary'>;

/** What the badge shows about the backend in use: its adapter, or wasm's binary and threads. */
async function describe(name: BackendName, adapter?: string): Promise<Described> {
  if (name !== 'wasm') return adapter ? { adapter } : {};
  const threads = wasmThreads();
  const note = wasmThreadsNote();
  return {
    wasmBinary: await wasmBinary(),
    ...(threads ? { threads } : {}),
    ...(note ? { wasmNote: note } : {}),
  };
}

/** A probe trainer for measure.ts: the real model on `name`, errors sorted by stage. */
async function openProbe(
  name: BackendName,
  config: RunConfigInput,
  corpus: CorpusLoader,
  progress: ChoiceProgress,
): Promise<ProbeRun> {
  try {
    await start(name, progress);
  } catch (e) {
    throw new ProbeOpenError('start', errorText(e));
  }
  let t: Trainer;
  try {
    t = await Trainer.create(config, corpus);
  } catch (e) {
    throw new ProbeOpenError('build', errorText(e));
  }
  const guard = async (f: () => Promise<unknown>) => {
    try {
      await f();
    } catch (e) {
      throw e instanceof TrainingDivergedError ? new ProbeDivergedError(e.message) : e;
    }
  };
  return {
    step: () => guard(() => t.trainStep()),
    sync: () => guard(() => t.flush()),
    dispose: () => t.dispose(),
  };
}

function report(m: Measurement): CandidateReport {
  return {
    name: m.name,
    ...(m.tokensPerSec && !m.failed ? { tokensPerSec: Math.round(m.tokensPerSec) } : {}),
    ...(m.note ? { note: m.note } : {}),
  };
}

/** Skips software adapters, measures the rest on the real model and switches to the fastest. */
async function measure(
  config: RunConfigInput,
  corpus: CorpusLoader,
  progress: ChoiceProgress,
  /** Backends not to try, each with why: abandoned by the start guard, or failed just now. */
  skip: readonly CandidateReport[],
  includeSoftware = false,
): Promise<BackendInfo> {
  const t0 = performance.now();
  const parsed = validRunConfig(config);
  const reports = new Map<BackendName, CandidateReport>();
  const adapters = new Map<BackendName, string>();
  const names: BackendName[] = [];
  const skipped = (name: BackendName) => skip.find((c) => c.name === name);
  for (const name of ['webgpu', 'webgl', 'wasm'] as const) {
    const no = skipped(name);
    if (no) {
      reports.set(name, no);
      continue;
    }
    const look = await inspect(name);
    if (look.description) adapters.set(name, look.description);
    if (look.skip && !(look.software && includeSoftware)) {
      reports.set(name, { name, note: `skipped: ${look.skip}` });
    } else names.push(name);
  }
  const run = (list: BackendName[]) =>
    measureCandidates(list, {
      ...DEFAULT_MEASURE,
      tokensPerStep: parsed.batchSize * parsed.model.context,
      now: () => performance.now(),
      open: (name) => openProbe(name, config, corpus, progress),
      onCandidate: (name, i, n) =>
        progress.measuring(`measuring ${name}${n > 1 ? ` (${i + 1} of ${n})` : ''}`),
    });
  const results = await run(names);
  const wasm = results.find((m) => m.name === 'wasm');
  const noCpu = skipped('cpu');
  if (noCpu) reports.set('cpu', noCpu);
  else if (!wasm || wasm.failed) results.push(...(await run(['cpu'])));
  else reports.set('cpu', { name: 'cpu', note: 'not measured: wasm works and is faster' });
  for (const m of results) reports.set(m.name, report(m));

  const pick = pickFastest(results);
  if (!pick.ok) throw pick.configProblem ? new SetupError(pick.message) : new Error(pick.message);
  if (pick.note) reports.set(pick.name, { ...reports.get(pick.name)!, note: pick.note });
  await switchTo(pick.name);
  for (const m of results) if (m.name !== pick.name) releaseBackend(m.name);
  return {
    name: pick.name,
    choice: 'measured',
    candidates: BACKEND_CHAIN.flatMap((n) => reports.get(n) ?? []),
    ...(await describe(pick.name, adapters.get(pick.name))),
    measureMs: Math.round(performance.now() - t0),
    measuredAt: new Date().toISOString(),
    ...(includeSoftware ? { includedSoftware: true } : {}),
  };
}

/**
 * The backend for this worker (see the file comment). Throws SetupError when the model cannot
 * be built anywhere, and an Error naming every candidate and why when none can train.
 */
export async function chooseBackend(
  req: BackendRequest,
  config: RunConfigInput,
  corpus: CorpusLoader,
  progress: ChoiceProgress,
): Promise<BackendInfo> {
  const wanted = req.backend ?? req.remembered?.name;
  const how = req.backend ? 'requested' : 'remembered';
  const skip = [...(req.abandoned ?? [])];
  let fallbackReason: string | undefined;
  const lost = skip.find((c) => c.name === wanted);
  if (wanted && lost) {
    fallbackReason = `${wanted} (${how}) ${lost.note}`;
  } else if (wanted) {
    try {
      const described = await startOnly(wanted, Boolean(req.backend), progress);
      if (req.backend) return { name: wanted, choice: 'forced', candidates: [], ...described };
      return {
        name: wanted,
        choice: 'remembered',
        candidates: req.remembered!.candidates,
        measuredAt: req.remembered!.measuredAt,
        ...described,
      };
    } catch (e) {
      fallbackReason = `${wanted} (${how}) failed to start: ${errorText(e)}`;
      skip.push({ name: wanted, note: 'failed to start (see above)' });
    }
  }
  const info = await measure(config, corpus, progress, skip, req.includeSoftware);
  return fallbackReason ? { ...info, fallbackReason } : info;
}
