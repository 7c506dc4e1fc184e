import { describe, expect, it } from 'vitest';
import { presetConfig } from '../../src/core/config/presets';
import { validateConfig } from '../../src/core/config/validate';
import type { PikeUpdateDetail, Sample } from '../../src/core/types';
import {
  createMetrics,
  ingestEval,
  ingestMetrics,
  ingestMixerUpdate,
  ingestSamples,
  ingestStats,
  type MetricsBuffers,
} from '../../src/store/metrics';
import { metricsFromRunFile, metricsUpTo, samplesUpTo } from '../../src/store/replay';
import {
  buildRunFile,
  MAX_IMPORT_BYTES,
  parseRunFileJson,
  type RunFile,
} from '../../src/store/run-file';
import { createAppStore } from '../../src/store/store';
import { fakeClient } from './helpers/fake-client';
import { gradStatsOf } from './helpers/grad-stats';
import { metricsBatch } from './helpers/metrics-batch';

const sample = (k: number, step: number, chars = 24): Sample => ({
  task: `t${k}`,
  kind: 'language',
  prompt: `prompt ${k} at ${step} `.padEnd(chars, 'p'),
  output: `out ${k}`.padEnd(chars, 'o'),
});

const update = (step: number, K: number): PikeUpdateDetail => {
  const v = Array.from({ length: K }, (_, k) => (k + 1) / (step + 1));
  return {
    step,
    gradNormSq: v,
    variance: v,
    gradTerm: v,
    varianceTerm: v.map((x) => -x),
    exponent: v,
    before: v.map(() => 1 / K),
    after: v.map(() => 1 / K),
  };
};

/** A run of `steps` steps: metrics every step, eval every 10, stats every 10, PiKE every 50. */
function run(steps: number, K: number, chars = 24): MetricsBuffers {
  const m = createMetrics(K);
  for (let s = 1; s <= steps; s += 100) {
    const batch = Array.from({ length: Math.min(100, steps - s + 1) }, (_, i) => s + i);
    ingestMetrics(
      m,
      metricsBatch(batch, K, (step, k) => 3 - step / (steps + 1) + k / 10),
    );
    for (const step of batch) {
      if (step % 10 === 0) {
        ingestEval(m, {
          step,
          valLoss: Array.from({ length: K }, (_, k) => 3 - step / steps + k),
          accuracy: Array.from({ length: K }, () => NaN),
        } as never);
        const g = Array.from({ length: K }, (_, k) => 1 + k);
        const cos = Array.from({ length: K * K }, (_, i) =>
          i % (K + 1) === 0 ? 1 : Math.sin(step + i) / 2,
        );
        ingestStats(m, gradStatsOf(step, g, g, cos));
      }
      if (step % 50 === 0) ingestMixerUpdate(m, update(step, K));
      if (step % 100 === 0)
        ingestSamples(
          m,
          step,
          Array.from({ length: K }, (_, k) => sample(k, step, chars)),
        );
    }
  }
  return m;
}

/** The multilingual preset's setup, validated (a RunConfig). */
function multilingual() {
  const v = validateConfig(presetConfig('multilingual'));
  if (!v.ok) throw new Error(v.message);
  return v.config;
}

function fileOf(m: MetricsBuffers, K = 3): RunFile {
  const config = multilingual();
  const labels = Array.from({ length: K }, (_, k) => `task ${k}`);
  const json = JSON.parse(JSON.stringify(buildRunFile(config, 'multilingual', labels, 300, m)));
  const parsed = parseRunFileJson(json);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.file;
}

describe('replay of a run file', () => {
  it('a version 2 file carries every chart’s history and reads back the same', () => {
    const m = run(300, 3);
    const back = metricsFromRunFile(fileOf(m));
    for (const t of ['train', 'trainSmooth', 'weights', 'val', 'gradNormSq', 'variance'] as const) {
      expect(back[t].x, t).toEqual(m[t].x);
      for (let k = 0; k < 3; k++)
        back[t].col(k).forEach((v, i) => expect(v).toBeCloseTo(m[t].col(k)[i], 5));
    }
    expect(back.conflict.map((f) => f.step)).toEqual(m.conflict.map((f) => f.step));
    back.conflict.forEach((f, i) =>
      f.cosine.forEach((c, j) => expect(Math.abs(c - m.conflict[i].cosine[j])).toBeLessThan(1e-4)),
    );
    expect(back.updates).toEqual(m.updates);
    expect(back.lastUpdate).toEqual(m.lastUpdate);
    expect(back.samples).toEqual(m.samples);
    expect(back.lastStep).toBe(300);
  });

  it('the history at a step holds exactly what was recorded by then', () => {
    const source = metricsFromRunFile(fileOf(run(300, 3)));
    for (const step of [0, 1, 55, 150, 300]) {
      const v = metricsUpTo(source, step, 7);
      expect(v.train.x).toEqual(source.train.x.filter((x) => x <= step));
      expect(v.val.x).toEqual(source.val.x.filter((x) => x <= step));
      expect(v.conflict.map((f) => f.step)).toEqual(
        source.conflict.filter((f) => f.step <= step).map((f) => f.step),
      );
      expect(v.lastUpdate?.step ?? null).toBe(step >= 50 ? Math.floor(step / 50) * 50 : null);
      expect(v.lastStep).toBe(step);
      expect(v.rev).toEqual({ steps: 7, eval: 7, stats: 7 });
      expect(samplesUpTo(source, step).map((r) => r.step)).toEqual(
        [100, 200, 300].filter((s) => s <= step).slice(-2),
      );
    }
    // The source itself is untouched.
    expect(source.train.x.length).toBe(300);
  });

  it('a 20,000-step run of 16 tasks fits the import size guard and parses back', () => {
    const m = run(20_000, 16, 64);
    const config = multilingual();
    const text = JSON.stringify(
      buildRunFile(
        config,
        'multilingual',
        Array.from({ length: 16 }, (_, k) => `t${k}`),
        20_000,
        m,
      ),
    );
    expect(text.length).toBeLessThan(MAX_IMPORT_BYTES / 2);
    // The config has 3 tasks: the file's 16 columns are refused by name, not by size.
    expect(parseRunFileJson(JSON.parse(text))).toMatchObject({ ok: false });
    expect(m.conflict.length).toBeLessThanOrEqual(400);
    expect(m.samples.length).toBeLessThanOrEqual(100);
  });

  it('importing a run file replays it: seek, play, Space, no training; back to training', () => {
    const { client, sent } = fakeClient();
    const store = createAppStore({ createClient: () => client, setTimer: () => {} });
    const a = () => store.getState().actions;
    a().boot({ hash: '', search: '' });
    const file = buildRunFile(multilingual(), 'multilingual', ['en', 'hi', 'de'], 300, run(300, 3));
    expect(a().importRunFile(JSON.stringify(file))).toBe(true);
    const r = () => store.getState().replay!;
    expect(r()).toMatchObject({ step: 0, last: 300, playing: true });
    expect(r().title).toContain('multilingual');
    a().replaySeek(155);
    expect(r().view.train.lastX).toBe(155);
    expect(r().view.val.lastX).toBe(150);
    a().replaySeek(1e9);
    expect(r().step).toBe(300);
    a().replayPlay(false);
    a().replayPlay(true); // at the end: starts over
    expect([r().step, r().playing]).toEqual([0, true]);
    a().toggleTrain(); // Space pauses the replay, and trains nothing
    expect(r().playing).toBe(false);
    const starts = sent.filter((m) => m.type === 'start').length;
    a().train();
    a().stepOnce();
    expect(sent.filter((m) => m.type === 'start' || m.type === 'step').length).toBe(starts);
    a().exitReplay();
    expect(store.getState().replay).toBeNull();
  });

  it('a version 1 file (curves only) still replays its curves', () => {
    const file = buildRunFile(multilingual(), 'multilingual', ['en', 'hi', 'de'], 300, run(300, 3));
    const v1 = { ...file, version: 1 } as Record<string, unknown>;
    for (const k of ['conflict', 'updates', 'samples']) delete v1[k];
    const curves = { ...(v1.curves as Record<string, unknown>) };
    for (const k of ['trainSmooth', 'gradNormSqSE', 'varianceSE']) delete curves[k];
    v1.curves = curves;
    const parsed = parseRunFileJson(JSON.parse(JSON.stringify(v1)));
    expect(parsed.ok).toBe(true);
    const m = metricsFromRunFile((parsed as { file: RunFile }).file);
    expect(m.trainSmooth.x).toEqual(m.train.x);
    expect([m.conflict.length, m.updates.length, m.samples.length]).toEqual([0, 0, 0]);
  });
});

describe('saved runs replay', () => {
  it('Save run keeps the run file; ▶ replays it; a run without one says why', () => {
    const { client } = fakeClient();
    const store = createAppStore({ createClient: () => client, setTimer: () => {} });
    const a = () => store.getState().actions;
    a().boot({ hash: '', search: '' });
    const m = store.getState().metrics;
    for (const [k, v] of Object.entries(run(120, 3)))
      (m as unknown as Record<string, unknown>)[k] = v;
    a().saveRun();
    const saved = store.getState().savedRuns;
    expect(saved).toHaveLength(1);
    expect(saved[0].file).toMatchObject({ version: 2 });
    a().replaySavedRun(saved[0].id);
    expect(store.getState().replay).toMatchObject({ step: 0, last: 120 });
    a().exitReplay();
    store.setState({ savedRuns: [{ ...saved[0], id: 99, file: undefined }] });
    a().replaySavedRun(99);
    expect(store.getState().replay).toBeNull();
    expect(store.getState().error?.message).toContain('saved without its history');
  });
});
