import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  inspectWebGpu,
  softwareWebGlReason,
  softwareWebGpuReason,
} from '../../src/worker/backend-detect';
import {
  measureCandidates,
  pickFastest,
  ProbeDivergedError,
  ProbeOpenError,
  type MeasureOptions,
  type ProbeRun,
} from '../../src/worker/measure';
import type { BackendName } from '../../src/core/protocol';

interface FakeBackend {
  stepMs: number;
  warmUpMs?: number;
  buildMs?: number;
  /** Throws from open: the backend does not start / the model does not build. */
  openError?: ProbeOpenError;
  /** The sync after this many steps (warm-up included) throws a divergence. */
  divergeAfter?: number;
}

/** measureCandidates on a fake clock: each step advances it by the backend's step time. */
async function run(
  backends: Partial<Record<BackendName, FakeBackend>>,
  o: Partial<MeasureOptions> = {},
) {
  let t = 0;
  const steps: Record<string, number> = {};
  const disposed: string[] = [];
  const open = async (name: BackendName): Promise<ProbeRun> => {
    const b = backends[name]!;
    if (b.openError) throw b.openError;
    t += b.buildMs ?? 0;
    steps[name] = 0;
    return {
      step: async () => {
        t += steps[name] === 0 ? (b.warmUpMs ?? b.stepMs) : b.stepMs;
        steps[name] += 1;
      },
      sync: async () => {
        if (b.divergeAfter !== undefined && steps[name] >= b.divergeAfter) {
          throw new ProbeDivergedError(`loss NaN at step ${steps[name]}`);
        }
      },
      dispose: () => void disposed.push(name),
    };
  };
  const names = Object.keys(backends) as BackendName[];
  const results = await measureCandidates(names, {
    budgetMs: 3000,
    soloMs: 500,
    slowerFactor: 1.5,
    tokensPerStep: 1000,
    now: () => t,
    open,
    ...o,
  });
  return { results, elapsed: t, steps, disposed };
}

describe('measuring backends', () => {
  it('picks the fastest, stops a clearly slower one early, and stays near the budget', async () => {
    const { results, elapsed, steps, disposed } = await run({
      webgpu: { stepMs: 20, warmUpMs: 900 },
      wasm: { stepMs: 100 },
    });
    const pick = pickFastest(results);
    expect(pick).toEqual({ ok: true, name: 'webgpu' });
    const [gpu, wasm] = results;
    expect(gpu.tokensPerSec).toBeCloseTo(1000 / 0.02, 0); // warm-up excluded from the timing
    expect(wasm.tokensPerSec).toBeCloseTo(10_000, 0);
    expect(wasm.note).toMatch(/stopped early/);
    expect(steps.wasm).toBeLessThanOrEqual(3); // warm-up + one timed step
    expect(elapsed).toBeLessThanOrEqual(3000 + 100);
    expect(disposed).toEqual(['webgpu', 'wasm']);
  });

  it('shares the budget: a slow warm-up eats its own slice, not the next candidate’s', async () => {
    const { results, elapsed } = await run({
      webgpu: { stepMs: 300, warmUpMs: 2000 },
      webgl: { stepMs: 200 },
      wasm: { stepMs: 50 },
    });
    expect(results.map((m) => m.timedSteps)).toEqual([1, expect.any(Number), expect.any(Number)]);
    expect(results[2].timedSteps).toBeGreaterThanOrEqual(4); // what the others left
    expect(pickFastest(results)).toEqual({ ok: true, name: 'wasm' });
    expect(elapsed).toBeLessThan(3000 + 300 + 200);
  });

  it('times a lone candidate only briefly', async () => {
    const { results, elapsed } = await run({ wasm: { stepMs: 50, buildMs: 100 } });
    expect(results[0].tokensPerSec).toBeCloseTo(20_000, 0);
    expect(elapsed).toBeLessThanOrEqual(100 + 50 + 500 + 50);
  });

  it('drops a candidate that does not start or whose losses turn NaN, with the reason', async () => {
    const { results } = await run({
      webgpu: { stepMs: 10, openError: new ProbeOpenError('start', 'no adapter') },
      webgl: { stepMs: 5, divergeAfter: 2 },
      wasm: { stepMs: 100 },
    });
    expect(results[0]).toMatchObject({ failed: 'start', note: 'failed to start: no adapter' });
    expect(results[1]).toMatchObject({ failed: 'train', diverged: true });
    expect(results[1].note).toMatch(/NaN/);
    expect(pickFastest(results)).toEqual({ ok: true, name: 'wasm' });
  });

  it('a model that diverges everywhere is the model’s fault: the fastest is still used', async () => {
    const { results } = await run({
      webgpu: { stepMs: 10, divergeAfter: 3 },
      wasm: { stepMs: 100, divergeAfter: 3 },
    });
    const pick = pickFastest(results);
    expect(pick).toMatchObject({
      ok: true,
      name: 'webgpu',
      note: expect.stringMatching(/diverged/),
    });
  });

  it('the same build failure everywhere is a setup problem; mixed failures name every backend', async () => {
    const bad = new ProbeOpenError('build', 'unknown UDHR code "xx"');
    const same = await run({
      webgpu: { stepMs: 1, openError: bad },
      wasm: { stepMs: 1, openError: bad },
    });
    expect(pickFastest(same.results)).toEqual({
      ok: false,
      configProblem: true,
      message: 'unknown UDHR code "xx"',
    });
    const mixed = await run({
      webgpu: { stepMs: 1, openError: new ProbeOpenError('start', 'no adapter') },
      wasm: { stepMs: 1, openError: new ProbeOpenError('start', 'no wasm') },
    });
    const pick = pickFastest(mixed.results);
    expect(pick.ok).toBe(false);
    if (!pick.ok) {
      expect(pick.configProblem).toBe(false);
      expect(pick.message).toMatch(
        /webgpu: failed to start: no adapter; wasm: failed to start: no wasm/,
      );
    }
  });
});

describe('software adapters', () => {
  it('recognises SwiftShader WebGPU adapters by flag, architecture, vendor or description', () => {
    const swift = { vendor: 'google', architecture: 'swiftshader', isFallbackAdapter: true };
    expect(softwareWebGpuReason(swift)).toMatch(/software WebGPU adapter \(google swiftshader\)/);
    expect(softwareWebGpuReason({ architecture: 'swiftshader' })).toMatch(/SwiftShader/);
    expect(softwareWebGpuReason({ description: 'SwiftShader Device (Subzero)' })).toBeDefined();
    expect(softwareWebGpuReason({ vendor: 'nvidia' }, true)).toMatch(/fallback adapter/);
    expect(softwareWebGpuReason({ vendor: 'nvidia', architecture: 'ampere' })).toBeUndefined();
    expect(softwareWebGpuReason({ vendor: 'apple', architecture: 'metal-3' })).toBeUndefined();
  });

  it('recognises software WebGL renderers', () => {
    const angleSwift =
      'ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero) (0x0000C0DE)), SwiftShader driver)';
    expect(softwareWebGlReason(angleSwift)).toMatch(/software WebGL renderer/);
    expect(softwareWebGlReason('llvmpipe (LLVM 15.0.7, 256 bits)')).toMatch(/llvmpipe/);
    expect(softwareWebGlReason('Software Rasterizer')).toBeDefined();
    expect(softwareWebGlReason('ANGLE (Microsoft, Microsoft Basic Render Driver)')).toBeDefined();
    expect(
      softwareWebGlReason('ANGLE (NVIDIA, NVIDIA GeForce RTX 3080 Direct3D11)'),
    ).toBeUndefined();
    expect(softwareWebGlReason('Mesa Intel(R) UHD Graphics 620 (KBL GT2)')).toBeUndefined();
  });
});

describe('looking at the WebGPU adapter', () => {
  afterEach(() => vi.unstubAllGlobals());
  const withAdapter = (requestAdapter: () => Promise<unknown>) =>
    vi.stubGlobal('navigator', { gpu: { requestAdapter } });

  it('skips webgpu with a reason when there is none, none answers, or it is SwiftShader', async () => {
    vi.stubGlobal('navigator', {});
    expect((await inspectWebGpu()).skip).toMatch(/navigator.gpu is missing/);
    withAdapter(async () => null);
    expect((await inspectWebGpu()).skip).toBe('no WebGPU adapter is available');
    withAdapter(() => new Promise(() => {})); // a stuck GPU process
    expect((await inspectWebGpu(20)).skip).toMatch(/did not answer within 0.02 s/);
    withAdapter(async () => ({ info: { vendor: 'google', architecture: 'swiftshader' } }));
    expect(await inspectWebGpu()).toMatchObject({
      software: true,
      description: 'google swiftshader',
    });
  });

  it('keeps a hardware adapter as a candidate, with its description', async () => {
    withAdapter(async () => ({ info: { vendor: 'nvidia', architecture: 'hopper' } }));
    expect(await inspectWebGpu()).toEqual({ description: 'nvidia hopper' });
  });
});
